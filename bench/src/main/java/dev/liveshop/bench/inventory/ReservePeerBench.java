package dev.liveshop.bench.inventory;

import com.google.gson.GsonBuilder;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * A flash sale's purchase attempts against LiveShop's gRPC Reserve or against the
 * industry's usual design, a Redis server with an atomic Lua stock-deduction script, at
 * the same client concurrency: {@code --threads} attempts at a time. Both check stock, the
 * per-viewer limit and the clientOrderId (a retry gets the first answer).
 *
 * <p>Two drivers keep that many attempts going. {@code threads}: a thread per caller, each
 * blocked until its answer (Jedis, a connection per caller, for Redis). {@code async}: no
 * thread waits; each answer starts the next attempt on the client's I/O thread, as the
 * gateway's event loops do (Lettuce, one pipelined connection, for Redis). On two cores
 * the thread driver's own wake-ups take a large part of the CPU, for both targets.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.liveshop.bench.inventory.ReservePeerBench --target liveshop
 * java -cp bench/target/benchmarks.jar dev.liveshop.bench.inventory.ReservePeerBench --target redis
 * java -cp bench/target/benchmarks.jar dev.liveshop.bench.inventory.ReservePeerBench --target redis --driver async
 * </pre>
 * bench/run-peers.sh starts both servers and runs both in one go.
 */
