package dev.liveshop.core.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The response side of a bidirectional call whose requests are answered out of order, as
 * each completes: sends are serialised (the observer is not thread-safe), and the stream
 * closes after the client's half-close once every request has been answered. A gateway
 * never half-closes its reservation stream, so shutdown {@link #drain}s it instead.
 *
 * <p>Threading: requests arrive on gRPC's serialised call thread; answers complete on
 * shard and driver threads; {@link #drain} comes from the shutdown thread.
 */
abstract class ConcurrentReplies<Q, R> implements StreamObserver<Q> {

  private final StreamObserver<R> responses;
  /** Requests not yet answered, plus one until the client half-closes or the call is drained. */
  private final AtomicInteger open = new AtomicInteger(1);
  private boolean closed;
  /** The client half-closed or the call was drained: the "plus one" of {@code open} is gone. */
  private boolean noMoreRequests;
  /** How the call ends once drained; null: completed normally. */
  private Status endStatus;

  ConcurrentReplies(StreamObserver<R> responses) {
    this.responses = responses;
  }

  /**
   * Call before starting work on a request; false once the call is draining: the request
   * is not decided, and the call's end status tells the client to send it elsewhere.
   */
  final synchronized boolean accepted() {
    if (noMoreRequests || closed) {
      return false;
    }
    open.incrementAndGet();
    return true;
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
          if (endStatus == null) {
            responses.onCompleted();
          } else {
            responses.onError(endStatus.asRuntimeException());
          }
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

  /**
   * Takes no more requests and ends the call with {@code status} once those accepted are
   * answered (at once if none is pending): granted reservations reach the gateway with
   * their orders, and the gateway resends what it sends from now on elsewhere. A call the
   * client already half-closed ends as it would have. Idempotent.
   */
  final void drain(Status status) {
    synchronized (this) {
      if (noMoreRequests || closed) {
        return;
      }
      noMoreRequests = true;
      endStatus = status;
    }
    answered(null);
  }

  /** Whether the call has ended (answered, failed, drained or left by the client). */
  final synchronized boolean isClosed() {
    return closed;
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
    synchronized (this) {
      if (noMoreRequests) {
        return; // drained already
      }
      noMoreRequests = true;
    }
    answered(null);
  }

  private synchronized void send(R response) {
    if (!closed) {
      responses.onNext(response);
    }
  }
}
