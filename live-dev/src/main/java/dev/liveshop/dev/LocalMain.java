package dev.liveshop.dev;

import com.typesafe.config.ConfigFactory;
import dev.liveshop.cassandra.CassandraNode;
import dev.liveshop.cassandra.NodeSettings;
import dev.liveshop.core.CoreServer;
import dev.liveshop.core.config.CoreConfig;
import dev.liveshop.gateway.GatewayServer;
import dev.liveshop.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system on this machine: an embedded Cassandra node (unless
 * LIVESHOP_CASSANDRA_CONTACT_POINTS names a cluster), live-core and live-gateway, each on
 * its own ports and talking over loopback exactly as separate processes would. Ctrl-C or
 * SIGTERM stops them in reverse order: the gateway, then live-core (its order writes drain
 * into the node), then the node; data stays under ./data for the next run.
 */
public final class LocalMain {

  private static final Logger log = LoggerFactory.getLogger(LocalMain.class);

  private LocalMain() {}

  public static void main(String[] args) {
    long started = System.nanoTime();
    CassandraNode node = null;
    CoreConfig coreConfig = CoreConfig.from(ConfigFactory.load());
    if (System.getenv("LIVESHOP_CASSANDRA_CONTACT_POINTS") == null) {
      // Stopped by our shutdown hook below, after live-core has written its last orders into
      // it (a hook of its own would run alongside ours). Should this JVM exit before that hook
      // is added, the node sees its stdin close and stops by itself.
      node = CassandraNode.start(NodeSettings.fromEnvironment(Path.of("data", "cassandra")),
          CassandraNode.Stopper.CALLER);
      coreConfig = coreConfig.withCassandra(coreConfig.cassandra().withContactPoint(node.contactPoint(),
          node.localDatacenter()));
    }
    CoreServer core;
    try {
      core = CoreServer.start(coreConfig);
    } catch (RuntimeException e) {
      closeQuietly(node);
      throw e;
    }
    GatewayServer gateway;
    try {
      gateway = GatewayServer.start(GatewayConfig.load().withCoreTarget("127.0.0.1:" + core.grpcPort()));
    } catch (RuntimeException e) {
      core.close();
      closeQuietly(node);
      throw e;
    }
    CassandraNode embedded = node;
    // One hook, so one order: JVM shutdown hooks run concurrently with each other.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      gateway.close();
      core.close();
      closeQuietly(embedded);
    }, "liveshop-shutdown"));

    int port = gateway.port();
    log.info("""

        LiveShop is ready in {} s.
          viewer page    http://localhost:{}/watch/demo
          host API       http://localhost:{}/api/streams   (host token: POST /api/dev/token)
          WebSocket      ws://localhost:{}/ws?token=...    (subprotocol liveshop.v1.json)
          live-core      gRPC on 127.0.0.1:{}
          Cassandra      {}
        Ctrl-C stops everything; the data stays in ./data.
        """, Duration.ofNanos(System.nanoTime() - started).toSeconds(), port, port, port, core.grpcPort(),
        embedded == null ? coreConfig.cassandra().contactPoints() + " (external)"
            : embedded.contactPoint() + " (embedded, pid " + embedded.pid() + ", data " + embedded.dataDirectory() + ")");
  }

  private static void closeQuietly(CassandraNode node) {
    if (node != null) {
      node.close();
    }
  }
}
