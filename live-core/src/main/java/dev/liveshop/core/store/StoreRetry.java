package dev.liveshop.core.store;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.QueryConsistencyException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a Cassandra call again while it fails in a way that passes by itself: start-up work
 * (schema, recovery) that must not give up because a replica died a moment ago.
 *
 * <p>Threading: blocks the calling thread (start-up or a gRPC executor thread).
 */
public final class StoreRetry {

  private static final Logger log = LoggerFactory.getLogger(StoreRetry.class);

  private StoreRetry() {}

  /**
   * Whether too few replicas answered in time: one that just died is not yet known dead
   * (the coordinator still asks it), or the cluster is briefly short of a quorum.
   */
  public static boolean quorumMissed(RuntimeException e) {
    return e instanceof QueryConsistencyException || e instanceof UnavailableException
        || e instanceof DriverTimeoutException;
  }

  /**
   * The result of {@code work}, run again every {@code pause} while it fails with an error
   * {@code retryable} accepts, for at most {@code patience}; past it, the last error.
   */
  public static <T> T retry(String what, Duration patience, Duration pause, Predicate<RuntimeException> retryable,
      Supplier<T> work) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      try {
        return work.get();
      } catch (RuntimeException e) {
        if (!retryable.test(e) || System.nanoTime() > deadline) {
          throw e;
        }
        log.warn("{} did not go through ({}); trying again in {} ms", what, e.getMessage(), pause.toMillis());
        pause(pause);
      }
    }
  }

  static void pause(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Cassandra", e);
    }
  }
}
