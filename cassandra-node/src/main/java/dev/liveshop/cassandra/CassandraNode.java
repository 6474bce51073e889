package dev.liveshop.cassandra;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Cassandra node, from Maven Central's {@code cassandra-all}, running in a
 * forked JDK 17 JVM on loopback. {@link #start} returns once the node answers CQL.
 *
 * <p>The node dies with its parent: it watches the stdin pipe we hold (see {@link NodeMain}).
 * A JVM shutdown hook stops it too. Threading: start and close on any thread; close is
 * idempotent.
 */
public final class CassandraNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CassandraNode.class);
  private static final String SERVER_CLASSPATH = "dev/liveshop/cassandra/cassandra-server.classpath";
  private static final long STOP_GRACE_SECONDS = 60;

  /** From Cassandra's conf/jvm17-server.options: without them it dies at once on JDK 17. */
  private static final List<String> JDK17_OPTIONS = List.of(
      "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
      "--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
      "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
      "--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED",
      "--add-exports=java.sql/java.sql=ALL-UNNAMED",
      "--add-exports=java.base/java.lang.ref=ALL-UNNAMED",
      "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
      "--add-exports=jdk.attach/sun.tools.attach=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.module=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.math=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.module=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
      "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
      "-Djdk.attach.allowAttachSelf=true");

  private final NodeSettings settings;
  private final Process process;
  private final Thread shutdownHook;

  private CassandraNode(NodeSettings settings, Process process) {
    this.settings = settings;
    this.process = process;
    this.shutdownHook = new Thread(this::stop, "cassandra-node-stop");
  }

  /**
   * Starts a node and waits until it answers CQL.
   *
   * @throws NodeStartException when a port is taken, no JDK 17 is found, or the node dies or
   *     stays silent; the message says what to do and shows the tail of the node's log
   */
  public static CassandraNode start(NodeSettings settings) {
    requireFree(settings.listenAddress(), settings.nativePort(), NodeSettings.NATIVE_PORT_ENV);
    requireFree(settings.listenAddress(), settings.storagePort(), NodeSettings.STORAGE_PORT_ENV);
    Path javaHome = new JavaHomeFinder(JavaHomeFinder.INSTALL_ROOTS)
        .find(settings.javaHome(), Path.of(System.getProperty("java.home")), System.getenv());
    NodeFiles files = new NodeFiles(settings.dataDirectory());
    files.write(settings);

    long started = System.nanoTime();
    Process process;
    try {
      process = new ProcessBuilder(command(settings, javaHome, files))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(files.stdout().toFile()))
          .start();
    } catch (IOException e) {
      throw new NodeStartException("cannot run " + javaHome.resolve("bin/java") + ": " + e.getMessage(), e);
    }
    log.info("starting Cassandra on {}:{} with {} (pid {}, data {})", settings.listenAddress(),
        settings.nativePort(), javaHome, process.pid(), settings.dataDirectory());
    CassandraNode node = new CassandraNode(settings, process);
    Runtime.getRuntime().addShutdownHook(node.shutdownHook);
    try {
      node.awaitReady(files, started);
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
    return node;
  }

  private void awaitReady(NodeFiles files, long startedNanos) {
    InetSocketAddress address = contactPoint();
    long deadline = startedNanos + settings.startTimeout().toNanos();
    long nextProgress = startedNanos + TimeUnit.SECONDS.toNanos(5);
    while (!CqlReadiness.answers(address, 1000)) {
      if (!process.isAlive()) {
        throw new NodeStartException("Cassandra exited with code " + process.exitValue()
            + " before it was ready. Its log says why:" + files.tail(40));
      }
      long now = System.nanoTime();
      if (now > deadline) {
        throw new NodeStartException("Cassandra did not answer CQL on " + address + " within "
            + settings.startTimeout().toSeconds() + " s; it was stopped. Its log:" + files.tail(40));
      }
      if (now > nextProgress) {
        log.info("waiting for Cassandra on {} ({} s)", address, TimeUnit.NANOSECONDS.toSeconds(now - startedNanos));
        nextProgress = now + TimeUnit.SECONDS.toNanos(5);
      }
      sleep(250);
    }
    log.info("Cassandra ready on {} in {} ms (pid {})", address,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos), process.pid());
  }

  private static List<String> command(NodeSettings s, Path javaHome, NodeFiles files) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaHome.resolve("bin/java").toString());
    cmd.addAll(List.of("-Xms" + s.initialHeap(), "-Xmx" + s.maxHeap(), "-XX:+UseG1GC",
        "-XX:+ExitOnOutOfMemoryError", "-XX:MaxDirectMemorySize=512M", "-Djava.net.preferIPv4Stack=true"));
    cmd.addAll(JDK17_OPTIONS);
    cmd.addAll(List.of(
        "-Dcassandra-foreground=yes",
        "-Dcassandra.config=" + files.yaml().toUri(),
        "-Dcassandra.storagedir=" + s.dataDirectory(),
        "-Dcassandra.logdir=" + files.logs(),
        "-Dcassandra.triggers_dir=" + files.triggers(),
        "-Dlogback.configurationFile=" + files.logback(),
        // The default 30 s ring delay makes a first start take over 40 s on one node.
        "-Dcassandra.ring_delay_ms=1000",
        "-Dcassandra.skip_wait_for_gossip_to_settle=0",
        "-Dcassandra.superuser_setup_delay_ms=0"));
    cmd.add("-cp");
    cmd.add(classpath());
    cmd.add(NodeMain.class.getName());
    return cmd;
  }

  /** cassandra-all's own dependency tree (resolved by this module's build) plus NodeMain. */
  private static String classpath() {
    try (InputStream in = CassandraNode.class.getClassLoader().getResourceAsStream(SERVER_CLASSPATH)) {
      if (in == null) {
        throw new NodeStartException(SERVER_CLASSPATH + " is missing from the classpath: build the "
            + "cassandra-node module with Maven (./mvnw install -DskipTests) so it records the server's classpath.");
      }
      String server = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      Path self = Path.of(NodeMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return self + File.pathSeparator + server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void requireFree(String address, int port, String env) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(InetAddress.getByName(address), port));
    } catch (IOException e) {
      throw new NodeStartException("port " + port + " on " + address + " is in use (" + e.getMessage()
          + "): another process, maybe an earlier LiveShop or Cassandra, holds it. Stop it (find it with "
          + "ss -ltnp 'sport = :" + port + "') or choose another port with " + env + ".", e);
    }
  }

  public String host() {
    return settings.listenAddress();
  }

  public int nativePort() {
    return settings.nativePort();
  }

  public InetSocketAddress contactPoint() {
    return new InetSocketAddress(settings.listenAddress(), settings.nativePort());
  }

  /** SimpleSnitch puts the node in this datacenter. */
  public String localDatacenter() {
    return "datacenter1";
  }

  public Path dataDirectory() {
    return settings.dataDirectory();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /** SIGTERM (Cassandra drains), up to 60 s, then SIGKILL. Idempotent. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or about to: it stops the node.
    }
    stop();
  }

  /** Runs from close() and from the shutdown hook, possibly both at once: one does the work. */
  private synchronized void stop() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
        log.warn("Cassandra (pid {}) did not stop within {} s; killing it", process.pid(), STOP_GRACE_SECONDS);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    log.info("Cassandra on {}:{} stopped", settings.listenAddress(), settings.nativePort());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeStartException("interrupted while waiting for Cassandra to start");
    }
  }
}
