package dev.liveshop.bench.load;

import com.google.gson.GsonBuilder;
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

  static Map<String, Double> percentilesMs(Histogram h) {
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("count", (double) h.getTotalCount());
    for (double q : PERCENTILES) {
      p.put(q == 100 ? "max" : "p" + trim(q), h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(q) / 1e6);
    }
    return p;
  }

  boolean invariantsHeld() {
    return invariants.stream().allMatch(Invariants.Check::held);
  }

  long peak(long[] perSecond) {
    long max = 0;
    for (long v : perSecond) {
      max = Math.max(max, v);
    }
    return max;
  }

  String text() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%s %s: %d viewers, %d s%n", target, scenario, viewers, seconds));
    b.append(String.format(Locale.ROOT, "connections held %d (failed %d, closed by server %d)%n", connected,
        connectFailures, closedByServer));
    b.append(String.format(Locale.ROOT, "frames in %d (%.0f/s, peak %d/s, %.1f MB), out %d (%.0f/s)%n", framesIn,
        framesIn / (double) Math.max(1, seconds), peak(framesInPerSecond), bytesIn / 1e6, framesOut,
        framesOut / (double) Math.max(1, seconds)));
    if (chatSent > 0) {
      b.append(String.format(Locale.ROOT, "chat sent %d, deliveries %d%n", chatSent, chatDelivered));
    }
    if (taps > 0) {
      b.append(String.format(Locale.ROOT, "taps %d, retries %d, answers peak %d/s%n", taps, retries,
          peak(answersPerSecond)));
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
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>LiveShop load: " + scenario
        + "</title><style>body{font-family:system-ui,sans-serif;max-width:960px;margin:auto;padding:8px}"
        + "pre{background:#f4f4f4;padding:8px;overflow-x:auto}svg{background:#fafafa;border:1px solid #ddd}"
        + "</style></head><body><h1>LiveShop load run: " + target + " / " + scenario + "</h1><pre>"
        + escape(text()) + "</pre><h2>Latency distribution</h2>" + latencySvg(histograms)
        + "<h2>Throughput per second</h2>" + throughputSvg() + "</body></html>\n";
  }

  private static final String[] COLORS = {"#d33", "#36c", "#393", "#c90"};

  /** Latency by percentile on a log scale of "1 in N" (the HdrHistogram plot convention). */
  private static String latencySvg(Map<String, Histogram> histograms) {
    int w = 900;
    int h = 320;
    double maxMs = 0.001;
    for (Histogram hist : histograms.values()) {
      maxMs = Math.max(maxMs, hist.getMaxValue() / 1e6);
    }
    StringBuilder svg = new StringBuilder("<svg width=\"" + w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " "
        + h + "\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">");
    double[] ticks = {0, 90, 99, 99.9, 99.99};
    for (double t : ticks) {
      double x = 60 + xOfPercentile(t) * (w - 80);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"20\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
          + "<text x=\"%.1f\" y=\"%d\">p%s</text>", x, x, h - 30, x - 8, h - 15, trim(t)));
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"16\">ms (max %.2f)</text>", maxMs));
    int series = 0;
    for (var entry : histograms.entrySet()) {
      Histogram hist = entry.getValue();
      if (hist.getTotalCount() == 0) {
        continue;
      }
      List<String> points = new ArrayList<>();
      for (double x = 0; x <= 1.0001; x += 0.005) {
        double percentile = 100 - 100 / Math.pow(10, x * 4);
        double ms = hist.getValueAtPercentile(percentile) / 1e6;
        points.add(String.format(Locale.ROOT, "%.1f,%.1f", 60 + x * (w - 80), h - 30 - ms / maxMs * (h - 60)));
      }
      String color = COLORS[series % COLORS.length];
      svg.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\" points=\"")
          .append(String.join(" ", points)).append("\"/>");
      svg.append(String.format(Locale.ROOT, "<text x=\"70\" y=\"%d\" fill=\"%s\">%s</text>", 36 + 14 * series, color,
          escape(entry.getKey())));
      series++;
    }
    return svg.append("</svg>").toString();
  }

  private static double xOfPercentile(double percentile) {
    return percentile >= 100 ? 1 : Math.min(1, Math.log10(100 / (100 - percentile)) / 4);
  }

  private String throughputSvg() {
    int w = 900;
    int h = 260;
    long[][] series = {framesInPerSecond, framesOutPerSecond, answersPerSecond};
    String[] names = {"frames in/s", "frames out/s", "purchase answers/s"};
    long max = 1;
    for (long[] s : series) {
      max = Math.max(max, peak(s));
    }
    int n = Math.max(2, framesInPerSecond.length);
    StringBuilder svg = new StringBuilder("<svg width=\"" + w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " "
        + h + "\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">");
    svg.append("<text x=\"4\" y=\"16\">per second (max ").append(max).append(")</text>");
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%d s</text>", w - 40, h - 8, n));
    for (int s = 0; s < series.length; s++) {
      if (peak(series[s]) == 0) {
        continue;
      }
      List<String> points = new ArrayList<>();
      for (int i = 0; i < series[s].length; i++) {
        points.add(String.format(Locale.ROOT, "%.1f,%.1f", 40 + i * (w - 60.0) / (n - 1),
            h - 20 - series[s][i] * (h - 50.0) / max));
      }
      svg.append("<polyline fill=\"none\" stroke=\"").append(COLORS[s]).append("\" stroke-width=\"2\" points=\"")
          .append(String.join(" ", points)).append("\"/>");
      svg.append(String.format(Locale.ROOT, "<text x=\"50\" y=\"%d\" fill=\"%s\">%s</text>", 36 + 14 * s, COLORS[s],
          names[s]));
    }
    return svg.append("</svg>").toString();
  }

  private static String trim(double v) {
    return v == Math.floor(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
