package dev.liveshop.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** For tests that wait on another thread: a condition polled until it holds, or a failure after 10 s. */
public final class Eventually {

  private Eventually() {}

  public static void waitFor(BooleanSupplier condition) throws InterruptedException {
    waitFor(condition, "condition");
  }

  /** The same, naming {@code what} is awaited in the failure. */
  public static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within 10 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
