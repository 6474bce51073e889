package dev.liveshop.gateway.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.liveshop.core.bus.MemoryRoomRules;
import dev.liveshop.core.bus.RoomBus;
import dev.liveshop.core.config.BusSettings;
import dev.liveshop.core.grpc.RoomBusGrpcService;
import dev.liveshop.gateway.auth.Principal;
import dev.liveshop.gateway.auth.ViewerRateLimits;
import dev.liveshop.gateway.core.CoreShards;
import dev.liveshop.gateway.metrics.GatewayMetrics;
import dev.liveshop.gateway.order.OrderPlacement;
import dev.liveshop.gateway.order.ReserveBatcher;
import dev.liveshop.gateway.protocol.FrameCodec;
import dev.liveshop.gateway.room.RoomRegistry;
import dev.liveshop.gateway.room.WrittenFrames;
import dev.liveshop.proto.v1.CatalogServiceGrpc;
import dev.liveshop.proto.v1.GetStreamRequest;
import dev.liveshop.proto.v1.InventoryServiceGrpc;
import dev.liveshop.proto.v1.ReserveBatch;
import dev.liveshop.proto.v1.ReserveBatchResult;
import dev.liveshop.proto.v1.ReserveRequest;
import dev.liveshop.proto.v1.ReserveResponse;
import dev.liveshop.proto.v1.ReserveResult;
import dev.liveshop.proto.v1.ServerFrame;
import dev.liveshop.proto.v1.Stream;
import dev.liveshop.proto.v1.StreamSnapshot;
import dev.liveshop.shard.ShardMap;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.DefaultEventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A viewer session on Netty's EmbeddedChannel, for the session handler's tests: live-core's
 * catalogue and inventory played by a small service on gRPC's in-process transport (a
 * stand-in for the real one, which the *IT tests use) and live-core's real room bus behind
 * the same transport; alice's session ({@link #channel}) and helpers to join, read what a
 * viewer was sent and add viewers. Each test class of a concern extends it.
 */
abstract class ViewerSessionFixture {

  private Server core;
  private ManagedChannel coreChannel;
  private CoreShards shards;
  private DefaultEventExecutor ticker;
  RoomRegistry rooms;
  EmbeddedChannel channel;
  /** Viewers a test adds beside {@link #channel}. */
  final List<EmbeddedChannel> otherViewers = new ArrayList<>();
  ViewerFrameHandler handler;
  /** Per-viewer limits shared by every session the test makes (reference.conf's defaults). */
  ViewerRateLimits viewerLimits = new ViewerRateLimits(5, 40, 60);
  private GatewayMetrics metrics;

  @BeforeEach
  void setUp() throws Exception {
    String name = InProcessServerBuilder.generateName();
    core = InProcessServerBuilder.forName(name).directExecutor()
        .addService(io.grpc.ServerInterceptors.intercept(new RoomBusGrpcService(new RoomBus(
            new BusSettings(64, 10, 1000, Duration.ofMinutes(10)), new MemoryRoomRules())), busDown()))
        .addService(new CatalogServiceGrpc.CatalogServiceImplBase() {
          @Override
          public void getStream(GetStreamRequest r, StreamObserver<StreamSnapshot> out) {
            if (!r.getStreamId().equals("demo")) {
              out.onError(Status.NOT_FOUND.asRuntimeException());
              return;
            }
            out.onNext(StreamSnapshot.newBuilder().setStream(Stream.newBuilder().setStreamId("demo")
                .setTitle("Demo")).build());
            out.onCompleted();
          }
        })
        .addService(new InventoryServiceGrpc.InventoryServiceImplBase() {
          @Override
          public StreamObserver<ReserveBatch> reserveBatches(StreamObserver<ReserveBatchResult> out) {
            return new StreamObserver<>() {
              @Override
              public void onNext(ReserveBatch batch) {
                if (reserveDown.get()) {
                  out.onError(Status.UNAVAILABLE.withDescription("inventory down (test)").asRuntimeException());
                  return;
                }
                ReserveBatchResult.Builder result = ReserveBatchResult.newBuilder().setBatchId(batch.getBatchId());
                for (ReserveRequest r : batch.getRequestsList()) {
                  result.addResponses(ReserveResponse.newBuilder().setResult(ReserveResult.RESERVE_RESULT_RESERVED)
                      .setSaleId(r.getSaleId()).setClientOrderId(r.getClientOrderId()).setOrderId("o-1")
                      .setQuantity(r.getQuantity()));
                }
                out.onNext(result.build());
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {
                out.onCompleted();
              }
            };
          }
        })
        .build().start();
    coreChannel = InProcessChannelBuilder.forName(name).directExecutor().build();
    shards = new CoreShards(ShardMap.single("core-1", "in-process:1"), Map.of("core-1", coreChannel),
        Duration.ofSeconds(5));
    ticker = new DefaultEventExecutor();
    metrics = new GatewayMetrics(() -> 1);
    rooms = new RoomRegistry(shards, 10, Duration.ofHours(1), ticker, metrics, 1 << 20, 3, false,
        Duration.ofMinutes(5));
    handler = handler(new FrameRateLimiter(20, 40, System.nanoTime()));
    channel = new EmbeddedChannel(handler);
    channel.attr(WsAuthHandler.PRINCIPAL).set(new Principal("alice", Principal.Role.VIEWER, Set.of(), 0));
  }

  /** Reserve batches fail their stream with UNAVAILABLE while set. */
  final java.util.concurrent.atomic.AtomicBoolean reserveDown = new java.util.concurrent.atomic.AtomicBoolean();

  /** Publishes fail with UNAVAILABLE while {@link #busDown} is set; the room's subscription stays. */
  final java.util.concurrent.atomic.AtomicBoolean busDown = new java.util.concurrent.atomic.AtomicBoolean();

  private io.grpc.ServerInterceptor busDown() {
    return new io.grpc.ServerInterceptor() {
      @Override
      public <Q, A> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, A> call,
          io.grpc.Metadata headers, io.grpc.ServerCallHandler<Q, A> next) {
        if (busDown.get() && call.getMethodDescriptor().getBareMethodName().equals("Publish")) {
          call.close(Status.UNAVAILABLE.withDescription("bus down (test)"), new io.grpc.Metadata());
          return new io.grpc.ServerCall.Listener<>() { };
        }
        return next.startCall(call, headers);
      }
    };
  }

