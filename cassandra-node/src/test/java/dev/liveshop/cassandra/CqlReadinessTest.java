package dev.liveshop.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Our probe against tiny servers that answer right, wrong, or not at all (not a mock of Cassandra). */
class CqlReadinessTest {

  @Test
  void answers_supportedReply_isReady() throws Exception {
    assertThat(probe(new byte[] {(byte) 0x84, 0, 0, 0, 0x06, 0, 0, 0, 0})).isTrue();
  }

  @Test
  void answers_otherOpcode_isNotReady() throws Exception {
    assertThat(probe(new byte[] {(byte) 0x84, 0, 0, 0, 0x00, 0, 0, 0, 0})).isFalse();
  }

  @Test
  void answers_serverThatClosesAtOnce_isNotReady() throws Exception {
    assertThat(probe(new byte[0])).isFalse();
  }

  @Test
  void answers_garbage_isNotReady() throws Exception {
    assertThat(probe("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
        .isFalse();
  }

  @Test
  void answers_nothingListening_isNotReady() throws IOException {
    assertThat(CqlReadiness.answers(new InetSocketAddress("127.0.0.1", closedPort()), 500)).isFalse();
  }

  @Test
  void await_processDies_failsWithExitCodeAndLogTail() throws Exception {
    Process dead = new ProcessBuilder("sh", "-c", "exit 3").start();
    dead.waitFor(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> CqlReadiness.await(new InetSocketAddress("127.0.0.1", closedPort()), dead,
        Duration.ofSeconds(30), System.nanoTime(), () -> "\n--- last lines ---\nboom"))
        .isInstanceOf(NodeStartException.class)
        .hasMessageContaining("exited with code 3")
        .hasMessageContaining("boom");
  }

  @Test
  void await_silentPort_timesOutWithLogTail() throws Exception {
    Process alive = new ProcessBuilder("sleep", "30").start();
    try {
      long started = System.nanoTime();
      assertThatThrownBy(() -> CqlReadiness.await(new InetSocketAddress("127.0.0.1", closedPort()), alive,
          Duration.ofMillis(600), started, () -> "\nstill starting"))
          .isInstanceOf(NodeStartException.class)
          .hasMessageContaining("did not answer CQL on 127.0.0.1:")
          .hasMessageContaining("still starting");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    } finally {
      alive.destroyForcibly();
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A one-shot server that answers {@code reply} to a v4 OPTIONS frame and hangs up on anything else. */
  private static boolean probe(byte[] reply) throws Exception {
    byte[] options = {0x04, 0, 0, 0, 0x05, 0, 0, 0, 0};
    try (ServerSocket server = new ServerSocket(0)) {
      Thread peer = new Thread(() -> {
        try (Socket s = server.accept()) {
          InputStream in = s.getInputStream();
          if (Arrays.equals(in.readNBytes(9), options)) {
            OutputStream out = s.getOutputStream();
            out.write(reply);
            out.flush();
          }
        } catch (IOException ignored) {
          // The probe may close first.
        }
      }, "fake-cql-server");
      peer.start();
      boolean ready = CqlReadiness.answers(new InetSocketAddress("127.0.0.1", server.getLocalPort()), 2000);
      peer.join();
      return ready;
    }
  }
}
