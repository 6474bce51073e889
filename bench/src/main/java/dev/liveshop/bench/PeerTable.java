package dev.liveshop.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.liveshop.bench.inventory.ReservePeerBench;
import dev.liveshop.bench.report.Charts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The one table of bench/run-peers.sh: each LiveShop figure next to its peer's, measured
 * in the same run, from the result files in the folder given as the only argument.
 */
public final class PeerTable {

  private PeerTable() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    StringBuilder table = new StringBuilder("| what | LiveShop | peer | LiveShop / peer |\n|---|---:|---:|---:|\n");
    JsonObject liveshop = read(dir.resolve("reserve-liveshop.json"));
    JsonObject redis = read(dir.resolve("reserve-redis.json"));
    if (liveshop != null && redis != null) {
      row(table, "reserve attempts/s, " + liveshop.get("threads") + " callers (peer: Redis + Lua)",
          number(liveshop, "attemptsPerSecond"), number(redis, "attemptsPerSecond"), true);
      row(table, "reserve p99 µs (lower is better)", number(liveshop, "p99Micros"), number(redis, "p99Micros"),
          false);
    }
    JsonObject batched = read(dir.resolve("reserve-liveshop-batched.json"));
    if (batched != null && redis != null) {
      row(table, "reserve attempts/s, same callers, gateway's batching client (peer: Redis + Lua)",
          number(batched, "attemptsPerSecond"), number(redis, "attemptsPerSecond"), true);
      row(table, "reserve p99 µs, batching client (lower is better)", number(batched, "p99Micros"),
          number(redis, "p99Micros"), false);
      serverCpuRow(table, "batching client", batched, redis);
    }
    JsonObject batchedAsync = read(dir.resolve("reserve-liveshop-batched-async.json"));
    JsonObject redisAsync = read(dir.resolve("reserve-redis-async.json"));
    if (batchedAsync != null && redisAsync != null) {
      row(table, "reserve attempts/s, " + batchedAsync.get("threads") + " in flight, no thread waiting, batching "
          + "client (peer: Redis + Lua through Lettuce)", number(batchedAsync, "attemptsPerSecond"),
          number(redisAsync, "attemptsPerSecond"), true);
      row(table, "reserve p99 µs, no thread waiting (lower is better)", number(batchedAsync, "p99Micros"),
          number(redisAsync, "p99Micros"), false);
      serverCpuRow(table, "no thread waiting", batchedAsync, redisAsync);
    }
    JsonObject gateway = read(dir.resolve("fanout-liveshop/report.json"));
    JsonObject ws = read(dir.resolve("fanout-ws-peer/report.json"));
    if (gateway != null && ws != null) {
      String room = gateway.get("viewers") + " viewers";
      // Both get the same messages at the same rate: what differs is how many deliveries were made.
      row(table, "chat deliveries made, % of messages x viewers, " + room + " (peer: Node ws)",
          deliveredPercent(gateway), deliveredPercent(ws), true);
      for (String name : List.of("publish -> deliver", "publish -> last viewer", "first viewer -> last viewer")) {
        if (gateway.getAsJsonObject("latenciesMs").has(name) && ws.getAsJsonObject("latenciesMs").has(name)) {
          row(table, name + " p99 ms (lower is better)", latency(gateway, name, "p99"), latency(ws, name, "p99"),
              false);
        }
      }
    }
    JsonObject storage = read(dir.resolve("storage.json"));
    if (storage != null) {
      for (String phase : List.of("rate ", " in flight")) {
        double group = medianRate(storage, "group-commit", phase);
        double single = medianRate(storage, "one-write-per-order", phase);
        if (!Double.isNaN(group) && !Double.isNaN(single)) {
          String name = phase.equals("rate ") ? "at a fixed rate" : "saturated";
          row(table, "confirmed orders/s " + name + " (baseline: one write per order)", group, single, true);
        }
      }
    }
    System.out.print(table);
    Files.writeString(dir.resolve("table.md"), table);
    writeReserveChart(dir, table.toString(), Map.of("LiveShop, unary Reserve", "reserve-liveshop.json",
        "LiveShop, gateway's batching client", "reserve-liveshop-batched.json", "Redis + Lua", "reserve-redis.json",
        "LiveShop, batching client, no thread waiting", "reserve-liveshop-batched-async.json",
        "Redis + Lua through Lettuce, no thread waiting", "reserve-redis-async.json"));
  }

  /** reserve.html: the table, and each reserve target's latency by percentile (same concurrency, same run). */
  private static void writeReserveChart(Path dir, String table, Map<String, String> filesByName) throws IOException {
    Map<String, Histogram> latencies = new TreeMap<>();
    for (var entry : filesByName.entrySet()) {
      JsonObject result = read(dir.resolve(entry.getValue()));
      if (result != null && result.has(ReservePeerBench.LATENCY_HISTOGRAM)) {
        latencies.put(entry.getKey(), ReservePeerBench.decode(result.get(ReservePeerBench.LATENCY_HISTOGRAM)
            .getAsString()));
      }
    }
    if (!latencies.isEmpty()) {
      Files.writeString(dir.resolve("reserve.html"), Charts.page("LiveShop next to its peers", table,
          Map.of("Reserve latency, the same number of attempts at a time", Charts.latencyByPercentile(latencies, 1e6))));
    }
  }

  /** Server CPU per attempt, when both runs measured it (run-peers.sh knows both servers' processes). */
  private static void serverCpuRow(StringBuilder table, String how, JsonObject ours, JsonObject theirs) {
    String field = "serverCpuMicrosPerAttempt";
    if (ours.has(field) && theirs.has(field)) {
      row(table, "server CPU µs per attempt, " + how + " (lower is better)", number(ours, field),
          number(theirs, field), false);
    }
  }

  private static void row(StringBuilder table, String what, double ours, double theirs, boolean higherIsBetter) {
    table.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.2fx |%n", what, ours, theirs,
        higherIsBetter ? ours / theirs : theirs / ours));
  }

  private static double number(JsonObject o, String field) {
    return o.get(field).getAsDouble();
  }

  private static double deliveredPercent(JsonObject report) {
    double owed = report.get("chatSent").getAsDouble() * report.get("viewers").getAsDouble();
    return owed == 0 ? Double.NaN : 100 * report.get("chatDelivered").getAsDouble() / owed;
  }

  private static double latency(JsonObject report, String name, String percentile) {
    return report.getAsJsonObject("latenciesMs").getAsJsonObject(name).get(percentile).getAsDouble();
  }

  /** Median of the rounds of one writer and phase in OrderPipelineBench's results (writer -> [round]). */
  private static double medianRate(JsonObject storage, String writerPrefix, String phasePart) {
    List<Double> rates = new ArrayList<>();
    for (var writer : storage.entrySet()) {
      if (!writer.getKey().startsWith(writerPrefix)) {
        continue;
      }
      for (JsonElement run : writer.getValue().getAsJsonArray()) {
        JsonObject r = run.getAsJsonObject();
        if (r.get("phase").getAsString().contains(phasePart)) {
          rates.add(r.get("ordersPerSecond").getAsDouble());
        }
      }
    }
    if (rates.isEmpty()) {
      return Double.NaN;
    }
    rates.sort(null);
    int mid = rates.size() / 2;
    return rates.size() % 2 == 1 ? rates.get(mid) : (rates.get(mid - 1) + rates.get(mid)) / 2;
  }

  private static JsonObject read(Path file) throws IOException {
    return Files.exists(file) ? JsonParser.parseString(Files.readString(file)).getAsJsonObject() : null;
  }
}
