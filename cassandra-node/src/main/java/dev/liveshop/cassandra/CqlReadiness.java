package dev.liveshop.cassandra;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a CQL server answers: sends a native-protocol v4 {@code OPTIONS} frame and expects a
 * {@code SUPPORTED} reply. A bare TCP connect is not enough: the port may belong to something
 * else (a port mix-up once passed a connect check), and Cassandra binds its port before it
 * serves queries. Stateless; {@link #await} blocks the calling thread.
 */
final class CqlReadiness {

  private static final Logger log = LoggerFactory.getLogger(CqlReadiness.class);

  private static final byte OPTIONS = 0x05;
  private static final byte SUPPORTED = 0x06;
  /** Version 4 request, no flags, stream 0, opcode OPTIONS, empty body. */
  private static final byte[] OPTIONS_FRAME = {0x04, 0x00, 0x00, 0x00, OPTIONS, 0x00, 0x00, 0x00, 0x00};

  static final long POLL_MILLIS = 250;
  private static final int PROBE_TIMEOUT_MILLIS = 1000;
  private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(5);

  private CqlReadiness() {}

  /** One probe: true when the server at {@code address} replies SUPPORTED within the timeout. */
  static boolean answers(InetSocketAddress address, int timeoutMillis) {
    try (Socket socket = new Socket()) {
      socket.connect(address, timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      OutputStream out = socket.getOutputStream();
      out.write(OPTIONS_FRAME);
      out.flush();
      byte[] header = new byte[9];
      new DataInputStream(socket.getInputStream()).readFully(header);
      // A response has the direction bit (0x80) set in its version byte.
      return (header[0] & 0x80) != 0 && header[4] == SUPPORTED;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Polls every 250 ms until the node answers, it dies, or {@code timeout} (counted from
   * {@code startedNanos}) passes. Does not stop the node: the caller does on failure.
   *
   * @param logTail the tail of the node's logs, read only when the start failed
   * @return milliseconds from {@code startedNanos} to the first answer
   * @throws NodeStartException when the node died or did not answer in time
   */
  static long await(InetSocketAddress address, Process node, Duration timeout, long startedNanos,
      Supplier<String> logTail) {
    String where = address.getHostString() + ":" + address.getPort();
    long deadline = startedNanos + timeout.toNanos();
    long nextProgress = startedNanos + PROGRESS_NANOS;
    while (!answers(address, PROBE_TIMEOUT_MILLIS)) {
      if (!node.isAlive()) {
        throw new NodeStartException("Cassandra (pid " + node.pid() + ") exited with code " + node.exitValue()
            + " before it answered CQL on " + where + ". Fix what its logs below report (a port taken after our"
            + " check, a data directory written by another Cassandra version, a heap too small), then start"
            + " again." + logTail.get());
      }
      long now = System.nanoTime();
      if (now - deadline > 0) {
        throw new NodeStartException("Cassandra (pid " + node.pid() + ") did not answer CQL on " + where
            + " within " + timeout.toSeconds() + " s, so it is being stopped. If the machine is just busy, give it"
            + " longer (NodeSettings.withStartTimeout); otherwise its logs below say what it was doing."
            + logTail.get());
      }
      if (now - nextProgress > 0) {
        log.info("waiting for Cassandra on {} ({} s)...", where, TimeUnit.NANOSECONDS.toSeconds(now - startedNanos));
        nextProgress = now + PROGRESS_NANOS;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NodeStartException("interrupted while waiting for Cassandra on " + where
            + "; the node is being stopped. Start it again when the application is not shutting down.", e);
      }
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }
}
