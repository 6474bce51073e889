package dev.liveshop.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.liveshop.cassandra.CassandraNode;
import dev.liveshop.cassandra.NodeSettings;
import dev.liveshop.cassandra.testing.SharedCassandra;
import dev.liveshop.core.config.CoreConfig;
import dev.liveshop.proto.v1.AddProductRequest;
import dev.liveshop.proto.v1.CatalogServiceGrpc;
import dev.liveshop.proto.v1.CreateSaleRequest;
import dev.liveshop.proto.v1.CreateStreamRequest;
import dev.liveshop.proto.v1.InventoryServiceGrpc;
import dev.liveshop.proto.v1.ReserveRequest;
import dev.liveshop.proto.v1.ReserveResult;
import dev.liveshop.proto.v1.WatchStockRequest;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Cassandra goes away mid-sale and comes back: reservations are refused with
 * STORE_UNAVAILABLE meanwhile (nothing accepted and lost, no unit kept), and service
 * resumes without restarting live-core. Uses a node of its own, not the shared one.
 */
class CassandraOutageIT {

  @Test
  void cassandraDown_refusesClearly_thenResumesWithoutRestart() throws Exception {
    NodeSettings settings = SharedCassandra.freshSettings("outage");
    CassandraNode node = CassandraNode.start(settings);
    CoreConfig defaults = CoreConfig.from(ConfigFactory.load());
    CoreConfig config = defaults.withGrpcPort(0).withDemo(false)
        .withCassandra(defaults.cassandra().withContactPoint(node.contactPoint(), node.localDatacenter())
            .withKeyspace("outage"));
    CoreServer core = CoreServer.start(config);
    ManagedChannel channel = CoreFixture.channel(core);
    try {
      var catalog = CatalogServiceGrpc.newBlockingStub(channel);
      var inventory = InventoryServiceGrpc.newBlockingStub(channel);
      catalog.createStream(CreateStreamRequest.newBuilder().setStreamId("s").setTitle("S").setHostId("h").build());
      String productId = catalog.addProduct(AddProductRequest.newBuilder().setStreamId("s").setName("P")
          .setPriceCents(100).build()).getProductId();
      String saleId = inventory.createSale(CreateSaleRequest.newBuilder().setStreamId("s").setProductId(productId)
          .setQuantity(10).setPerViewerLimit(1).setDurationMs(600_000).build()).getSaleId();
      assertThat(inventory.reserve(request(saleId, "before")).getResult())
          .isEqualTo(ReserveResult.RESERVE_RESULT_RESERVED);

      node.close();
      long asked = System.nanoTime();
      assertThat(inventory.withDeadlineAfter(30, TimeUnit.SECONDS).reserve(request(saleId, "during")).getResult())
          .isEqualTo(ReserveResult.RESERVE_RESULT_STORE_UNAVAILABLE);
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - asked)).isLessThan(15);
      // Stock lives in memory: still served, and the refused request holds nothing.
      var stock = InventoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
          .watchStock(WatchStockRequest.newBuilder().setSaleId(saleId).build()).next();
      assertThat(stock.getHeld()).isEqualTo(1);
      assertThat(stock.getAvailable()).isEqualTo(9);

      node = CassandraNode.start(settings);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      ReserveResult result;
      do {
        Thread.sleep(500);
        result = inventory.withDeadlineAfter(30, TimeUnit.SECONDS).reserve(request(saleId, "during")).getResult();
      } while (result == ReserveResult.RESERVE_RESULT_STORE_UNAVAILABLE && System.nanoTime() < deadline);
      assertThat(result).isEqualTo(ReserveResult.RESERVE_RESULT_RESERVED);
    } finally {
      CoreFixture.close(channel);
      core.close();
      node.close();
    }
  }

  private static ReserveRequest request(String saleId, String viewer) {
    return ReserveRequest.newBuilder().setSaleId(saleId).setViewerId(viewer).setQuantity(1)
        .setClientOrderId("c-" + viewer).build();
  }
}
