package dev.liveshop.core.grpc;

import dev.liveshop.core.inventory.InventoryEngine;
import dev.liveshop.proto.v1.ReserveRequest;
import dev.liveshop.proto.v1.ReserveResponse;
import io.grpc.stub.StreamObserver;

/** One ReserveStream call: every request goes to the engine at once, each answer is sent when it completes. */
final class ReserveStreamCall extends ConcurrentReplies<ReserveRequest, ReserveResponse> {

  private final InventoryEngine engine;

  ReserveStreamCall(InventoryEngine engine, StreamObserver<ReserveResponse> responses) {
    super(responses);
    this.engine = engine;
  }

  @Override
  public void onNext(ReserveRequest r) {
    if (!accepted()) {
      return; // draining for shutdown: the call's UNAVAILABLE sends the gateway elsewhere
    }
    engine.reserve(ProtoMapper.command(r))
        .whenComplete((answer, failure) -> answered(failure == null ? ProtoMapper.reserve(answer) : null));
  }
}
