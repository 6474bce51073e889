package dev.liveshop.core.grpc;

import dev.liveshop.core.inventory.StockSnapshot;
import dev.liveshop.core.inventory.StockWatcher;
import dev.liveshop.proto.v1.StockUpdate;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * One WatchStock call as an engine {@link StockWatcher}. gRPC's flow control is the
 * readiness signal, so a slow gateway gets the latest stock instead of a backlog.
 * Called only on the sale's shard thread, which also serialises the observer's calls.
 */
final class GrpcStockWatcher implements StockWatcher {

  private final ServerCallStreamObserver<StockUpdate> call;

  GrpcStockWatcher(ServerCallStreamObserver<StockUpdate> call) {
    this.call = call;
  }

  @Override
  public boolean isReady() {
    return call.isReady();
  }

  @Override
  public boolean isCancelled() {
    return call.isCancelled();
  }

  @Override
  public void onStock(StockSnapshot snapshot) {
    if (!call.isCancelled()) {
      call.onNext(ProtoMapper.stock(snapshot));
    }
  }

  @Override
  public void onMoved() {
    call.onError(Status.UNAVAILABLE.withDescription("the sale moved to another live-core shard; watch it there "
        + "(the room bus names the new owner)").asRuntimeException());
  }

  @Override
  public void onClosing() {
    call.onError(GrpcErrors.shuttingDown().asRuntimeException());
  }

  @Override
  public void onEnd() {
    if (!call.isCancelled()) {
      call.onCompleted();
    }
  }
}
