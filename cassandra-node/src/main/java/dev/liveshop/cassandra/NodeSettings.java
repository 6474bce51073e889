package dev.liveshop.cassandra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How to run the embedded node. Defaults suit a laptop or a 2-core CI box: loopback,
 * the standard ports, a 1 GiB heap.
 *
 * @param dataDirectory everything the node writes: data, commit log, logs, its yaml
 * @param javaHome a JDK 17 to run the node with; empty means "find one"
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
    String clusterName) {

  public static final String DATA_DIR_ENV = "LIVESHOP_CASSANDRA_DATA_DIR";
  public static final String NATIVE_PORT_ENV = "LIVESHOP_CASSANDRA_NATIVE_PORT";
  public static final String STORAGE_PORT_ENV = "LIVESHOP_CASSANDRA_STORAGE_PORT";
  public static final String HEAP_ENV = "LIVESHOP_CASSANDRA_HEAP";
  public static final String JAVA_HOME_ENV = "LIVESHOP_CASSANDRA_JAVA_HOME";

  public NodeSettings {
    requirePort("native port", NATIVE_PORT_ENV, nativePort);
    requirePort("storage port", STORAGE_PORT_ENV, storagePort);
    if (nativePort == storagePort) {
      throw new IllegalArgumentException("the native and storage ports must differ (both " + nativePort + ")");
    }
    dataDirectory = dataDirectory.toAbsolutePath().normalize();
  }

  /** Defaults with data under {@code dataDirectory}. */
  public static NodeSettings defaults(Path dataDirectory) {
    return new NodeSettings(dataDirectory, "127.0.0.1", 9042, 7000, "1G", "256M", Optional.empty(),
        Duration.ofSeconds(120), "liveshop");
  }

  /** Defaults overridden by the LIVESHOP_CASSANDRA_* environment variables. */
  public static NodeSettings fromEnvironment(Path defaultDataDirectory) {
    return fromEnvironment(defaultDataDirectory, System.getenv());
  }

  static NodeSettings fromEnvironment(Path defaultDataDirectory, Map<String, String> env) {
    NodeSettings s = defaults(Path.of(env.getOrDefault(DATA_DIR_ENV, defaultDataDirectory.toString())));
    if (env.containsKey(NATIVE_PORT_ENV)) {
      s = s.withNativePort(parsePort(env, NATIVE_PORT_ENV));
    }
    if (env.containsKey(STORAGE_PORT_ENV)) {
      s = s.withStoragePort(parsePort(env, STORAGE_PORT_ENV));
    }
    if (env.containsKey(HEAP_ENV)) {
      String heap = env.get(HEAP_ENV).strip();
      if (!heap.matches("\\d+[MG]")) {
        throw new IllegalArgumentException(HEAP_ENV + "='" + heap + "' is not a heap size such as 512M or 2G");
      }
      s = s.withMaxHeap(heap);
    }
    if (env.containsKey(JAVA_HOME_ENV)) {
      s = s.withJavaHome(Path.of(env.get(JAVA_HOME_ENV)));
    }
    return s;
  }

  public NodeSettings withNativePort(int port) {
    return new NodeSettings(dataDirectory, listenAddress, port, storagePort, maxHeap, initialHeap, javaHome,
        startTimeout, clusterName);
  }

  public NodeSettings withStoragePort(int port) {
    return new NodeSettings(dataDirectory, listenAddress, nativePort, port, maxHeap, initialHeap, javaHome,
        startTimeout, clusterName);
  }

  public NodeSettings withMaxHeap(String heap) {
    return new NodeSettings(dataDirectory, listenAddress, nativePort, storagePort, heap, initialHeap, javaHome,
        startTimeout, clusterName);
  }

  public NodeSettings withJavaHome(Path home) {
    return new NodeSettings(dataDirectory, listenAddress, nativePort, storagePort, maxHeap, initialHeap,
        Optional.of(home), startTimeout, clusterName);
  }

  public NodeSettings withStartTimeout(Duration timeout) {
    return new NodeSettings(dataDirectory, listenAddress, nativePort, storagePort, maxHeap, initialHeap, javaHome,
        timeout, clusterName);
  }

  private static int parsePort(Map<String, String> env, String name) {
    try {
      return Integer.parseInt(env.get(name).strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "='" + env.get(name) + "' is not a port number (1..65535)");
    }
  }

  private static void requirePort(String what, String env, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(what + " must be 1..65535, got " + port + " (set " + env + ")");
    }
  }
}
