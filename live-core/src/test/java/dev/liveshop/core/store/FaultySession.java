package dev.liveshop.core.store;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.context.DriverContext;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Metadata;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metrics.Metrics;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.WriteType;
import com.datastax.oss.driver.api.core.session.Request;
import com.datastax.oss.driver.api.core.type.reflect.GenericType;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real session that fails chosen statements, for fault tests against a real node: every
 * call goes to the node, but the next {@code n} executions (synchronous or asynchronous) of
 * a prepared statement whose CQL contains a given fragment, or of a batch holding one, fail
 * with a write timeout, either before reaching Cassandra (nothing written) or after it
 * answered (written, the answer lost), or are refused as unavailable (nothing written, and
 * the caller knows it). Pauses apply to synchronous statements only. Thread-safe.
 */
public final class FaultySession implements CqlSession {

  /** Where the injected timeout strikes. */
  public enum When {
    /** The statement is not sent: nothing is written. */
    BEFORE,
    /** The statement runs, then its answer is lost: the write landed. */
    AFTER,
    /** The coordinator refuses it, too few replicas alive: nothing is written, for certain. */
    REFUSED
  }

  private final CqlSession real;
  private volatile String fragment = "";
  private volatile When when = When.BEFORE;
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicReference<Pause> pause = new AtomicReference<>();
  /** Failures injected so far. */
  public final AtomicInteger injected = new AtomicInteger();

  public FaultySession(CqlSession real) {
    this.real = real;
  }

  /** The next {@code times} executions of statements whose CQL contains {@code cqlFragment} time out {@code when}. */
  public void failNext(String cqlFragment, int times, When when) {
    this.fragment = cqlFragment;
    this.when = when;
    failuresLeft.set(times);
  }

  /**
   * The next synchronous execution of a statement whose CQL contains {@code cqlFragment}
   * counts {@code reached} down, then waits for {@code proceed} before it runs: a test can
   * act while a caller stands just before that statement.
   */
  public void pauseNext(String cqlFragment, CountDownLatch reached, CountDownLatch proceed) {
    pause.set(new Pause(cqlFragment, reached, proceed));
  }

  @Override
  public <RequestT extends Request, ResultT> ResultT execute(RequestT request, GenericType<ResultT> resultType) {
    Pause paused = pause.get();
    if (paused != null && resultType.equals(Statement.SYNC) && request instanceof BoundStatement bound
        && bound.getPreparedStatement().getQuery().contains(paused.fragment()) && pause.compareAndSet(paused, null)) {
      paused.reached().countDown();
      try {
        paused.proceed().await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while paused", e);
      }
    }
    boolean async = resultType.equals(Statement.ASYNC);
    boolean fail = (async || resultType.equals(Statement.SYNC)) && matches(request, fragment)
        && failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    if (!fail) {
      return real.execute(request, resultType);
    }
    injected.incrementAndGet();
    RuntimeException failure = failure(request);
    if (when == When.AFTER) {
      ResultT result = real.execute(request, resultType);
      if (async) {
        @SuppressWarnings("unchecked")
        ResultT lost = (ResultT) ((CompletionStage<?>) result)
            .thenCompose(landed -> CompletableFuture.failedFuture(failure));
        return lost;
      }
    }
    if (async) {
      @SuppressWarnings("unchecked")
      ResultT failed = (ResultT) CompletableFuture.failedFuture(failure);
      return failed;
    }
    throw failure;
  }

  private RuntimeException failure(Request request) {
    Node node = real.getMetadata().getNodes().values().iterator().next();
    if (when == When.REFUSED) {
      return new UnavailableException(node, DefaultConsistencyLevel.QUORUM, 1, 0);
    }
    boolean lightweight = request instanceof BoundStatement bound
        && bound.getPreparedStatement().getQuery().contains(" IF ");
    return lightweight
        ? new WriteTimeoutException(node, DefaultConsistencyLevel.SERIAL, 0, 1, WriteType.CAS)
        : new WriteTimeoutException(node, DefaultConsistencyLevel.QUORUM, 0, 1, WriteType.SIMPLE);
  }

  /** A prepared statement whose CQL contains {@code fragment}, or a batch holding one. */
  private static boolean matches(Request request, String fragment) {
    if (request instanceof BoundStatement bound) {
      return bound.getPreparedStatement().getQuery().contains(fragment);
    }
    if (request instanceof BatchStatement batch) {
      for (BatchableStatement<?> inner : batch) {
        if (matches(inner, fragment)) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public String getName() {
    return real.getName();
  }

  @Override
  public Metadata getMetadata() {
    return real.getMetadata();
  }

  @Override
  public boolean isSchemaMetadataEnabled() {
    return real.isSchemaMetadataEnabled();
  }

  @Override
  public CompletionStage<Metadata> setSchemaMetadataEnabled(Boolean newValue) {
    return real.setSchemaMetadataEnabled(newValue);
  }

  @Override
  public CompletionStage<Metadata> refreshSchemaAsync() {
    return real.refreshSchemaAsync();
  }

  @Override
  public CompletionStage<Boolean> checkSchemaAgreementAsync() {
    return real.checkSchemaAgreementAsync();
  }

  @Override
  public DriverContext getContext() {
    return real.getContext();
  }

  @Override
  public Optional<CqlIdentifier> getKeyspace() {
    return real.getKeyspace();
  }

  @Override
  public Optional<Metrics> getMetrics() {
    return real.getMetrics();
  }

  @Override
  public CompletionStage<Void> closeFuture() {
    return real.closeFuture();
  }

  @Override
  public CompletionStage<Void> closeAsync() {
    return real.closeAsync();
  }

  @Override
  public CompletionStage<Void> forceCloseAsync() {
    return real.forceCloseAsync();
  }

  private record Pause(String fragment, CountDownLatch reached, CountDownLatch proceed) {}
}
