package dev.liveshop.bench;

import dev.liveshop.core.grpc.CallExecutors;
import dev.liveshop.core.grpc.InventoryGrpcService;
import dev.liveshop.core.inventory.FlashSale;
import dev.liveshop.core.inventory.InventoryEngine;
import dev.liveshop.proto.v1.InventoryServiceGrpc;
import dev.liveshop.proto.v1.ReserveBatch;
import dev.liveshop.proto.v1.ReserveBatchResult;
import dev.liveshop.proto.v1.ReserveRequest;
import dev.liveshop.proto.v1.ReserveResponse;
import dev.liveshop.proto.v1.ReserveResult;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reservations over real gRPC on loopback (Netty transport), against live-core's
 * InventoryGrpcService and engine with a journal that completes at once: unary Reserve,
 * one call at a time; ReserveStream with up to 256 requests in flight on one stream; and
 * ReserveBatches with batches of 256 requests, up to 4 batches in flight.
 *
 * <p>Every reservation is granted (a new buyer each time, stock that does not run out): an
 * answer other than RESERVED fails the run, so a benchmark that measures refusals or BUSY
 * answers instead cannot pass for this one. Operations are counted once answered: each
 * invocation waits for the answers to everything it sent (the windows slide within an
 * invocation of several windows' worth, and drain at its end). A batch is done, and frees
 * its slot of the window, once all its 256 answers have arrived, whatever the number of
 * messages they came in (live-core sends refusals at once and grants as they become
 * durable).
 *
 * <p>Server, channel, streams and engine are made once per trial, so that warm-up warms
 * what is measured; each iteration opens a new sale and hands it over at its end (the
 * engine then drops its book), which bounds the heap: every grant is remembered.
 *
 * <pre>java -jar bench/target/benchmarks.jar '\.GrpcReserveBenchmark\.' -rf json -rff grpc.json</pre>
 */
@State(Scope.Benchmark)
public class GrpcReserveBenchmark extends BenchmarkDefaults {

  static final int WINDOW = 256;
  static final int STREAMED_PER_INVOCATION = 8 * WINDOW;
  static final int BATCH = 256;
  static final int BATCHES_IN_FLIGHT = 4;
  static final int BATCHES_PER_INVOCATION = 8 * BATCHES_IN_FLIGHT;

  /**
   * {@code direct}: reservation calls on the event loop, as live-core runs them (gRPC still
   * starts each call on its executor to pick the call's executor); {@code pool}: gRPC's
   * default executor; {@code serverDirect}: the whole server on the event loop, no executor
   * at all (what that first hop costs; live-core cannot, its other calls block).
   */
  @Param({"direct", "pool", "serverDirect"})
  public String executor;

  private InventoryEngine engine;
  private Server server;
  private ManagedChannel channel;
  private InventoryServiceGrpc.InventoryServiceBlockingStub unary;
  private StreamObserver<ReserveRequest> stream;
  private StreamObserver<ReserveBatch> batches;
  /** Stream requests that may be in flight; a permit returns with each answer. */
  private final Semaphore window = new Semaphore(WINDOW);
  /** Batches that may be in flight; a permit returns once a batch has all its answers. */
  private final Semaphore batchWindow = new Semaphore(BATCHES_IN_FLIGHT);
  /** Answers still to come, per batch in flight. */
  private final Map<Long, AtomicInteger> unanswered = new ConcurrentHashMap<>();
  /** The first thing that went wrong on a callback thread, thrown on the benchmark's. */
  private final AtomicReference<String> failure = new AtomicReference<>();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong batchIds = new AtomicLong();
  private int iteration;
  private volatile String saleId;

  @Setup(Level.Trial)
  public void start() throws Exception {
    engine = new InventoryEngine(2, Clock.systemUTC(), new InstantJournal(), 100);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new InventoryGrpcService(engine, null, null));
    if (executor.equals("direct")) {
      builder.callExecutor(CallExecutors.directForNonBlockingCalls());
    } else if (executor.equals("serverDirect")) {
      builder.directExecutor();
    }
    server = builder.build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    unary = InventoryServiceGrpc.newBlockingStub(channel);
    stream = InventoryServiceGrpc.newStub(channel).reserveStream(new StreamObserver<>() {
      @Override
      public void onNext(ReserveResponse value) {
        check(value, "ReserveStream");
        window.release();
      }

      @Override
      public void onError(Throwable t) {
        fail("ReserveStream failed: " + t);
      }

      @Override
      public void onCompleted() {
      }
    });
    batches = InventoryServiceGrpc.newStub(channel).reserveBatches(new StreamObserver<>() {
      @Override
      public void onNext(ReserveBatchResult value) {
        answered(value);
      }

      @Override
      public void onError(Throwable t) {
        fail("ReserveBatches failed: " + t);
      }

      @Override
      public void onCompleted() {
      }
    });
  }

  /** A new sale for each iteration: the last one's book leaves memory when it is handed over. */
  @Setup(Level.Iteration)
  public void openSale() {
    long now = System.currentTimeMillis();
    String id = "s" + iteration++;
    engine.open(new FlashSale(id, "bench", "p", 100, Integer.MAX_VALUE / 2, 1, now - 1000, now + 3_600_000,
        3_600_000, false), List.of()).join();
    saleId = id;
  }

  @TearDown(Level.Iteration)
  public void releaseSale() throws InterruptedException {
    // Every invocation waits for its answers, so nothing is in flight here unless one failed.
    if (!window.tryAcquire(WINDOW, 10, TimeUnit.SECONDS) || !batchWindow.tryAcquire(BATCHES_IN_FLIGHT, 10,
        TimeUnit.SECONDS)) {
      fail("answers still missing 10 s after the iteration");
    } else {
      window.release(WINDOW);
      batchWindow.release(BATCHES_IN_FLIGHT);
    }
    throwIfFailed();
    engine.release(saleId).join();
  }

  @TearDown(Level.Trial)
  public void stop() throws InterruptedException {
    stream.onCompleted();
    batches.onCompleted();
    // Gracefully: the streams end once their last answers are in (cutting them logs stream errors).
    if (!channel.shutdown().awaitTermination(5, TimeUnit.SECONDS)) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (!server.shutdown().awaitTermination(5, TimeUnit.SECONDS)) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    engine.close();
  }

  @Benchmark
  public ReserveResponse unary() {
    ReserveResponse response = unary.reserve(next());
    check(response, "Reserve");
    throwIfFailed();
    return response;
  }

  /**
   * 2,048 requests pushed on the stream, at most 256 unanswered (each answer frees a slot),
   * then the wait for the last answers.
   */
  @Benchmark
  @OperationsPerInvocation(STREAMED_PER_INVOCATION)
  public void streaming256(Blackhole blackhole) throws InterruptedException {
    for (int i = 0; i < STREAMED_PER_INVOCATION; i++) {
      window.acquire();
      stream.onNext(next());
    }
    window.acquire(WINDOW);
    window.release(WINDOW);
    throwIfFailed();
    blackhole.consume(window.availablePermits());
  }

  /**
   * ReserveBatches: 32 batches of 256 reservations, at most 4 batches unanswered, then the
   * wait for the last answers: how a gateway sends the taps of a rush.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH * BATCHES_PER_INVOCATION)
  public void batches256(Blackhole blackhole) throws InterruptedException {
    for (int b = 0; b < BATCHES_PER_INVOCATION; b++) {
      long batchId = batchIds.incrementAndGet();
      ReserveBatch.Builder batch = ReserveBatch.newBuilder().setBatchId(batchId);
      for (int i = 0; i < BATCH; i++) {
        batch.addRequests(next());
      }
      batchWindow.acquire();
      unanswered.put(batchId, new AtomicInteger(BATCH));
      batches.onNext(batch.build());
    }
    batchWindow.acquire(BATCHES_IN_FLIGHT);
    batchWindow.release(BATCHES_IN_FLIGHT);
    throwIfFailed();
    blackhole.consume(batchWindow.availablePermits());
  }

  /** One message of a batch's answers (on the channel's callback thread). */
  private void answered(ReserveBatchResult result) {
    AtomicInteger left = unanswered.get(result.getBatchId());
    if (left == null) {
      fail("ReserveBatches: answers for batch " + result.getBatchId() + ", which is not in flight");
      return;
    }
    for (ReserveResponse response : result.getResponsesList()) {
      check(response, "ReserveBatches");
    }
    int remaining = left.addAndGet(-result.getResponsesCount());
    if (remaining == 0) {
      unanswered.remove(result.getBatchId());
      batchWindow.release();
    } else if (remaining < 0) {
      fail("ReserveBatches: batch " + result.getBatchId() + " got " + -remaining + " answers more than requests");
    }
  }

  private void check(ReserveResponse response, String call) {
    if (response.getResult() != ReserveResult.RESERVE_RESULT_RESERVED) {
      fail(call + ": a reservation was answered " + response.getResult() + ", but every one must be granted here");
    }
  }

  /** Records the first failure and wakes the benchmark thread, which throws it. */
  private void fail(String message) {
    failure.compareAndSet(null, message);
    window.release(WINDOW);
    batchWindow.release(BATCHES_IN_FLIGHT);
  }

  private void throwIfFailed() {
    String message = failure.get();
    if (message != null) {
      throw new IllegalStateException(message);
    }
  }

  private ReserveRequest next() {
    long n = sequence.incrementAndGet();
    return ReserveRequest.newBuilder().setSaleId(saleId).setViewerId("v" + n).setQuantity(1).setClientOrderId("c")
        .build();
  }

}
