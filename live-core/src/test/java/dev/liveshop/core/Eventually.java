package dev.liveshop.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** For tests that wait on another thread: a condition polled until it holds, or a failure after a deadline. */
public final class Eventually {

  private static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  private Eventually() {}

  /** Waits up to 10 s. */
  public static void waitFor(BooleanSupplier condition) throws InterruptedException {
    waitFor(condition, "condition");
  }

  /** Waits up to 10 s, naming {@code what} is awaited in the failure. */
  public static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    waitFor(condition, what, DEFAULT_WAIT);
  }

  public static void waitFor(BooleanSupplier condition, String what, Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within " + atMost.toSeconds() + " s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
