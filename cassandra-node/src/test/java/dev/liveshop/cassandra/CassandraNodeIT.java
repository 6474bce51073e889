package dev.liveshop.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.liveshop.cassandra.testing.CassandraExtension;
import dev.liveshop.cassandra.testing.SharedCassandra;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A real node: it answers CQL, a taken port fails fast, close stops it, a restart keeps its data. */
@ExtendWith(CassandraExtension.class)
class CassandraNodeIT {

  private static final Logger log = LoggerFactory.getLogger(CassandraNodeIT.class);

  @Test
  void start_sharedNode_answersOptionsWithSupported(CassandraNode node) throws IOException {
    assertThat(node.isRunning()).isTrue();
    assertThat(node.localDatacenter()).isEqualTo("datacenter1");
    // Our own frame on a raw socket, independent of CqlReadiness.
    try (Socket socket = new Socket(node.host(), node.nativePort())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(new byte[] {0x04, 0, 0, 0, 0x05, 0, 0, 0, 0});
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] header = new byte[9];
      in.readFully(header);
      assertThat(header[0]).as("response, protocol v4").isEqualTo((byte) 0x84);
      assertThat(header[4]).as("opcode SUPPORTED").isEqualTo((byte) 0x06);
      int length = ((header[5] & 0xff) << 24) | ((header[6] & 0xff) << 16) | ((header[7] & 0xff) << 8)
          | (header[8] & 0xff);
      byte[] body = new byte[length];
      in.readFully(body);
      assertThat(new String(body, StandardCharsets.UTF_8)).contains("CQL_VERSION", "PROTOCOL_VERSIONS");
    }
    log.info("shared node pid {} RSS {} MiB", node.pid(), rssMebibytes(node.pid()));
  }

  /**
   * The node's JVM leads a session of its own (a terminal's Ctrl-C does not reach it), and
   * setsid exec'd in place: the pid we hold is the node's java, not a wrapper.
   */
  @Test
  void start_whereSetsidExists_nodeJvmLeadsItsOwnSession(CassandraNode node) throws IOException {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid")),
        "no setsid on this machine");
    String stat = Files.readString(Path.of("/proc", Long.toString(node.pid()), "stat"));
    // Fields after "(comm) ": state, ppid, pgrp, session.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    assertThat(Long.parseLong(fields[3])).as("session id").isEqualTo(node.pid());
    assertThat(Long.parseLong(fields[1])).as("parent").isEqualTo(ProcessHandle.current().pid());
    assertThat(ProcessHandle.of(node.pid()).flatMap(h -> h.info().command())).hasValueSatisfying(
        command -> assertThat(command).endsWith("/java"));
  }

  @Test
  void start_nativePortHeldByRunningNode_failsFastNamingPortAndVariable(CassandraNode running) {
    NodeSettings clash = SharedCassandra.freshSettings("clash").withNativePort(running.nativePort());
    long started = System.nanoTime();
    assertThatThrownBy(() -> CassandraNode.start(clash))
        .isInstanceOf(NodeStartException.class)
        .hasMessageContaining("port " + running.nativePort() + " on 127.0.0.1 is in use")
        .hasMessageContaining("ss -ltnp 'sport = :" + running.nativePort() + "'")
        .hasMessageContaining(NodeSettings.NATIVE_PORT_ENV);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void start_storagePortHeldByRunningNode_failsFastNamingTheStorageVariable(CassandraNode running) {
    NodeSettings clash = SharedCassandra.freshSettings("clash").withStoragePort(running.storagePort());
    long started = System.nanoTime();
    assertThatThrownBy(() -> CassandraNode.start(clash))
        .isInstanceOf(NodeStartException.class)
        .hasMessageContaining("storage port " + running.storagePort())
        .hasMessageContaining(NodeSettings.STORAGE_PORT_ENV);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void close_stopsTheProcess_andARestartReusesTheData() throws IOException {
    NodeSettings settings = SharedCassandra.freshSettings("restart");
    CassandraNode first = CassandraNode.start(settings);
    long pid = first.pid();
    first.close();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d alive", pid).isFalse();
    first.close(); // idempotent
    Path systemLog = settings.dataDirectory().resolve("logs/system.log");
    assertThat(Files.readString(systemLog)).doesNotContain("Using saved tokens");

    try (CassandraNode second = CassandraNode.start(settings)) {
      assertThat(second.pid()).isNotEqualTo(pid);
      assertThat(CqlReadiness.answers(second.contactPoint(), 2000)).isTrue();
      // A fresh node generates its token; one that found its data reads the token back.
      assertThat(Files.readString(systemLog)).contains("Using saved tokens");
    }
  }

  /** Resident memory of a process, from /proc (Linux). */
  static long rssMebibytes(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
        .filter(line -> line.startsWith("VmRSS:"))
        .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")) / 1024)
        .findFirst()
        .orElse(-1);
  }
}
