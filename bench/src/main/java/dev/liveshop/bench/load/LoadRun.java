package dev.liveshop.bench.load;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;

/**
 * One run of the load generator, as its options say: the stream and its product, the
 * viewers' tokens and sockets, chat, the warm-up (rehearsal sales, warm-up chat), the measured
 * part, then the report, written to a folder and printed.
 *
 * <p>Threading: {@link #call} runs on the main thread; the clock thread it starts schedules
 * chat and prints progress; the viewers live on the sockets' event loops.
 */
final class LoadRun {

  private final LoadGenerator options;
  private final LoadStats stats = new LoadStats();

  LoadRun(LoadGenerator options) {
    this.options = options;
  }

  /** Plays the run; answers the exit code: 0, or 1 when an invariant broke. */
  int call() throws Exception {
    boolean peer = options.peer();
    boolean sale = options.sale();
    GatewayApi api = new GatewayApi(options.gateways.get(0));
    String hostToken = null;
    String productId = null;
    if (!peer) {
      hostToken = api.token(options.stream + "-host", "host", options.stream);
      api.ok("POST", "/api/streams", hostToken, "{\"streamId\":\"" + options.stream + "\",\"title\":\"Load test\"}");
      productId = api.ok("POST", "/api/streams/" + options.stream + "/products", hostToken,
          "{\"name\":\"Load-test scarf\",\"priceCents\":1900}").get("productId").getAsString();
    }
    FlashSales sales = new FlashSales(options, stats, api, hostToken, productId);

    String runId = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    List<Viewer> room = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < options.viewers; i++) {
      ids.add("lg" + runId + "-" + i);
      room.add(new Viewer(ids.get(i), stats));
    }
    Progress.print("fetching %d viewer tokens", options.viewers);
    List<String> tokens = peer ? Collections.nCopies(options.viewers, "peer") : api.viewerTokens(ids, 32);
    ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "loadgen-clock");
      t.setDaemon(true);
      return t;
    });
    List<Invariants.Check> checks = List.of();
    try (ViewerSockets sockets = new ViewerSockets(options.clientThreads, stats)) {
      sockets.connect(options.gateways.stream().map(g -> g.replaceFirst("^http", "ws")).toList(), room, tokens,
          options.stream, options.connectParallel,
          n -> {
            if (n % 500 == 0) {
              Progress.print("connected %d/%d", n, options.viewers);
            }
          });
      waitUntil(() -> room.stream().filter(Viewer::joined).count() >= stats.connected.sum(), 30_000);
      Progress.print("connected %d/%d, joined; running %s", stats.connected.sum(), options.viewers,
          options.scenario);
      clock.scheduleAtFixedRate(new Progress(stats)::printSecond, 1, 1, TimeUnit.SECONDS);

      boolean chat = options.chat();
      if (chat) {
        startChat(clock, room);
      }
      warmUp(chat, sale, sales, room);
      if (sale) {
        sales.playMeasured(room);
        Thread.sleep(500);
        checks = sales.check(room, ids, tokens);
      } else {
        Thread.sleep(options.seconds * 1000L);
      }
      clock.shutdownNow();
      Thread.sleep(1000); // deliveries in flight
    } finally {
      clock.shutdownNow();
    }
    System.err.println();
    // The per-second timeline starts with the stats (before tokens and connections).
    int elapsed = (int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stats.startNanos()));
    Map<String, Histogram> histograms = LoadReport.histograms(stats);
    LoadReport report = LoadReport.of(options.target, options.scenario, options.viewers, elapsed, stats, histograms,
        checks);
    Path dir = options.out != null ? options.out
        : Path.of("bench", "results", "load", LocalDate.now() + "-" + options.target + "-" + options.scenario);
    report.write(dir, histograms);
    System.out.print(report.text());
    System.out.println("report: " + dir.resolve("report.html"));
    return report.invariantsHeld() ? 0 : 1;
  }

  /**
   * Runs the unmeasured part: rehearsal sales (each tapped like the measured one, to the last
   * answer) and warm-up chat; then starts measuring. A flash sale lasts about a second: were
   * the JIT compilers of the gateway, live-core and this process still at work in it, they
   * would take CPU from what is being measured.
   */
  private void warmUp(boolean chat, boolean sale, FlashSales sales, List<Viewer> room) throws InterruptedException {
    for (int i = 1; sale && i <= options.rehearsals; i++) {
      Progress.print("rehearsal sale %d/%d (not measured)", i, options.rehearsals);
      sales.playRehearsal(i, room);
    }
    if (chat && options.warmupSeconds > 0) {
      Progress.print("warming up: chat for %d s (not measured)", options.warmupSeconds);
      Thread.sleep(options.warmupSeconds * 1000L);
    }
    stats.startMeasuring();
  }

  private void startChat(ScheduledExecutorService clock, List<Viewer> room) {
    long periodMicros = 10_000;
    double perTick = options.chatRate * periodMicros / 1e6;
    double[] owed = {0};
    clock.scheduleAtFixedRate(() -> {
      owed[0] += perTick;
      for (; owed[0] >= 1; owed[0]--) {
        Viewer viewer = room.get(ThreadLocalRandom.current().nextInt(room.size()));
        if (viewer.channel() != null) {
          long seq = stats.nextChatSequence();
          viewer.channel().eventLoop().execute(() -> viewer.chat(seq));
        }
      }
    }, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
  }

  /** Polls {@code condition} every 50 ms until it holds or {@code timeoutMillis} are up. */
  static void waitUntil(BooleanSupplier condition, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + Math.max(0, timeoutMillis);
    while (!condition.getAsBoolean() && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
  }
}
