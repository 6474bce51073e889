package dev.liveshop.core.bus;

import dev.liveshop.core.config.BusSettings;
import dev.liveshop.proto.v1.ChatMessage;
import dev.liveshop.proto.v1.ChatSettings;
import dev.liveshop.proto.v1.ModerationRequest;
import dev.liveshop.proto.v1.PublishAck;
import dev.liveshop.proto.v1.RoomBusState;
import dev.liveshop.proto.v1.RoomEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One stream on the bus: its sequence, the last events for catching up, the chat rules
 * and recent chat a new subscriber starts from, and the subscribers.
 *
 * <p>Threading: every method holds the monitor, so events reach each subscriber in
 * sequence order and a subscriber never misses one between its catch-up and live events.
 */
final class RoomLog {

  private final String streamId;
  private final String epoch;
  private final BusSettings settings;
  private long seq;
  private final ArrayDeque<RoomEvent> replay = new ArrayDeque<>();
  private final ArrayDeque<ChatMessage> recentChat = new ArrayDeque<>();
  private ChatSettings chatSettings = ChatSettings.getDefaultInstance();
  private final Set<String> muted = new LinkedHashSet<>();
  private final List<Subscription> subscribers = new ArrayList<>();

  private final RoomRulesStore rules;
  private long lastActivityNanos = System.nanoTime();
  /** Dropped from the bus's map: calls must fetch the stream's new log. */
  private boolean evicted;
  /** The bus is shutting down ({@link #endSubscriptions}): a new subscriber is ended at once. */
  private boolean closing;

  RoomLog(String streamId, String epoch, BusSettings settings, RoomRules stored, RoomRulesStore rules) {
    this.streamId = streamId;
    this.epoch = epoch;
    this.settings = settings;
    this.rules = rules;
    this.chatSettings = stored.settings();
    this.muted.addAll(stored.muted());
  }

  /**
   * Numbers the event and sends it to every subscriber. A moderation action is stored
   * first (under the monitor, so stored and announced changes keep one order); if it
   * cannot be, nothing is announced and the caller hears why. Null when this log was
   * evicted (the caller publishes on the stream's new log).
   */
  synchronized PublishAck publish(RoomEvent event) {
    if (evicted) {
      return null;
    }
    lastActivityNanos = System.nanoTime();
    if (event.hasModeration()) {
      rules.record(streamId, event.getModeration());
    }
    RoomEvent numbered = event.toBuilder().setBusEpoch(epoch).setSeq(++seq).build();
    remember(numbered);
    replay.addLast(numbered);
    if (replay.size() > settings.replayEvents()) {
      replay.removeFirst();
    }
    for (Iterator<Subscription> it = subscribers.iterator(); it.hasNext(); ) {
      if (!it.next().deliver(numbered)) {
        it.remove();
      }
    }
    return PublishAck.newBuilder().setBusEpoch(epoch).setSeq(seq).setChatSettings(chatSettings).build();
  }

  /**
   * Starts a subscription: the state first, then the events after {@code afterSeq} when the
   * subscriber names this bus's epoch and they are still buffered (else the state says reset).
   * False, and nothing sent, when this log was evicted.
   */
  synchronized boolean subscribe(BusSubscriber subscriber, String subscriberEpoch, long afterSeq) {
    if (evicted) {
      return false;
    }
    if (closing) {
      subscriber.closing();
      return true;
    }
    lastActivityNanos = System.nanoTime();
    boolean resuming = !subscriberEpoch.isEmpty();
    boolean canReplay = resuming && subscriberEpoch.equals(epoch) && afterSeq <= seq
        && (afterSeq == seq || (!replay.isEmpty() && replay.peekFirst().getSeq() <= afterSeq + 1));
    subscriber.send(RoomEvent.newBuilder().setStreamId(streamId).setBusEpoch(epoch)
        .setState(RoomBusState.newBuilder().setReset(resuming && !canReplay).setLastSeq(canReplay ? afterSeq : seq)
            .setChatSettings(chatSettings).addAllMutedViewerIds(muted).addAllRecentChat(recentChat))
        .build());
    if (canReplay) {
      for (RoomEvent missed : replay) {
        if (missed.getSeq() > afterSeq) {
          subscriber.send(missed);
        }
      }
    }
    subscribers.add(new Subscription(subscriber));
    return true;
  }

  /** Ends every subscription, and each later one at once, with {@link BusSubscriber#closing}. */
  synchronized void endSubscriptions() {
    closing = true;
    for (Subscription s : subscribers) {
      if (!s.subscriber.isCancelled()) {
        s.subscriber.closing();
      }
    }
    subscribers.clear();
  }

  /** Marks the log evicted if nobody has subscribed or published for {@code idleNanos}. */
  synchronized boolean evictIfIdle(long nowNanos, long idleNanos) {
    subscribers.removeIf(s -> s.subscriber.isCancelled());
    if (subscribers.isEmpty() && nowNanos - lastActivityNanos >= idleNanos) {
      evicted = true;
    }
    return evicted;
  }

  synchronized int subscribers() {
    return subscribers.size();
  }

  /** Keeps what a new subscriber needs beyond the replay buffer: chat rules and recent chat. */
  private void remember(RoomEvent event) {
    switch (event.getKindCase()) {
      case CHAT -> {
        recentChat.addLast(event.getChat());
        if (recentChat.size() > settings.recentChat()) {
          recentChat.removeFirst();
        }
      }
      case MODERATION -> moderate(event.getModeration());
      default -> {
        // Pins, lineup and sales are in the catalogue a subscriber reads.
      }
    }
  }

  private void moderate(ModerationRequest action) {
    switch (action.getActionCase()) {
      case DELETE_MESSAGE_ID -> recentChat.removeIf(m -> m.getMessageId().equals(action.getDeleteMessageId()));
      case MUTE_VIEWER_ID -> muted.add(action.getMuteViewerId());
      case UNMUTE_VIEWER_ID -> muted.remove(action.getUnmuteViewerId());
      case SLOW_MODE_SECONDS -> chatSettings = chatSettings.toBuilder()
          .setSlowModeSeconds(action.getSlowModeSeconds()).build();
      case CHAT_ENABLED -> chatSettings = chatSettings.toBuilder().setChatOff(!action.getChatEnabled()).build();
      case ACTION_NOT_SET -> throw new IllegalStateException("RoomBus.validate let an empty action through");
    }
  }

  /** A subscriber and how many events it was sent while its transport was full. */
  private final class Subscription {
    private final BusSubscriber subscriber;
    private int sentWhileFull;

    Subscription(BusSubscriber subscriber) {
      this.subscriber = subscriber;
    }

    /** Sends the event; false when the subscription is over (cancelled, or cut off for falling behind). */
    boolean deliver(RoomEvent event) {
      if (subscriber.isCancelled()) {
        return false;
      }
      if (subscriber.isReady()) {
        sentWhileFull = 0;
      } else if (++sentWhileFull > settings.maxSubscriberBacklog()) {
        subscriber.fellBehind("more than " + settings.maxSubscriberBacklog() + " events of stream '" + streamId
            + "' waiting to be sent; resubscribe with the last seq you applied");
        return false;
      }
      try {
        subscriber.send(event);
        return true;
      } catch (RuntimeException e) {
        // Cancelled between the check and the send: this subscriber is gone; the event is
        // numbered and must still reach the others and the publisher's ack.
        return false;
      }
    }
  }
}
