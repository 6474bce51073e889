package dev.liveshop.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.liveshop.gateway.Http;
import dev.liveshop.gateway.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code run.sh} starts, as a process of its own with a viewer in the demo room, stopped
 * the two ways it is stopped: SIGTERM to the process, and a terminal's Ctrl-C (SIGINT to the
 * whole foreground process group, here a group of its own). The embedded node must stop last,
 * after live-core has drained its order writes into it.
 */
class LocalMainShutdownIT {

  private static final Logger log = LoggerFactory.getLogger(LocalMainShutdownIT.class);
  private static final Pattern NODE_PID = Pattern.compile("Cassandra ready on \\S+ in \\d+ ms \\(pid (\\d+)\\)");

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"SIGTERM to the process", "SIGINT to its process group"})
  void stop_gatewayThenCoreThenNode(String how) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")), "needs setsid for a process group");
    boolean group = how.startsWith("SIGINT");
    Path dir = Files.createDirectories(Path.of("target", "local-main", (group ? "int-" : "term-")
        + ProcessHandle.current().pid()).toAbsolutePath());
    Path output = dir.resolve("local.log");
    int[] ports = Loopback.freePorts(3);
    // setsid: a process group of its own, led by the JVM (setsid execs in place), that can
    // take a terminal's group-wide SIGINT without it reaching this test's JVM.
    ProcessBuilder builder = new ProcessBuilder("/usr/bin/setsid",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dlogback.configurationFile=" + Path.of("target", "classes", "logback-local.xml").toAbsolutePath(),
        "-cp", System.getProperty("java.class.path"), LocalMain.class.getName())
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
    Map<String, String> env = builder.environment();
    env.remove("LIVESHOP_CASSANDRA_CONTACT_POINTS");
    env.put("LIVESHOP_CASSANDRA_NATIVE_PORT", Integer.toString(ports[0]));
    env.put("LIVESHOP_CASSANDRA_STORAGE_PORT", Integer.toString(ports[1]));
    env.put("LIVESHOP_CASSANDRA_HEAP", "768M");
    env.put("LIVESHOP_CORE_GRPC_PORT", "0");
    env.put("LIVESHOP_GATEWAY_PORT", Integer.toString(ports[2]));
    env.put("LIVESHOP_GATEWAY_CONNECTIONS_PER_IP", "0");
    Process local = builder.start();
    Optional<ProcessHandle> node = Optional.empty();
    try {
      String started = awaitLog(local, output, "LiveShop is ready");
      Matcher pid = NODE_PID.matcher(started);
      assertThat(pid.find()).as("node pid in the log").isTrue();
      node = ProcessHandle.of(Long.parseLong(pid.group(1)));
      // A viewer in a room: the gateway holds live-core's room bus and stock streams.
      Http http = new Http(ports[2]);
      try (WsClient viewer = new WsClient(ports[2], http.token("alice", "viewer"))) {
        viewer.send("{\"join\":{\"streamId\":\"demo\"}}");
        viewer.next("welcome");

        long signalled = System.nanoTime();
        List<String> kill = group
            ? List.of("kill", "-INT", "--", "-" + local.pid())
            : List.of("kill", "-TERM", Long.toString(local.pid()));
        assertThat(new ProcessBuilder(kill).start().waitFor()).isZero();
        assertThat(local.waitFor(120, TimeUnit.SECONDS)).as("LocalMain exits within 120 s").isTrue();
        log.info("{}: LocalMain exited {} ms after the signal", how,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled));
      }
      assertThat(node.get().onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();

      String text = Files.readString(output);
      int gatewayStopped = text.indexOf("live-gateway stopped");
      int coreStopped = text.indexOf("live-core stopped");
      int nodeStopped = text.indexOf("(pid " + node.get().pid() + ") stopped");
      assertThat(gatewayStopped).as("gateway stopped, in:%n%s", text).isPositive();
      assertThat(coreStopped).as("live-core stopped after the gateway, in:%n%s", text).isGreaterThan(gatewayStopped);
      assertThat(nodeStopped).as("node stopped after live-core, in:%n%s", text).isGreaterThan(coreStopped);
    } finally {
      local.destroyForcibly();
      node.ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** The log so far once it contains {@code line}; fails with it if the process dies or takes 4 minutes. */
  private static String awaitLog(Process process, Path output, String line) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (true) {
      String text = Files.exists(output) ? Files.readString(output) : "";
      if (text.contains(line)) {
        return text;
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        fail("LocalMain did not log '%s'; its output:%n%s", line, text);
      }
      Thread.sleep(200);
    }
  }
}
