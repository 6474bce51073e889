package dev.liveshop.cassandra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Cassandra 5.0 node, from Maven Central's {@code cassandra-all}, running in a
 * forked JDK 17 JVM on loopback. {@link #start} returns once the node answers CQL.
 *
 * <pre>{@code
 * try (CassandraNode node = CassandraNode.start(NodeSettings.fromEnvironment(Path.of("data", "cassandra")))) {
 *   CqlSession session = CqlSession.builder()
 *       .addContactPoint(node.contactPoint())
 *       .withLocalDatacenter(node.localDatacenter())
 *       .build();
 * }
 * }</pre>
 *
 * <p>Who stops it when this JVM exits is the caller's choice ({@link Stopper}): a JVM
 * shutdown hook of its own, or the caller's shutdown sequence, after the services that write
 * to the node (JVM shutdown hooks run concurrently, so a hook of its own would stop the node
 * while they still drain into it). Either way the node never outlives its parent: if this
 * JVM dies without closing it, even by SIGKILL, the child sees its stdin pipe close and exits
 * by itself (see {@link NodeMain}). Where {@code setsid} exists the node runs in a session of
 * its own, so a terminal's Ctrl-C (SIGINT to the whole foreground process group) reaches
 * only its parent, which then stops it in its turn. Its logs are in
 * {@code <dataDirectory>/logs/}.
 *
 * <p>Threading: start on any thread (it blocks, about 10 s). {@link #close} may be called from
 * any thread, any number of times, concurrently with the shutdown hook; {@code stop} is
 * synchronized so one caller does the work and the others wait for it.
 */
public final class CassandraNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CassandraNode.class);
  private static final long STOP_GRACE_SECONDS = 60;

  /** Who stops the node when this JVM exits normally. */
  public enum Stopper {
    /** A JVM shutdown hook of the node's own, which runs alongside every other hook. */
    OWN_HOOK,
    /**
     * The caller, with {@link #close}, in its own shutdown sequence: after the services that
     * write to the node. Not closed, the node still exits once this JVM is gone.
     */
    CALLER
  }

  private final NodeSettings settings;
  private final Process process;
  /** Null when the caller stops the node. */
  private final Thread shutdownHook;

  private CassandraNode(NodeSettings settings, Process process, Stopper stopper) {
    this.settings = settings;
    this.process = process;
    this.shutdownHook = stopper == Stopper.OWN_HOOK
        ? new Thread(this::stop, "cassandra-node-stop-" + process.pid()) : null;
  }

  /**
   * Starts a node that a shutdown hook of its own stops when this JVM exits.
   *
   * @see #start(NodeSettings, Stopper)
   */
  public static CassandraNode start(NodeSettings settings) {
    return start(settings, Stopper.OWN_HOOK);
  }

  /**
   * Starts a node and waits until it answers CQL.
   *
   * @param stopper who stops the node when this JVM exits
   * @throws NodeStartException when a port is taken, no JDK 17 is found, or the node dies or
   *     stays silent; the message says what to do and shows the tail of the node's logs
   */
  public static CassandraNode start(NodeSettings settings, Stopper stopper) {
    // Ports first: the commonest failure (an earlier node still running) should take milliseconds.
    requireFree(settings.listenAddress(), settings.nativePort(), "CQL", NodeSettings.NATIVE_PORT_ENV);
    requireFree(settings.listenAddress(), settings.storagePort(), "storage", NodeSettings.STORAGE_PORT_ENV);
    Path javaHome = JavaHomeFinder.find(settings.javaHome());
    String classpath = NodeCommand.classpath();
    NodeFiles files = new NodeFiles(settings.dataDirectory());
    files.write(settings);

    long started = System.nanoTime();
    Process process;
    try {
      process = new ProcessBuilder(NodeCommand.inOwnSession(NodeCommand.of(settings, javaHome, files, classpath)))
          .directory(settings.dataDirectory().toFile())
          // Stdin stays a pipe that we hold and never write: its end of stream tells the node we are gone.
          .redirectInput(ProcessBuilder.Redirect.PIPE)
          // A file, not a pipe: nobody has to drain it, and it survives us for a post-mortem.
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(files.stdout().toFile()))
          .start();
    } catch (IOException e) {
      throw new NodeStartException("cannot run " + javaHome.resolve("bin/java") + ": " + e.getMessage()
          + ". Check that it is an executable JDK 17 or point " + NodeSettings.JAVA_HOME_ENV + " at another.", e);
    }
    log.info("starting Cassandra on {}:{} (storage port {}) with {} (pid {}, data {})", settings.listenAddress(),
        settings.nativePort(), settings.storagePort(), javaHome, process.pid(), settings.dataDirectory());
    CassandraNode node = new CassandraNode(settings, process, stopper);
    if (node.shutdownHook != null) {
      try {
        Runtime.getRuntime().addShutdownHook(node.shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        node.stop();
        throw new NodeStartException("the JVM began shutting down while Cassandra was starting; it was stopped. "
            + "Start the node before shutdown begins.", shuttingDown);
      }
    }
    try {
      long millis = CqlReadiness.await(node.contactPoint(), process, settings.startTimeout(), started,
          () -> files.tail(40));
      log.info("Cassandra ready on {}:{} in {} ms (pid {})", settings.listenAddress(), settings.nativePort(),
          millis, process.pid());
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
    return node;
  }

  /** Binds the port for a moment: the node would fail much later, and less clearly, on a taken one. */
  private static void requireFree(String address, int port, String what, String env) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(InetAddress.getByName(address), port));
    } catch (IOException e) {
      throw new NodeStartException("the " + what + " port " + port + " on " + address + " is in use ("
          + e.getMessage() + "): another process, maybe an earlier LiveShop or Cassandra, holds it. Stop that "
          + "process (find it with: ss -ltnp 'sport = :" + port + "') or choose another port with " + env + ".", e);
    }
  }

  /** The address the node listens on, e.g. {@code 127.0.0.1}. */
  public String host() {
    return settings.listenAddress();
  }

  /** The CQL port. */
  public int nativePort() {
    return settings.nativePort();
  }

  /** The internode (gossip) port. */
  public int storagePort() {
    return settings.storagePort();
  }

  /** Where a driver connects: {@link #host()} and {@link #nativePort()}. */
  public InetSocketAddress contactPoint() {
    return new InetSocketAddress(settings.listenAddress(), settings.nativePort());
  }

  /** The datacenter SimpleSnitch puts the node in; a driver needs it as its local datacenter. */
  public String localDatacenter() {
    return "datacenter1";
  }

  /** The node's data, commit log, logs and generated configuration (absolute). */
  public Path dataDirectory() {
    return settings.dataDirectory();
  }

  /** The settings the node was started with. */
  public NodeSettings settings() {
    return settings;
  }

  /** The process id of the node's JVM. */
  public long pid() {
    return process.pid();
  }

  /** Whether the node's JVM is still running. */
  public boolean isRunning() {
    return process.isAlive();
  }

  /**
   * Stops the node: SIGTERM (Cassandra drains: flushes memtables, 3-5 s here), up to 60 s, then
   * SIGKILL. Returns when the process is gone. Idempotent.
   */
  @Override
  public void close() {
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is exiting, so the hook runs (or has run) stop() itself; we wait for it below.
      }
    }
    stop();
  }

  /** Runs from close() and from the shutdown hook, possibly both at once: one does the work. */
  private synchronized void stop() {
    if (!process.isAlive()) {
      return;
    }
    long started = System.nanoTime();
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
        log.warn("Cassandra (pid {}) did not stop within {} s of SIGTERM; killing it", process.pid(),
            STOP_GRACE_SECONDS);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("interrupted while Cassandra (pid {}) was stopping; killing it", process.pid());
      process.destroyForcibly();
    }
    log.info("Cassandra on {}:{} (pid {}) stopped in {} ms", settings.listenAddress(), settings.nativePort(),
        process.pid(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }
}
