package dev.liveshop.bench.inventory;

import dev.liveshop.gateway.order.ReserveBatcher;
import dev.liveshop.proto.v1.AddProductRequest;
import dev.liveshop.proto.v1.CatalogServiceGrpc;
import dev.liveshop.proto.v1.CreateSaleRequest;
import dev.liveshop.proto.v1.CreateStreamRequest;
import dev.liveshop.proto.v1.InventoryServiceGrpc;
import dev.liveshop.proto.v1.ReserveRequest;
import dev.liveshop.proto.v1.ReserveResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * LiveShop over one gRPC channel (HTTP/2, multiplexed): a unary Reserve per attempt, or
 * the gateway's own client, {@link ReserveBatcher}, whose callers' attempts share
 * ReserveBatches messages. For the thread driver a unary call blocks its caller; answers
 * otherwise complete on the channel's event loop.
 */
final class LiveShopGrpc implements Reserver {
  private final ManagedChannel channel;
  private final InventoryServiceGrpc.InventoryServiceBlockingStub blocking;
  private final InventoryServiceGrpc.InventoryServiceStub async;
  private final ReserveBatcher batcher;
  private final int quantity;

  LiveShopGrpc(String target, int quantity, int batchesInFlight, boolean asyncDriver) {
    this.channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    this.blocking = InventoryServiceGrpc.newBlockingStub(channel);
    this.async = asyncDriver ? InventoryServiceGrpc.newStub(channel).withExecutor(Runnable::run) : null;
    this.batcher = batchesInFlight > 0
        ? new ReserveBatcher(channel, 256, batchesInFlight, Duration.ofSeconds(10)) : null;
    this.quantity = quantity;
  }

  @Override
  public String open(String name) {
    var catalog = CatalogServiceGrpc.newBlockingStub(channel);
    String stream = "peer-bench";
    catalog.createStream(CreateStreamRequest.newBuilder().setStreamId(stream).setTitle("Peer bench")
        .setHostId("bench").build());
    String product = catalog.addProduct(AddProductRequest.newBuilder().setStreamId(stream).setName(name)
        .setPriceCents(1900).build()).getProductId();
    return blocking.createSale(CreateSaleRequest.newBuilder().setStreamId(stream).setProductId(product)
        .setQuantity(quantity).setPerViewerLimit(1).setDurationMs(TimeUnit.MINUTES.toMillis(30)).build())
        .getSaleId();
  }

  @Override
  public CompletionStage<String> reserve(String saleId, String viewerId, String clientOrderId) {
    ReserveRequest request = ReserveRequest.newBuilder().setSaleId(saleId).setViewerId(viewerId).setQuantity(1)
        .setClientOrderId(clientOrderId).build();
    CompletableFuture<ReserveResponse> answer;
    if (batcher != null) {
      answer = batcher.reserve(request);
    } else if (async != null) {
      answer = new CompletableFuture<>();
      async.withDeadlineAfter(10, TimeUnit.SECONDS).reserve(request, completing(answer));
    } else {
      answer = CompletableFuture.completedFuture(blocking.withDeadlineAfter(10, TimeUnit.SECONDS).reserve(request));
    }
    return answer.thenApply(response -> response.getResult().name().replace("RESERVE_RESULT_", ""));
  }

  private static StreamObserver<ReserveResponse> completing(CompletableFuture<ReserveResponse> answer) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ReserveResponse response) {
        answer.complete(response);
      }

      @Override
      public void onError(Throwable t) {
        answer.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    };
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
