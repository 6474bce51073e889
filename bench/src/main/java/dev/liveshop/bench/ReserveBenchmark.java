package dev.liveshop.bench;

import dev.liveshop.core.inventory.FlashSale;
import dev.liveshop.core.inventory.InventoryEngine;
import dev.liveshop.core.inventory.ReserveAnswer;
import dev.liveshop.core.inventory.ReserveCommand;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reservations through the inventory engine's public API (a hand-off to the sale's shard
 * thread and back, per call) next to the one-lock baseline, in the same run. Storage is
 * left out: the journal completes at once, so this measures the engine alone.
 *
 * <p>Scenarios: {@code hot} one sale that never sells out, distinct buyers; {@code many}
 * 1,000 sales; {@code soldOut} a sale with nothing left; {@code duplicate} the same
 * purchase intent again and again.
 *
 * <pre>java -jar bench/target/benchmarks.jar '\.ReserveBenchmark\.' -rf json -rff reserve.json</pre>
 */
@State(Scope.Benchmark)
public class ReserveBenchmark extends BenchmarkDefaults {

  static final int PIPELINE = 256;

  @Param({"hot", "many", "soldOut", "duplicate"})
  public String scenario;

  private InventoryEngine engine;
  private SynchronizedReservations baseline;
  private final AtomicLong sequence = new AtomicLong();
  private int sales;

  @Setup(Level.Iteration)
  public void open() {
    long now = System.currentTimeMillis();
    engine = new InventoryEngine(2, Clock.systemUTC(), new InstantJournal(), 100);
    baseline = new SynchronizedReservations(Integer.MAX_VALUE);
    sales = scenario.equals("many") ? 1000 : 1;
    // Every granted reservation is remembered (retries must get the same answer), so state
    // grows with each call: the sales are reopened every iteration and never sell out in one.
    int quantity = scenario.equals("soldOut") ? 1 : Integer.MAX_VALUE / 2;
    for (int i = 0; i < sales; i++) {
      engine.open(new FlashSale("s" + i, "bench", "p", 100, quantity, quantity, now - 1000, now + 3_600_000,
          3_600_000, false), List.of()).join();
      baseline.open("s" + i, quantity);
    }
    if (scenario.equals("soldOut")) {
      engine.reserve(new ReserveCommand("s0", "first", 1, "c")).join();
      baseline.reserve("s0", "first", 1, "c");
    }
  }

  @TearDown(Level.Iteration)
  public void close() {
    engine.close();
  }

  @Benchmark
  @Threads(1)
  public ReserveAnswer engine_1thread() {
    return engine.reserve(next()).join();
  }

  @Benchmark
  @Threads(2)
  public ReserveAnswer engine_2threads() {
    return engine.reserve(next()).join();
  }

  /**
   * 256 reservations in flight at once, then all answers: how gRPC drives the engine when
   * many buyers tap together, so the hand-off cost is shared instead of paid per call.
   */
  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(PIPELINE)
  public void engine_pipelined256(Blackhole blackhole) {
    @SuppressWarnings("unchecked")
    CompletableFuture<ReserveAnswer>[] inFlight = new CompletableFuture[PIPELINE];
    for (int i = 0; i < PIPELINE; i++) {
      inFlight[i] = engine.reserve(next());
    }
    for (CompletableFuture<ReserveAnswer> answer : inFlight) {
      blackhole.consume(answer.join());
    }
  }

  /** The same 256 reservations handed to the engine as one batch: one hand-off per shard. */
  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(PIPELINE)
  public void engine_batch256(Blackhole blackhole) {
    List<ReserveCommand> batch = new ArrayList<>(PIPELINE);
    for (int i = 0; i < PIPELINE; i++) {
      batch.add(next());
    }
    for (CompletableFuture<ReserveAnswer> answer : engine.reserveAll(batch).answers()) {
      blackhole.consume(answer.join());
    }
  }

  @Benchmark
  @Threads(1)
  public boolean synchronizedBaseline_1thread() {
    ReserveCommand c = next();
    return baseline.reserve(c.saleId(), c.viewerId(), c.quantity(), c.clientOrderId());
  }

  @Benchmark
  @Threads(2)
  public boolean synchronizedBaseline_2threads() {
    ReserveCommand c = next();
    return baseline.reserve(c.saleId(), c.viewerId(), c.quantity(), c.clientOrderId());
  }

  /** The next request of the scenario: a new buyer each time, except for {@code duplicate}. */
  private ReserveCommand next() {
    if (scenario.equals("duplicate")) {
      return new ReserveCommand("s0", "viewer", 1, "same");
    }
    long n = sequence.incrementAndGet();
    String sale = "s" + (n % sales);
    return new ReserveCommand(sale, "v" + n, 1, "c");
  }

}
