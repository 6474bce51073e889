package dev.liveshop.bench.storage;

import org.HdrHistogram.Histogram;

/**
 * One measured phase: reservations confirmed (durably written), refused BUSY or failed,
 * and the reserve-to-confirmed latency distribution of the confirmed ones, in milliseconds.
 */
record PhaseResult(String writer, String phase, int round, long confirmed, long busy, long failed,
    double seconds, double ordersPerSecond, double p50Ms, double p90Ms, double p99Ms, double p999Ms, double maxMs) {

  static PhaseResult of(long confirmed, long busy, long failed, double seconds, Histogram micros) {
    return new PhaseResult("", "", 0, confirmed, busy, failed, seconds, confirmed / seconds,
        ms(micros, 50), ms(micros, 90), ms(micros, 99), ms(micros, 99.9), micros.getMaxValue() / 1000.0);
  }

  PhaseResult named(String writerName, String phaseName, int roundNumber) {
    return new PhaseResult(writerName, phaseName, roundNumber, confirmed, busy, failed, seconds, ordersPerSecond,
        p50Ms, p90Ms, p99Ms, p999Ms, maxMs);
  }

  String line() {
    return String.format("round %d %-20s %-16s %8.0f orders/s  p50 %6.2f  p99 %7.2f  p99.9 %7.2f  max %7.1f ms"
        + "  (busy %d, failed %d)", round, writer, phase, ordersPerSecond, p50Ms, p99Ms, p999Ms, maxMs, busy, failed);
  }

  private static double ms(Histogram micros, double percentile) {
    return micros.getValueAtPercentile(percentile) / 1000.0;
  }
}
