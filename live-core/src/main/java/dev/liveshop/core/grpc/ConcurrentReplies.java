package dev.liveshop.core.grpc;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The response side of a bidirectional call whose requests are answered out of order, as
 * each completes: sends are serialised (the observer is not thread-safe), and the stream
 * closes after the client's half-close once every request has been answered.
 *
 * <p>Threading: requests arrive on gRPC's serialised call thread; answers complete on
 * shard and driver threads.
 */
abstract class ConcurrentReplies<Q, R> implements StreamObserver<Q> {

  private final StreamObserver<R> responses;
  /** Requests not yet answered, plus one until the client half-closes. */
  private final AtomicInteger open = new AtomicInteger(1);
  private boolean closed;

  ConcurrentReplies(StreamObserver<R> responses) {
    this.responses = responses;
  }

  /** Call before starting work on a request. */
  final void accepted() {
    open.incrementAndGet();
  }

  /** Call once per accepted request, with its answer or null when it has none. */
  final void answered(R response) {
    if (response != null) {
      send(response);
    }
    if (open.decrementAndGet() == 0) {
      synchronized (this) {
        if (!closed) {
          closed = true;
          responses.onCompleted();
        }
      }
    }
  }

  /** Sends part of the answer to an accepted request; {@link #answered} sends the last part. */
  final void partly(R response) {
    send(response);
  }

  /** Ends the call with an error; answers still in flight are dropped. */
  final synchronized void fail(Throwable status) {
    if (!closed) {
      closed = true;
      responses.onError(status);
    }
  }

  @Override
  public final void onError(Throwable t) {
    // The client went away; answers still in flight are dropped (their orders stand).
    synchronized (this) {
      closed = true;
    }
  }

  @Override
  public final void onCompleted() {
    answered(null);
  }

  private synchronized void send(R response) {
    if (!closed) {
      responses.onNext(response);
    }
  }
}
