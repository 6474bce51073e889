package dev.liveshop.dev;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code docker/loopback.sh} driven from a test: the multi-process topology on free ports,
 * with its pid files, logs and Cassandra data under {@code target/loopback/<name>}. Every
 * command waits for the script; a failing one fails the test with the script's output.
 */
final class Loopback implements AutoCloseable {

  private static final Path SCRIPT = Path.of("..", "docker", "loopback.sh").toAbsolutePath().normalize();

  private final Map<String, String> env = new HashMap<>();
  private final Path dir;
  final int coreBasePort;
  final int gatewayBasePort;
  final int nativePort;

  /**
   * @param cores live-core shards
   * @param gateways gateways
   * @param extraEnv more variables for every process (keyspace, demo...)
   */
  Loopback(String name, int cores, int gateways, Map<String, String> extraEnv) throws IOException {
    dir = Path.of("target", "loopback", name + "-" + ProcessHandle.current().pid()).toAbsolutePath();
    Files.createDirectories(dir);
    int[] ports = freePorts(2);
    nativePort = ports[0];
    coreBasePort = consecutiveFree(cores);
    gatewayBasePort = consecutiveFree(gateways);
    env.put("CORES", Integer.toString(cores));
    env.put("GATEWAYS", Integer.toString(gateways));
    env.put("CORE_BASE_PORT", Integer.toString(coreBasePort));
    env.put("GATEWAY_BASE_PORT", Integer.toString(gatewayBasePort));
    env.put("LOOPBACK_DIR", dir.toString());
    env.put("LIVESHOP_CASSANDRA_NATIVE_PORT", Integer.toString(nativePort));
    env.put("LIVESHOP_CASSANDRA_STORAGE_PORT", Integer.toString(ports[1]));
    env.put("LIVESHOP_CASSANDRA_HEAP", "768M");
    env.put("LIVESHOP_DEMO", "false");
    env.put("LIVESHOP_GATEWAY_CONNECTIONS_PER_IP", "0");
    env.put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    env.putAll(extraEnv);
  }

  void up() {
    run("up");
  }

  /** Starts one service again: cassandra, core-N, gateway-N. */
  void start(String service) {
    run("start", service);
  }

  /** SIGKILL: the service crashes. */
  void kill(String service) {
    run("kill", service);
  }

  /** Port of gateway {@code n} (from 1). */
  int gatewayPort(int n) {
    return gatewayBasePort + n - 1;
  }

  @Override
  public void close() {
    run("down");
  }

  private void run(String... args) {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    Path output = dir.resolve("script.log");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(SCRIPT.getParent().getParent().toFile())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("loopback.sh " + String.join(" ", args) + " took over 5 minutes; see "
            + output);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("loopback.sh " + String.join(" ", args) + " failed (" + process.exitValue()
            + "):\n" + Files.readString(output));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + SCRIPT + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running loopback.sh", e);
    }
  }

  /** Ports free on loopback just now (each bound once, then released). */
  static int[] freePorts(int count) throws IOException {
    ServerSocket[] sockets = new ServerSocket[count];
    int[] ports = new int[count];
    try {
      for (int i = 0; i < count; i++) {
        sockets[i] = new ServerSocket();
        sockets[i].bind(new InetSocketAddress("127.0.0.1", 0));
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket socket : sockets) {
        if (socket != null) {
          socket.close();
        }
      }
    }
  }

  /** The first of {@code count} consecutive ports free now, from a random place in a high range. */
  private static int consecutiveFree(int count) throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int base = 20_000 + ThreadLocalRandom.current().nextInt(30_000);
      boolean free = true;
      for (int port = base; port < base + count && free; port++) {
        try (ServerSocket probe = new ServerSocket()) {
          probe.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException taken) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IOException("no " + count + " consecutive free ports found");
  }
}
