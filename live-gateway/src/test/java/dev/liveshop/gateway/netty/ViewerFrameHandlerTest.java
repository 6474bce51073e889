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
import dev.liveshop.gateway.protocol.Wire;
import dev.liveshop.gateway.room.RoomRegistry;
import dev.liveshop.proto.v1.CatalogServiceGrpc;
import dev.liveshop.proto.v1.Chat;
import dev.liveshop.proto.v1.ClientFrame;
import dev.liveshop.proto.v1.ErrorCode;
import dev.liveshop.proto.v1.GetStreamRequest;
import dev.liveshop.proto.v1.InventoryServiceGrpc;
import dev.liveshop.proto.v1.Join;
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
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.DefaultEventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The viewer session on Netty's EmbeddedChannel, with live-core's catalogue and inventory
 * played by a small service on gRPC's in-process transport (a stand-in for the real one,
 * which the *IT tests use) and live-core's real room bus behind the same transport.
 */
class ViewerFrameHandlerTest {

  private Server core;
  private ManagedChannel coreChannel;
  private CoreShards shards;
  private DefaultEventExecutor ticker;
  private RoomRegistry rooms;
  private EmbeddedChannel channel;
  /** Viewers a test adds beside {@link #channel}. */
  private final List<EmbeddedChannel> otherViewers = new ArrayList<>();
  private ViewerFrameHandler handler;
  /** Per-viewer limits shared by every session the test makes (reference.conf's defaults). */
  private ViewerRateLimits viewerLimits = new ViewerRateLimits(5, 40, 60);
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

  /** Publishes fail with UNAVAILABLE while {@link #busDown} is set; the room's subscription stays. */
  private final java.util.concurrent.atomic.AtomicBoolean busDown = new java.util.concurrent.atomic.AtomicBoolean();

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

  @Test
  void chatOrBuy_beforeJoin_isNotJoinedAndChangesNothing() throws Exception {
    channel.writeInbound(text("{\"requestId\":\"r1\",\"chat\":{\"text\":\"hi\"}}"));
    ServerFrame error = next();
    assertThat(error.getError().getCode().name()).isEqualTo("ERROR_CODE_NOT_JOINED");
    assertThat(error.getError().getRequestId()).isEqualTo("r1");
    channel.writeInbound(text("{\"buy\":{\"saleId\":\"s\",\"quantity\":1,\"clientOrderId\":\"c\"}}"));
    assertThat(next().getError().getCode().name()).isEqualTo("ERROR_CODE_NOT_JOINED");
    assertThat(handler.room()).isNull();
  }

  @Test
  void malformedFrame_isAnsweredAndTheSessionGoesOn() throws Exception {
    join();
    channel.writeInbound(text("{\"join\":"));
    assertThat(next().getError().getCode().name()).isEqualTo("ERROR_CODE_MALFORMED_FRAME");
    assertThat(handler.room()).isNotNull();
    assertThat(channel.isActive()).isTrue();
  }

  @Test
  void binaryFrame_onJsonSubprotocol_closesWith1003() {
    channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
    CloseWebSocketFrame close = channel.readOutbound();
    assertThat(close.statusCode()).isEqualTo(1003);
    close.release();
    channel.runPendingTasks();
    assertThat(channel.isActive()).isFalse();
  }

