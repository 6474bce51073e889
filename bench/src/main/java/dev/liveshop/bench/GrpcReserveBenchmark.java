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
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * one call at a time, ReserveStream with 256 requests in flight on one stream, and
 * ReserveBatches with batches of 256 requests, 4 batches in flight.
 *
 * <pre>java -jar bench/target/benchmarks.jar GrpcReserveBenchmark -rf json -rff grpc.json</pre>
 */
@State(Scope.Benchmark)
public class GrpcReserveBenchmark extends BenchmarkDefaults {

  static final int WINDOW = 256;
  static final int BATCH = 256;
  static final int BATCHES_PER_INVOCATION = 8;
  static final int BATCHES_IN_FLIGHT = 4;

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
  private Semaphore window;
  private StreamObserver<ReserveBatch> batches;
  private Semaphore batchWindow;
  private final AtomicLong sequence = new AtomicLong();

  @Setup(Level.Iteration)
  public void start() throws Exception {
    // Fresh windows each iteration: answers lost when the last one's stream was cut don't leak.
    window = new Semaphore(WINDOW);
    batchWindow = new Semaphore(BATCHES_IN_FLIGHT);
    long now = System.currentTimeMillis();
    engine = new InventoryEngine(2, Clock.systemUTC(), new InstantJournal(), 100);
    engine.open(new FlashSale("s0", "bench", "p", 100, Integer.MAX_VALUE / 2, 1, now - 1000, now + 3_600_000,
        3_600_000, false), List.of()).join();
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
        window.release();
      }

      @Override
      public void onError(Throwable t) {
        window.release(WINDOW);
      }

      @Override
      public void onCompleted() {
      }
    });
    batches = InventoryServiceGrpc.newStub(channel).reserveBatches(new StreamObserver<>() {
      @Override
      public void onNext(ReserveBatchResult value) {
        batchWindow.release();
      }

      @Override
      public void onError(Throwable t) {
        batchWindow.release(BATCHES_IN_FLIGHT);
      }

      @Override
      public void onCompleted() {
      }
    });
  }

  @TearDown(Level.Iteration)
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
    return unary.reserve(next());
  }

  /** 256 requests pushed on the stream, each answer freeing a slot of the window. */
  @Benchmark
  @OperationsPerInvocation(WINDOW)
  public void streaming256(Blackhole blackhole) throws InterruptedException {
    for (int i = 0; i < WINDOW; i++) {
      window.acquire();
      stream.onNext(next());
    }
    blackhole.consume(window.availablePermits());
  }

  /**
   * ReserveBatches: 8 batches of 256 reservations, at most 4 batches in flight, each answered
   * by one message: how a gateway sends the taps of a rush.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH * BATCHES_PER_INVOCATION)
  public void batches256(Blackhole blackhole) throws InterruptedException {
    for (int b = 0; b < BATCHES_PER_INVOCATION; b++) {
      ReserveBatch.Builder batch = ReserveBatch.newBuilder();
      for (int i = 0; i < BATCH; i++) {
        batch.addRequests(next());
      }
      batchWindow.acquire();
      batches.onNext(batch.build());
    }
    blackhole.consume(batchWindow.availablePermits());
  }

  private ReserveRequest next() {
    long n = sequence.incrementAndGet();
    return ReserveRequest.newBuilder().setSaleId("s0").setViewerId("v" + n).setQuantity(1).setClientOrderId("c")
        .build();
  }

}
