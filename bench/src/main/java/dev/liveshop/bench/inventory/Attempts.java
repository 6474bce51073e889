package dev.liveshop.bench.inventory;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * One phase of {@link ReservePeerBench}: {@code count} purchase attempts on a sale, a fixed
 * number at a time, each answer's latency and outcome recorded. Attempt {@code i} comes
 * from buyer {@code i % buyers} with clientOrderId {@code "c" + i}.
 *
 * <p>Threading: {@link #onThreads} blocks a thread per caller; {@link #inFlight} blocks only
 * its own caller, and the attempts follow each other on whatever thread completes an answer.
 */
final class Attempts {

  private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(10);

  final Recorder latency = new Recorder(MAX_NANOS, 3);
  final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  private final Reserver reserver;
  private final String saleId;
  private final int count;
  private final int buyers;
  private final AtomicLong next = new AtomicLong();

  Attempts(Reserver reserver, String saleId, int count, int buyers) {
    this.reserver = reserver;
    this.saleId = saleId;
    this.count = count;
    this.buyers = buyers;
  }

  /** {@code callers} threads, each making one attempt at a time and waiting for its answer. */
  void onThreads(int callers) throws InterruptedException {
    Thread[] threads = new Thread[callers];
    for (int t = 0; t < callers; t++) {
      threads[t] = new Thread(() -> {
        for (long i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
          long t0 = System.nanoTime();
          record(t0, outcome(reserver.reserve(saleId, "b" + (i % buyers), "c" + i).toCompletableFuture()));
        }
      }, "caller-" + t);
      threads[t].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
  }

  /** {@code inFlight} attempts at a time, none waited for by a thread; returns when all are answered. */
  void inFlight(int inFlight) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(inFlight);
    for (int slot = 0; slot < inFlight; slot++) {
      startNext(done);
    }
    done.await();
  }

  /**
   * Starts the next attempt; its answer starts the one after, until none are left. Answers
   * given at once (a failure before anything was sent, such as a server that is down) are
   * followed in this loop rather than deeper in the stack.
   */
  private void startNext(CountDownLatch done) {
    for (long i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
      long t0 = System.nanoTime();
      CompletableFuture<String> answer = reserver.reserve(saleId, "b" + (i % buyers), "c" + i).toCompletableFuture();
      if (!answer.isDone()) {
        answer.whenComplete((outcome, error) -> {
          record(t0, error == null ? outcome : failure(error));
          startNext(done);
        });
        return;
      }
      record(t0, outcome(answer));
    }
    done.countDown();
  }

  private void record(long t0, String answer) {
    latency.recordValue(Math.min(System.nanoTime() - t0, MAX_NANOS));
    outcomes.computeIfAbsent(answer, a -> new LongAdder()).increment();
  }

  /** The answer's name, or its failure's; waits for it if need be. */
  private static String outcome(CompletableFuture<String> answer) {
    try {
      return answer.join();
    } catch (RuntimeException e) {
      return failure(e);
    }
  }

  private static String failure(Throwable error) {
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    return "ERROR " + cause.getClass().getSimpleName();
  }
}
