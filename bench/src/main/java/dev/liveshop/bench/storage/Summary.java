package dev.liveshop.bench.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The medians over rounds per writer and phase, as a Markdown table with the ratio to the first writer. */
final class Summary {

  private Summary() {}

  static String table(Map<String, List<PhaseResult>> byWriter) {
    StringBuilder out = new StringBuilder(
        "| writer | phase | confirmed orders/s | p50 ms | p99 ms | p99.9 ms | busy | ratio orders/s |\n"
        + "|---|---|---:|---:|---:|---:|---:|---:|\n");
    List<String> writers = new ArrayList<>(byWriter.keySet());
    String baseline = writers.get(0);
    for (String writer : writers) {
      for (String phase : phases(byWriter.get(writer))) {
        List<PhaseResult> runs = byWriter.get(writer).stream().filter(r -> r.phase().equals(phase)).toList();
        List<PhaseResult> base = byWriter.get(baseline).stream().filter(r -> r.phase().equals(phase)).toList();
        double rate = median(runs, PhaseResult::ordersPerSecond);
        out.append(String.format("| %s | %s | %.0f | %.2f | %.2f | %.2f | %.0f | %.2fx |%n", writer, phase, rate,
            median(runs, PhaseResult::p50Ms), median(runs, PhaseResult::p99Ms), median(runs, PhaseResult::p999Ms),
            median(runs, PhaseResult::busy), rate / median(base, PhaseResult::ordersPerSecond)));
      }
    }
    return out.toString();
  }

  private static List<String> phases(List<PhaseResult> results) {
    return results.stream().map(PhaseResult::phase).distinct().toList();
  }

  static double median(List<PhaseResult> runs, ToDoubleFunction<PhaseResult> value) {
    double[] values = runs.stream().mapToDouble(value).sorted().toArray();
    if (values.length == 0) {
      return Double.NaN;
    }
    int mid = values.length / 2;
    return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  }
}
