package dev.liveshop.cassandra.testing;

import dev.liveshop.cassandra.CassandraNode;
import dev.liveshop.cassandra.NodeSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;

/**
 * One real Cassandra node per test JVM, started on first use on free ports with its data
 * under {@code target/cassandra-it/}, and stopped when the JVM exits. Integration tests
 * share it and isolate themselves with a keyspace each.
 */
public final class SharedCassandra {

  private SharedCassandra() {}

  /** The running node, started on the first call (about 10 s here). */
  public static CassandraNode node() {
    return Holder.NODE;
  }

  /** Settings for another node on free ports, e.g. to test restarts without disturbing the shared one. */
  public static NodeSettings freshSettings(String name) {
    Path dir = Path.of("target", "cassandra-it", name + "-" + ProcessHandle.current().pid());
    return NodeSettings.defaults(dir).withNativePort(freePort()).withStoragePort(freePort());
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class Holder {
    // Stopped by the node's own JVM shutdown hook.
    static final CassandraNode NODE = CassandraNode.start(freshSettings("shared"));
  }
}