  @AfterEach
  void tearDown() throws Exception {
    // Every channel runs its pending broadcasts and releases what it holds: no leaked buffer.
    otherViewers.forEach(EmbeddedChannel::finishAndReleaseAll);
    channel.finishAndReleaseAll();
    rooms.close();
    ticker.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    coreChannel.shutdownNow();
    core.shutdownNow();
  }

  ServerFrame join() throws Exception {
    channel.writeInbound(text("{\"join\":{\"streamId\":\"demo\"}}"));
    ServerFrame welcome = next();
    assertThat(welcome.hasWelcome()).as(welcome.toString()).isTrue();
    return welcome;
  }

  /** The next frame written to the viewer, running the loop's tasks while async answers arrive. */
  ServerFrame next() throws Exception {
    return next(channel);
  }

  /** The next frame written to {@code viewer}, running the loop's tasks while async answers arrive. */
  ServerFrame next(EmbeddedChannel viewer) throws Exception {
    return next(viewer, () -> { });
  }

  /** The next frame written to {@code viewer}, doing {@code beforeEachLook} and running its loop's tasks first. */
  ServerFrame next(EmbeddedChannel viewer, Runnable beforeEachLook) throws Exception {
    return parse((TextWebSocketFrame) nextWritten(viewer, beforeEachLook));
  }

  /** The next frame written to the viewer, ticking its room meanwhile (chat comes back from the bus). */
  ServerFrame nextTicking() throws Exception {
    return next(channel, () -> handler.room().tick(false));
  }

  /** The next binary frame (or room broadcast of binary wire bytes) written to the viewer. */
  ServerFrame nextBinary() throws Exception {
    return WrittenFrames.parse(nextWritten(channel, () -> { }));
  }

  /**
   * The next frame written to {@code viewer}, as its client reads it, doing {@code
   * beforeEachLook} and running its loop's tasks first, while async answers arrive.
   */
  private static WebSocketFrame nextWritten(EmbeddedChannel viewer, Runnable beforeEachLook) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      beforeEachLook.run();
      viewer.runPendingTasks();
      Object written = viewer.readOutbound();
      if (written != null) {
        return WrittenFrames.unwire(written);
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no frame written within 5 s");
  }

  EmbeddedChannel viewer(String viewerId) {
    EmbeddedChannel viewer = new EmbeddedChannel(handler(new FrameRateLimiter(20, 40, System.nanoTime())));
    viewer.attr(WsAuthHandler.PRINCIPAL).set(new Principal(viewerId, Principal.Role.VIEWER, Set.of(), 0));
    otherViewers.add(viewer);
    return viewer;
  }

  /** A new registry (fan-out mode, idle close) and a new session for alice on it. */
  void startOver(boolean perViewerFanOut, Duration idleClose) {
    channel.finishAndReleaseAll();
    rooms.close();
    rooms = new RoomRegistry(shards, 10, Duration.ofHours(1), ticker, metrics, 1 << 20, 3, perViewerFanOut,
        idleClose);
    handler = handler(new FrameRateLimiter(20, 40, System.nanoTime()));
    channel = new EmbeddedChannel(handler);
    channel.attr(WsAuthHandler.PRINCIPAL).set(new Principal("alice", Principal.Role.VIEWER, Set.of(), 0));
  }

  /** A session handler on the test's fake live-core, 30 joins a minute (5 at once). */
  ViewerFrameHandler handler(FrameRateLimiter frames) {
    return new ViewerFrameHandler(new FrameCodec(500), rooms, new OrderPlacement(shards,
        Map.of("core-1", new ReserveBatcher(coreChannel, 16, 2, Duration.ofSeconds(5))), metrics,
        (stream, sale) -> { }), frames, new FrameRateLimiter(0.5, 5, System.nanoTime()), viewerLimits, metrics);
  }

  static ServerFrame parse(TextWebSocketFrame frame) throws Exception {
    try {
      ServerFrame.Builder b = ServerFrame.newBuilder();
      JsonFormat.parser().merge(frame.text(), b);
      return b.build();
    } finally {
      frame.release();
    }
  }

  /** Frames come as TextWebSocketFrame, or, for room broadcasts, as the frame's wire bytes. */
  static TextWebSocketFrame asFrame(Object written) {
    return (TextWebSocketFrame) WrittenFrames.unwire(written);
  }

  static TextWebSocketFrame text(String json) {
    return new TextWebSocketFrame(json);
  }
}
