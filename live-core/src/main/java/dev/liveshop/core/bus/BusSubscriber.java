package dev.liveshop.core.bus;

import dev.liveshop.proto.v1.RoomEvent;

/**
 * One gateway's subscription to a stream, as the bus sees it. Called only under the
 * stream's {@link RoomLog} monitor.
 */
public interface BusSubscriber {

  /** False while the subscriber's transport buffer is full (events still queue). */
  boolean isReady();

  boolean isCancelled();

  void send(RoomEvent event);

  /** Ends the subscription because the subscriber fell behind; it resubscribes and catches up. */
  void fellBehind(String reason);

  /** Ends the subscription because this live-core is shutting down; the subscriber subscribes again later. */
  void closing();
}
