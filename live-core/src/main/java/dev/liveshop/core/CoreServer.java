package dev.liveshop.core;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.liveshop.core.bus.RoomBus;
import dev.liveshop.core.catalog.Catalog;
import dev.liveshop.core.config.CoreConfig;
import dev.liveshop.core.demo.DemoData;
import dev.liveshop.core.grpc.CallExecutors;
import dev.liveshop.core.grpc.CatalogGrpcService;
import dev.liveshop.core.grpc.InventoryGrpcService;
import dev.liveshop.core.grpc.OrderGrpcService;
import dev.liveshop.core.grpc.RoomBusGrpcService;
import dev.liveshop.core.inventory.InventoryEngine;
import dev.liveshop.core.shard.SaleOwnership;
import dev.liveshop.core.shard.ShardPeers;
import dev.liveshop.core.store.CassandraRoomRules;
import dev.liveshop.core.store.CassandraStore;
import dev.liveshop.core.store.CatalogStore;
import dev.liveshop.core.store.OrderStore;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running live-core: Cassandra session, inventory engine (this shard's sales recovered
 * from the store), the room bus, and the gRPC server. Threads it starts: the inventory shards
 * ({@code inventory-shard-N}), the catalogue's {@code sale-settings-catch-up}, gRPC's event loops and
 * executor, the driver's I/O threads.
 */
public final class CoreServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CoreServer.class);

  private final CoreConfig config;
  private final CqlSession session;
  private final OrderStore orders;
  private final InventoryEngine engine;
  private final ShardPeers peers;
  private final Catalog catalog;
  private final Server server;
  private final InventoryGrpcService inventoryService;
  private final RoomBusGrpcService roomBusService;

  private CoreServer(CoreConfig config, CqlSession session, OrderStore orders, InventoryEngine engine,
      ShardPeers peers, Catalog catalog, Server server, InventoryGrpcService inventoryService,
      RoomBusGrpcService roomBusService) {
    this.inventoryService = inventoryService;
    this.roomBusService = roomBusService;
    this.peers = peers;
    this.catalog = catalog;
    this.config = config;
    this.session = session;
    this.orders = orders;
    this.engine = engine;
    this.server = server;
  }

  /**
   * Connects to Cassandra, applies the schema, reopens every sale that has not ended with
   * its orders counted, seeds the demo if enabled, then starts serving gRPC.
   */
  public static CoreServer start(CoreConfig config) {
    long started = System.nanoTime();
    log.info("starting live-core: {}", config.describe());
    requirePortFree(config);
    Clock clock = Clock.systemUTC();
    CqlSession session = CassandraStore.open(config.cassandra());
    OrderStore orderStore = null;
    InventoryEngine engine = null;
    ShardPeers peers = null;
    Catalog catalog = null;
    try {
      CatalogStore catalogStore = new CatalogStore(session);
      orderStore = new OrderStore(session, config.orders());
      engine = new InventoryEngine(config.inventory().shards(), clock, orderStore,
          config.inventory().tickerInterval().toMillis(), config.orders().maxPendingWrites(),
          config.inventory().endedSaleRetention(), config.inventory().maxRememberedRefusals());
      peers = new ShardPeers(config.shard().peers());
      String shard = config.shard().name();
      catalog = new Catalog(catalogStore, engine, clock, config.inventory(), shard);
      SaleOwnership ownership = new SaleOwnership(shard, catalogStore, orderStore, engine, catalog, peers, clock,
          config.grpcShutdownGrace());
      int reopened = ownership.recoverAll();
      if (reopened > 0) {
        log.info("reopened {} flash sale(s) of shard {} with their orders counted", reopened, shard);
      }
      if (config.demoEnabled()) {
        DemoData.seed(catalog, clock);
      }
      HealthStatusManager health = new HealthStatusManager();
      InventoryGrpcService inventoryService = new InventoryGrpcService(engine, catalog, ownership);
      RoomBusGrpcService roomBusService = new RoomBusGrpcService(new RoomBus(config.bus(),
          new CassandraRoomRules(session)));
      Server server = NettyServerBuilder.forAddress(new InetSocketAddress(config.grpcHost(), config.grpcPort()))
          .addService(inventoryService)
          .addService(new CatalogGrpcService(catalog, engine, clock, peers))
          .addService(new OrderGrpcService(orderStore, engine, ownership, peers))
          .addService(roomBusService)
          .addService(health.getHealthService())
          .callExecutor(CallExecutors.directForNonBlockingCalls())
          // Gateways and peer shards ping every 30 s to notice a vanished host (CoreShards).
          .permitKeepAliveTime(20, TimeUnit.SECONDS)
          .permitKeepAliveWithoutCalls(true)
          .build()
          .start();
      log.info("live-core serving gRPC on {}:{} ({} ms)", config.grpcHost(), server.getPort(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      return new CoreServer(config, session, orderStore, engine, peers, catalog, server, inventoryService,
          roomBusService);
    } catch (IOException e) {
      closeAll(catalog, peers, engine, orderStore, session);
      throw new UncheckedIOException("cannot serve gRPC on " + config.grpcHost() + ":" + config.grpcPort()
          + " (" + e.getMessage() + "): stop whatever holds the port or set LIVESHOP_CORE_GRPC_PORT", e);
    } catch (RuntimeException e) {
      closeAll(catalog, peers, engine, orderStore, session);
      throw e;
    }
  }

  /** Fails before the slow part of start-up (Cassandra, recovery) when the port is taken. */
  private static void requirePortFree(CoreConfig config) {
    if (config.grpcPort() == 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(config.grpcHost(), config.grpcPort()));
    } catch (IOException e) {
      throw new IllegalStateException("live-core cannot serve gRPC on " + config.grpcHost() + ":"
          + config.grpcPort() + ": the port is in use (" + e.getMessage() + "). Stop the process holding it "
          + "(ss -ltnp 'sport = :" + config.grpcPort() + "') or choose another port with LIVESHOP_CORE_GRPC_PORT.", e);
    }
  }

  /** The bound gRPC port (useful when configured as 0). */
  public int grpcPort() {
    return server.getPort();
  }

  public InventoryEngine engine() {
    return engine;
  }

  /**
   * Stops taking calls, ends the gateways' long-lived streams, lets in-flight calls finish
   * within the grace period, then closes all (the engine's and the store's order writes
   * drain there).
   */
  @Override
  public void close() {
    long started = System.nanoTime();
    server.shutdown();
    // Room bus, stock and reservation streams last as long as the gateway that opened them:
    // left open, they would hold awaitTermination for the whole grace (and a container's
    // stop would SIGKILL us before the order writes drain). They end with UNAVAILABLE, on
    // which a gateway subscribes again or retries (a restarted live-core, another shard); a
    // reservation stream first answers what it took. Unary calls finish as before.
    inventoryService.endStreams();
    roomBusService.endStreams();
    try {
      if (!server.awaitTermination(config.grpcShutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    closeAll(catalog, peers, engine, orders, session);
    log.info("live-core stopped ({} ms)", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /** Settings catch-up, peers, shards (no new writes), then the retrier, then the session. */
  private static void closeAll(Catalog catalog, ShardPeers peers, InventoryEngine engine, OrderStore orders,
      CqlSession session) {
    if (catalog != null) {
      catalog.close();
    }
    if (peers != null) {
      peers.close();
    }
    if (engine != null) {
      engine.close();
    }
    if (orders != null) {
      orders.close();
    }
    session.close();
  }
}