  @Test
  void protoSubprotocol_binaryFramesBothWays_textFrameClosesWith1003() throws Exception {
    channel.attr(Wire.OF_CHANNEL).set(Wire.PROTO);
    channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(ClientFrame.newBuilder()
        .setJoin(Join.newBuilder().setStreamId("demo")).build().toByteArray())));
    ServerFrame welcome = nextBinary();
    assertThat(welcome.getWelcome().getStream().getTitle()).isEqualTo("Demo");
    channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, 7})));
    assertThat(nextBinary().getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_MALFORMED_FRAME);
    channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(ClientFrame.newBuilder()
        .setChat(Chat.newBuilder().setText("binary hello")).build().toByteArray())));
    handler.room().tick(false);
    assertThat(nextBinary().getChat().getMessages(0).getText()).isEqualTo("binary hello");

    channel.writeInbound(text("{\"ping\":{}}"));
    CloseWebSocketFrame close = channel.readOutbound();
    assertThat(close.statusCode()).isEqualTo(1003);
    assertThat(close.reasonText()).contains("liveshop.v1.proto takes binary frames only");
    close.release();
  }

  /** The next binary frame (or room broadcast of binary wire bytes) written to the viewer. */
  private ServerFrame nextBinary() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      channel.runPendingTasks();
      Object written = channel.readOutbound();
      if (written instanceof io.netty.buffer.ByteBuf wire) {
        var client = new EmbeddedChannel(
            new io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder(false, false, 1 << 20));
        client.writeInbound(wire);
        written = client.readInbound();
        client.finishAndReleaseAll();
      }
      if (written instanceof BinaryWebSocketFrame binary) {
        try {
          return ServerFrame.parseFrom(binary.content().nioBuffer());
        } finally {
          binary.release();
        }
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no binary frame written within 5 s");
  }

  @Test
  void rejoin_withEpochAndSeq_getsWhatItMissed_tooFarBehindOrOtherEpoch_getsAWelcome() throws Exception {
    ServerFrame welcome = join();
    String epoch = welcome.getWelcome().getRoomEpoch();
    long seen = welcome.getWelcome().getRoomSeq();
    for (int i = 1; i <= 2; i++) {
      channel.writeInbound(text("{\"chat\":{\"text\":\"missed " + i + "\"}}"));
      handler.room().tick(false);
      assertThat(next().getRoomSeq()).isEqualTo(seen + i);
    }

    EmbeddedChannel back = viewer("alice");
    back.writeInbound(text("{\"join\":{\"streamId\":\"demo\",\"resumeEpoch\":\"" + epoch
        + "\",\"resumeAfterSeq\":\"" + seen + "\"}}"));
    assertThat(next(back).getResumed().getAfterSeq()).isEqualTo(seen);
    assertThat(next(back).getChat().getMessages(0).getText()).isEqualTo("missed 1");
    ServerFrame last = next(back);
    assertThat(last.getChat().getMessages(0).getText()).isEqualTo("missed 2");
    assertThat(last.getRoomSeq()).isEqualTo(seen + 2);

    for (int i = 3; i <= 6; i++) {
      channel.writeInbound(text("{\"chat\":{\"text\":\"missed " + i + "\"}}"));
      handler.room().tick(false);
      // Each broadcast finishes before the next tick (else the tick waits and batches grow).
      channel.runPendingTasks();
      back.runPendingTasks();
    }
    // The buffer holds 3 frames: a viewer 6 behind gets the room afresh, as does one from another epoch.
    EmbeddedChannel late = viewer("bob");
    late.writeInbound(text("{\"join\":{\"streamId\":\"demo\",\"resumeEpoch\":\"" + epoch
        + "\",\"resumeAfterSeq\":\"" + seen + "\"}}"));
    assertThat(next(late).hasWelcome()).isTrue();
    EmbeddedChannel stranger = viewer("carol");
    stranger.writeInbound(text("{\"join\":{\"streamId\":\"demo\",\"resumeEpoch\":\"other\","
        + "\"resumeAfterSeq\":\"1\"}}"));
    assertThat(next(stranger).hasWelcome()).isTrue();
  }

  /** A new registry (fan-out mode, idle close) and a new session for alice on it. */
  private void startOver(boolean perViewerFanOut, Duration idleClose) {
    channel.finishAndReleaseAll();
    rooms.close();
    rooms = new RoomRegistry(shards, 10, Duration.ofHours(1), ticker, metrics, 1 << 20, 3, perViewerFanOut,
        idleClose);
    handler = handler(new FrameRateLimiter(20, 40, System.nanoTime()));
    channel = new EmbeddedChannel(handler);
    channel.attr(WsAuthHandler.PRINCIPAL).set(new Principal("alice", Principal.Role.VIEWER, Set.of(), 0));
  }

  /** A session handler on the test's fake live-core, 30 joins a minute (5 at once). */
  private ViewerFrameHandler handler(FrameRateLimiter frames) {
    return new ViewerFrameHandler(new FrameCodec(500), rooms, new OrderPlacement(shards,
        Map.of("core-1", new ReserveBatcher(coreChannel, 16, 2, Duration.ofSeconds(5))), metrics,
        (stream, sale) -> { }), frames, new FrameRateLimiter(0.5, 5, System.nanoTime()), viewerLimits, metrics);
  }

  @Test
  void handshake_dropsTheHttpOnlyHandlers_andKeepsTheSubprotocol() {
    EmbeddedChannel upgraded = new EmbeddedChannel();
    otherViewers.add(upgraded);
    upgraded.pipeline().addLast(GatewayInitializer.AUTH, new io.netty.channel.ChannelInboundHandlerAdapter())
        .addLast(GatewayInitializer.HOST_API, new io.netty.channel.ChannelInboundHandlerAdapter())
        .addLast("session", handler(new FrameRateLimiter(20, 40, System.nanoTime())));
    upgraded.attr(WsAuthHandler.PRINCIPAL).set(new Principal("alice", Principal.Role.VIEWER, Set.of(), 0));

    upgraded.pipeline().fireUserEventTriggered(new io.netty.handler.codec.http.websocketx
        .WebSocketServerProtocolHandler.HandshakeComplete("/ws", new io.netty.handler.codec.http.DefaultHttpHeaders(),
        Wire.PROTO.subprotocol()));

    assertThat(upgraded.pipeline().names()).doesNotContain(GatewayInitializer.AUTH, GatewayInitializer.HOST_API)
        .contains("session");
    assertThat(Wire.of(upgraded)).isEqualTo(Wire.PROTO);
  }

  @Test
  void handshake_withoutAPrincipal_closesWith1008() {
    EmbeddedChannel anonymous = new EmbeddedChannel(handler(new FrameRateLimiter(20, 40, System.nanoTime())));
    otherViewers.add(anonymous);

    anonymous.pipeline().fireUserEventTriggered(new io.netty.handler.codec.http.websocketx
        .WebSocketServerProtocolHandler.HandshakeComplete("/ws/", new io.netty.handler.codec.http.DefaultHttpHeaders(),
        Wire.JSON.subprotocol()));

    CloseWebSocketFrame close = anonymous.readOutbound();
    assertThat(close.statusCode()).isEqualTo(1008);
    close.release();
    anonymous.runPendingTasks();
    assertThat(anonymous.isActive()).isFalse();
  }

  @Test
  void joins_pastTheBurst_areRateLimited_theSessionStays() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(join().hasWelcome()).isTrue();
    }
    channel.writeInbound(text("{\"requestId\":\"j6\",\"join\":{\"streamId\":\"demo\"}}"));
    ServerFrame refused = next();
    assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_RATE_LIMITED);
    assertThat(refused.getError().getRequestId()).isEqualTo("j6");
    assertThat(channel.isActive()).isTrue();
    assertThat(handler.room()).isNotNull();
  }

  private EmbeddedChannel viewer(String viewerId) {
    EmbeddedChannel viewer = new EmbeddedChannel(handler(new FrameRateLimiter(20, 40, System.nanoTime())));
    viewer.attr(WsAuthHandler.PRINCIPAL).set(new Principal(viewerId, Principal.Role.VIEWER, Set.of(), 0));
    otherViewers.add(viewer);
    return viewer;
  }

  @Test
  void garbage_getsErrorFramesOnly_andChangesNothing() throws Exception {
    ViewerFrameHandler patient = handler(new FrameRateLimiter(1_000_000, 1_000_000, System.nanoTime()));
    EmbeddedChannel garbage = new EmbeddedChannel(patient);
    garbage.attr(WsAuthHandler.PRINCIPAL).set(new Principal("mallory", Principal.Role.VIEWER, Set.of(), 0));
    Random random = new Random(7);
    for (int i = 0; i < 500; i++) {
      byte[] bytes = new byte[random.nextInt(40)];
      random.nextBytes(bytes);
      String text = i % 2 == 0 ? new String(bytes, StandardCharsets.ISO_8859_1)
          : "{\"buy\":{\"saleId\":" + random.nextInt() + ",\"quantity\":\"" + i + "\"}";
      garbage.writeInbound(text(text));
      TextWebSocketFrame answer = garbage.readOutbound();
      try {
        assertThat(answer.text()).as("answer to %s", text).startsWith("{\"error\":");
      } finally {
        answer.release();
      }
    }
    assertThat(garbage.isActive()).isTrue();
    assertThat(patient.room()).isNull();
    assertThat(rooms.openRooms()).isZero();
    garbage.finishAndReleaseAll();
  }

  @Test
  void flood_isRefusedThenClosedWith1008() throws Exception {
    int pongs = 0;
    for (int i = 0; i < 200 && channel.isActive(); i++) {
      channel.writeInbound(text("{\"ping\":{}}"));
    }
    boolean rateLimited = false;
    CloseWebSocketFrame close = null;
    Object out;
    while ((out = channel.readOutbound()) != null) {
      if (out instanceof TextWebSocketFrame frame) {
        rateLimited |= frame.text().contains("ERROR_CODE_RATE_LIMITED");
        pongs += frame.text().contains("pong") ? 1 : 0;
        frame.release();
      } else if (out instanceof CloseWebSocketFrame c) {
        close = c;
      }
    }
    assertThat(pongs).isBetween(40, 45);
    assertThat(rateLimited).isTrue();
    assertThat(close).isNotNull();
    assertThat(close.statusCode()).isEqualTo(1008);
    close.release();
    channel.runPendingTasks();
    assertThat(channel.isActive()).isFalse();
  }

  @Test
  void pingLikeLeavePayCancel_eachGetsItsAnswer() throws Exception {
    channel.writeInbound(text("{\"ping\":{\"clientTimeMs\":\"42\"}}"));
    assertThat(next().getPong().getClientTimeMs()).isEqualTo(42);
    channel.writeInbound(text("{\"requestId\":\"l0\",\"like\":{}}"));
    assertThat(next().getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_NOT_JOINED);
    join();
    channel.writeInbound(text("{\"like\":{}}"));
    channel.writeInbound(text("{\"like\":{}}"));
    handler.room().tick(true);
    assertThat(next().getCounters().getLikes()).isEqualTo(2);
    channel.writeInbound(text("{\"requestId\":\"p0\",\"pay\":{}}"));
    assertThat(next().getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_INVALID_FIELD);
    // The stand-in live-core has no order service: the viewer is told to retry, in words.
    channel.writeInbound(text("{\"requestId\":\"c1\",\"cancel\":{\"orderId\":\"o-1\"}}"));
    ServerFrame cancel = next();
    assertThat(cancel.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_UNAVAILABLE);
    assertThat(cancel.getError().getRequestId()).isEqualTo("c1");
    channel.writeInbound(text("{\"leave\":{}}"));
    channel.runPendingTasks();
    assertThat(handler.room()).isNull();
  }

  @Test
  void roomWithoutViewers_closesAfterTheIdleTime_theNextJoinOpensItAfresh() throws Exception {
    startOver(false, Duration.ofSeconds(1));
    String firstEpoch = join().getWelcome().getRoomEpoch();
    channel.writeInbound(text("{\"leave\":{}}"));
    channel.runPendingTasks();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (rooms.openRooms() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(rooms.openRooms()).as("the idle room closed").isZero();
    String secondEpoch = join().getWelcome().getRoomEpoch();
    assertThat(secondEpoch).isNotEqualTo(firstEpoch);
    assertThat(rooms.openRooms()).isEqualTo(1);
  }

  @Test
  void perViewerFanOut_theBenchmarkBaseline_deliversTheSameFrames() throws Exception {
    startOver(true, Duration.ofMinutes(5));
    join();
    channel.writeInbound(text("{\"chat\":{\"text\":\"naive\"}}"));
    handler.room().tick(false);
    ServerFrame batch = next();
    assertThat(batch.getChat().getMessages(0).getText()).isEqualTo("naive");
    assertThat(batch.getRoomSeq()).isPositive();
  }

  @Test
  void join_unknownStream_isUnknownStream() throws Exception {
    channel.writeInbound(text("{\"join\":{\"streamId\":\"nope\"}}"));
    assertThat(next().getError().getCode().name()).isEqualTo("ERROR_CODE_UNKNOWN_STREAM");
    assertThat(handler.room()).isNull();
  }

  @Test
  void join_thenChat_welcomeThenOneBatch() throws Exception {
    assertThat(join().getWelcome().getStream().getTitle()).isEqualTo("Demo");
    channel.writeInbound(text("{\"chat\":{\"text\":\"<i>one</i>\"}}"));
    channel.writeInbound(text("{\"chat\":{\"text\":\"two\"}}"));
    handler.room().tick(false);
    ServerFrame batch = next();
    assertThat(batch.getChat().getMessagesList()).extracting(m -> m.getText()).containsExactly("<i>one</i>", "two");
    assertThat(batch.getChat().getMessages(0).getViewerId()).isEqualTo("alice");
  }

  @Test
  void chatTheBusDidNotTake_inSlowMode_canBeSentAgainAtOnce() throws Exception {
    join();
    rooms.publishAndApply(dev.liveshop.proto.v1.RoomEvent.newBuilder().setStreamId("demo")
        .setModeration(dev.liveshop.proto.v1.ModerationRequest.newBuilder().setSlowModeSeconds(30)).build())
        .get(5, TimeUnit.SECONDS);
    assertThat(next().getChatSettings().getSlowModeSeconds()).isEqualTo(30);

    busDown.set(true);
    channel.writeInbound(text("{\"requestId\":\"c1\",\"chat\":{\"text\":\"hello\"}}"));
    ServerFrame failed = next();
    assertThat(failed.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_UNAVAILABLE);
    assertThat(failed.getError().getMessage()).contains("send it again");

    busDown.set(false);
    channel.writeInbound(text("{\"requestId\":\"c2\",\"chat\":{\"text\":\"hello\"}}"));
    ServerFrame retried = nextTicking();
    assertThat(retried.hasError()).as("the retry was refused: %s", retried).isFalse();
    assertThat(retried.getChat().getMessages(0).getText()).isEqualTo("hello");
    channel.writeInbound(text("{\"requestId\":\"c3\",\"chat\":{\"text\":\"again\"}}"));
    ServerFrame refused = next();
    assertThat(refused.getError().getCode()).as("the retry that went out counts").isEqualTo(
        ErrorCode.ERROR_CODE_CHAT_REFUSED);
  }

  /** The next frame written to the viewer, ticking its room meanwhile (chat comes back from the bus). */
  private ServerFrame nextTicking() throws Exception {
    return next(channel, () -> handler.room().tick(false));
  }

  @Test
  void twoConnectionsOfOneViewer_shareItsChatBudget_anotherViewerHasItsOwn() throws Exception {
    viewerLimits = new ViewerRateLimits(0.001, 4, 60); // 4 messages at once, then hardly any
    EmbeddedChannel first = viewer("carol");
    EmbeddedChannel second = viewer("carol");
    EmbeddedChannel dave = viewer("dave");
    for (EmbeddedChannel viewer : List.of(first, second, dave)) {
      viewer.writeInbound(text("{\"join\":{\"streamId\":\"demo\"}}"));
      assertThat(next(viewer).hasWelcome()).isTrue();
    }
    for (int i = 0; i < 3; i++) {
      first.writeInbound(text("{\"requestId\":\"a" + i + "\",\"chat\":{\"text\":\"one\"}}"));
      second.writeInbound(text("{\"requestId\":\"b" + i + "\",\"chat\":{\"text\":\"two\"}}"));
    }
    dave.writeInbound(text("{\"requestId\":\"d\",\"chat\":{\"text\":\"mine\"}}"));

    List<String> refused = new ArrayList<>();
    for (EmbeddedChannel viewer : List.of(first, second, dave)) {
      viewer.runPendingTasks();
      Object out;
      while ((out = viewer.readOutbound()) != null) {
        ServerFrame frame = parse(asFrame(out));
        if (frame.getError().getCode() == ErrorCode.ERROR_CODE_RATE_LIMITED) {
          refused.add(frame.getError().getRequestId());
        }
      }
    }
    // Six messages from carol's two sockets against her budget of four; none of dave's.
    assertThat(refused).containsExactly("a2", "b2");
    assertThat(first.isActive() && second.isActive()).isTrue();
  }

  @Test
  void chatTheRulesRefuse_spendsNoneOfTheAccountsBudget() throws Exception {
    viewerLimits = new ViewerRateLimits(0.001, 2, 60); // 2 messages, then hardly any
    EmbeddedChannel erin = viewer("erin");
    erin.writeInbound(text("{\"join\":{\"streamId\":\"demo\"}}"));
    assertThat(next(erin).hasWelcome()).isTrue();
    rooms.publishAndApply(dev.liveshop.proto.v1.RoomEvent.newBuilder().setStreamId("demo")
        .setModeration(dev.liveshop.proto.v1.ModerationRequest.newBuilder().setMuteViewerId("erin")).build())
        .get(5, TimeUnit.SECONDS);
    for (int i = 0; i < 3; i++) {
      erin.writeInbound(text("{\"requestId\":\"m" + i + "\",\"chat\":{\"text\":\"let me speak\"}}"));
    }
    rooms.publishAndApply(dev.liveshop.proto.v1.RoomEvent.newBuilder().setStreamId("demo")
        .setModeration(dev.liveshop.proto.v1.ModerationRequest.newBuilder().setUnmuteViewerId("erin")).build())
        .get(5, TimeUnit.SECONDS);
    erin.writeInbound(text("{\"requestId\":\"after\",\"chat\":{\"text\":\"thanks\"}}"));

    List<ServerFrame> errors = new ArrayList<>();
    erin.runPendingTasks();
    Object out;
    while ((out = erin.readOutbound()) != null) {
      ServerFrame frame = parse(asFrame(out));
      if (frame.hasError()) {
        errors.add(frame);
      }
    }
    assertThat(errors).extracting(e -> e.getError().getRequestId()).containsExactly("m0", "m1", "m2");
    assertThat(errors).extracting(e -> e.getError().getCode()).containsOnly(ErrorCode.ERROR_CODE_CHAT_REFUSED);
  }

  private static ServerFrame parse(TextWebSocketFrame frame) throws Exception {
    try {
      ServerFrame.Builder b = ServerFrame.newBuilder();
      JsonFormat.parser().merge(frame.text(), b);
      return b.build();
    } finally {
      frame.release();
    }
  }

  @Test
  void buy_afterJoin_acksTheBuyer() throws Exception {
    join();
    channel.writeInbound(text("{\"requestId\":\"r9\",\"buy\":{\"saleId\":\"s1\",\"quantity\":1,"
        + "\"clientOrderId\":\"c1\"}}"));
    ServerFrame ack = next();
    assertThat(ack.getOrderAck().getResult()).isEqualTo(ReserveResult.RESERVE_RESULT_RESERVED);
    assertThat(ack.getOrderAck().getRequestId()).isEqualTo("r9");
  }

  private ServerFrame join() throws Exception {
    channel.writeInbound(text("{\"join\":{\"streamId\":\"demo\"}}"));
    ServerFrame welcome = next();
    assertThat(welcome.hasWelcome()).as(welcome.toString()).isTrue();
    return welcome;
  }

  /** The next frame written to the viewer, running the loop's tasks while async answers arrive. */
  private ServerFrame next() throws Exception {
    return next(channel);
  }

  /** The next frame written to {@code viewer}, running the loop's tasks while async answers arrive. */
  private ServerFrame next(EmbeddedChannel viewer) throws Exception {
    return next(viewer, () -> { });
  }

  /** The next frame written to {@code viewer}, doing {@code beforeEachLook} and running its loop's tasks first. */
  private ServerFrame next(EmbeddedChannel viewer, Runnable beforeEachLook) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      beforeEachLook.run();
      viewer.runPendingTasks();
      TextWebSocketFrame frame = asFrame(viewer.readOutbound());
      if (frame != null) {
        return parse(frame);
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no frame written within 5 s");
  }

  /** Frames come as TextWebSocketFrame, or, for room broadcasts, as the frame's wire bytes. */
  private static TextWebSocketFrame asFrame(Object written) {
    if (!(written instanceof io.netty.buffer.ByteBuf wire)) {
      return (TextWebSocketFrame) written;
    }
    var client = new io.netty.channel.embedded.EmbeddedChannel(
        new io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder(false, false, 1 << 20));
    client.writeInbound(wire);
    return client.readInbound();
  }

  private static TextWebSocketFrame text(String json) {
    return new TextWebSocketFrame(json);
  }
}
