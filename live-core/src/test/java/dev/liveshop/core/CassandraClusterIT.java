package dev.liveshop.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.liveshop.cassandra.CassandraNode;
import dev.liveshop.cassandra.NodeSettings;
import dev.liveshop.core.config.CoreConfig;
import dev.liveshop.proto.v1.AddProductRequest;
import dev.liveshop.proto.v1.CatalogServiceGrpc;
import dev.liveshop.proto.v1.CreateSaleRequest;
import dev.liveshop.proto.v1.CreateStreamRequest;
import dev.liveshop.proto.v1.GetOrderRequest;
import dev.liveshop.proto.v1.GetStreamRequest;
import dev.liveshop.proto.v1.InventoryServiceGrpc;
import dev.liveshop.proto.v1.Order;
import dev.liveshop.proto.v1.OrderServiceGrpc;
import dev.liveshop.proto.v1.ReserveRequest;
import dev.liveshop.proto.v1.ReserveResponse;
import dev.liveshop.proto.v1.ReserveResult;
import dev.liveshop.proto.v1.StockUpdate;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A 3-node Cassandra cluster on this machine (127.0.0.1, .2 and .3, one JVM each with a
 * small heap), a keyspace at RF 3 written and read at LOCAL_QUORUM: one node dies (SIGKILL)
 * in the middle of a sale; no acknowledged order is lost, the sale goes on, and a live-core
 * restarted with the node still down recovers the same counters.
 */
class CassandraClusterIT {

  private static final Logger log = LoggerFactory.getLogger(CassandraClusterIT.class);
  private static final String[] ADDRESSES = {"127.0.0.1", "127.0.0.2", "127.0.0.3"};
  private static final int QUANTITY = 400;
  private static final int BUYERS = 8;

