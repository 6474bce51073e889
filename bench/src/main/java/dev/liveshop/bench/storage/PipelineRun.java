package dev.liveshop.bench.storage;

import dev.liveshop.core.inventory.FlashSale;
import dev.liveshop.core.inventory.InventoryEngine;
import dev.liveshop.core.inventory.OrderJournal;
import dev.liveshop.core.inventory.ReserveAnswer;
import dev.liveshop.core.inventory.ReserveCommand;
import dev.liveshop.core.inventory.ReserveResult;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives reservations through an {@link InventoryEngine} whose journal is the writer under
 * test. Each phase opens a fresh sale large enough never to sell out, and every request is
 * a new buyer, so every answer is either a confirmed order (its rows written) or BUSY.
 *
 * <p>Threading: one thread (the caller's) issues requests; answers are recorded on the
 * threads that complete them, into a concurrent {@link Recorder} and adders.
 */
final class PipelineRun implements AutoCloseable {

  private static final long HOUR_MS = 3_600_000;

  private final OrderJournal journal;
  private final InventoryEngine engine;
  private final AtomicLong sequence = new AtomicLong();
  private int sales;

  PipelineRun(OrderJournal journal) {
    this.journal = journal;
    this.engine = new InventoryEngine(2, Clock.systemUTC(), journal, 100);
  }

  /** {@code rate} requests per second, each timed from when it should have been sent. */
  Measured fixedRate(int rate, int seconds) throws InterruptedException {
    Phase phase = new Phase(openSale());
    long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
    long total = (long) rate * seconds;
    long start = System.nanoTime();
    for (long i = 0; i < total; i++) {
      long intended = start + i * intervalNanos;
      long wait = intended - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      phase.send(intended, null);
    }
    return phase.finish(start);
  }

  /** As fast as answers come back, with {@code inFlight} requests outstanding. */
  Measured saturate(int inFlight, int seconds) throws InterruptedException {
    Phase phase = new Phase(openSale());
    Semaphore permits = new Semaphore(inFlight);
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      permits.acquire();
      phase.send(System.nanoTime(), permits);
    }
    return phase.finish(start);
  }

  private String openSale() {
    String saleId = "bench-" + System.nanoTime() + "-" + (++sales);
    long now = System.currentTimeMillis();
    engine.open(new FlashSale(saleId, "bench-stream", "p", 1999, FlashSale.MAX_QUANTITY, 1, now - 1000,
        now + HOUR_MS, HOUR_MS, false), List.of()).join();
    return saleId;
  }

  @Override
  public void close() throws Exception {
    engine.close();
    if (journal instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  /** The counters of one phase. */
  private final class Phase {
    private final String saleId;
    private final Recorder latencyMicros = new Recorder(3);
    private final LongAdder confirmed = new LongAdder();
    private final LongAdder busy = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder outstanding = new LongAdder();
    private volatile long lastAnswerNanos;

    Phase(String saleId) {
      this.saleId = saleId;
    }

    void send(long startNanos, Semaphore permits) {
      outstanding.increment();
      CompletableFuture<ReserveAnswer> answer =
          engine.reserve(new ReserveCommand(saleId, "v" + sequence.incrementAndGet(), 1, "tap"));
      answer.whenComplete((a, error) -> {
        long now = System.nanoTime();
        if (error == null && a.result() == ReserveResult.RESERVED) {
          confirmed.increment();
          latencyMicros.recordValue(Math.max(0, (now - startNanos) / 1000));
        } else if (error == null && a.result() == ReserveResult.BUSY) {
          busy.increment();
        } else {
          failed.increment();
        }
        lastAnswerNanos = now;
        outstanding.decrement();
        if (permits != null) {
          permits.release();
        }
      });
    }

    /** Waits for the last answers; the phase lasts until the last one arrived. */
    Measured finish(long startNanos) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (outstanding.sum() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      Histogram histogram = latencyMicros.getIntervalHistogram();
      double seconds = (lastAnswerNanos - startNanos) / 1e9;
      return new Measured(PhaseResult.of(confirmed.sum(), busy.sum(), failed.sum() + outstanding.sum(), seconds,
          histogram), histogram);
    }
  }

  /** A phase's figures, and its reserve-to-confirmed latencies in microseconds for the report's chart. */
  record Measured(PhaseResult result, Histogram latencyMicros) {}
}
