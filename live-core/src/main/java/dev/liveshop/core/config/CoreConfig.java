package dev.liveshop.core.config;

import static dev.liveshop.config.EnvVariables.badValue;

import com.typesafe.config.Config;
import dev.liveshop.config.CheckedConfig;
import dev.liveshop.config.EnvVariables;
import java.time.Duration;

/**
 * live-core's configuration, bound from the {@code liveshop.core} section of HOCON
 * (documented key by key in {@code reference.conf}).
 */
public record CoreConfig(
    String grpcHost,
    int grpcPort,
    Duration grpcShutdownGrace,
    CassandraSettings cassandra,
    InventorySettings inventory,
    OrderWriteSettings orders,
    BusSettings bus,
    ShardSettings shard,
    boolean demoEnabled) {

  /** Configuration from reference.conf, application.conf, system properties and the environment. */
  public static CoreConfig load() {
    return from(EnvVariables.load(System.getenv()));
  }

  /** Binds the {@code liveshop.core} section of {@code root}; fails fast naming a bad key and its variable. */
  public static CoreConfig from(Config root) {
    Config c = CheckedConfig.section(root, "liveshop.core");
    int port = c.getInt("grpc.port");
    if (port < 0 || port > 65535) {
      throw badValue("liveshop.core.grpc.port", "must be 0..65535", port);
    }
    return new CoreConfig(
        c.getString("grpc.host"),
        port,
        c.getDuration("grpc.shutdown-grace"),
        CassandraSettings.from(c.getConfig("cassandra")),
        InventorySettings.from(c.getConfig("inventory")),
        OrderWriteSettings.from(c.getConfig("orders")),
        BusSettings.from(c.getConfig("bus")),
        ShardSettings.from(c.getConfig("shard")),
        c.getBoolean("demo.enabled"));
  }

  public CoreConfig withGrpcPort(int port) {
    return new CoreConfig(grpcHost, port, grpcShutdownGrace, cassandra, inventory, orders, bus, shard, demoEnabled);
  }

  public CoreConfig withCassandra(CassandraSettings settings) {
    return new CoreConfig(grpcHost, grpcPort, grpcShutdownGrace, settings, inventory, orders, bus, shard, demoEnabled);
  }

  public CoreConfig withDemo(boolean enabled) {
    return new CoreConfig(grpcHost, grpcPort, grpcShutdownGrace, cassandra, inventory, orders, bus, shard, enabled);
  }

  public CoreConfig withShard(ShardSettings settings) {
    return new CoreConfig(grpcHost, grpcPort, grpcShutdownGrace, cassandra, inventory, orders, bus, settings,
        demoEnabled);
  }

  /** One line per setting, for the start-up log. */
  public String describe() {
    return "shard=" + shard.name() + (shard.peers().isEmpty() ? "" : " of " + shard.peers().names())
        + " grpc=" + grpcHost + ":" + grpcPort
        + " cassandra=" + cassandra.contactPoints() + " dc=" + cassandra.localDatacenter()
        + " keyspace=" + cassandra.keyspace() + " consistency=" + cassandra.consistency()
        + " shards=" + inventory.shards() + " defaultHoldTtl=" + inventory.defaultHoldTtl()
        + " tickerInterval=" + inventory.tickerInterval() + " orders=" + orders
        + " demo=" + demoEnabled;
  }
}
