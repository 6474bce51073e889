package dev.liveshop.cassandra;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Whether a CQL server answers: sends a native-protocol v4 OPTIONS frame and expects a
 * SUPPORTED reply. A bare TCP connect is not enough: the port may belong to something else,
 * or accept connections before the node serves queries.
 */
final class CqlReadiness {

  private static final byte OPTIONS = 0x05;
  private static final byte SUPPORTED = 0x06;

  private CqlReadiness() {}

  static boolean answers(InetSocketAddress address, int timeoutMillis) {
    try (Socket socket = new Socket()) {
      socket.connect(address, timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      OutputStream out = socket.getOutputStream();
      // version 4 request, no flags, stream 0, opcode OPTIONS, empty body
      out.write(new byte[] {0x04, 0x00, 0x00, 0x00, OPTIONS, 0x00, 0x00, 0x00, 0x00});
      out.flush();
      byte[] header = new byte[9];
      new DataInputStream(socket.getInputStream()).readFully(header);
      return (header[0] & 0x80) != 0 && header[4] == SUPPORTED;
    } catch (IOException e) {
      return false;
    }
  }
}