@Command(name = "reserve-peers", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Purchase attempts per second: LiveShop's gRPC Reserve vs a Redis Lua script.")
public final class ReservePeerBench implements Callable<Integer> {

  @Option(names = "--target", description = "liveshop (one unary Reserve per attempt), liveshop-batched (the "
      + "gateway's client: attempts of all callers share ReserveBatches messages) or redis "
      + "(default ${DEFAULT-VALUE}).")
  String target = "liveshop";

  @Option(names = "--batches-in-flight", description = "liveshop-batched: batches on their way at once, as the "
      + "gateway's reserve-batches-in-flight (default ${DEFAULT-VALUE}, the gateway's default).")
  int batchesInFlight = 4;

  @Option(names = "--core", description = "live-core's gRPC address (default ${DEFAULT-VALUE}).")
  String core = "127.0.0.1:7070";

  @Option(names = "--redis", description = "Redis host:port (default ${DEFAULT-VALUE}).")
  String redis = "127.0.0.1:6390";

  @Option(names = "--threads", description = "Client concurrency: attempts at a time "
      + "(default ${DEFAULT-VALUE}).")
  int threads = 32;

  @Option(names = "--driver", description = "threads (a thread per caller, blocked until its answer) or "
      + "async (no thread waits: each answer starts the next attempt) (default ${DEFAULT-VALUE}).")
  String driver = "threads";

  @Option(names = "--attempts", description = "Measured purchase attempts (default ${DEFAULT-VALUE}).")
  int attempts = 200_000;

  @Option(names = "--warmup-attempts", description = "Attempts on a warm-up sale first (default "
      + "${DEFAULT-VALUE}).")
  int warmupAttempts = 50_000;

  @Option(names = "--buyers", description = "Distinct viewers the attempts come from (default ${DEFAULT-VALUE}).")
  int buyers = 50_000;

  @Option(names = "--quantity", description = "Units of the sale (default ${DEFAULT-VALUE}).")
  int quantity = 500;

  @Option(names = "--server-pid", description = "The server's process (live-core or redis-server) on this "
      + "machine: its CPU time per measured attempt is reported (default: not measured).")
  Long serverPid;

  @Option(names = "--out", description = "JSON result file (default: none).")
  Path out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReservePeerBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!driver.equals("threads") && !driver.equals("async")) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--driver must be threads or async");
    }
    boolean async = driver.equals("async");
    try (Reserver reserver = switch (target) {
      case "redis" -> async ? new RedisLuaPipelined(redis, quantity) : new RedisLua(redis, threads, quantity);
      case "liveshop" -> new LiveShopGrpc(core, quantity, 0, async);
      case "liveshop-batched" -> new LiveShopGrpc(core, quantity, batchesInFlight, async);
      default -> throw new CommandLine.ParameterException(new CommandLine(this),
          "--target must be liveshop, liveshop-batched or redis");
    }) {
      run(reserver, reserver.open("warmup"), warmupAttempts, "warm-up");
      Map<String, Object> result = run(reserver, reserver.open("measured"), attempts, "measured");
      Map<String, Object> shown = new LinkedHashMap<>(result);
      shown.remove(LATENCY_HISTOGRAM);
      System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(shown));
      if (out != null) {
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, new GsonBuilder().setPrettyPrinting().create().toJson(result));
      }
      long reserved = outcomes(result, kind -> kind.endsWith("RESERVED"));
      if (reserved > quantity) {
        System.err.println("OVERSOLD: " + reserved + " reserved of " + quantity);
        return 1;
      }
      long failed = outcomes(result, kind -> kind.startsWith("ERROR"));
      if (failed > 0) {
        System.err.println(failed + " attempts failed (see the ERROR outcomes): these figures do not measure a "
            + "healthy server; check that it stayed up and rerun");
        return 2;
      }
      return 0;
    }
  }

  /** How many attempts of {@code result} had an outcome of the kinds chosen. */
  private static long outcomes(Map<String, Object> result, Predicate<String> kinds) {
    return ((Map<?, ?>) result.get("outcomes")).entrySet().stream().filter(e -> kinds.test(e.getKey().toString()))
        .mapToLong(e -> (Long) e.getValue()).sum();
  }

  /**
   * The result field holding the whole latency distribution (nanoseconds): an HdrHistogram
   * in its compressed encoding, Base64; PeerTable charts it.
   */
  public static final String LATENCY_HISTOGRAM = "latencyHistogramNanos";

  private static String encode(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
  }

  /** The distribution {@link #LATENCY_HISTOGRAM} holds. */
  public static Histogram decode(String base64) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("not a compressed HdrHistogram: " + e.getMessage(), e);
    }
  }

  /** CPU time used so far by {@code --server-pid}; null when not asked for or not known. */
  private Duration serverCpu() {
    if (serverPid == null) {
      return null;
    }
    return ProcessHandle.of(serverPid).flatMap(p -> p.info().totalCpuDuration()).orElseGet(() -> {
      System.err.println("no CPU time for process " + serverPid + ": is it running on this machine?");
      return null;
    });
  }

  private Map<String, Object> run(Reserver reserver, String saleId, int count, String phase)
      throws InterruptedException {
    Attempts attempts = new Attempts(reserver, saleId, count, buyers);
    Duration serverCpuBefore = serverCpu();
    long start = System.nanoTime();
    if (driver.equals("async")) {
      attempts.inFlight(threads);
    } else {
      attempts.onThreads(threads);
    }
    Recorder latency = attempts.latency;
    Map<String, LongAdder> outcomes = attempts.outcomes;
    double seconds = (System.nanoTime() - start) / 1e9;
    Duration serverCpuAfter = serverCpu();
    Histogram h = latency.getIntervalHistogram();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("target", target);
    result.put("driver", driver);
    result.put("phase", phase);
    result.put("threads", threads);
    result.put("attempts", count);
    result.put("quantity", quantity);
    result.put("seconds", seconds);
    result.put("attemptsPerSecond", count / seconds);
    result.put("p50Micros", h.getValueAtPercentile(50) / 1e3);
    result.put("p99Micros", h.getValueAtPercentile(99) / 1e3);
    result.put("p999Micros", h.getValueAtPercentile(99.9) / 1e3);
    if (serverCpuBefore != null && serverCpuAfter != null) {
      result.put("serverCpuMicrosPerAttempt", serverCpuAfter.minus(serverCpuBefore).toNanos() / 1e3 / count);
    }
    result.put(LATENCY_HISTOGRAM, encode(h));
    Map<String, Long> counted = new TreeMap<>();
    outcomes.forEach((k, v) -> counted.put(k, v.sum()));
    result.put("outcomes", counted);
    Object serverCpu = result.get("serverCpuMicrosPerAttempt");
    System.err.printf(Locale.ROOT, "%s (%s) %s: %.0f attempts/s, p50 %.0f us, p99 %.0f us,%s %s%n", target, driver,
        phase, count / seconds, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
        serverCpu == null ? "" : String.format(Locale.ROOT, " server CPU %.1f us/attempt,", (Double) serverCpu),
        counted);
    return result;
  }

}
