package dev.liveshop.cassandra.testing;

import dev.liveshop.cassandra.CassandraNode;
import dev.liveshop.cassandra.NodeSettings;
import dev.liveshop.cassandra.NodeStartException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

/**
 * One real Cassandra node per test JVM, started on first use on free ports with its data
 * under {@code target/cassandra-it/shared-<pid>/} (relative to the working directory, the
 * module's directory under Maven) and a 1 GiB heap, and stopped by the node's own shutdown
 * hook when the JVM exits. Tests share it and isolate themselves with a keyspace each.
 *
 * <pre>{@code
 * CassandraNode node = SharedCassandra.node();
 * CqlSession session = CqlSession.builder()
 *     .addContactPoint(node.contactPoint())
 *     .withLocalDatacenter(node.localDatacenter())
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe: {@link #node} is synchronized, so the first caller starts the node and the
 * others wait for it. A failed start is remembered: every later call in the JVM fails at once
 * with the same cause instead of spending another start timeout on a node that cannot start.
 */
public final class SharedCassandra {

  /** Guarded by the class lock. */
  private static CassandraNode node;
  /** Guarded by the class lock. */
  private static RuntimeException failure;

  private SharedCassandra() {}

  /**
   * The running shared node, started on the first call (5-10 s here).
   *
   * @throws NodeStartException if it could not start, now or on an earlier call
   */
  public static synchronized CassandraNode node() {
    if (node == null && failure == null) {
      try {
        // Stopped by the node's own JVM shutdown hook.
        node = CassandraNode.start(freshSettings("shared"));
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    if (failure != null) {
      throw new NodeStartException("the shared Cassandra node of this test JVM could not start: "
          + failure.getMessage(), failure);
    }
    if (!node.isRunning()) {
      throw new NodeStartException("the shared Cassandra node (pid " + node.pid() + ") was stopped by a test. "
          + "Tests that stop or restart a node must start their own with freshSettings(name).");
    }
    return node;
  }

  /**
   * Settings for another node of a test's own, on free ports, with its data under
   * {@code target/cassandra-it/<name>-<pid>/}: for tests that stop or restart a node without
   * disturbing the shared one. The same name in the same JVM gives the same data directory.
   */
  public static NodeSettings freshSettings(String name) {
    Path dir = Path.of("target", "cassandra-it", name + "-" + ProcessHandle.current().pid());
    int[] ports = freePorts(2);
    return NodeSettings.defaults(dir).withNativePort(ports[0]).withStoragePort(ports[1]);
  }

  /** {@code count} distinct ports free on loopback now; all are held together so none repeats. */
  static int[] freePorts(int count) {
    ServerSocket[] sockets = new ServerSocket[count];
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        sockets[i] = new ServerSocket();
        sockets[i].bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find free ports on loopback", e);
    } finally {
      for (ServerSocket socket : sockets) {
        closeQuietly(socket);
      }
    }
  }

  private static void closeQuietly(ServerSocket socket) {
    if (socket == null) {
      return;
    }
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
