package dev.liveshop.core.inventory;

import dev.liveshop.bench.BenchmarkDefaults;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The reservation decision alone, on the shard's thread, without the hand-off: the
 * idempotency lookup, the clock-derived state, the stock and the viewer's limit, and for
 * granted ones the bookkeeping of the answer. This class lives in the engine's package
 * (in the bench module) because {@code SaleBook} is package-private by design.
 *
 * <pre>java -jar bench/target/benchmarks.jar DecisionBenchmark -rf json -rff decision.json</pre>
 */
@State(Scope.Thread)
public class DecisionBenchmark extends BenchmarkDefaults {

  @Param({"granted", "soldOut", "duplicate", "overLimit"})
  public String scenario;

  private static final int VIEWERS = 1 << 16;
  private SaleBook book;
  private ReserveCommand[] commands;
  private int next;
  private final CompletableFuture<ReserveAnswer> remembered = new CompletableFuture<>();

  @Setup(Level.Iteration)
  public void open() {
    long now = System.currentTimeMillis();
    int quantity = scenario.equals("soldOut") ? 1 : Integer.MAX_VALUE / 2;
    // A limit that never binds, except where the limit is what is measured, so that
    // "granted" stays granted when the 65,536 buyers come round again.
    int limit = scenario.equals("overLimit") || scenario.equals("soldOut") ? 1 : quantity;
    book = new SaleBook(new FlashSale("s0", "bench", "p", 100, quantity, limit, now - 1000, now + 3_600_000,
        3_600_000, false), now, InventoryEngine.DEFAULT_MAX_REMEMBERED_REFUSALS);
    commands = new ReserveCommand[VIEWERS];
    for (int i = 0; i < VIEWERS; i++) {
      // Distinct buyers (or the same one, for the limit); ids are built once, outside the measurement.
      String viewer = scenario.equals("overLimit") ? "v" : "v" + i;
      commands[i] = new ReserveCommand("s0", viewer, 1, scenario.equals("duplicate") ? "same" : "c" + i);
    }
    if (!scenario.equals("granted")) {
      book.tryHold(new ReserveCommand("s0", "v", 1, "first"), now);
    }
    if (scenario.equals("duplicate")) {
      book.rememberAnswer(commands[0].viewerId(), commands[0].clientOrderId(), remembered);
    }
  }

  /** One decision: what SaleShard does between taking a request and writing its order. */
  @Benchmark
  public Object decide() {
    int i = next++ & (VIEWERS - 1);
    ReserveCommand command = commands[i];
    CompletableFuture<ReserveAnswer> first = book.answerFor(command.viewerId(), command.clientOrderId());
    if (first != null) {
      return first;
    }
    return book.tryHold(command, System.currentTimeMillis());
  }
}
