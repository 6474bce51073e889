package dev.liveshop.core.inventory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the order writes in flight across all shards, so that when the store slows down
 * buyers hear "busy, retry" at once instead of waiting in an unbounded queue.
 *
 * <p>Threading: acquired on shard threads, released on whichever thread completes the
 * write; a single atomic counter.
 */
final class WriteBudget {

  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();

  WriteBudget(int max) {
    this.max = max;
  }

  boolean tryAcquire() {
    while (true) {
      int current = inFlight.get();
      if (current >= max) {
        return false;
      }
      if (inFlight.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  /**
   * Whether no write can start now: what {@link #tryAcquire} would answer, read without
   * taking a unit, for a caller that would give it back at once.
   */
  boolean isSpent() {
    return inFlight.get() >= max;
  }

  void release() {
    inFlight.decrementAndGet();
  }

  int inFlight() {
    return inFlight.get();
  }
}