  private static final List<CassandraNode> nodes = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws IOException {
    int[] ports = portsFreeOnEveryAddress(2);
    Path root = Path.of("target", "cassandra-it", "cluster-" + ProcessHandle.current().pid());
    String seed = ADDRESSES[0] + ":" + ports[1];
    // One at a time: a node joins the ring only once the one before it is up.
    for (int i = 0; i < ADDRESSES.length; i++) {
      NodeSettings settings = NodeSettings.defaults(root.resolve("node-" + (i + 1)))
          .withListenAddress(ADDRESSES[i]).withNativePort(ports[0]).withStoragePort(ports[1])
          .withSeeds(seed).withMaxHeap("512M").withInitialHeap("256M").withStartTimeout(Duration.ofMinutes(4));
      long started = System.nanoTime();
      nodes.add(CassandraNode.start(settings));
      log.info("cluster node {} up in {} s", ADDRESSES[i], TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    }
  }

  @AfterAll
  static void stopCluster() {
    nodes.forEach(CassandraNode::close);
  }

  @Test
  void nodeDiesMidSale_atQuorum_noAcknowledgedOrderLost_saleGoesOn_restartRecoversTheSameCounters()
      throws Exception {
    CoreConfig defaults = CoreConfig.from(ConfigFactory.load());
    CoreConfig config = defaults.withGrpcPort(0).withDemo(false).withCassandra(defaults.cassandra()
        .withContactPoint(nodes.get(0).contactPoint(), nodes.get(0).localDatacenter())
        .withKeyspace("cluster_it")
        .withReplication("{'class': 'NetworkTopologyStrategy', '" + nodes.get(0).localDatacenter() + "': 3}",
            "LOCAL_QUORUM"));
    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    int ackedBeforeDeath;
    String saleId;
    try (CoreServer core = CoreServer.start(config)) {
      ManagedChannel channel = CoreFixture.channel(core);
      try {
        saleId = launchSale(channel);
        var inventory = InventoryServiceGrpc.newBlockingStub(channel);
        ExecutorService buyers = Executors.newFixedThreadPool(BUYERS);
        List<Future<?>> running = new ArrayList<>();
        for (int b = 0; b < BUYERS; b++) {
          int buyer = b;
          running.add(buyers.submit(() -> {
            for (int i = buyer; i < QUANTITY; i += BUYERS) {
              String viewer = "v" + i;
              ReserveResponse answer = reserveUntilDecided(inventory, saleId, viewer);
              if (answer.getResult() == ReserveResult.RESERVE_RESULT_RESERVED) {
                acknowledged.put(viewer, answer.getOrderId());
              }
            }
            return null;
          }));
        }
        while (acknowledged.size() < QUANTITY / 4) {
          Thread.sleep(5);
        }
        ackedBeforeDeath = acknowledged.size();
        CassandraNode third = nodes.get(2);
        ProcessHandle.of(third.pid()).ifPresent(ProcessHandle::destroyForcibly);
        log.info("killed the node on {} after {} acknowledged orders", third.host(), ackedBeforeDeath);
        for (Future<?> buyer : running) {
          buyer.get(3, TimeUnit.MINUTES);
        }
        buyers.shutdown();
      } finally {
        CoreFixture.close(channel);
      }
    }
    assertThat(nodes.get(2).isRunning()).isFalse();
    assertThat(acknowledged.size()).as("the sale went on after the node died").isGreaterThan(ackedBeforeDeath);
    assertThat(acknowledged.size()).isLessThanOrEqualTo(QUANTITY);

    // A live-core started with the node still down finds every acknowledged order (read at
    // LOCAL_QUORUM with one replica gone) and rebuilds the same counters from the rows.
    try (CoreServer again = CoreServer.start(config)) {
      ManagedChannel channel = CoreFixture.channel(again);
      try {
        var orders = OrderServiceGrpc.newBlockingStub(channel);
        for (Map.Entry<String, String> acked : acknowledged.entrySet()) {
          Order order = orders.getOrder(GetOrderRequest.newBuilder().setOrderId(acked.getValue()).build());
          assertThat(order.getViewerId()).as("acknowledged order of " + acked.getKey()).isEqualTo(acked.getKey());
          assertThat(order.getSaleId()).isEqualTo(saleId);
        }
        StockUpdate stock = CatalogServiceGrpc.newBlockingStub(channel)
            .getStream(GetStreamRequest.newBuilder().setStreamId("cluster").build()).getSales(0).getStock();
        assertThat(stock.getHeld() + stock.getSold()).isEqualTo(acknowledged.size());
        assertThat(stock.getAvailable()).isEqualTo(QUANTITY - acknowledged.size());
      } finally {
        CoreFixture.close(channel);
      }
    }
  }

  /** Retries a tap (same client order id) while the store is briefly unavailable. */
  private static ReserveResponse reserveUntilDecided(InventoryServiceGrpc.InventoryServiceBlockingStub inventory,
      String saleId, String viewer) throws InterruptedException {
    ReserveRequest request = ReserveRequest.newBuilder().setSaleId(saleId).setViewerId(viewer).setQuantity(1)
        .setClientOrderId("tap-" + viewer).build();
    for (int attempt = 0; attempt < 100; attempt++) {
      ReserveResponse answer = inventory.withDeadlineAfter(30, TimeUnit.SECONDS).reserve(request);
      if (answer.getResult() != ReserveResult.RESERVE_RESULT_STORE_UNAVAILABLE
          && answer.getResult() != ReserveResult.RESERVE_RESULT_BUSY) {
        return answer;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("tap of " + viewer + " was never decided");
  }

  private static String launchSale(ManagedChannel channel) {
    var catalog = CatalogServiceGrpc.newBlockingStub(channel);
    catalog.createStream(CreateStreamRequest.newBuilder().setStreamId("cluster").setTitle("Cluster").setHostId("h")
        .build());
    String productId = catalog.addProduct(AddProductRequest.newBuilder().setStreamId("cluster").setName("Kettle")
        .setPriceCents(100).build()).getProductId();
    return InventoryServiceGrpc.newBlockingStub(channel).createSale(CreateSaleRequest.newBuilder()
        .setStreamId("cluster").setProductId(productId).setQuantity(QUANTITY).setPerViewerLimit(1)
        .setDurationMs(600_000).build()).getSaleId();
  }

  /** Ports free on all three loopback addresses now (each node binds the same ports on its own address). */
  private static int[] portsFreeOnEveryAddress(int count) throws IOException {
    int[] ports = new int[count];
    int found = 0;
    while (found < count) {
      int port = 20_000 + ThreadLocalRandom.current().nextInt(30_000);
      boolean free = true;
      for (String address : ADDRESSES) {
        try (ServerSocket probe = new ServerSocket()) {
          probe.bind(new InetSocketAddress(InetAddress.getByName(address), port));
        } catch (IOException taken) {
          free = false;
        }
      }
      if (free && (found == 0 || ports[0] != port)) {
        ports[found++] = port;
      }
    }
    return ports;
  }
}
