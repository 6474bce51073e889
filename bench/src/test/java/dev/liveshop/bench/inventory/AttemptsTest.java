package dev.liveshop.bench.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class AttemptsTest {

  /** Answers later on another thread, counting how many attempts are in flight at once. */
  private static final class Deferred implements Reserver {
    final ExecutorService answering = Executors.newFixedThreadPool(4);
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger mostInFlight = new AtomicInteger();

    @Override
    public String open(String name) {
      return name;
    }

    @Override
    public CompletionStage<String> reserve(String saleId, String viewerId, String clientOrderId) {
      mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      return CompletableFuture.supplyAsync(() -> {
        inFlight.decrementAndGet();
        return clientOrderId.endsWith("0") ? "RESERVED" : "SOLD_OUT";
      }, CompletableFuture.delayedExecutor(100, TimeUnit.MICROSECONDS, answering));
    }

    @Override
    public void close() {
      answering.shutdownNow();
    }
  }

  @Test
  void inFlight_keepsThatManyGoing_andAnswersEveryAttempt() throws Exception {
    try (Deferred reserver = new Deferred()) {
      Attempts attempts = new Attempts(reserver, "s", 5_000, 100);
      attempts.inFlight(8);

      assertThat(attempts.outcomes.get("RESERVED").sum()).isEqualTo(500);
      assertThat(attempts.outcomes.get("SOLD_OUT").sum()).isEqualTo(4_500);
      assertThat(attempts.latency.getIntervalHistogram().getTotalCount()).isEqualTo(5_000);
      assertThat(reserver.mostInFlight.get()).isBetween(2, 8);
    }
  }

  /** A server that is down fails every attempt before anything is sent. */
  @Test
  @Timeout(30)
  void inFlight_followsImmediateFailuresInALoop_notDeeperInTheStack() throws Exception {
    Reserver down = new Reserver() {
      @Override
      public String open(String name) {
        return name;
      }

      @Override
      public CompletionStage<String> reserve(String saleId, String viewerId, String clientOrderId) {
        return CompletableFuture.failedFuture(new IllegalStateException("connection refused"));
      }

      @Override
      public void close() {}
    };
    Attempts attempts = new Attempts(down, "s", 100_000, 100);
    attempts.inFlight(4);

    assertThat(attempts.outcomes.get("ERROR IllegalStateException").sum()).isEqualTo(100_000);
  }

  @Test
  void onThreads_answersEveryAttemptOnce() throws Exception {
    try (Deferred reserver = new Deferred()) {
      Attempts attempts = new Attempts(reserver, "s", 2_000, 100);
      attempts.onThreads(4);

      assertThat(attempts.outcomes.get("RESERVED").sum() + attempts.outcomes.get("SOLD_OUT").sum())
          .isEqualTo(2_000);
      assertThat(reserver.mostInFlight.get()).isBetween(1, 4);
    }
  }
}
