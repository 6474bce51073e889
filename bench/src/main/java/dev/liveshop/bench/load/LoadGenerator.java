package dev.liveshop.bench.load;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Plays N viewers against a running gateway over real WebSockets and reports what they
 * saw. Scenarios: {@code chat-storm} (the room chats at a rate; every delivery is timed),
 * {@code flash-sale} (a sale with a countdown; every viewer taps buy at zero plus a human
 * reaction time; invariants checked at the end), {@code idle-connections} (hold N sockets)
 * and {@code mixed} (a flash sale during a chat storm). Measuring starts after a warm-up
 * (rehearsal sales, warm-up chat). Every sale, rehearsals included, is checked against
 * {@link Invariants} with the orders the store holds; exits 1 when an invariant broke.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.liveshop.bench.load.LoadGenerator \
 *     --scenario flash-sale --viewers 2000 --quantity 500
 * </pre>
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Plays N viewers against a running LiveShop gateway (development mode, for tokens).")
public final class LoadGenerator implements Callable<Integer> {

  private static final List<String> SCENARIOS = List.of("chat-storm", "flash-sale", "idle-connections", "mixed");

  @Option(names = "--gateway", split = ",", description = "The gateway's HTTP base URL, or several "
      + "comma-separated (viewers are spread over them in turn; the host API uses the first) "
      + "(default ${DEFAULT-VALUE}).")
  List<String> gateways = List.of("http://127.0.0.1:8080");

  @Option(names = "--target", description = "liveshop, or ws-peer (the Node ws broadcast peer: chat only, "
      + "no API). Default ${DEFAULT-VALUE}.")
  String target = "liveshop";

  @Option(names = "--scenario", description = "chat-storm, flash-sale, idle-connections or mixed "
      + "(default ${DEFAULT-VALUE}).")
  String scenario = "flash-sale";

  @Option(names = "--viewers", description = "WebSocket connections (default ${DEFAULT-VALUE}).")
  int viewers = 1000;

  @Option(names = "--seconds", description = "How long the chat storm or idle hold lasts; the most a flash "
      + "sale waits for its answers (default ${DEFAULT-VALUE}).")
  int seconds = 20;

  @Option(names = "--chat-rate", description = "Chat messages per second from the whole room (default "
      + "${DEFAULT-VALUE}).")
  int chatRate = 100;

  @Option(names = "--quantity", description = "Units of the flash sale (default ${DEFAULT-VALUE}).")
  int quantity = 500;

  @Option(names = "--per-viewer-limit", description = "Units one viewer may buy (default ${DEFAULT-VALUE}).")
  int perViewerLimit = 1;

  @Option(names = "--taps", description = "Taps on buy per viewer, each a new purchase intent "
      + "(default ${DEFAULT-VALUE}).")
  int taps = 1;

  @Option(names = "--countdown-ms", description = "Countdown before the sale opens (default ${DEFAULT-VALUE}).")
  long countdownMs = 3000;

  @Option(names = "--reaction-ms", description = "Median human reaction after zero; log-normal (default "
      + "${DEFAULT-VALUE}).")
  double reactionMs = 250;

  @Option(names = "--stream", description = "Stream to use (created if missing; default a new one per run).")
  String stream = "load-" + Long.toString(System.currentTimeMillis(), 36);

  @Option(names = "--connect-parallel", description = "Handshakes in flight at once (default ${DEFAULT-VALUE}).")
  int connectParallel = 200;

  @Option(names = "--client-threads", description = "Event loops of the load generator (default "
      + "${DEFAULT-VALUE}).")
  int clientThreads = 2;

  @Option(names = "--warmup-seconds", description = "Unmeasured chat before the measured chat storm, so that "
      + "every process on the box (this one too) has compiled the chat path when measuring starts (default "
      + "${DEFAULT-VALUE}; 0: none).")
  int warmupSeconds = 5;

  @Option(names = "--rehearsals", description = "Unmeasured flash sales of the same shape before the measured one, "
      + "so that every process has compiled the tap path when the measured sale opens (default ${DEFAULT-VALUE}; "
      + "0: none).")
  int rehearsals = 1;

  @Option(names = "--answer-grace-seconds", description = "How long taps still unanswered when a sale's --seconds "
      + "are up may take to be answered before each counts as a broken invariant (default ${DEFAULT-VALUE}).")
  int answerGraceSeconds = 10;

  @Option(names = "--out", description = "Folder for report.txt, report.json and report.html "
      + "(default bench/results/load/<date>-<target>-<scenario>).")
  Path out;

  private final LoadStats stats = new LoadStats();
  /** Every sale this run tapped, rehearsals first: all are checked at the end. */
  private final List<SaleRun> salesRun = new ArrayList<>();

