package dev.liveshop.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WriteRetrierTest {

  private final WriteRetrier retrier = new WriteRetrier();

  @AfterEach
  void close() {
    retrier.close();
  }

  /** A write whose attempts end as scripted: an exception fails that attempt, null succeeds. */
  private static final class ScriptedWrite implements Supplier<CompletionStage<?>> {
    final Deque<RuntimeException> outcomes = new ArrayDeque<>();
    final AtomicInteger attempts = new AtomicInteger();

    ScriptedWrite(List<RuntimeException> failures) {
      outcomes.addAll(failures);
    }

    @Override
    public CompletionStage<?> get() {
      attempts.incrementAndGet();
      RuntimeException failure = outcomes.poll();
      return failure == null ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(failure);
    }
  }

  @Test
  void untilKnown_neverSent_failsAtOnce() {
    ScriptedWrite write = new ScriptedWrite(List.of(new NoNodeAvailableException()));

    CompletableFuture<Void> outcome = retrier.untilKnown("order", write).toCompletableFuture();

    assertThat(outcome).failsWithin(5, TimeUnit.SECONDS);
    assertThat(write.attempts).hasValue(1);
  }

  @Test
  void untilKnown_timeoutThenNeverSent_keepsSendingUntilWritten() {
    // The first attempt may have been applied: the node going away on the second says
    // nothing of the first, so "not written" would be a lie the buyer is told.
    ScriptedWrite write = new ScriptedWrite(List.of(new DriverTimeoutException("no answer in 2 s"),
        new NoNodeAvailableException(), new NoNodeAvailableException()));

    CompletableFuture<Void> outcome = retrier.untilKnown("order", write).toCompletableFuture();

    assertThat(outcome).succeedsWithin(10, TimeUnit.SECONDS);
    assertThat(write.attempts).hasValue(4);
  }
}
