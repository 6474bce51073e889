package dev.liveshop.core.grpc;

import dev.liveshop.core.inventory.InventoryEngine;
import dev.liveshop.core.inventory.ReserveCommand;
import dev.liveshop.proto.v1.ReserveRequest;
import dev.liveshop.proto.v1.ReserveResponse;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One ReserveStream call: every request goes to the engine at once; each answer is sent
 * when it completes. The response stream closes after the client's half-close once every
 * answer has been sent.
 *
 * <p>Threading: requests arrive on gRPC's serialised call thread; answers complete on
 * shard and driver threads, so sends to the response observer (not thread-safe) are
 * serialised on this object.
 */
final class ReserveStreamCall implements StreamObserver<ReserveRequest> {

  private final InventoryEngine engine;
  private final StreamObserver<ReserveResponse> responses;
  /** Requests not yet answered, plus one until the client half-closes. */
  private final AtomicInteger open = new AtomicInteger(1);
  private boolean closed;

  ReserveStreamCall(InventoryEngine engine, StreamObserver<ReserveResponse> responses) {
    this.engine = engine;
    this.responses = responses;
  }

  @Override
  public void onNext(ReserveRequest r) {
    open.incrementAndGet();
    engine.reserve(new ReserveCommand(r.getSaleId(), r.getViewerId(), r.getQuantity(), r.getClientOrderId()))
        .whenComplete((answer, failure) -> {
          if (failure == null) {
            send(ProtoMapper.reserve(answer));
          }
          release();
        });
  }

  @Override
  public void onError(Throwable t) {
    // The client went away; answers still in flight are dropped (their orders stand).
    synchronized (this) {
      closed = true;
    }
  }

  @Override
  public void onCompleted() {
    release();
  }

  private synchronized void send(ReserveResponse response) {
    if (!closed) {
      responses.onNext(response);
    }
  }

  private void release() {
    if (open.decrementAndGet() == 0) {
      synchronized (this) {
        if (!closed) {
          closed = true;
          responses.onCompleted();
        }
      }
    }
  }
}
