package dev.liveshop.logging;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Decides when a warning that can repeat per request (a failed write per tap, a lost stream
 * per room) is logged: the first at once, then at most one per interval, telling how many
 * occurred meanwhile. An outage then shows in the log as a few lines, not one per buyer.
 *
 * <p>Thread-safe and lock-free: called from event loops and engine threads.
 */
public final class WarningThrottle {

  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final LongAdder occurred = new LongAdder();
  private final AtomicLong nextWarningNanos;

  public WarningThrottle(Duration interval) {
    this(interval, System::nanoTime);
  }

  WarningThrottle(Duration interval, LongSupplier nanoTime) {
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
    this.nextWarningNanos = new AtomicLong(nanoTime.getAsLong());
  }

  /**
   * Counts one occurrence. Returns how many occurred since the last warning (this one
   * included) when it is time to log one, else 0.
   */
  public long occurred() {
    occurred.increment();
    long now = nanoTime.getAsLong();
    long next = nextWarningNanos.get();
    if (now - next >= 0 && nextWarningNanos.compareAndSet(next, now + intervalNanos)) {
      return occurred.sumThenReset();
    }
    return 0;
  }
}
