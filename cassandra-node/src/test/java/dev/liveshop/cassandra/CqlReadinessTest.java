package dev.liveshop.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** The probe against tiny servers that answer right, wrong, or not at all. */
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
  void answers_nothingListening_isNotReady() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertThat(CqlReadiness.answers(new InetSocketAddress("127.0.0.1", port), 500)).isFalse();
  }

  private static boolean probe(byte[] reply) throws Exception {
    try (ServerSocket server = new ServerSocket(0)) {
      Thread peer = new Thread(() -> {
        try (Socket s = server.accept()) {
          InputStream in = s.getInputStream();
          in.readNBytes(9);
          OutputStream out = s.getOutputStream();
          out.write(reply);
          out.flush();
        } catch (IOException ignored) {
          // The probe may close first.
        }
      });
      peer.start();
      boolean ready = CqlReadiness.answers(new InetSocketAddress("127.0.0.1", server.getLocalPort()), 2000);
      peer.join();
      return ready;
    }
  }
}
