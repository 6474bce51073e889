package dev.liveshop.bench.storage;

import com.datastax.oss.driver.api.core.CqlSession;
import com.google.gson.GsonBuilder;
import dev.liveshop.bench.report.Charts;
import dev.liveshop.cassandra.CassandraNode;
import dev.liveshop.cassandra.NodeSettings;
import dev.liveshop.core.config.CassandraSettings;
import dev.liveshop.core.config.CoreConfig;
import dev.liveshop.core.config.OrderWriteSettings;
import dev.liveshop.core.inventory.OrderJournal;
import dev.liveshop.core.store.CassandraStore;
import dev.liveshop.core.store.OneWritePerOrderJournal;
import dev.liveshop.core.store.OrderStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Confirmed orders through live-core's inventory engine into a real Cassandra node: group
 * commit against one write per order, in the same run, alternating rounds so that the
 * machine's noise hits both alike. Each round has a fixed-rate phase (latency at a given
 * load, measured from each order's intended start, so a stall counts against every order
 * it delays) and a saturation phase (how many orders per second, with a bound in flight).
 *
 * <pre>
 * ./mvnw -q -pl bench -am package -DskipTests -DskipITs
 * java -cp bench/target/benchmarks.jar dev.liveshop.bench.storage.OrderPipelineBench --rounds 3
 * </pre>
 *
 * Without {@code --contact-point} it starts an embedded node (data under
 * {@code bench/target/cassandra-bench}) and stops it at the end.
 */
@Command(name = "order-pipeline", mixinStandardHelpOptions = true,
    description = "Confirmed orders/s and reserve->confirmed latency: group commit vs one write per order.")
public final class OrderPipelineBench implements Callable<Integer> {

  @Option(names = "--contact-point", description = "host:port of a running Cassandra node (default: start one)")
  String contactPoint;

  @Option(names = "--rate", defaultValue = "5000", description = "orders/s of the fixed-rate phase (default ${DEFAULT-VALUE})")
  int rate;

  @Option(names = "--in-flight", defaultValue = "1000",
      description = "reservations outstanding in the saturation phase (default ${DEFAULT-VALUE})")
  int inFlight;

  @Option(names = "--seconds", defaultValue = "15", description = "length of each phase (default ${DEFAULT-VALUE})")
  int seconds;

  @Option(names = "--warmup-seconds", defaultValue = "5", description = "unmeasured load before each writer's first round")
  int warmupSeconds;

  @Option(names = "--rounds", defaultValue = "3", description = "rounds per writer, alternating (default ${DEFAULT-VALUE})")
  int rounds;

  @Option(names = "--out", defaultValue = "bench/results/order-pipeline.json",
      description = "JSON results file; an HTML report with latency charts is written next to it")
  Path out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new OrderPipelineBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    CassandraNode node = contactPoint == null ? startNode() : null;
    InetSocketAddress point = node != null ? node.contactPoint() : parse(contactPoint);
    CoreConfig defaults = CoreConfig.load();
    CassandraSettings settings = defaults.cassandra().withContactPoint(point, "datacenter1")
        .withKeyspace("bench_orders_" + System.currentTimeMillis());
    OrderWriteSettings writes = defaults.orders();
    Map<String, List<PhaseResult>> results = new LinkedHashMap<>();
    Map<String, Histogram> fixedRateLatency = new LinkedHashMap<>();
    Map<String, Histogram> saturatedLatency = new LinkedHashMap<>();
    try (CqlSession session = CassandraStore.open(settings)) {
      List<Writer> writers = List.of(
          new Writer("one-write-per-order", () -> new OneWritePerOrderJournal(session)),
          new Writer("group-commit", () -> new OrderStore(session, writes)));
      for (Writer writer : writers) {
        System.err.printf("warming up %s for %d s%n", writer.name(), warmupSeconds);
        try (PipelineRun run = new PipelineRun(writer.journal().get())) {
          run.saturate(inFlight, warmupSeconds);
        }
      }
      for (int round = 1; round <= rounds; round++) {
        for (Writer writer : writers) {
          try (PipelineRun run = new PipelineRun(writer.journal().get())) {
            PipelineRun.Measured fixedRun = run.fixedRate(rate, seconds);
            PhaseResult fixed = fixedRun.result().named(writer.name(), "rate " + rate + "/s", round);
            System.err.println(fixed.line());
            PipelineRun.Measured saturatedRun = run.saturate(inFlight, seconds);
            PhaseResult saturated = saturatedRun.result().named(writer.name(), inFlight + " in flight", round);
            System.err.println(saturated.line());
            merge(fixedRateLatency, writer.name(), fixedRun.latencyMicros());
            merge(saturatedLatency, writer.name(), saturatedRun.latencyMicros());
            results.computeIfAbsent(writer.name(), k -> new ArrayList<>()).addAll(List.of(fixed, saturated));
          }
        }
      }
    } finally {
      if (node != null) {
        node.close();
      }
    }
    String table = Summary.table(results);
    System.out.println(table);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, new GsonBuilder().setPrettyPrinting().create().toJson(results));
    Path html = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.json$", "") + ".html");
    Map<String, String> charts = new LinkedHashMap<>();
    charts.put("Reserve -> confirmed at " + rate + " orders/s, all rounds",
        Charts.latencyByPercentile(fixedRateLatency, 1000));
    charts.put("Reserve -> confirmed with " + inFlight + " in flight, all rounds",
        Charts.latencyByPercentile(saturatedLatency, 1000));
    Files.writeString(html, Charts.page("LiveShop order pipeline: group commit vs one write per order",
        "medians over " + rounds + " round(s)\n\n" + table, charts));
    System.err.println("wrote " + out + " and " + html);
    return 0;
  }

  private static void merge(Map<String, Histogram> byWriter, String writer, Histogram latency) {
    byWriter.computeIfAbsent(writer, w -> new Histogram(latency.getNumberOfSignificantValueDigits())).add(latency);
  }

  private record Writer(String name, Supplier<OrderJournal> journal) {}

  private static CassandraNode startNode() throws IOException {
    int[] ports = new int[2];
    for (int i = 0; i < 2; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        ports[i] = s.getLocalPort();
      }
    }
    System.err.println("starting an embedded Cassandra node (bench/target/cassandra-bench)...");
    return CassandraNode.start(NodeSettings.defaults(Path.of("bench/target/cassandra-bench"))
        .withNativePort(ports[0]).withStoragePort(ports[1]));
  }

  private static InetSocketAddress parse(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }
}
