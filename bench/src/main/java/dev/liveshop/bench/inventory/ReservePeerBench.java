package dev.liveshop.bench.inventory;

import com.google.gson.GsonBuilder;
import dev.liveshop.gateway.order.ReserveBatcher;
import dev.liveshop.proto.v1.AddProductRequest;
import dev.liveshop.proto.v1.CatalogServiceGrpc;
import dev.liveshop.proto.v1.CreateSaleRequest;
import dev.liveshop.proto.v1.CreateStreamRequest;
import dev.liveshop.proto.v1.InventoryServiceGrpc;
import dev.liveshop.proto.v1.ReserveRequest;
import dev.liveshop.proto.v1.ReserveResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

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

  /** The usual Redis flash-sale script: idempotency, stock and per-viewer limit in one atomic step. */
  static final String LUA = """
      local previous = redis.call('HGET', KEYS[3], ARGV[2])
      if previous then return previous end
      local q = tonumber(ARGV[3])
      local answer
      if tonumber(redis.call('GET', KEYS[1]) or '0') < q then
        answer = 'SOLD_OUT'
      elseif tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0') + q > tonumber(ARGV[4]) then
        answer = 'OVER_LIMIT'
      else
        redis.call('DECRBY', KEYS[1], q)
        redis.call('HINCRBY', KEYS[2], ARGV[1], q)
        answer = 'RESERVED'
      end
      redis.call('HSET', KEYS[3], ARGV[2], answer)
      return answer
      """;

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

  interface Reserver extends AutoCloseable {
    String open(String name);

    /** The answer's name; the thread driver's targets complete it before returning. */
    CompletionStage<String> reserve(String saleId, String viewerId, String clientOrderId);

    @Override
    void close();
  }

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

  /**
   * LiveShop over one gRPC channel (HTTP/2, multiplexed): a unary Reserve per attempt, or
   * the gateway's own client, {@link ReserveBatcher}, whose callers' attempts share
   * ReserveBatches messages. For the thread driver a unary call blocks its caller; answers
   * otherwise complete on the channel's event loop.
   */
  static final class LiveShopGrpc implements Reserver {
    private final ManagedChannel channel;
    private final InventoryServiceGrpc.InventoryServiceBlockingStub blocking;
    private final InventoryServiceGrpc.InventoryServiceStub async;
    private final ReserveBatcher batcher;
    private final int quantity;

    LiveShopGrpc(String target, int quantity, int batchesInFlight, boolean asyncDriver) {
      this.channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
      this.blocking = InventoryServiceGrpc.newBlockingStub(channel);
      this.async = asyncDriver ? InventoryServiceGrpc.newStub(channel).withExecutor(Runnable::run) : null;
      this.batcher = batchesInFlight > 0
          ? new ReserveBatcher(channel, 256, batchesInFlight, Duration.ofSeconds(10)) : null;
      this.quantity = quantity;
    }

    @Override
    public String open(String name) {
      var catalog = CatalogServiceGrpc.newBlockingStub(channel);
      String stream = "peer-bench";
      catalog.createStream(CreateStreamRequest.newBuilder().setStreamId(stream).setTitle("Peer bench")
          .setHostId("bench").build());
      String product = catalog.addProduct(AddProductRequest.newBuilder().setStreamId(stream).setName(name)
          .setPriceCents(1900).build()).getProductId();
      return blocking.createSale(CreateSaleRequest.newBuilder().setStreamId(stream).setProductId(product)
          .setQuantity(quantity).setPerViewerLimit(1).setDurationMs(TimeUnit.MINUTES.toMillis(30)).build())
          .getSaleId();
    }

    @Override
    public CompletionStage<String> reserve(String saleId, String viewerId, String clientOrderId) {
      ReserveRequest request = ReserveRequest.newBuilder().setSaleId(saleId).setViewerId(viewerId).setQuantity(1)
          .setClientOrderId(clientOrderId).build();
      CompletableFuture<ReserveResponse> answer;
      if (batcher != null) {
        answer = batcher.reserve(request);
      } else if (async != null) {
        answer = new CompletableFuture<>();
        async.withDeadlineAfter(10, TimeUnit.SECONDS).reserve(request, completing(answer));
      } else {
        answer = CompletableFuture.completedFuture(blocking.withDeadlineAfter(10, TimeUnit.SECONDS).reserve(request));
      }
      return answer.thenApply(response -> response.getResult().name().replace("RESERVE_RESULT_", ""));
    }

    private static StreamObserver<ReserveResponse> completing(CompletableFuture<ReserveResponse> answer) {
      return new StreamObserver<>() {
        @Override
        public void onNext(ReserveResponse response) {
          answer.complete(response);
        }

        @Override
        public void onError(Throwable t) {
          answer.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {}
      };
    }

    @Override
    public void close() {
      channel.shutdownNow();
    }
  }

  /** The peer for the thread driver: EVALSHA of {@link #LUA} through a pool of one connection per caller (JedisPool). */
  static final class RedisLua implements Reserver {
    private final JedisPool pool;
    private final String sha;
    private final int quantity;

    RedisLua(String address, int threads, int quantity) {
      String[] hostPort = address.split(":");
      GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
      config.setMaxTotal(threads);
      config.setMaxIdle(threads);
      this.pool = new JedisPool(config, hostPort[0], Integer.parseInt(hostPort[1]));
      try (Jedis jedis = pool.getResource()) {
        this.sha = jedis.scriptLoad(LUA);
      }
      this.quantity = quantity;
    }

    @Override
    public String open(String name) {
      String saleId = name + "-" + System.nanoTime();
      try (Jedis jedis = pool.getResource()) {
        jedis.set("stock:" + saleId, String.valueOf(quantity));
      }
      return saleId;
    }

    @Override
    public CompletionStage<String> reserve(String saleId, String viewerId, String clientOrderId) {
      try (Jedis jedis = pool.getResource()) {
        return CompletableFuture.completedFuture((String) jedis.evalsha(sha, keys(saleId),
            List.of(viewerId, clientOrderId, "1", "1")));
      }
    }

    @Override
    public void close() {
      pool.close();
    }
  }

  /**
   * The peer for the async driver: EVALSHA of {@link #LUA} through Lettuce's asynchronous
   * API on one connection, as Lettuce is meant to be used (commands in flight are pipelined;
   * answers complete on its event loop).
   */
  static final class RedisLuaPipelined implements Reserver {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String sha;
    private final int quantity;

    RedisLuaPipelined(String address, int quantity) {
      String[] hostPort = address.split(":");
      this.client = RedisClient.create(RedisURI.create(hostPort[0], Integer.parseInt(hostPort[1])));
      this.connection = client.connect();
      this.sha = connection.sync().scriptLoad(LUA);
      this.quantity = quantity;
    }

    @Override
    public String open(String name) {
      String saleId = name + "-" + System.nanoTime();
      connection.sync().set("stock:" + saleId, String.valueOf(quantity));
      return saleId;
    }

    @Override
    public CompletionStage<String> reserve(String saleId, String viewerId, String clientOrderId) {
      return connection.async().evalsha(sha, ScriptOutputType.VALUE, keys(saleId).toArray(String[]::new),
          viewerId, clientOrderId, "1", "1");
    }

    @Override
    public void close() {
      connection.close();
      client.shutdown();
    }
  }

  private static List<String> keys(String saleId) {
    return List.of("stock:" + saleId, "bought:" + saleId, "answers:" + saleId);
  }
}
