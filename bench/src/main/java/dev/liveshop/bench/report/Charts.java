package dev.liveshop.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The HTML reports' charts, as inline SVG (a report is one file that opens anywhere,
 * offline): latency by percentile, and counts per second.
 */
public final class Charts {

  private static final String[] COLORS = {"#d33", "#36c", "#393", "#c90", "#939", "#0aa"};

  private Charts() {}

  /** A whole page: a title, a preformatted summary, then each chart under its heading. */
  public static String page(String title, String summary, Map<String, String> chartsByHeading) {
    StringBuilder html = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(escape(title)).append("</title><style>body{font-family:system-ui,sans-serif;max-width:960px;"
            + "margin:auto;padding:8px}pre{background:#f4f4f4;padding:8px;overflow-x:auto}"
            + "svg{background:#fafafa;border:1px solid #ddd}</style></head><body><h1>")
        .append(escape(title)).append("</h1><pre>").append(escape(summary)).append("</pre>");
    chartsByHeading.forEach((heading, chart) -> html.append("<h2>").append(escape(heading)).append("</h2>")
        .append(chart));
    return html.append("</body></html>\n").toString();
  }

  /**
   * Latency by percentile on a log scale of "1 in N" (the HdrHistogram plot convention),
   * one line per histogram; {@code unitsPerMs} is what the histograms count in a millisecond.
   */
  public static String latencyByPercentile(Map<String, Histogram> series, double unitsPerMs) {
    int w = 900;
    int h = 320;
    double maxMs = 0.001;
    for (Histogram hist : series.values()) {
      maxMs = Math.max(maxMs, hist.getMaxValue() / unitsPerMs);
    }
    StringBuilder svg = open(w, h);
    for (double t : new double[] {0, 90, 99, 99.9, 99.99}) {
      double x = 60 + xOfPercentile(t) * (w - 80);
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"20\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
          + "<text x=\"%.1f\" y=\"%d\">%s</text>", x, x, h - 30, Math.min(x - 8, w - 44), h - 15, percentileLabel(t)));
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"16\">ms (max %.2f)</text>", maxMs));
    int line = 0;
    for (var entry : series.entrySet()) {
      Histogram hist = entry.getValue();
      if (hist.getTotalCount() == 0) {
        continue;
      }
      List<String> points = new ArrayList<>();
      for (double x = 0; x <= 1.0001; x += 0.005) {
        double percentile = 100 - 100 / Math.pow(10, x * 4);
        double ms = hist.getValueAtPercentile(percentile) / unitsPerMs;
        points.add(String.format(Locale.ROOT, "%.1f,%.1f", 60 + x * (w - 80), h - 30 - ms / maxMs * (h - 60)));
      }
      polyline(svg, line++, entry.getKey(), points, 70);
    }
    return svg.append("</svg>").toString();
  }

  /** Counts per second over a run, one line per series; series that stayed at zero are left out. */
  public static String perSecond(Map<String, long[]> series) {
    int w = 900;
    int h = 260;
    long max = 1;
    int n = 2;
    for (long[] s : series.values()) {
      max = Math.max(max, peak(s));
      n = Math.max(n, s.length);
    }
    StringBuilder svg = open(w, h);
    svg.append("<text x=\"4\" y=\"16\">per second (max ").append(max).append(")</text>");
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%d s</text>", w - 40, h - 8, n));
    int line = 0;
    for (var entry : series.entrySet()) {
      long[] counts = entry.getValue();
      if (peak(counts) == 0) {
        continue;
      }
      List<String> points = new ArrayList<>();
      for (int i = 0; i < counts.length; i++) {
        points.add(String.format(Locale.ROOT, "%.1f,%.1f", 40 + i * (w - 60.0) / (n - 1),
            h - 20 - counts[i] * (h - 50.0) / max));
      }
      polyline(svg, line++, entry.getKey(), points, 50);
    }
    return svg.append("</svg>").toString();
  }

  public static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static StringBuilder open(int w, int h) {
    return new StringBuilder("<svg width=\"" + w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h
        + "\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">");
  }

  private static void polyline(StringBuilder svg, int line, String name, List<String> points, int legendX) {
    String color = COLORS[line % COLORS.length];
    svg.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\" points=\"")
        .append(String.join(" ", points)).append("\"/>");
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>", legendX, 36 + 14 * line,
        color, escape(name)));
  }

  private static double xOfPercentile(double percentile) {
    return percentile >= 100 ? 1 : Math.min(1, Math.log10(100 / (100 - percentile)) / 4);
  }

  /** The highest count of a per-second series. */
  public static long peak(long[] counts) {
    long max = 0;
    for (long c : counts) {
      max = Math.max(max, c);
    }
    return max;
  }

  /** "p50", "p99.9": a percentile as reports name it. */
  public static String percentileLabel(double percentile) {
    boolean whole = percentile == Math.floor(percentile);
    return "p" + (whole ? String.valueOf((long) percentile) : String.valueOf(percentile));
  }
}
