package dev.liveshop.bench.inventory;

import com.google.gson.GsonBuilder;
import dev.liveshop.gateway.order.ReserveBatcher;
import dev.liveshop.proto.v1.AddProductRequest;
import dev.liveshop.proto.v1.CatalogServiceGrpc;
import dev.liveshop.proto.v1.CreateSaleRequest;
import dev.liveshop.proto.v1.CreateStreamRequest;
import dev.liveshop.proto.v1.InventoryServiceGrpc;
import dev.liveshop.proto.v1.ReserveRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
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
 * the same client concurrency: {@code --threads} callers, each one call at a time. Both
 * check stock, the per-viewer limit and the clientOrderId (a retry gets the first answer).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.liveshop.bench.inventory.ReservePeerBench --target liveshop
 * java -cp bench/target/benchmarks.jar dev.liveshop.bench.inventory.ReservePeerBench --target redis
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

  @Option(names = "--core", description = "live-core's gRPC address (default ${DEFAULT-VALUE}).")
  String core = "127.0.0.1:7070";

  @Option(names = "--redis", description = "Redis host:port (default ${DEFAULT-VALUE}).")
  String redis = "127.0.0.1:6390";

  @Option(names = "--threads", description = "Client concurrency: callers, one call each at a time "
      + "(default ${DEFAULT-VALUE}).")
  int threads = 32;

  @Option(names = "--attempts", description = "Measured purchase attempts (default ${DEFAULT-VALUE}).")
  int attempts = 200_000;

  @Option(names = "--warmup-attempts", description = "Attempts on a warm-up sale first (default "
      + "${DEFAULT-VALUE}).")
  int warmupAttempts = 50_000;

  @Option(names = "--buyers", description = "Distinct viewers the attempts come from (default ${DEFAULT-VALUE}).")
  int buyers = 50_000;

  @Option(names = "--quantity", description = "Units of the sale (default ${DEFAULT-VALUE}).")
  int quantity = 500;

  @Option(names = "--out", description = "JSON result file (default: none).")
  Path out;

  interface Reserver extends AutoCloseable {
    String open(String name);

    String reserve(String saleId, String viewerId, String clientOrderId);

    @Override
    void close();
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReservePeerBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    try (Reserver reserver = switch (target) {
      case "redis" -> new RedisLua(redis, threads, quantity);
      case "liveshop" -> new LiveShopGrpc(core, quantity, false);
      case "liveshop-batched" -> new LiveShopGrpc(core, quantity, true);
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
      long reserved = ((Map<?, ?>) result.get("outcomes")).entrySet().stream()
          .filter(e -> e.getKey().toString().endsWith("RESERVED")).mapToLong(e -> (Long) e.getValue()).sum();
      if (reserved > quantity) {
        System.err.println("OVERSOLD: " + reserved + " reserved of " + quantity);
        return 1;
      }
      return 0;
    }
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

  private Map<String, Object> run(Reserver reserver, String saleId, int count, String phase)
      throws InterruptedException {
    AtomicLong next = new AtomicLong();
    Recorder latency = new Recorder(TimeUnit.SECONDS.toNanos(10), 3);
    Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    Thread[] callers = new Thread[threads];
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      callers[t] = new Thread(() -> {
        for (long i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
          long t0 = System.nanoTime();
          String answer = reserver.reserve(saleId, "b" + (i % buyers), "c" + i);
          latency.recordValue(Math.min(System.nanoTime() - t0, TimeUnit.SECONDS.toNanos(10)));
          outcomes.computeIfAbsent(answer, a -> new LongAdder()).increment();
        }
      }, "caller-" + t);
      callers[t].start();
    }
    for (Thread caller : callers) {
      caller.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Histogram h = latency.getIntervalHistogram();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("target", target);
    result.put("phase", phase);
    result.put("threads", threads);
    result.put("attempts", count);
    result.put("quantity", quantity);
    result.put("seconds", seconds);
    result.put("attemptsPerSecond", count / seconds);
    result.put("p50Micros", h.getValueAtPercentile(50) / 1e3);
    result.put("p99Micros", h.getValueAtPercentile(99) / 1e3);
    result.put("p999Micros", h.getValueAtPercentile(99.9) / 1e3);
    result.put(LATENCY_HISTOGRAM, encode(h));
    Map<String, Long> counted = new TreeMap<>();
    outcomes.forEach((k, v) -> counted.put(k, v.sum()));
    result.put("outcomes", counted);
    System.err.printf(Locale.ROOT, "%s %s: %.0f attempts/s, p50 %.0f us, p99 %.0f us, %s%n", target, phase,
        count / seconds, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, counted);
    return result;
  }

  /**
   * LiveShop over one gRPC channel (HTTP/2, multiplexed): a unary Reserve per attempt, or
   * the gateway's own client, {@link ReserveBatcher}, whose callers' attempts share
   * ReserveBatches messages. Each caller still waits for its answer before the next.
   */
  static final class LiveShopGrpc implements Reserver {
    private final ManagedChannel channel;
    private final InventoryServiceGrpc.InventoryServiceBlockingStub inventory;
    private final ReserveBatcher batcher;
    private final int quantity;

    LiveShopGrpc(String target, int quantity, boolean batched) {
      this.channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
      this.inventory = InventoryServiceGrpc.newBlockingStub(channel);
      this.batcher = batched ? new ReserveBatcher(channel, 256, 4, Duration.ofSeconds(10)) : null;
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
      return inventory.createSale(CreateSaleRequest.newBuilder().setStreamId(stream).setProductId(product)
          .setQuantity(quantity).setPerViewerLimit(1).setDurationMs(TimeUnit.MINUTES.toMillis(30)).build())
          .getSaleId();
    }

    @Override
    public String reserve(String saleId, String viewerId, String clientOrderId) {
      ReserveRequest request = ReserveRequest.newBuilder().setSaleId(saleId).setViewerId(viewerId).setQuantity(1)
          .setClientOrderId(clientOrderId).build();
      var answer = batcher != null ? batcher.reserve(request).join()
          : inventory.withDeadlineAfter(10, TimeUnit.SECONDS).reserve(request);
      return answer.getResult().name().replace("RESERVE_RESULT_", "");
    }

    @Override
    public void close() {
      channel.shutdownNow();
    }
  }

  /** The peer: EVALSHA of {@link #LUA} through a pool of one connection per caller (JedisPool). */
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
    public String reserve(String saleId, String viewerId, String clientOrderId) {
      try (Jedis jedis = pool.getResource()) {
        return (String) jedis.evalsha(sha, List.of("stock:" + saleId, "bought:" + saleId, "answers:" + saleId),
            List.of(viewerId, clientOrderId, "1", "1"));
      }
    }

    @Override
    public void close() {
      pool.close();
    }
  }
}
