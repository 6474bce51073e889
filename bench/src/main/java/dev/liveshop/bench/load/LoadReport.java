package dev.liveshop.bench.load;

import com.google.gson.GsonBuilder;
import dev.liveshop.bench.report.Charts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The end of a run, as text (printed), JSON (for scripts and RESULTS.md) and an HTML page
 * with two plots drawn as inline SVG (no script, no network): the latency distributions
 * and throughput per second.
 */
record LoadReport(
    String target,
    String scenario,
    int viewers,
    int seconds,
    long connected,
    long connectFailures,
    long closedByServer,
    long framesIn,
    long framesOut,
    long bytesIn,
    long chatSent,
    long chatDelivered,
    long taps,
    long retries,
    Map<String, Long> outcomes,
    Map<String, Long> errors,
    Map<String, Map<String, Double>> latenciesMs,
    long[] framesInPerSecond,
    long[] framesOutPerSecond,
    long[] answersPerSecond,
    List<Invariants.Check> invariants) {

  static final double[] PERCENTILES = {50, 90, 99, 99.9, 100};

  /** The run's latency histograms by name, taken from {@code stats} (each interval histogram once). */
  static Map<String, Histogram> histograms(LoadStats stats) {
    Map<String, Histogram> histograms = new LinkedHashMap<>();
    histograms.put("tap -> answer", stats.tapToAck.getIntervalHistogram());
    histograms.put("publish -> deliver", stats.publishToDeliver.getIntervalHistogram());
    histograms.put("publish -> last viewer", stats.publishToLastViewer());
    histograms.put("first viewer -> last viewer", stats.firstToLastViewer());
    return histograms;
  }

  /** The report of a run of {@code elapsed} seconds, from its stats, histograms and invariant checks. */
  static LoadReport of(String target, String scenario, int viewers, int elapsed, LoadStats stats,
      Map<String, Histogram> histograms, List<Invariants.Check> checks) {
    Map<String, Map<String, Double>> latencies = new LinkedHashMap<>();
    histograms.forEach((name, h) -> latencies.put(name, percentilesMs(h)));
    return new LoadReport(target, scenario, viewers, elapsed, stats.connected.sum(), stats.connectFailures.sum(),
        stats.closedByServer.sum(), stats.framesIn.sum(), stats.framesOut.sum(), stats.bytesIn.sum(),
        stats.chatSent(), stats.chatDelivered.sum(), stats.taps.sum(), stats.retries.sum(), stats.outcomes(),
        stats.errors(), latencies, stats.framesInPerSecond(elapsed), stats.framesOutPerSecond(elapsed),
        stats.answersPerSecond(elapsed), checks);
  }

  static Map<String, Double> percentilesMs(Histogram h) {
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("count", (double) h.getTotalCount());
    for (double q : PERCENTILES) {
      p.put(q == 100 ? "max" : Charts.percentileLabel(q), h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(q) / 1e6);
    }
    return p;
  }

  boolean invariantsHeld() {
    return invariants.stream().allMatch(Invariants.Check::held);
  }

  String text() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%s %s: %d viewers, %d s%n", target, scenario, viewers, seconds));
    b.append(String.format(Locale.ROOT, "connections held %d (failed %d, closed by server %d)%n", connected,
        connectFailures, closedByServer));
    b.append(String.format(Locale.ROOT, "frames in %d (%.0f/s, peak %d/s, %.1f MB), out %d (%.0f/s)%n", framesIn,
        framesIn / (double) Math.max(1, seconds), Charts.peak(framesInPerSecond), bytesIn / 1e6, framesOut,
        framesOut / (double) Math.max(1, seconds)));
    if (chatSent > 0) {
      b.append(String.format(Locale.ROOT, "chat sent %d, deliveries %d%n", chatSent, chatDelivered));
    }
    if (taps > 0) {
      b.append(String.format(Locale.ROOT, "taps %d, retries %d, answers peak %d/s%n", taps, retries,
          Charts.peak(answersPerSecond)));
      outcomes.forEach((k, v) -> b.append(String.format(Locale.ROOT, "  %-34s %d%n", k, v)));
    }
    latenciesMs.forEach((name, p) -> {
      if (p.get("count") > 0) {
        b.append(String.format(Locale.ROOT, "%-22s n=%.0f", name, p.get("count")));
        p.forEach((k, v) -> {
          if (!k.equals("count")) {
            b.append(String.format(Locale.ROOT, " %s=%.2fms", k, v));
          }
        });
        b.append('\n');
      }
    });
    if (!errors.isEmpty()) {
      b.append("errors: ").append(errors).append('\n');
    }
    for (Invariants.Check c : invariants) {
      b.append(c.held() ? "  ok    " : "  BROKEN ").append(c.name()).append(": ").append(c.detail()).append('\n');
    }
    return b.toString();
  }

  void write(Path dir, Map<String, Histogram> histograms) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("report.txt"), text());
    Files.writeString(dir.resolve("report.json"), new GsonBuilder().setPrettyPrinting().create().toJson(this));
    Files.writeString(dir.resolve("report.html"), html(histograms));
  }

  private String html(Map<String, Histogram> histograms) {
    Map<String, long[]> throughput = new LinkedHashMap<>();
    throughput.put("frames in/s", framesInPerSecond);
    throughput.put("frames out/s", framesOutPerSecond);
    throughput.put("purchase answers/s", answersPerSecond);
    Map<String, String> charts = new LinkedHashMap<>();
    charts.put("Latency distribution", Charts.latencyByPercentile(histograms, 1e6));
    charts.put("Throughput per second", Charts.perSecond(throughput));
    return Charts.page("LiveShop load run: " + target + " / " + scenario, text(), charts);
  }
}
