package dev.liveshop.core.bus;

import dev.liveshop.core.catalog.InvalidRequestException;
import dev.liveshop.core.config.BusSettings;
import dev.liveshop.proto.v1.PublishAck;
import dev.liveshop.proto.v1.RoomEvent;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every stream's {@link RoomLog} on this live-core. Each log has an epoch of its own (this
 * process's, and the how-manieth log it started): sequences restart with a new log (a new
 * process, or a stream evicted while idle and started again), so a gateway resuming with
 * another epoch is told to reset rather than replayed from the middle of the new log.
 * Chat rules are the exception to "memory only": they are stored ({@link RoomRulesStore})
 * before a moderation action is announced, and a stream's log starts from them.
 *
 * <p>Threading: thread-safe; the map is concurrent and each log has its own monitor. The
 * first use of a stream and every moderation action block on the store (gRPC executor).
 */
public final class RoomBus {

  /** Most slow-mode seconds a host may set (the gateway's chat rules use the same bound). */
  public static final int MAX_SLOW_MODE_SECONDS = 3600;

  private final BusSettings settings;
  private final RoomRulesStore rules;
  private final String epoch = Long.toString(new SecureRandom().nextLong() >>> 1, 36);
  private final AtomicLong logsStarted = new AtomicLong();
  private final ConcurrentHashMap<String, RoomLog> streams = new ConcurrentHashMap<>();
  private final AtomicLong lastSweepNanos = new AtomicLong(
      System.nanoTime());
  private final long sweepIntervalNanos;
  /** Set by {@link #endSubscriptions}; read after each subscribe, so a log started meanwhile is ended too. */
  private volatile boolean closing;

  public RoomBus(BusSettings settings, RoomRulesStore rules) {
    this.settings = settings;
    this.rules = rules;
    this.sweepIntervalNanos = Math.min(settings.idleEvict().toNanos() / 4, Duration.ofMinutes(1).toNanos());
  }

  /** Numbers the event and sends it to the stream's subscribers; InvalidRequestException for a bad one. */
  public PublishAck publish(RoomEvent event) {
    validate(event);
    PublishAck ack;
    do {
      ack = log(event.getStreamId()).publish(event);
    } while (ack == null);
    return ack;
  }

  public void subscribe(String streamId, BusSubscriber subscriber, String afterEpoch, long afterSeq) {
    if (streamId.isEmpty()) {
      throw new InvalidRequestException("stream_id is required");
    }
    if (afterSeq < 0) {
      throw new InvalidRequestException("after_seq must be 0 or more, got " + afterSeq);
    }
    RoomLog log;
    do {
      log = log(streamId);
      // False: evicted between lookup and call; the next lookup starts the stream's new log.
    } while (!log.subscribe(subscriber, afterEpoch, afterSeq));
    if (closing) {
      // endSubscriptions may have missed a log started meanwhile; ending one twice is harmless.
      log.endSubscriptions();
    }
  }

  /**
   * Ends every subscription with {@link BusSubscriber#closing}, and each one made later at
   * once: at shutdown. A subscription never ends by itself, and would hold a graceful
   * shutdown for its whole grace. Publishing goes on.
   */
  public void endSubscriptions() {
    closing = true;
    streams.values().forEach(RoomLog::endSubscriptions);
  }

  /** Streams held in memory now. */
  public int streams() {
    return streams.size();
  }

  /** Subscriptions open on the stream (for tests and metrics). */
  public int subscribers(String streamId) {
    RoomLog log = streams.get(streamId);
    return log == null ? 0 : log.subscribers();
  }

  /** The stream's log, started from its stored chat rules the first time (read outside the map's lock). */
  private RoomLog log(String streamId) {
    RoomLog log = streams.get(streamId);
    if (log != null) {
      return log;
    }
    evictIdleStreams();
    RoomRules stored = rules.load(streamId);
    return streams.computeIfAbsent(streamId,
        id -> new RoomLog(id, epoch + "." + logsStarted.incrementAndGet(), settings, stored, rules));
  }

  /**
   * Drops the streams idle for {@code idle-evict}, at most once per sweep interval, when a
   * stream is about to be added: memory follows the streams in use, with no thread of its own.
   */
  private void evictIdleStreams() {
    long now = System.nanoTime();
    long last = lastSweepNanos.get();
    if (now - last < sweepIntervalNanos || !lastSweepNanos.compareAndSet(last, now)) {
      return;
    }
    long idle = settings.idleEvict().toNanos();
    streams.forEach((id, log) -> {
      if (log.evictIfIdle(now, idle)) {
        streams.remove(id, log);
      }
    });
  }

  private static void validate(RoomEvent event) {
    if (event.getStreamId().isEmpty()) {
      throw new InvalidRequestException("stream_id is required");
    }
    switch (event.getKindCase()) {
      case KIND_NOT_SET -> throw new InvalidRequestException("name the event: chat, moderation, pinned_product_id, "
          + "product_added, lineup or sale");
      case STATE -> throw new InvalidRequestException("state is sent by the bus, not published");
      case CHAT -> {
        if (event.getChat().getMessageId().isEmpty() || event.getChat().getViewerId().isEmpty()) {
          throw new InvalidRequestException("chat.message_id and chat.viewer_id are required");
        }
      }
      case MODERATION -> {
        switch (event.getModeration().getActionCase()) {
          case ACTION_NOT_SET -> throw new InvalidRequestException("name one action: deleteMessageId, "
              + "muteViewerId, unmuteViewerId, slowModeSeconds or chatEnabled");
          case SLOW_MODE_SECONDS -> {
            int seconds = event.getModeration().getSlowModeSeconds();
            if (seconds < 0 || seconds > MAX_SLOW_MODE_SECONDS) {
              throw new InvalidRequestException("slowModeSeconds must be 0.." + MAX_SLOW_MODE_SECONDS + ", got "
                  + seconds);
            }
          }
          default -> {
            // Ids of messages and viewers are opaque.
          }
        }
      }
      default -> {
        // Catalogue events come from the gateway after live-core accepted the change.
      }
    }
  }
}