  /** A sale as created, what the invariants call it, and the taps scheduled on it. */
  private record SaleRun(String label, JsonObject sale, long tapsScheduled) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadGenerator()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!SCENARIOS.contains(scenario)) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--scenario must be one of " + SCENARIOS);
    }
    boolean peer = target.equals("ws-peer");
    boolean sale = scenario.equals("flash-sale") || scenario.equals("mixed");
    if (peer && sale) {
      throw new CommandLine.ParameterException(new CommandLine(this), "the ws peer has no sales: use chat-storm "
          + "or idle-connections with --target ws-peer");
    }
    GatewayApi api = new GatewayApi(gateways.get(0));
    String hostToken = null;
    String productId = null;
    if (!peer) {
      hostToken = api.token(stream + "-host", "host", stream);
      api.ok("POST", "/api/streams", hostToken, "{\"streamId\":\"" + stream + "\",\"title\":\"Load test\"}");
      productId = api.ok("POST", "/api/streams/" + stream + "/products", hostToken,
          "{\"name\":\"Load-test scarf\",\"priceCents\":1900}").get("productId").getAsString();
    }

    String runId = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    List<Viewer> room = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < viewers; i++) {
      ids.add("lg" + runId + "-" + i);
      room.add(new Viewer(ids.get(i), stats));
    }
    progress("fetching %d viewer tokens", viewers);
    List<String> tokens = peer ? Collections.nCopies(viewers, "peer") : api.viewerTokens(ids, 32);
    ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "loadgen-clock");
      t.setDaemon(true);
      return t;
    });
    List<Invariants.Check> checks = List.of();
    try (ViewerSockets sockets = new ViewerSockets(clientThreads, stats)) {
      sockets.connect(gateways.stream().map(g -> g.replaceFirst("^http", "ws")).toList(), room, tokens, stream,
          connectParallel,
          n -> {
            if (n % 500 == 0) {
              progress("connected %d/%d", n, viewers);
            }
          });
      waitUntil(() -> room.stream().filter(Viewer::joined).count() >= stats.connected.sum(), 30_000);
      progress("connected %d/%d, joined; running %s", stats.connected.sum(), viewers, scenario);
      clock.scheduleAtFixedRate(this::printProgress, 1, 1, TimeUnit.SECONDS);

      boolean chat = scenario.equals("chat-storm") || scenario.equals("mixed");
      if (chat) {
        startChat(clock, room);
      }
      warmUp(chat, sale, api, hostToken, productId, room);
      if (sale) {
        JsonObject launched = launchSale(api, hostToken, productId);
        salesRun.add(new SaleRun("", launched, tapAtZero(room, launched)));
        awaitAnswers(launched, 0);
        Thread.sleep(500);
        checks = checkSales(api, hostToken, room, ids, tokens);
      } else {
        Thread.sleep(seconds * 1000L);
      }
      clock.shutdownNow();
      Thread.sleep(1000); // deliveries in flight
    } finally {
      clock.shutdownNow();
    }
    System.err.println();
    // The per-second timeline starts with the stats (before tokens and connections).
    int elapsed = (int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stats.startNanos()));
    LoadReport report = report(checks, elapsed);
    Path dir = out != null ? out
        : Path.of("bench", "results", "load", LocalDate.now() + "-" + target + "-" + scenario);
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
  private void warmUp(boolean chat, boolean sale, GatewayApi api, String hostToken, String productId,
      List<Viewer> room) throws InterruptedException {
    for (int i = 1; sale && i <= rehearsals; i++) {
      progress("rehearsal sale %d/%d (not measured)", i, rehearsals);
      JsonObject rehearsal = launchSale(api, hostToken, productId);
      long tapsBefore = stats.taps.sum();
      salesRun.add(new SaleRun("rehearsal " + i, rehearsal, tapAtZero(room, rehearsal)));
      awaitAnswers(rehearsal, tapsBefore);
    }
    if (chat && warmupSeconds > 0) {
      progress("warming up: chat for %d s (not measured)", warmupSeconds);
      Thread.sleep(warmupSeconds * 1000L);
    }
    stats.startMeasuring();
  }

  /**
   * Waits until every viewer tapped {@code sale} and every tap got its final answer, or the
   * sale's time is up; then up to --answer-grace-seconds more for taps still unanswered (a
   * slow answer is measured, not counted as missing). {@code tapsBefore} is the tap count
   * when its taps were scheduled.
   */
  private void awaitAnswers(JsonObject sale, long tapsBefore) throws InterruptedException {
    long deadline = sale.get("startsAtMs").getAsLong() + seconds * 1000L;
    // Polls counters only: asking 10,000 viewers on their loops would load the very loops being measured.
    waitUntil(() -> stats.unanswered.sum() == 0
            && stats.taps.sum() - tapsBefore >= (long) taps * stats.connected.sum(),
        deadline - System.currentTimeMillis());
    if (stats.unanswered.sum() > 0 && answerGraceSeconds > 0) {
      progress("%d taps unanswered after %d s; waiting up to %d s more", stats.unanswered.sum(), seconds,
          answerGraceSeconds);
      waitUntil(() -> stats.unanswered.sum() == 0, answerGraceSeconds * 1000L);
    }
  }

  /**
   * Checks every sale of the run, rehearsals included, against what its viewers were told
   * and the orders the store holds (read once, for the whole stream).
   */
  private List<Invariants.Check> checkSales(GatewayApi api, String hostToken, List<Viewer> room, List<String> ids,
      List<String> tokens) {
    progress("checking %d sales against the stored orders", salesRun.size());
    List<Viewer.Taps> allTaps = room.stream().map(v -> v.taps().join()).toList();
    Map<String, String> tokenOfViewer = new LinkedHashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      tokenOfViewer.put(ids.get(i), tokens.get(i));
    }
    List<StoredOrder> stored = api.storedOrders(hostToken, stream, tokenOfViewer, 16);
    List<Invariants.Check> checks = new ArrayList<>();
    for (SaleRun run : salesRun) {
      String saleId = run.sale().get("saleId").getAsString();
      checks.addAll(Invariants.check(SaleEvidence.of(run.label(), run.sale(), run.tapsScheduled(), allTaps, stored,
          api.heldOrSold(stream, saleId))));
    }
    return checks;
  }

  private JsonObject launchSale(GatewayApi api, String hostToken, String productId) {
    return api.ok("POST", "/api/streams/" + stream + "/sales", hostToken, String.format(Locale.ROOT,
        "{\"productId\":\"%s\",\"quantity\":%d,\"perViewerLimit\":%d,\"countdownMs\":%d,\"durationMs\":%d}",
        productId, quantity, perViewerLimit, countdownMs, Math.max(60_000, seconds * 2000L)));
  }

  /**
   * Every viewer taps at the sale's zero plus a log-normal reaction time, then again for
   * --taps; answers the number of taps scheduled.
   */
  private long tapAtZero(List<Viewer> room, JsonObject sale) {
    String saleId = sale.get("saleId").getAsString();
    long zero = sale.get("startsAtMs").getAsLong();
    long scheduled = 0;
    for (Viewer viewer : room) {
      if (viewer.channel() == null) {
        continue;
      }
      scheduled += taps;
      long delay = zero - System.currentTimeMillis();
      for (int t = 0; t < taps; t++) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        delay += (long) (reactionMs * Math.exp(0.5 * random.nextGaussian()));
        viewer.channel().eventLoop().schedule(() -> viewer.tap(saleId), Math.max(0, delay), TimeUnit.MILLISECONDS);
      }
    }
    return scheduled;
  }

  private void startChat(ScheduledExecutorService clock, List<Viewer> room) {
    long periodMicros = 10_000;
    double perTick = chatRate * periodMicros / 1e6;
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

  private final Map<String, Histogram> histograms = new LinkedHashMap<>();

  private LoadReport report(List<Invariants.Check> checks, int elapsed) {
    histograms.put("tap -> answer", stats.tapToAck.getIntervalHistogram());
    histograms.put("publish -> deliver", stats.publishToDeliver.getIntervalHistogram());
    histograms.put("publish -> last viewer", stats.publishToLastViewer());
    histograms.put("first viewer -> last viewer", stats.firstToLastViewer());
    Map<String, Map<String, Double>> latencies = new LinkedHashMap<>();
    histograms.forEach((name, h) -> latencies.put(name, LoadReport.percentilesMs(h)));
    return new LoadReport(target, scenario, viewers, elapsed, stats.connected.sum(), stats.connectFailures.sum(),
        stats.closedByServer.sum(), stats.framesIn.sum(), stats.framesOut.sum(), stats.bytesIn.sum(),
        stats.chatSent(), stats.chatDelivered.sum(), stats.taps.sum(), stats.retries.sum(), stats.outcomes(),
        stats.errors(), latencies, stats.framesInPerSecond(elapsed), stats.framesOutPerSecond(elapsed),
        stats.answersPerSecond(elapsed), checks);
  }

  private long lastIn;
  private long lastOut;

  private void printProgress() {
    long in = stats.framesIn.sum();
    long out = stats.framesOut.sum();
    progress("t=%ds connections=%d in=%d/s out=%d/s taps=%d answers=%s errors=%s",
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stats.startNanos()), stats.connected.sum()
            - stats.closedByServer.sum(), in - lastIn, out - lastOut, stats.taps.sum(), stats.outcomes(),
        stats.errors());
    lastIn = in;
    lastOut = out;
  }

  private static void progress(String format, Object... args) {
    System.err.print("\r\033[K" + String.format(Locale.ROOT, format, args));
    System.err.flush();
  }

  private static void waitUntil(BooleanSupplier condition, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + Math.max(0, timeoutMillis);
    while (!condition.getAsBoolean() && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
  }
}
