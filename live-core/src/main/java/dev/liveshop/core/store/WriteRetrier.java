package dev.liveshop.core.store;

import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.RequestThrottlingException;
import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an idempotent write until its outcome is known. A write that failed for certain
 * (never sent, or refused before any replica applied it) fails the returned stage; one
 * whose fate is unknown (a timeout, a connection lost after sending) is sent again, with
 * backoff, for as long as it takes, so the caller's units stay held until the order is
 * known to be durable.
 *
 * <p>Threading: attempts start on the driver's threads or on the one retry thread
 * ({@code order-write-retry}); the stage completes on either.
 */
final class WriteRetrier implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WriteRetrier.class);
  private static final long FIRST_BACKOFF_MILLIS = 50;
  private static final long MAX_BACKOFF_MILLIS = 2_000;

  private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "order-write-retry");
    t.setDaemon(true);
    return t;
  });

  /**
   * Sends the write until it is known to be applied or known not to be: the stage fails
   * only when no replica can have applied it, by any of the attempts. Once one attempt's
   * fate was unknown, only success (or a rejected statement) ends the retries.
   */
  CompletionStage<Void> untilKnown(String what, Supplier<CompletionStage<?>> write) {
    CompletableFuture<Void> outcome = new CompletableFuture<>();
    attempt(what, write, WriteRetrier::definitelyNotApplied, outcome, 1, FIRST_BACKOFF_MILLIS);
    return outcome;
  }

  /**
   * Sends the write until it is applied, through outages: for rows of an order already
   * committed elsewhere. The stage fails only when Cassandra rejects the statement itself
   * (a bug) or on shutdown.
   */
  CompletionStage<Void> untilWritten(String what, Supplier<CompletionStage<?>> write) {
    CompletableFuture<Void> outcome = new CompletableFuture<>();
    attempt(what, write, WriteRetrier::rejectedStatement, outcome, 1, FIRST_BACKOFF_MILLIS);
    return outcome;
  }

  private void attempt(String what, Supplier<CompletionStage<?>> write, Predicate<Throwable> isFinal,
      CompletableFuture<Void> outcome, int attempt, long backoffMillis) {
    write.get().whenComplete((ok, error) -> {
      if (error == null) {
        outcome.complete(null);
        return;
      }
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      if (isFinal.test(cause) || retries.isShutdown()) {
        outcome.completeExceptionally(cause);
        return;
      }
      if (attempt == 1 || attempt % 20 == 0) {
        log.warn("{}: not known to be written after attempt {} ({}); sending it again", what, attempt,
            cause.toString());
      }
      // This attempt may have been applied: from now on only a rejected statement is final.
      // A later "never sent" (the node gone) says nothing of this one, so it is retried too.
      try {
        retries.schedule(() -> attempt(what, write, WriteRetrier::rejectedStatement, outcome, attempt + 1,
            Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS)), backoffMillis, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException shuttingDown) {
        outcome.completeExceptionally(cause);
      }
    });
  }

  /** True when Cassandra refused the statement itself: sending it again cannot help. */
  static boolean rejectedStatement(Throwable e) {
    return e instanceof QueryValidationException;
  }

  /** True when no replica can have applied the write, so giving up loses nothing. */
  static boolean definitelyNotApplied(Throwable e) {
    return e instanceof NoNodeAvailableException
        || e instanceof RequestThrottlingException
        || e instanceof UnavailableException
        || e instanceof QueryValidationException;
  }

  @Override
  public void close() {
    retries.shutdownNow();
  }
}
