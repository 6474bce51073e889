package dev.liveshop.bench.load;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The run's progress on standard error, one line rewritten in place: what the run is doing,
 * and once a second the connections, frames per second and answers so far. The per-second
 * line runs on the clock thread only.
 */
final class Progress {

  private final LoadStats stats;
  private long lastIn;
  private long lastOut;

  Progress(LoadStats stats) {
    this.stats = stats;
  }

  /** The line for the second just past; call it once a second. */
  void printSecond() {
    long in = stats.framesIn.sum();
    long out = stats.framesOut.sum();
    print("t=%ds connections=%d in=%d/s out=%d/s taps=%d answers=%s errors=%s",
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stats.startNanos()), stats.connected.sum()
            - stats.closedByServer.sum(), in - lastIn, out - lastOut, stats.taps.sum(), stats.outcomes(),
        stats.errors());
    lastIn = in;
    lastOut = out;
  }

  static void print(String format, Object... args) {
    System.err.print("\r\033[K" + String.format(Locale.ROOT, format, args));
    System.err.flush();
  }
}
