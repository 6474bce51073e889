package dev.liveshop.dev;

import dev.liveshop.cassandra.CassandraNode;
import dev.liveshop.cassandra.NodeSettings;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Cassandra node as a process of its own, for {@code docker/loopback.sh}: settings from
 * the {@code LIVESHOP_CASSANDRA_*} variables (data directory, ports, listen address, seeds,
 * heap). Runs until stopped: SIGTERM drains the node (its own shutdown hook), and the node
 * dies with this process even after a SIGKILL (it watches its stdin, a pipe from here).
 */
public final class CassandraMain {

  private static final Logger log = LoggerFactory.getLogger(CassandraMain.class);

  private CassandraMain() {}

  public static void main(String[] args) throws InterruptedException {
    CassandraNode node = CassandraNode.start(NodeSettings.fromEnvironment(Path.of("data", "cassandra")));
    log.info("Cassandra node ready: CQL on {} (pid {}, data {})", node.contactPoint(), node.pid(),
        node.dataDirectory());
    Thread.currentThread().join();
  }
}
