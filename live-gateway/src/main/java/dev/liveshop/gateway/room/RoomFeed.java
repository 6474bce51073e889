package dev.liveshop.gateway.room;

import dev.liveshop.gateway.core.CoreClient;
import dev.liveshop.logging.WarningThrottle;
import dev.liveshop.proto.v1.RoomBusState;
import dev.liveshop.proto.v1.RoomEvent;
import dev.liveshop.proto.v1.WatchRoomRequest;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream's subscription to the room bus, kept alive: the first subscription's state
 * opens the room; events that arrive before the room is ready (or while it re-reads the
 * stream after a reset) wait in order; a lost subscription is renewed after a second
 * from the last sequence applied, and the bus either replays what was missed or says reset.
 *
 * <p>Threading: gRPC delivers one subscription's events in order on its threads; the
 * monitor orders them against {@link #attach} and resubscription. Old subscriptions'
 * late events are ignored by generation.
 */
final class RoomFeed {

  private static final Logger log = LoggerFactory.getLogger(RoomFeed.class);
  private static final long RESUBSCRIBE_MILLIS = 1000;
  /** Shared by every room: a live-core down loses each room's feed every second. */
  private static final WarningThrottle LOSSES = new WarningThrottle(Duration.ofSeconds(10));

  /** What the registry does with the feed's events. */
  interface Listener {
    /** Applies one numbered event to the room (under the feed's monitor, in order). */
    void apply(Room room, RoomEvent event);

    /** The bus lost the events after our sequence: re-read the stream, then {@link #attach} again. */
    void reset(Room room, RoomBusState state, RoomFeed feed);
  }

  private final String streamId;
  private final CoreClient core;
  private final EventExecutor scheduler;
  private final Listener listener;
  private final CompletableFuture<RoomBusState> firstState = new CompletableFuture<>();
  private final List<RoomEvent> waiting = new ArrayList<>();
  private String epoch = "";
  private long lastSeq;
  private Room room;
  private boolean holding = true;
  private int generation;
  private ClientCallStreamObserver<WatchRoomRequest> call;
  private boolean closed;
  /** Publishers waiting until this gateway's room applied their event, by sequence. */
  private final TreeMap<Long, List<CompletableFuture<Void>>> waiters = new TreeMap<>();

  RoomFeed(String streamId, CoreClient core, EventExecutor scheduler, Listener listener) {
    this.streamId = streamId;
    this.core = core;
    this.scheduler = scheduler;
    this.listener = listener;
  }

  /** Subscribes; the future completes with the bus's state (or fails if the first subscription does). */
  CompletableFuture<RoomBusState> start() {
    subscribe();
    return firstState;
  }

  /** From now on events go to {@code room}; those that waited are applied first, in order. */
  synchronized void attach(Room room) {
    this.room = room;
    holding = false;
    for (RoomEvent event : waiting) {
      listener.apply(room, event);
    }
    waiting.clear();
    releaseWaiters();
  }

  /**
   * Completes once this gateway's room has applied the event the bus numbered {@code seq}
   * in {@code busEpoch} (at once if it has, or if the bus has restarted since): what lets a
   * host's change be in force here when its HTTP call answers.
   */
  synchronized CompletableFuture<Void> applied(String busEpoch, long seq) {
    if (!busEpoch.equals(epoch) || (!holding && lastSeq >= seq)) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    waiters.computeIfAbsent(seq, k -> new ArrayList<>()).add(done);
    return done;
  }

  private void releaseWaiters() {
    while (!waiters.isEmpty() && waiters.firstKey() <= lastSeq) {
      waiters.pollFirstEntry().getValue().forEach(w -> w.complete(null));
    }
  }

  /** The room this feed applies events to (null until attached). */
  synchronized Room room() {
    return room;
  }

  synchronized void close() {
    closed = true;
    if (call != null) {
      call.cancel("gateway closing", null);
    }
  }

  private synchronized void subscribe() {
    if (closed) {
      return;
    }
    int subscription = ++generation;
    core.watchRoom(WatchRoomRequest.newBuilder().setStreamId(streamId).setBusEpoch(epoch).setAfterSeq(lastSeq).build(),
        new ClientResponseObserver<WatchRoomRequest, RoomEvent>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<WatchRoomRequest> requestStream) {
            call = requestStream;
          }

          @Override
          public void onNext(RoomEvent event) {
            received(subscription, event);
          }

          @Override
          public void onError(Throwable t) {
            lost(subscription, t);
          }

          @Override
          public void onCompleted() {
            lost(subscription, Status.UNAVAILABLE.withDescription("the bus ended the subscription").asException());
          }
        });
  }

  private synchronized void received(int subscription, RoomEvent event) {
    if (subscription != generation) {
      return;
    }
    if (event.hasState()) {
      RoomBusState state = event.getState();
      epoch = event.getBusEpoch();
      if (!firstState.isDone()) {
        lastSeq = state.getLastSeq();
        firstState.complete(state);
      } else if (state.getReset()) {
        log.info("room bus of stream {} reset (bus epoch {}); re-reading the stream", streamId, epoch);
        lastSeq = state.getLastSeq();
        holding = true;
        listener.reset(room, state, this);
      }
      return;
    }
    if (event.getSeq() <= lastSeq) {
      return;
    }
    lastSeq = event.getSeq();
    if (holding) {
      waiting.add(event);
    } else {
      listener.apply(room, event);
      releaseWaiters();
    }
  }

  private synchronized void lost(int subscription, Throwable failure) {
    if (subscription != generation || closed) {
      return;
    }
    if (!firstState.isDone()) {
      firstState.completeExceptionally(failure);
      return;
    }
    Status status = Status.fromThrowable(failure);
    long lost = LOSSES.occurred();
    if (lost > 0) {
      log.warn("{} room bus subscription(s) lost since the last warning, each renewed after {} ms; the latest, "
          + "of stream {} after seq {}: {}: {}", lost, RESUBSCRIBE_MILLIS, streamId, lastSeq, status.getCode(),
          status.getDescription());
    }
    scheduler.schedule(this::subscribe, RESUBSCRIBE_MILLIS, TimeUnit.MILLISECONDS);
  }
}
