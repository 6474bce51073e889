package dev.liveshop.core;

import static dev.liveshop.core.Eventually.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.core.config.CoreConfig;
import dev.liveshop.core.grpc.StreamRecorder;
import dev.liveshop.proto.v1.AddProductRequest;
import dev.liveshop.proto.v1.CatalogServiceGrpc;
import dev.liveshop.proto.v1.CreateSaleRequest;
import dev.liveshop.proto.v1.CreateStreamRequest;
import dev.liveshop.proto.v1.FlashSale;
import dev.liveshop.proto.v1.InventoryServiceGrpc;
import dev.liveshop.proto.v1.Product;
import dev.liveshop.proto.v1.ReserveBatch;
import dev.liveshop.proto.v1.ReserveBatchResult;
import dev.liveshop.proto.v1.ReserveRequest;
import dev.liveshop.proto.v1.RoomBusServiceGrpc;
import dev.liveshop.proto.v1.RoomEvent;
import dev.liveshop.proto.v1.StockUpdate;
import dev.liveshop.proto.v1.WatchRoomRequest;
import dev.liveshop.proto.v1.WatchStockRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A gateway's long-lived streams do not hold live-core's shutdown for the whole grace:
 * close() ends them with UNAVAILABLE (what a gateway resubscribes on) and returns.
 */
class CoreShutdownIT {

  /** Far longer than the test's timeout: close() returning in time proves it did not wait for it. */
  private static final Duration LONG_GRACE = Duration.ofSeconds(60);

  private CoreServer server;
  private ManagedChannel channel;

  /** Outside the test's timeout: the first start of the shared node and the schema take a while. */
  @BeforeEach
  void start() {
    CoreConfig fixture = CoreFixture.config("core_shutdown");
    server = CoreServer.start(new CoreConfig(fixture.grpcHost(), fixture.grpcPort(), LONG_GRACE,
        fixture.cassandra(), fixture.inventory(), fixture.orders(), fixture.bus(), fixture.shard(),
        fixture.demoEnabled()));
    channel = CoreFixture.channel(server);
  }

  @AfterEach
  void stop() throws InterruptedException {
    CoreFixture.close(channel);
    if (server != null) {
      server.close();
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void close_withGatewayStreamsOpen_endsThemUnavailable_withoutWaitingTheGrace() throws Exception {
    FlashSale sale = launchSale(channel, "closing");
    StreamRecorder<RoomEvent> room = new StreamRecorder<>();
    RoomBusServiceGrpc.newStub(channel).watchRoom(WatchRoomRequest.newBuilder().setStreamId("closing").build(),
        room);
    StreamRecorder<StockUpdate> stock = new StreamRecorder<>();
    InventoryServiceGrpc.newStub(channel).watchStock(WatchStockRequest.newBuilder().setSaleId(sale.getSaleId())
        .build(), stock);
    StreamRecorder<ReserveBatchResult> reserves = new StreamRecorder<>();
    var batches = InventoryServiceGrpc.newStub(channel).reserveBatches(reserves);
    batches.onNext(ReserveBatch.newBuilder().setBatchId(1).addRequests(ReserveRequest.newBuilder()
        .setSaleId(sale.getSaleId()).setViewerId("viewer-1").setQuantity(1).setClientOrderId("tap-1")).build());
    // Every stream is open on the server once it has sent something.
    waitFor(() -> !room.values.isEmpty() && !stock.values.isEmpty() && !reserves.values.isEmpty(), "streams open",
        Duration.ofSeconds(20));

    server.close();
    server = null;

    for (StreamRecorder<?> stream : new StreamRecorder<?>[] {room, stock, reserves}) {
      assertThat(stream.awaitEnd(10)).isTrue();
      Status status = Status.fromThrowable(stream.error());
      assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(status.getDescription()).contains("shutting down");
    }
  }

  private static FlashSale launchSale(ManagedChannel channel, String streamId) {
    var catalog = CatalogServiceGrpc.newBlockingStub(channel);
    catalog.createStream(CreateStreamRequest.newBuilder().setStreamId(streamId).setTitle("Closing")
        .setHostId("host-1").build());
    Product product = catalog.addProduct(AddProductRequest.newBuilder().setStreamId(streamId).setName("Scarf")
        .setPriceCents(2900).build());
    return InventoryServiceGrpc.newBlockingStub(channel).createSale(CreateSaleRequest.newBuilder()
        .setStreamId(streamId).setProductId(product.getProductId()).setQuantity(5).setPerViewerLimit(1)
        .setDurationMs(600_000).build());
  }
}
