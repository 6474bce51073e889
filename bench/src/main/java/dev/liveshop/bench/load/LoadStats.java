package dev.liveshop.bench.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What a load run counts: frames and bytes each way, order outcomes, errors, latencies
 * (HdrHistogram recorders, written from event loops without locks) and a per-second
 * timeline for the throughput plot. What happens before {@link #startMeasuring} is warm-up:
 * its taps, answers and chat are dropped from the results (frames still count).
 *
 * <p>Threading: every method may be called from any thread.
 */
final class LoadStats {

  static final int MAX_SECONDS = 3600;
  private static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(60);
  /** Chat messages whose last delivery is tracked (publish to the last viewer). */
  static final int MAX_TRACKED_MESSAGES = 1 << 20;

  private final long startNanos = System.nanoTime();
  final LongAdder framesIn = new LongAdder();
  final LongAdder framesOut = new LongAdder();
  final LongAdder bytesIn = new LongAdder();
  final LongAdder connected = new LongAdder();
  final LongAdder connectFailures = new LongAdder();
  final LongAdder closedByServer = new LongAdder();
  final LongAdder chatDelivered = new LongAdder();
  final LongAdder taps = new LongAdder();
  final LongAdder retries = new LongAdder();
  /** Taps sent and not yet finally answered (retries included), over all viewers. */
  final LongAdder unanswered = new LongAdder();
  private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  final Recorder tapToAck = new Recorder(MAX_LATENCY_NANOS, 3);
  final Recorder publishToDeliver = new Recorder(MAX_LATENCY_NANOS, 3);
  /** Chat messages are numbered from 0; those below {@code firstMeasuredChat} were warm-up. */
  private final AtomicLong chatSequence = new AtomicLong();
  private volatile long firstMeasuredChat;
  private final AtomicLongArray lastDeliveryNanos = new AtomicLongArray(MAX_TRACKED_MESSAGES);
  /** Publish to the first viewer, plus one (0: not delivered yet). */
  private final AtomicLongArray firstDeliveryNanos = new AtomicLongArray(MAX_TRACKED_MESSAGES);
  private final AtomicLongArray framesInPerSecond = new AtomicLongArray(MAX_SECONDS);
  private final AtomicLongArray framesOutPerSecond = new AtomicLongArray(MAX_SECONDS);
  private final AtomicLongArray answersPerSecond = new AtomicLongArray(MAX_SECONDS);

  /**
   * Ends the warm-up: taps, answers and chat counted so far are dropped, and chat messages
   * sent before now no longer count when they arrive. Call it with no tap unanswered.
   */
  void startMeasuring() {
    firstMeasuredChat = chatSequence.get();
    chatDelivered.reset();
    publishToDeliver.reset();
    taps.reset();
    retries.reset();
    outcomes.clear();
    tapToAck.reset();
    for (int i = 0; i < MAX_SECONDS; i++) {
      answersPerSecond.set(i, 0);
    }
  }

  /** The number of the next chat message to send. */
  long nextChatSequence() {
    return chatSequence.getAndIncrement();
  }

  /** Chat messages sent since measuring started. */
  long chatSent() {
    return chatSequence.get() - firstMeasuredChat;
  }

  long startNanos() {
    return startNanos;
  }

  int second(long nanos) {
    return (int) Math.min(MAX_SECONDS - 1, Math.max(0, TimeUnit.NANOSECONDS.toSeconds(nanos - startNanos)));
  }

  void frameIn(int bytes, long nowNanos) {
    framesIn.increment();
    bytesIn.add(bytes);
    framesInPerSecond.incrementAndGet(second(nowNanos));
  }

  void frameOut(long nowNanos) {
    framesOut.increment();
    framesOutPerSecond.incrementAndGet(second(nowNanos));
  }

  void answer(String result, long latencyNanos, long nowNanos) {
    outcomes.computeIfAbsent(result, r -> new LongAdder()).increment();
    tapToAck.recordValue(Math.min(latencyNanos, MAX_LATENCY_NANOS));
    answersPerSecond.incrementAndGet(second(nowNanos));
  }

  void error(String kind) {
    errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  /** A viewer received chat message {@code sequence}, published at {@code sentNanos}. */
  void delivered(long sequence, long sentNanos, long nowNanos) {
    if (sequence < firstMeasuredChat) {
      return;
    }
    chatDelivered.increment();
    long latency = Math.max(0, nowNanos - sentNanos);
    publishToDeliver.recordValue(Math.min(latency, MAX_LATENCY_NANOS));
    if (sequence >= 0 && sequence < MAX_TRACKED_MESSAGES) {
      lastDeliveryNanos.accumulateAndGet((int) sequence, latency, Math::max);
      firstDeliveryNanos.accumulateAndGet((int) sequence, latency + 1,
          (first, now) -> first == 0 ? now : Math.min(first, now));
    }
  }

  /** Publish to the last viewer that got it, per message sent since measuring started. */
  Histogram publishToLastViewer() {
    Histogram h = new Histogram(MAX_LATENCY_NANOS, 3);
    long end = Math.min(chatSequence.get(), MAX_TRACKED_MESSAGES);
    for (int i = (int) Math.min(firstMeasuredChat, end); i < end; i++) {
      long latency = lastDeliveryNanos.get(i);
      if (latency > 0) {
        h.recordValue(Math.min(latency, MAX_LATENCY_NANOS));
      }
    }
    return h;
  }

  /**
   * The first viewer to the last that got each message: how long the server took to reach
   * the whole room once it sent the message anywhere (its fan-out, without the time the
   * message took to get there and waited for a tick). Messages that reached one viewer only
   * count as 0.
   */
  Histogram firstToLastViewer() {
    Histogram h = new Histogram(MAX_LATENCY_NANOS, 3);
    long end = Math.min(chatSequence.get(), MAX_TRACKED_MESSAGES);
    for (int i = (int) Math.min(firstMeasuredChat, end); i < end; i++) {
      long first = firstDeliveryNanos.get(i);
      if (first > 0) {
        h.recordValue(Math.min(lastDeliveryNanos.get(i) - (first - 1), MAX_LATENCY_NANOS));
      }
    }
    return h;
  }

  Map<String, Long> outcomes() {
    return snapshot(outcomes);
  }

  Map<String, Long> errors() {
    return snapshot(errors);
  }

  long[] framesInPerSecond(int seconds) {
    return copy(framesInPerSecond, seconds);
  }

  long[] framesOutPerSecond(int seconds) {
    return copy(framesOutPerSecond, seconds);
  }

  long[] answersPerSecond(int seconds) {
    return copy(answersPerSecond, seconds);
  }

  private static long[] copy(AtomicLongArray array, int seconds) {
    long[] copy = new long[Math.min(seconds, MAX_SECONDS)];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = array.get(i);
    }
    return copy;
  }

  private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
    Map<String, Long> copy = new TreeMap<>();
    counters.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }
}
