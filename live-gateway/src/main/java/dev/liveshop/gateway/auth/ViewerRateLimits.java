package dev.liveshop.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Rate limits per viewer (the viewer id its token names), over all of that viewer's
 * connections to this gateway: chat messages and joins. A token may open many sockets (up
 * to the connections allowed per address); without these each socket would bring its own
 * budget. Over a limit an action is refused; the connection's own limiter decides floods.
 *
 * <p>Memory is bounded: a viewer's buckets are dropped once unused for as long as they take
 * to refill (a dropped viewer comes back to full buckets, as if kept), and at most {@link
 * #MAX_VIEWERS} are kept.
 *
 * <p>Threading: shared by every event loop; the cache is concurrent and each viewer's
 * buckets are changed under their own monitor (held for a few arithmetic operations).
 */
public final class ViewerRateLimits {

  /** Viewers tracked at most; past it the least recently active are forgotten first. */
  static final int MAX_VIEWERS = 1 << 18;

  private final double chatsPerSecond;
  private final int chatBurst;
  private final double joinsPerSecond;
  private final int joinBurst;
  private final LongSupplier nanoClock;
  private final Cache<String, Buckets> viewers;

  /**
   * @param chatsPerSecond chat messages a viewer may send a second on average
   * @param chatBurst chat messages at once
   * @param joinsPerMinute joins a viewer may make a minute, a sixth of it at once
   */
  public ViewerRateLimits(double chatsPerSecond, int chatBurst, int joinsPerMinute) {
    this(chatsPerSecond, chatBurst, joinsPerMinute, System::nanoTime);
  }

  ViewerRateLimits(double chatsPerSecond, int chatBurst, int joinsPerMinute, LongSupplier nanoClock) {
    if (!(chatsPerSecond > 0) || chatBurst < 1 || joinsPerMinute < 1) {
      throw new IllegalArgumentException("per-viewer limits must be positive: viewer-chats-per-second > 0, "
          + "viewer-chat-burst >= 1, viewer-joins-per-minute >= 1; got " + chatsPerSecond + ", " + chatBurst
          + ", " + joinsPerMinute);
    }
    this.chatsPerSecond = chatsPerSecond;
    this.chatBurst = chatBurst;
    this.joinsPerSecond = joinsPerMinute / 60.0;
    this.joinBurst = Math.max(1, joinsPerMinute / 6);
    this.nanoClock = nanoClock;
    double refillSeconds = Math.max(chatBurst / chatsPerSecond, joinBurst / joinsPerSecond);
    this.viewers = Caffeine.newBuilder()
        .expireAfterAccess(Duration.ofMillis((long) Math.ceil(refillSeconds * 1000)))
        .maximumSize(MAX_VIEWERS)
        .ticker(nanoClock::getAsLong)
        .build();
  }

  /** Whether {@code viewerId} may send a chat message now (and counts it if so). */
  public boolean tryChat(String viewerId) {
    Buckets buckets = buckets(viewerId);
    synchronized (buckets) {
      return buckets.chat.take(nanoClock.getAsLong(), chatsPerSecond, chatBurst);
    }
  }

  /** Whether {@code viewerId} may join a room now (and counts it if so). */
  public boolean tryJoin(String viewerId) {
    Buckets buckets = buckets(viewerId);
    synchronized (buckets) {
      return buckets.joins.take(nanoClock.getAsLong(), joinsPerSecond, joinBurst);
    }
  }

  private Buckets buckets(String viewerId) {
    return viewers.get(viewerId, id -> new Buckets(nanoClock.getAsLong(), chatBurst, joinBurst));
  }

  /** Viewers whose buckets are kept now (tests). */
  long trackedViewers() {
    viewers.cleanUp();
    return viewers.estimatedSize();
  }

  private static final class Buckets {
    final Bucket chat;
    final Bucket joins;

    Buckets(long nowNanos, int chatBurst, int joinBurst) {
      chat = new Bucket(nowNanos, chatBurst);
      joins = new Bucket(nowNanos, joinBurst);
    }
  }

  /** A token bucket; its owner's monitor guards it. */
  private static final class Bucket {
    private double tokens;
    private long lastNanos;

    Bucket(long nowNanos, int burst) {
      tokens = burst;
      lastNanos = nowNanos;
    }

    boolean take(long nowNanos, double perSecond, int burst) {
      tokens = Math.min(burst, tokens + Math.max(0, nowNanos - lastNanos) * perSecond / 1e9);
      lastNanos = Math.max(lastNanos, nowNanos);
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }
  }
}
