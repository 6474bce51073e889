package dev.liveshop.core.grpc;

import dev.liveshop.core.inventory.InventoryEngine;
import dev.liveshop.core.inventory.ReserveAnswer;
import dev.liveshop.core.inventory.ReserveCommand;
import dev.liveshop.proto.v1.ReserveBatch;
import dev.liveshop.proto.v1.ReserveBatchResult;
import dev.liveshop.proto.v1.ReserveRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One ReserveBatches call: each batch goes to the engine with one hand-off per shard, and
 * is answered by one message once all of its reservations are decided and durable.
 */
final class ReserveBatchesCall extends ConcurrentReplies<ReserveBatch, ReserveBatchResult> {

  static final int MAX_BATCH = 1000;

  private final InventoryEngine engine;

  ReserveBatchesCall(InventoryEngine engine, StreamObserver<ReserveBatchResult> responses) {
    super(responses);
    this.engine = engine;
  }

  @Override
  public void onNext(ReserveBatch batch) {
    if (batch.getRequestsCount() > MAX_BATCH) {
      fail(Status.INVALID_ARGUMENT.withDescription("requests: a batch holds at most " + MAX_BATCH
          + " reservations, got " + batch.getRequestsCount() + "; split it").asRuntimeException());
      return;
    }
    accepted();
    List<ReserveRequest> requests = batch.getRequestsList();
    List<ReserveCommand> commands = new ArrayList<>(requests.size());
    requests.forEach(r -> commands.add(ProtoMapper.command(r)));
    List<CompletableFuture<ReserveAnswer>> answers = engine.reserveAll(commands);
    CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).whenComplete((done, failure) -> {
      if (failure != null) {
        fail(GrpcErrors.toStatus(failure));
        answered(null);
        return;
      }
      ReserveBatchResult.Builder result = ReserveBatchResult.newBuilder().setBatchId(batch.getBatchId());
      answers.forEach(a -> result.addResponses(ProtoMapper.reserve(a.join())));
      answered(result.build());
    });
  }
}
