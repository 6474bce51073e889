package dev.liveshop.core.inventory;

import dev.liveshop.bench.BenchmarkDefaults;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A reservation's whole work on its shard's thread, without the hand-offs and the journal:
 * {@link ReserveDecision}, the code {@code SaleShard} runs for every command of a sale it
 * holds: the first answer to a retry, the clock, the write budget's CAS, the stock and the
 * viewer's limit, a refusal remembered, or for a grant the hold with its name-based order
 * id (MD5) and its answer remembered, then (the journal completing at once) the write
 * ended, the hold confirmed and the answer completed. Left out: the shard's lookups of the
 * sale id before it (moved away? held here?) and the journal's write. The command objects
 * exist beforehand; each answer future is made per tap, as the shard's caller makes it.
 *
 * <p>A realistic book, not an empty one: before each invocation a fresh sale has decided
 * {@value #EARLIER_TAPS} earlier taps from an audience of {@value #AUDIENCE} viewers (so
 * its intent table and per-viewer counts hold that many), then the invocation decides
 * {@value #TAPS} more, each checked against the scenario (an answer it does not expect
 * fails the run). The setup (not measured) ends with a full collection: a live sale's book
 * sits in the old generation, so a young collection during the taps copies only what they
 * left, not the whole book just built (run with {@code -prof gc} to see collections).
 *
 * <p>Scenarios: {@code granted} a 1,000,000-unit sale (a limit of 5 per viewer that does
 * not bind), every tap a new intent and granted; {@code soldOut} 10,000 units, sold to the
 * first of the earlier taps, every new tap refused and the refusal remembered;
 * {@code overLimit} every viewer already holds their one unit, every new tap refused over
 * the limit and remembered; {@code duplicate} the earlier taps of the sold-out sale sent
 * again (same viewer, same client order id; equal strings, not the same objects, as
 * parsed from a new request, though their hashes are cached after the first invocation):
 * the remembered first answer, 4% of them grants and 96% refusals.
 *
 * <p>This class lives in the engine's package (in the bench module) because the book and
 * the decision are package-private by design. Baseline in the same run: the one-lock
 * {@code ReserveBenchmark.synchronizedBaseline_1thread} (same scenario names; it does
 * less: no order id, no hold, no answer objects):
 *
 * <pre>java -jar bench/target/benchmarks.jar '\.DecisionBenchmark\.|\.ReserveBenchmark\.synchronizedBaseline_1thread' -p scenario=granted,soldOut,duplicate,overLimit -rf json -rff decision.json</pre>
 */
@State(Scope.Thread)
public class DecisionBenchmark extends BenchmarkDefaults {

  static final int AUDIENCE = 100_000;
  static final int EARLIER_TAPS = 250_000;
  static final int TAPS = 100_000;
  static final int SOLD_OUT_QUANTITY = 10_000;

  @Param({"granted", "soldOut", "duplicate", "overLimit"})
  public String scenario;

  private final Clock clock = Clock.systemUTC();
  private final ReserveDecision decision =
      new ReserveDecision(clock, new WriteBudget(InventoryEngine.DEFAULT_MAX_PENDING_WRITES));
  private ReserveCommand[] earlier;
  private ReserveCommand[] measured;
  /** What each measured tap must be answered. */
  private ReserveResult[] expected;
  private SaleBook book;

  @Setup(Level.Trial)
  public void commands() {
    switch (scenario) {
      case "granted", "soldOut", "overLimit", "duplicate" -> { }
      default -> throw new IllegalArgumentException("scenario must be granted, soldOut, duplicate or overLimit, got "
          + scenario);
    }
    String[] viewers = new String[AUDIENCE];
    for (int v = 0; v < AUDIENCE; v++) {
      viewers[v] = "viewer-" + v;
    }
    earlier = new ReserveCommand[EARLIER_TAPS];
    for (int k = 0; k < EARLIER_TAPS; k++) {
      earlier[k] = new ReserveCommand("s0", viewers[k % AUDIENCE], 1, "tap-" + k);
    }
    measured = new ReserveCommand[TAPS];
    expected = new ReserveResult[TAPS];
    for (int i = 0; i < TAPS; i++) {
      if (scenario.equals("duplicate")) {
        ReserveCommand first = earlier[(int) ((i * 7919L) % EARLIER_TAPS)];
        measured[i] = new ReserveCommand("s0", new String(first.viewerId()), 1, new String(first.clientOrderId()));
      } else {
        int k = EARLIER_TAPS + i;
        measured[i] = new ReserveCommand("s0", viewers[k % AUDIENCE], 1, "tap-" + k);
      }
    }
  }

  /** A fresh sale that has already decided the earlier taps (not measured). */
  @Setup(Level.Invocation)
  public void openSale() {
    long now = clock.millis();
    FlashSale sale = switch (scenario) {
      case "granted" -> sale(FlashSale.MAX_QUANTITY, 5, now);
      case "overLimit" -> sale(FlashSale.MAX_QUANTITY, 1, now);
      default -> sale(SOLD_OUT_QUANTITY, 1, now);
    };
    book = new SaleBook(sale, now, InventoryEngine.DEFAULT_MAX_REMEMBERED_REFUSALS);
    ReserveResult[] earlierResults = new ReserveResult[EARLIER_TAPS];
    for (int k = 0; k < EARLIER_TAPS; k++) {
      earlierResults[k] = tap(earlier[k]).getNow(null).result();
    }
    for (int i = 0; i < TAPS; i++) {
      expected[i] = switch (scenario) {
        case "granted" -> ReserveResult.RESERVED;
        case "soldOut" -> ReserveResult.SOLD_OUT;
        case "overLimit" -> ReserveResult.OVER_LIMIT;
        default -> earlierResults[(int) ((i * 7919L) % EARLIER_TAPS)];
      };
    }
    // A sale's book is old by the time of its rush: move this one to the old generation now,
    // so that no collection copies it while taps are measured.
    System.gc();
  }

  private static FlashSale sale(int quantity, int perViewerLimit, long now) {
    return new FlashSale("s0", "bench", "p", 100, quantity, perViewerLimit, now - 1000, now + 3_600_000, 3_600_000,
        false);
  }

  /** {@value #TAPS} taps, each decided as {@code SaleShard} decides it, its order written at once. */
  @Benchmark
  @OperationsPerInvocation(TAPS)
  public void decide(Blackhole blackhole) {
    for (int i = 0; i < TAPS; i++) {
      CompletableFuture<ReserveAnswer> answer = tap(measured[i]);
      ReserveAnswer given = answer.getNow(null);
      if (given == null || given.result() != expected[i]) {
        throw new IllegalStateException("scenario " + scenario + ": tap " + i + " answered " + given + ", expected "
            + expected[i]);
      }
      blackhole.consume(given);
    }
  }

  private CompletableFuture<ReserveAnswer> tap(ReserveCommand command) {
    CompletableFuture<ReserveAnswer> answer = new CompletableFuture<>();
    Hold hold = decision.decide(book, command, answer);
    if (hold != null) {
      decision.writeEnded(book);
      decision.written(book, hold, answer);
    }
    return answer;
  }
}
