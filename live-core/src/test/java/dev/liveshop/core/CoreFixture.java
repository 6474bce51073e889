package dev.liveshop.core;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.ConfigFactory;
import dev.liveshop.cassandra.CassandraNode;
import dev.liveshop.cassandra.testing.SharedCassandra;
import dev.liveshop.core.config.CoreConfig;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A live-core configuration against the test run's shared Cassandra node, in a keyspace of
 * its own, plus helpers to talk to it over real gRPC and CQL on loopback.
 */
public final class CoreFixture {

  private CoreFixture() {}

  /** Config for a fresh keyspace on the shared node, gRPC on a free port, no demo data. */
  public static CoreConfig config(String keyspacePrefix) {
    CassandraNode node = SharedCassandra.node();
    CoreConfig defaults = CoreConfig.from(ConfigFactory.load());
    String keyspace = keyspacePrefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    return defaults.withGrpcPort(0).withDemo(false)
        .withCassandra(defaults.cassandra().withContactPoint(node.contactPoint(), node.localDatacenter())
            .withKeyspace(keyspace));
  }

  public static ManagedChannel channel(CoreServer server) {
    return NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
  }

  public static CqlSession cql(CoreConfig config) {
    return CqlSession.builder()
        .addContactPoints(config.cassandra().contactPoints())
        .withLocalDatacenter(config.cassandra().localDatacenter())
        .withKeyspace(config.cassandra().keyspace())
        .build();
  }

  public static void close(ManagedChannel channel) throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
