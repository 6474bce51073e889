package dev.liveshop.core.grpc;

import dev.liveshop.proto.v1.InventoryServiceGrpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Which thread runs a call's handler. The reservation calls never block (they hand the
 * work to a shard and answer from there), so they run straight on the transport's event
 * loop, saving a hop through gRPC's executor on the hot path; every other call may read
 * Cassandra and keeps gRPC's default executor.
 */
public final class CallExecutors {

  private static final Set<String> NON_BLOCKING = Set.of(
      InventoryServiceGrpc.getReserveMethod().getFullMethodName(),
      InventoryServiceGrpc.getReserveStreamMethod().getFullMethodName(),
      InventoryServiceGrpc.getReserveBatchesMethod().getFullMethodName(),
      InventoryServiceGrpc.getReserveBundleMethod().getFullMethodName(),
      InventoryServiceGrpc.getWatchStockMethod().getFullMethodName());

  private CallExecutors() {}

  public static ServerCallExecutorSupplier directForNonBlockingCalls() {
    Executor direct = Runnable::run;
    return new ServerCallExecutorSupplier() {
      @Override
      public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata headers) {
        // null: gRPC's default executor.
        return NON_BLOCKING.contains(call.getMethodDescriptor().getFullMethodName()) ? direct : null;
      }
    };
  }
}
