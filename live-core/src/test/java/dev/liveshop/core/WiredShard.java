package dev.liveshop.core;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.liveshop.core.catalog.Catalog;
import dev.liveshop.core.config.CoreConfig;
import dev.liveshop.core.grpc.InventoryGrpcService;
import dev.liveshop.core.inventory.InventoryEngine;
import dev.liveshop.core.shard.SaleOwnership;
import dev.liveshop.core.shard.ShardPeers;
import dev.liveshop.core.store.CatalogStore;
import dev.liveshop.core.store.OrderStore;
import dev.liveshop.shard.ShardMap;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One live-core shard wired by hand over a session the test chooses (a real one, or one
 * that injects faults into a real one), serving InventoryService on a loopback port: what
 * CoreServer builds, minus the parts a shard test does not need.
 */
public final class WiredShard implements AutoCloseable {

  public final String name;
  public final CatalogStore store;
  public final OrderStore orders;
  public final InventoryEngine engine;
  public final Catalog catalog;
  public final SaleOwnership ownership;
  private final ShardPeers peers;
  private final Server server;

  /** Starts shard {@code name} over {@code session}; {@code peers} must name it. */
  public WiredShard(CoreConfig config, CqlSession session, String name, ShardMap peers) {
    this.name = name;
    Clock clock = Clock.systemUTC();
    store = new CatalogStore(session);
    orders = new OrderStore(session, config.orders());
    engine = new InventoryEngine(1, clock, orders, config.inventory().tickerInterval().toMillis());
    catalog = new Catalog(store, engine, clock, config.inventory(), name);
    this.peers = new ShardPeers(peers);
    ownership = new SaleOwnership(name, store, orders, engine, catalog, this.peers, clock, Duration.ofSeconds(10));
    ownership.recoverAll();
    try {
      server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
          .addService(new InventoryGrpcService(engine, catalog, ownership))
          .build()
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String target() {
    return "127.0.0.1:" + server.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    catalog.close();
    peers.close();
    engine.close();
    orders.close();
  }
}
