package dev.liveshop.gateway.netty;

/**
 * A token bucket for one connection's frames: {@code framesPerSecond} on average, bursts of
 * {@code burst}. A client that keeps sending into an empty bucket is flooding and gets
 * closed. One per connection, shared by its session (data frames) and its
 * {@link RawFrameLimiter} (pings, pongs and continuation fragments). Confined to the connection's event loop; no
 * synchronisation.
 */
final class FrameRateLimiter {

  enum Decision {
    ALLOW,
    /** Over the rate: drop this frame (tell the client once per run of refusals). */
    REFUSE,
    /**
     * Refused frames keep coming: close the connection (1008). Decided once; every later
     * frame is refused (dropped, no more words) while the connection closes.
     */
    CLOSE
  }

  private final double tokensPerNano;
  private final double burst;
  private final int refusalsBeforeClose;
  /** False for a limiter that only refuses (joins: each refusal is answered, floods are the frame limiter's). */
  private final boolean closesOnFlood;
  private double tokens;
  private long lastNanos;
  private int refusedInARow;
  private boolean closing;

  FrameRateLimiter(double framesPerSecond, int burst, long nowNanos) {
    this(framesPerSecond, burst, nowNanos, true);
  }

  /** A limiter that refuses over the rate and never closes: refusals end as the bucket refills. */
  static FrameRateLimiter refusingOnly(double perSecond, int burst, long nowNanos) {
    return new FrameRateLimiter(perSecond, burst, nowNanos, false);
  }

  private FrameRateLimiter(double framesPerSecond, int burst, long nowNanos, boolean closesOnFlood) {
    this.closesOnFlood = closesOnFlood;
    this.tokensPerNano = framesPerSecond / 1e9;
    this.burst = burst;
    this.refusalsBeforeClose = burst;
    this.tokens = burst;
    this.lastNanos = nowNanos;
  }

  Decision onFrame(long nowNanos) {
    if (closing) {
      refusedInARow++;
      return Decision.REFUSE;
    }
    tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * tokensPerNano);
    lastNanos = nowNanos;
    if (tokens >= 1) {
      tokens -= 1;
      refusedInARow = 0;
      return Decision.ALLOW;
    }
    refusedInARow++;
    closing = closesOnFlood && refusedInARow > refusalsBeforeClose;
    return closing ? Decision.CLOSE : Decision.REFUSE;
  }

  /** True for the first refusal of a run: the one worth telling the client about. */
  boolean firstRefusal() {
    return refusedInARow == 1;
  }
}
