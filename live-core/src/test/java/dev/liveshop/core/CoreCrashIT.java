package dev.liveshop.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.liveshop.core.config.CoreConfig;
import dev.liveshop.proto.v1.AddProductRequest;
import dev.liveshop.proto.v1.CatalogServiceGrpc;
import dev.liveshop.proto.v1.CreateSaleRequest;
import dev.liveshop.proto.v1.CreateStreamRequest;
import dev.liveshop.proto.v1.FlashSale;
import dev.liveshop.proto.v1.GetStreamRequest;
import dev.liveshop.proto.v1.InventoryServiceGrpc;
import dev.liveshop.proto.v1.ReserveRequest;
import dev.liveshop.proto.v1.ReserveResponse;
import dev.liveshop.proto.v1.ReserveResult;
import dev.liveshop.proto.v1.StockUpdate;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Kill -9 live-core in the middle of a sale, restart it on the same data, and count: no
 * acknowledged order lost, no oversell, counters equal to the rows, and retries of every
 * request (same client order id) create no second order.
 */
class CoreCrashIT {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CoreCrashIT.class);

  private static final int QUANTITY = 150;
  private static final int BUYERS = 400;

  @Test
  void killDuringSale_restart_losesNothingAcknowledgedAndNeverOversells() throws Exception {
    CoreConfig config = CoreFixture.config("crash_it");
    int port = freePort();
    Process core = startCore(config, port);
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    String saleId;
    try {
      awaitReady(channel);
      saleId = launchSale(channel);
      var inventory = InventoryServiceGrpc.newStub(channel);
      CountDownLatch answered = new CountDownLatch(BUYERS);
      // Kill at a random point of the sale: right after request number killAt (< QUANTITY) is
      // sent, once some answers have come back, so that at most killAt buyers can have been
      // told "yes" and some requests are still in flight.
      int killAt = 40 + ThreadLocalRandom.current().nextInt(80);
      for (int i = 0; i < BUYERS; i++) {
        String viewer = "v" + i;
        inventory.withDeadlineAfter(10, TimeUnit.SECONDS).reserve(request(saleId, viewer),
            new StreamObserver<>() {
              @Override
              public void onNext(ReserveResponse r) {
                if (r.getResult() == ReserveResult.RESERVE_RESULT_RESERVED) {
                  acknowledged.put(viewer, r.getOrderId());
                }
              }

              @Override
              public void onError(Throwable t) {
                answered.countDown();
              }

              @Override
              public void onCompleted() {
                answered.countDown();
              }
            });
        if (i == killAt) {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          while (acknowledged.size() < 10 && System.nanoTime() < deadline) {
            Thread.sleep(1);
          }
          core.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
      answered.await(20, TimeUnit.SECONDS);
    } finally {
      CoreFixture.close(channel);
      core.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    Map<String, String> ackedBeforeCrash = Map.copyOf(acknowledged);
    assertThat(ackedBeforeCrash.size()).as("the crash came mid-sale").isBetween(1, QUANTITY - 1);

    Process restarted = startCore(config, port);
    ManagedChannel again = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try (CqlSession cql = CoreFixture.cql(config)) {
      awaitReady(again);
      Map<String, Row> rows = new HashMap<>();
      for (Row row : cql.execute("SELECT * FROM orders")) {
        if (row.getString("sale_id").equals(saleId)) {
          rows.put(row.getString("viewer_id"), row);
        }
      }
      // Every order a buyer was told about is in Cassandra, under the id it was given.
      ackedBeforeCrash.forEach((viewer, orderId) ->
          assertThat(rows.get(viewer)).as("acknowledged order of " + viewer).isNotNull()
              .extracting(r -> r.getUuid("order_id").toString()).isEqualTo(orderId));
      int rowUnits = rows.values().stream().mapToInt(r -> r.getInt("quantity")).sum();
      assertThat(rowUnits).as("units in order rows").isLessThanOrEqualTo(QUANTITY);

      // Counters after recovery equal those recomputed from the rows.
      StockUpdate stock = CatalogServiceGrpc.newBlockingStub(again)
          .getStream(GetStreamRequest.newBuilder().setStreamId("crash").build()).getSales(0).getStock();
      assertThat(stock.getHeld() + stock.getSold()).isEqualTo(rowUnits);
      assertThat(stock.getAvailable()).isEqualTo(QUANTITY - rowUnits);

      // Retrying every request with its client order id creates no second order.
      var retry = InventoryServiceGrpc.newBlockingStub(again);
      Set<String> grantedAfterRetry = new HashSet<>();
      for (int i = 0; i < BUYERS; i++) {
        String viewer = "v" + i;
        ReserveResponse r = retry.withDeadlineAfter(10, TimeUnit.SECONDS).reserve(request(saleId, viewer));
        if (r.getResult() == ReserveResult.RESERVE_RESULT_RESERVED) {
          grantedAfterRetry.add(viewer);
          if (ackedBeforeCrash.containsKey(viewer)) {
            assertThat(r.getOrderId()).isEqualTo(ackedBeforeCrash.get(viewer));
          }
        }
      }
      List<Row> finalRows = new ArrayList<>();
      for (Row row : cql.execute("SELECT * FROM orders")) {
        if (row.getString("sale_id").equals(saleId)) {
          finalRows.add(row);
        }
      }
      assertThat(finalRows).hasSize(grantedAfterRetry.size());
      assertThat(finalRows.stream().map(r -> r.getString("viewer_id")).distinct().count())
          .isEqualTo(finalRows.size());
      assertThat(finalRows.stream().mapToInt(r -> r.getInt("quantity")).sum()).isLessThanOrEqualTo(QUANTITY);
      assertThat(grantedAfterRetry).containsAll(ackedBeforeCrash.keySet());
      log.info("crash test: {} acknowledged before kill -9, {} order rows after restart ({} units), "
          + "{} granted after retrying all {} buyers", ackedBeforeCrash.size(), rows.size(), rowUnits,
          grantedAfterRetry.size(), BUYERS);
    } finally {
      CoreFixture.close(again);
      restarted.destroy();
      restarted.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static ReserveRequest request(String saleId, String viewer) {
    return ReserveRequest.newBuilder().setSaleId(saleId).setViewerId(viewer).setQuantity(1)
        .setClientOrderId("tap-" + viewer).build();
  }

  private static String launchSale(ManagedChannel channel) {
    var catalog = CatalogServiceGrpc.newBlockingStub(channel);
    catalog.createStream(CreateStreamRequest.newBuilder().setStreamId("crash").setTitle("Crash").setHostId("h").build());
    String productId = catalog.addProduct(AddProductRequest.newBuilder().setStreamId("crash").setName("Scarf")
        .setPriceCents(100).build()).getProductId();
    FlashSale sale = InventoryServiceGrpc.newBlockingStub(channel).createSale(CreateSaleRequest.newBuilder()
        .setStreamId("crash").setProductId(productId).setQuantity(QUANTITY).setPerViewerLimit(1)
        .setDurationMs(600_000).build());
    return sale.getSaleId();
  }

  /** live-core as its own process (CoreMain), so that it can be killed with SIGKILL. */
  private static Process startCore(CoreConfig config, int port) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var address = config.cassandra().contactPoints().get(0);
    List<String> command = List.of(java, "-Xmx512m",
        "-Dliveshop.core.grpc.port=" + port,
        "-Dliveshop.core.cassandra.contact-points=" + address.getHostString() + ":" + address.getPort(),
        "-Dliveshop.core.cassandra.keyspace=" + config.cassandra().keyspace(),
        "-Dliveshop.core.demo.enabled=false",
        "-cp", System.getProperty("java.class.path"), CoreMain.class.getName());
    File log = Path.of("target", "crash-it-core-" + port + ".log").toFile();
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
  }

  private static void awaitReady(ManagedChannel channel) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        CatalogServiceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
            .listStreams(dev.liveshop.proto.v1.ListStreamsRequest.getDefaultInstance());
        return;
      } catch (io.grpc.StatusRuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("live-core did not start within 60 s; see target/crash-it-core-*.log", e);
        }
        Thread.sleep(250);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
