package dev.liveshop.bench.load;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The flash sales of a run, rehearsals first: each launched through the host API, tapped by
 * every viewer at its zero plus a human reaction time, and waited on to the last answer; at
 * the end all of them are checked against what the viewers were told and the orders the
 * store holds. Called from the run's main thread; the taps run on the viewers' loops.
 */
final class FlashSales {

  private final LoadGenerator options;
  private final LoadStats stats;
  private final GatewayApi api;
  private final String hostToken;
  private final String productId;
  /** Every sale this run tapped, rehearsals first: all are checked at the end. */
  private final List<SaleRun> salesRun = new ArrayList<>();

  /** A sale as created, what the invariants call it, and the taps scheduled on it. */
  private record SaleRun(String label, JsonObject sale, long tapsScheduled) {}

  FlashSales(LoadGenerator options, LoadStats stats, GatewayApi api, String hostToken, String productId) {
    this.options = options;
    this.stats = stats;
    this.api = api;
    this.hostToken = hostToken;
    this.productId = productId;
  }

  /** Rehearsal {@code i}: a sale of the measured one's shape, before measuring starts. */
  void playRehearsal(int i, List<Viewer> room) throws InterruptedException {
    JsonObject rehearsal = launch();
    long tapsBefore = stats.taps.sum();
    salesRun.add(new SaleRun("rehearsal " + i, rehearsal, tapAtZero(room, rehearsal)));
    awaitAnswers(rehearsal, tapsBefore);
  }

  /** The measured sale (measuring has started: the tap count began again at 0). */
  void playMeasured(List<Viewer> room) throws InterruptedException {
    JsonObject launched = launch();
    salesRun.add(new SaleRun("", launched, tapAtZero(room, launched)));
    awaitAnswers(launched, 0);
  }

  /**
   * Waits until every viewer tapped {@code sale} and every tap got its final answer, or the
   * sale's time is up; then up to --answer-grace-seconds more for taps still unanswered (a
   * slow answer is measured, not counted as missing). {@code tapsBefore} is the tap count
   * when its taps were scheduled.
   */
  private void awaitAnswers(JsonObject sale, long tapsBefore) throws InterruptedException {
    long deadline = sale.get("startsAtMs").getAsLong() + options.seconds * 1000L;
    // Polls counters only: asking 10,000 viewers on their loops would load the very loops being measured.
    LoadRun.waitUntil(() -> stats.unanswered.sum() == 0
            && stats.taps.sum() - tapsBefore >= (long) options.taps * stats.connected.sum(),
        deadline - System.currentTimeMillis());
    if (stats.unanswered.sum() > 0 && options.answerGraceSeconds > 0) {
      Progress.print("%d taps unanswered after %d s; waiting up to %d s more", stats.unanswered.sum(),
          options.seconds, options.answerGraceSeconds);
      LoadRun.waitUntil(() -> stats.unanswered.sum() == 0, options.answerGraceSeconds * 1000L);
    }
  }

  /**
   * Checks every sale of the run, rehearsals included, against what its viewers were told
   * and the orders the store holds (read once, for the whole stream).
   */
  List<Invariants.Check> check(List<Viewer> room, List<String> ids, List<String> tokens) {
    Progress.print("checking %d sales against the stored orders", salesRun.size());
    List<Viewer.Taps> allTaps = room.stream().map(v -> v.taps().join()).toList();
    Map<String, String> tokenOfViewer = new LinkedHashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      tokenOfViewer.put(ids.get(i), tokens.get(i));
    }
    List<StoredOrder> stored = api.storedOrders(hostToken, options.stream, tokenOfViewer, 16);
    List<Invariants.Check> checks = new ArrayList<>();
    for (SaleRun run : salesRun) {
      String saleId = run.sale().get("saleId").getAsString();
      checks.addAll(Invariants.check(SaleEvidence.of(run.label(), run.sale(), run.tapsScheduled(), allTaps, stored,
          api.heldOrSold(options.stream, saleId))));
    }
    return checks;
  }

  private JsonObject launch() {
    return api.ok("POST", "/api/streams/" + options.stream + "/sales", hostToken, String.format(Locale.ROOT,
        "{\"productId\":\"%s\",\"quantity\":%d,\"perViewerLimit\":%d,\"countdownMs\":%d,\"durationMs\":%d}",
        productId, options.quantity, options.perViewerLimit, options.countdownMs,
        Math.max(60_000, options.seconds * 2000L)));
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
      scheduled += options.taps;
      long delay = zero - System.currentTimeMillis();
      for (int t = 0; t < options.taps; t++) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        delay += (long) (options.reactionMs * Math.exp(0.5 * random.nextGaussian()));
        viewer.channel().eventLoop().schedule(() -> viewer.tap(saleId), Math.max(0, delay), TimeUnit.MILLISECONDS);
      }
    }
    return scheduled;
  }
}
