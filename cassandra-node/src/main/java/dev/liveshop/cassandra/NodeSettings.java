package dev.liveshop.cassandra;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run the embedded node. Immutable; change a copy with the {@code withXxx} methods.
 * The {@code *_ENV} variables below override the defaults ({@link #fromEnvironment}); the
 * module's README lists them with their defaults (a test checks that it names each one).
 * Defaults ({@link #defaults}) suit a laptop or a 2-core CI box:
 *
 * <ul>
 *   <li>listen address {@code 127.0.0.1} (loopback only: the node is for this machine);
 *   <li>CQL (native) port 9042, storage (gossip) port 7000; no JMX port is opened at all;
 *   <li>heap {@code -Xms256M -Xmx1G} (a small initial heap because the node mlockalls its
 *       committed heap when it runs as root);
 *   <li>Java home: empty, meaning "find a JDK 17" (see {@link CassandraNode#start});
 *   <li>start timeout 120 s (a fresh start takes about 10 s on 2 cores);
 *   <li>cluster name {@code liveshop}.
 * </ul>
 *
 * @param dataDirectory everything the node writes: data, commit log, logs, its generated yaml;
 *     made absolute
 * @param listenAddress the address the node listens on for CQL and gossip
 * @param nativePort the CQL port clients connect to
 * @param storagePort the internode (gossip) port
 * @param maxHeap {@code -Xmx}, as the JVM spells it: {@code 1G}, {@code 768M}
 * @param initialHeap {@code -Xms}, at most {@code maxHeap}
 * @param javaHome a JDK 17 (or 11) to run the node with; empty means "find one"
 * @param startTimeout how long {@link CassandraNode#start} waits for the node to answer CQL
 * @param clusterName written to the node's yaml; a restart must use the same one
 * @param seeds the {@code address:storagePort} list a node of a cluster gossips with first;
 *     empty for a node that is its own seed (a single node, or a cluster's first)
 */
public record NodeSettings(
    Path dataDirectory,
    String listenAddress,
    int nativePort,
    int storagePort,
    String maxHeap,
    String initialHeap,
    Optional<Path> javaHome,
    Duration startTimeout,
    String clusterName,
    String seeds) {

  /** Overrides the data directory (default: the one the caller passes, {@code ./data/cassandra} locally). */
  public static final String DATA_DIR_ENV = "LIVESHOP_CASSANDRA_DATA_DIR";
  /** Overrides the CQL port (default 9042). */
  public static final String NATIVE_PORT_ENV = "LIVESHOP_CASSANDRA_NATIVE_PORT";
  /** Overrides the storage (gossip) port (default 7000). */
  public static final String STORAGE_PORT_ENV = "LIVESHOP_CASSANDRA_STORAGE_PORT";
  /** Overrides the maximum heap (default 1G), e.g. {@code 2G} or {@code 768M}. */
  public static final String HEAP_ENV = "LIVESHOP_CASSANDRA_HEAP";
  /** Overrides the listen address (default 127.0.0.1), e.g. 127.0.0.2 for a second node on this machine. */
  public static final String LISTEN_ADDRESS_ENV = "LIVESHOP_CASSANDRA_LISTEN_ADDRESS";
  /** The seeds of a cluster the node joins, {@code 127.0.0.1:7000[,...]} (default: the node itself). */
  public static final String SEEDS_ENV = "LIVESHOP_CASSANDRA_SEEDS";
  /** The JDK 17 to run the node with (default: searched for). */
  public static final String JAVA_HOME_ENV = "LIVESHOP_CASSANDRA_JAVA_HOME";

  /** What -Xmx and -Xms accept here: mebibytes or gibibytes. */
  private static final String HEAP_SIZE = "\\d{1,7}[mMgG]";

  public NodeSettings {
    Objects.requireNonNull(dataDirectory, "dataDirectory");
    Objects.requireNonNull(javaHome, "javaHome");
    requireText("listen address", listenAddress);
    requireText("cluster name", clusterName);
    Objects.requireNonNull(seeds, "seeds");
    if (!seeds.isBlank() && !seeds.matches("[^\\s,:\"]+:\\d{1,5}(,[^\\s,:\"]+:\\d{1,5})*")) {
      throw new IllegalArgumentException("the seeds '" + seeds + "' are not address:port[,address:port...] (check "
          + SEEDS_ENV + ")");
    }
    if (clusterName.contains("'")) {
      throw new IllegalArgumentException("the cluster name must not contain a quote: " + clusterName);
    }
    requirePort("native port", NATIVE_PORT_ENV, nativePort);
    requirePort("storage port", STORAGE_PORT_ENV, storagePort);
    if (nativePort == storagePort) {
      throw new IllegalArgumentException("the native and storage ports must differ (both are " + nativePort
          + "); set " + NATIVE_PORT_ENV + " or " + STORAGE_PORT_ENV + " to another port");
    }
    long max = heapBytes("maximum heap", HEAP_ENV, maxHeap);
    long initial = heapBytes("initial heap", null, initialHeap);
    if (initial > max) {
      throw new IllegalArgumentException("the initial heap " + initialHeap + " exceeds the maximum heap " + maxHeap
          + "; lower the initial heap or raise " + HEAP_ENV);
    }
    Objects.requireNonNull(startTimeout, "startTimeout");
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("the start timeout must be positive, got " + startTimeout);
    }
    dataDirectory = dataDirectory.toAbsolutePath().normalize();
  }

  /** The defaults listed above, with data under {@code dataDirectory}. */
  public static NodeSettings defaults(Path dataDirectory) {
    return new NodeSettings(dataDirectory, "127.0.0.1", 9042, 7000, "1G", "256M", Optional.empty(),
        Duration.ofSeconds(120), "liveshop", "");
  }

  /**
   * The defaults overridden by the {@code LIVESHOP_CASSANDRA_*} environment variables.
   *
   * @throws IllegalArgumentException naming the variable, when one holds a bad value
   */
  public static NodeSettings fromEnvironment(Path defaultDataDirectory) {
    return fromEnvironment(defaultDataDirectory, System.getenv());
  }

  static NodeSettings fromEnvironment(Path defaultDataDirectory, Map<String, String> env) {
    NodeSettings s = defaults(defaultDataDirectory);
    String dataDir = value(env, DATA_DIR_ENV);
    if (dataDir != null) {
      try {
        s = s.withDataDirectory(Path.of(dataDir));
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException(DATA_DIR_ENV + "='" + dataDir + "' is not a path: " + e.getMessage(), e);
      }
    }
    String nativePort = value(env, NATIVE_PORT_ENV);
    if (nativePort != null) {
      s = s.withNativePort(parsePort(NATIVE_PORT_ENV, nativePort));
    }
    String storagePort = value(env, STORAGE_PORT_ENV);
    if (storagePort != null) {
      s = s.withStoragePort(parsePort(STORAGE_PORT_ENV, storagePort));
    }
    String listen = value(env, LISTEN_ADDRESS_ENV);
    if (listen != null) {
      s = s.withListenAddress(listen);
    }
    String seeds = value(env, SEEDS_ENV);
    if (seeds != null) {
      s = s.withSeeds(seeds);
    }
    String heap = value(env, HEAP_ENV);
    if (heap != null) {
      if (!heap.matches(HEAP_SIZE)) {
        throw new IllegalArgumentException(HEAP_ENV + "='" + heap + "' is not a heap size such as 768M or 2G");
      }
      s = s.withMaxHeap(heap);
    }
    String javaHome = value(env, JAVA_HOME_ENV);
    if (javaHome != null) {
      Path home = Path.of(javaHome);
      if (!Files.isRegularFile(home.resolve("bin/java"))) {
        throw new IllegalArgumentException(JAVA_HOME_ENV + "='" + javaHome + "' is not a JDK (there is no "
            + home.resolve("bin/java") + "); point it at a JDK 17, e.g. /usr/lib/jvm/java-17-openjdk-amd64");
      }
      s = s.withJavaHome(home);
    }
    return s;
  }

  /** A copy with data, logs and configuration under {@code dir}. */
  public NodeSettings withDataDirectory(Path dir) {
    return new NodeSettings(dir, listenAddress, nativePort, storagePort, maxHeap, initialHeap, javaHome,
        startTimeout, clusterName, seeds);
  }

  /** A copy listening on {@code address} (CQL and gossip). */
  public NodeSettings withListenAddress(String address) {
    return new NodeSettings(dataDirectory, address, nativePort, storagePort, maxHeap, initialHeap, javaHome,
        startTimeout, clusterName, seeds);
  }

  /** A copy with the CQL port {@code port}. */
  public NodeSettings withNativePort(int port) {
    return new NodeSettings(dataDirectory, listenAddress, port, storagePort, maxHeap, initialHeap, javaHome,
        startTimeout, clusterName, seeds);
  }

  /** A copy with the storage (gossip) port {@code port}. */
  public NodeSettings withStoragePort(int port) {
    return new NodeSettings(dataDirectory, listenAddress, nativePort, port, maxHeap, initialHeap, javaHome,
        startTimeout, clusterName, seeds);
  }

  /**
   * A copy with {@code -Xmx} set to {@code heap}, e.g. {@code 2G}; lowers the initial heap to
   * match if it was larger.
   */
  public NodeSettings withMaxHeap(String heap) {
    String initial = heapBytes("initial heap", null, initialHeap) > heapBytes("maximum heap", HEAP_ENV, heap)
        ? heap : initialHeap;
    return new NodeSettings(dataDirectory, listenAddress, nativePort, storagePort, heap, initial, javaHome,
        startTimeout, clusterName, seeds);
  }

  /** A copy with {@code -Xms} set to {@code heap}, e.g. {@code 256M}; at most the maximum heap. */
  public NodeSettings withInitialHeap(String heap) {
    return new NodeSettings(dataDirectory, listenAddress, nativePort, storagePort, maxHeap, heap, javaHome,
        startTimeout, clusterName, seeds);
  }

  /** A copy that runs the node on the JDK at {@code home} (must be 17 or 11) instead of searching. */
  public NodeSettings withJavaHome(Path home) {
    return new NodeSettings(dataDirectory, listenAddress, nativePort, storagePort, maxHeap, initialHeap,
        Optional.of(home), startTimeout, clusterName, seeds);
  }

  /** A copy that waits up to {@code timeout} for the node to answer CQL. */
  public NodeSettings withStartTimeout(Duration timeout) {
    return new NodeSettings(dataDirectory, listenAddress, nativePort, storagePort, maxHeap, initialHeap, javaHome,
        timeout, clusterName, seeds);
  }

  /** A copy with the cluster name {@code name}; a node restarted on its data must keep its name. */
  public NodeSettings withClusterName(String name) {
    return new NodeSettings(dataDirectory, listenAddress, nativePort, storagePort, maxHeap, initialHeap, javaHome,
        startTimeout, name, seeds);
  }

  /** A copy that joins the cluster whose seeds are {@code seeds} ({@code address:port[,...]}; empty: itself). */
  public NodeSettings withSeeds(String seeds) {
    return new NodeSettings(dataDirectory, listenAddress, nativePort, storagePort, maxHeap, initialHeap, javaHome,
        startTimeout, clusterName, seeds);
  }

  /** Whether the seeds name another node than this one: the node joins a cluster. */
  public boolean joinsOthers() {
    return !seedList().equals(listenAddress + ":" + storagePort);
  }

  /** The seeds the node's yaml names: the configured ones, or the node itself. */
  public String seedList() {
    return seeds.isBlank() ? listenAddress + ":" + storagePort : seeds;
  }

  /** The variable's value, or null when it is unset or blank (an empty export means "default"). */
  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static int parsePort(String name, String value) {
    try {
      int port = Integer.parseInt(value);
      requirePort("port", name, port);
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "='" + value + "' is not a port number (1..65535)", e);
    }
  }

  private static void requirePort(String what, String env, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(what + " must be 1..65535, got " + port + " (check " + env + ")");
    }
  }

  /** A JVM heap size such as 512M or 2G, in bytes; fails naming {@code env} when there is one. */
  private static long heapBytes(String what, String env, String size) {
    if (size == null || !size.matches(HEAP_SIZE)) {
      throw new IllegalArgumentException("the " + what + " '" + size + "' is not a heap size such as 768M or 2G"
          + (env == null ? "" : " (check " + env + ")"));
    }
    long n = Long.parseLong(size.substring(0, size.length() - 1));
    return size.toUpperCase(Locale.ROOT).endsWith("G") ? n << 30 : n << 20;
  }

  private static void requireText(String what, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("the " + what + " must not be blank");
    }
  }
}
