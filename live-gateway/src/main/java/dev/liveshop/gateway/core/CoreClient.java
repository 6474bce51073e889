package dev.liveshop.gateway.core;

import com.google.common.util.concurrent.ListenableFuture;
import dev.liveshop.proto.v1.CatalogServiceGrpc;
import dev.liveshop.proto.v1.InventoryServiceGrpc;
import dev.liveshop.proto.v1.OrderServiceGrpc;
import dev.liveshop.proto.v1.RoomBusServiceGrpc;
import dev.liveshop.proto.v1.RoomEvent;
import dev.liveshop.proto.v1.StockUpdate;
import dev.liveshop.proto.v1.WatchRoomRequest;
import dev.liveshop.proto.v1.WatchStockRequest;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * live-core's gRPC services as this gateway uses them (taps go through
 * {@code order.ReserveBatcher}): async stubs with deadlines. Every
 * call returns at once; answers arrive on gRPC's threads. Thread-safe.
 */
public final class CoreClient {

  private final ManagedChannel channel;
  private final Duration callDeadline;

  public CoreClient(ManagedChannel channel, Duration callDeadline) {
    this.channel = channel;
    this.callDeadline = callDeadline;
  }

  public CatalogServiceGrpc.CatalogServiceFutureStub catalog() {
    return CatalogServiceGrpc.newFutureStub(channel).withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  public InventoryServiceGrpc.InventoryServiceFutureStub inventory() {
    return InventoryServiceGrpc.newFutureStub(channel).withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  public OrderServiceGrpc.OrderServiceFutureStub orders() {
    return OrderServiceGrpc.newFutureStub(channel).withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  public RoomBusServiceGrpc.RoomBusServiceFutureStub bus() {
    return RoomBusServiceGrpc.newFutureStub(channel).withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Follows a stream's room bus until the call fails or is cancelled (no deadline). */
  public void watchRoom(WatchRoomRequest request, StreamObserver<RoomEvent> observer) {
    RoomBusServiceGrpc.newStub(channel).watchRoom(request, observer);
  }

  /** Streams a sale's stock until the sale ends or the call fails (no deadline). */
  public void watchStock(String saleId, StreamObserver<StockUpdate> observer) {
    InventoryServiceGrpc.newStub(channel).watchStock(WatchStockRequest.newBuilder().setSaleId(saleId).build(), observer);
  }

  /** A gRPC future as a CompletableFuture, completed on gRPC's thread. */
  public static <T> CompletableFuture<T> toCompletable(ListenableFuture<T> future) {
    CompletableFuture<T> result = new CompletableFuture<>();
    future.addListener(() -> {
      try {
        result.complete(future.get());
      } catch (ExecutionException e) {
        result.completeExceptionally(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        result.completeExceptionally(e);
      }
    }, Runnable::run);
    return result;
  }
}
