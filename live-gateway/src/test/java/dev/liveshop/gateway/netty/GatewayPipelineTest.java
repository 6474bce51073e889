package dev.liveshop.gateway.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.gateway.auth.Principal;
import dev.liveshop.gateway.auth.TokenService;
import dev.liveshop.gateway.auth.ViewerRateLimits;
import dev.liveshop.gateway.console.HostApiHandler;
import dev.liveshop.gateway.core.CoreShards;
import dev.liveshop.gateway.metrics.GatewayMetrics;
import dev.liveshop.gateway.order.OrderPlacement;
import dev.liveshop.gateway.protocol.FrameCodec;
import dev.liveshop.gateway.room.RoomRegistry;
import dev.liveshop.shard.ShardMap;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultEventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole connection pipeline of {@link GatewayInitializer} on EmbeddedChannel, fed raw
 * HTTP bytes as a socket would be: what the WebSocket handshake lets through. live-core is
 * an in-process channel to nowhere (these tests never reach it).
 */
class GatewayPipelineTest {

  private static final String SECRET = "a-test-secret-of-at-least-32-characters!";
  private final TokenService tokens = new TokenService(SECRET,
      Clock.fixed(Instant.now(), ZoneOffset.UTC));
  private final GatewayMetrics metrics = new GatewayMetrics(() -> 0);
  private final DefaultEventExecutor ticker = new DefaultEventExecutor();
  private final CoreShards shards = new CoreShards(ShardMap.single("core-1", "in-process:1"),
      Map.of("core-1", InProcessChannelBuilder.forName(InProcessServerBuilder.generateName()).build()),
      Duration.ofSeconds(1));
  private final RoomRegistry rooms = new RoomRegistry(shards, 10, Duration.ofHours(1), ticker, metrics, 1 << 20, 3,
      false, Duration.ofMinutes(5));
  private final GatewayInitializer initializer = new GatewayInitializer(tokens,
      new HostApiHandler(shards, rooms, tokens, false, Duration.ofHours(1), "", Duration.ofMinutes(5), metrics,
          () -> null),
      new FrameCodec(500), rooms, new OrderPlacement(shards, Map.of(), metrics, (stream, sale) -> { }),
      8192, 65536, 20, 40, metrics, 30, 0, new ViewerRateLimits(5, 40, 60));

  @AfterEach
  void tearDown() {
    rooms.close();
    shards.close();
    ticker.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    metrics.close();
  }

  @Test
  void upgrade_onAnyPathButWs_isRefused_neverSwitchesProtocols() {
    String valid = token("alice");
    for (String uri : new String[] {"/ws/", "/ws/?x=1", "/ws/anything", "/ws/anything?token=", "/wsx",
        "/ws/?token=" + valid, "/ws//?token=" + valid}) {
      EmbeddedChannel channel = new EmbeddedChannel(initializer);
      String status = statusLine(channel, uri);
      assertThat(status).as("GET %s", uri).isIn("HTTP/1.1 401 Unauthorized", "HTTP/1.1 404 Not Found");
      assertThat(channel.attr(WsAuthHandler.PRINCIPAL).get()).as("GET %s", uri).isNull();
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void upgrade_onWs_needsAValidToken() {
    for (String uri : new String[] {"/ws", "/ws?token=", "/ws?token=forged", "/ws?x=1"}) {
      EmbeddedChannel channel = new EmbeddedChannel(initializer);
      assertThat(statusLine(channel, uri)).as("GET %s", uri).isEqualTo("HTTP/1.1 401 Unauthorized");
      channel.finishAndReleaseAll();
    }
    EmbeddedChannel channel = new EmbeddedChannel(initializer);
    assertThat(statusLine(channel, "/ws?token=" + token("alice"))).isEqualTo("HTTP/1.1 101 Switching Protocols");
    assertThat(channel.attr(WsAuthHandler.PRINCIPAL).get().viewerId()).isEqualTo("alice");
    channel.finishAndReleaseAll();
  }

  /**
   * Pings are answered by Netty's protocol handler, below the session: they used to bypass
   * the frame limiter, so a client that never reads could queue a pong per ping forever.
   */
  @Test
  void pingFlood_getsABurstOfPongs_thenIsClosedWith1008() {
    EmbeddedChannel channel = new EmbeddedChannel(initializer);
    assertThat(statusLine(channel, "/ws?token=" + token("mallory"))).isEqualTo("HTTP/1.1 101 Switching Protocols");
    // A flood as it arrives from a fast client: 1,000 tiny masked pings in one read.
    ByteBuf flood = Unpooled.buffer();
    for (int i = 0; i < 1000; i++) {
      ByteBuf ping = masked(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {42})));
      flood.writeBytes(ping);
      ping.release();
    }
    channel.writeInbound(flood);
    channel.runPendingTasks();
    List<WebSocketFrame> answers = serverFrames(channel);
    long pongs = answers.stream().filter(f -> f instanceof PongWebSocketFrame).count();
    CloseWebSocketFrame close = (CloseWebSocketFrame) answers.stream().filter(f -> f instanceof CloseWebSocketFrame)
        .findFirst().orElse(null);
    // The burst (40) is answered; the refusals after it are dropped unanswered; then the close.
    assertThat(pongs).isBetween(40L, 45L);
    assertThat(close).as("a close frame").isNotNull();
    assertThat(close.statusCode()).isEqualTo(1008);
    assertThat(channel.isActive()).isFalse();
    answers.forEach(WebSocketFrame::release);
    assertThat(metrics.scrape()).contains("liveshop_gateway_closes_total{reason=\"flood\"} 1.0");
    channel.finishAndReleaseAll();
  }

  /** A client may split a message into fragments (RFC 6455 5.4): the session gets it whole. */
  @Test
  void fragmentedMessage_isActedOnWhole() {
    EmbeddedChannel channel = new EmbeddedChannel(initializer);
    assertThat(statusLine(channel, "/ws?token=" + token("alice"))).isEqualTo("HTTP/1.1 101 Switching Protocols");
    channel.writeInbound(masked(new TextWebSocketFrame(false, 0, "{\"ping\":{\"clientTi")));
    channel.writeInbound(masked(new ContinuationWebSocketFrame(false, 0, "meMs\":")));
    channel.writeInbound(masked(new ContinuationWebSocketFrame(true, 0, "\"7\"}}")));
    channel.runPendingTasks();

    List<WebSocketFrame> answers = serverFrames(channel);
    assertThat(answers).singleElement().isInstanceOf(TextWebSocketFrame.class);
    assertThat(((TextWebSocketFrame) answers.get(0)).text()).contains("\"pong\"").contains("\"clientTimeMs\":\"7\"");
    answers.forEach(WebSocketFrame::release);
    assertThat(channel.isActive()).isTrue();
    channel.finishAndReleaseAll();
  }

  /** The frame size limit (8 KiB here) holds for the whole message, each fragment below it. */
  @Test
  void fragmentedMessage_overTheFrameLimit_closesWith1009() {
    EmbeddedChannel channel = new EmbeddedChannel(initializer);
    assertThat(statusLine(channel, "/ws?token=" + token("alice"))).isEqualTo("HTTP/1.1 101 Switching Protocols");
    String half = "{\"chat\":{\"text\":\"" + "x".repeat(5000);
    channel.writeInbound(masked(new TextWebSocketFrame(false, 0, half)));
    channel.writeInbound(masked(new ContinuationWebSocketFrame(true, 0, "y".repeat(5000) + "\"}}")));
    channel.runPendingTasks();

    List<WebSocketFrame> answers = serverFrames(channel);
    assertThat(answers).singleElement().isInstanceOf(CloseWebSocketFrame.class);
    assertThat(((CloseWebSocketFrame) answers.get(0)).statusCode()).isEqualTo(1009);
    answers.forEach(WebSocketFrame::release);
    assertThat(channel.isActive()).isFalse();
    assertThat(metrics.scrape()).contains("liveshop_gateway_closes_total{reason=\"message-too-big\"} 1.0");
    channel.finishAndReleaseAll();
  }

  /** Each fragment is a frame on the wire: a flood of tiny ones is a flood. */
  @Test
  void fragmentFlood_isClosedWith1008() {
    EmbeddedChannel channel = new EmbeddedChannel(initializer);
    assertThat(statusLine(channel, "/ws?token=" + token("alice"))).isEqualTo("HTTP/1.1 101 Switching Protocols");
    ByteBuf flood = masked(new TextWebSocketFrame(false, 0, "{"));
    for (int i = 0; i < 1000; i++) {
      ByteBuf fragment = masked(new ContinuationWebSocketFrame(false, 0, " "));
      flood.writeBytes(fragment);
      fragment.release();
    }
    channel.writeInbound(flood);
    channel.runPendingTasks();

    List<WebSocketFrame> answers = serverFrames(channel);
    assertThat(answers).singleElement().isInstanceOf(CloseWebSocketFrame.class);
    assertThat(((CloseWebSocketFrame) answers.get(0)).statusCode()).isEqualTo(1008);
    answers.forEach(WebSocketFrame::release);
    assertThat(channel.isActive()).isFalse();
    channel.finishAndReleaseAll();
  }

  /** {@code frame} as a browser sends it: masked, in wire bytes. */
  static ByteBuf masked(WebSocketFrame frame) {
    EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameEncoder(true));
    client.writeOutbound(frame);
    ByteBuf wire = Unpooled.buffer();
    ByteBuf part;
    while ((part = client.readOutbound()) != null) {
      wire.writeBytes(part);
      part.release();
    }
    client.finishAndReleaseAll();
    return wire;
  }

  /** What the gateway wrote since the handshake, decoded as a client does. */
  static List<WebSocketFrame> serverFrames(EmbeddedChannel channel) {
    EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, 1 << 20));
    Object out;
    while ((out = channel.readOutbound()) != null) {
      client.writeInbound(out);
    }
    List<WebSocketFrame> frames = new ArrayList<>();
    WebSocketFrame frame;
    while ((frame = client.readInbound()) != null) {
      frames.add(frame);
    }
    client.finishAndReleaseAll();
    return frames;
  }

  private String token(String viewerId) {
    return tokens.issue(viewerId, Principal.Role.VIEWER, Set.of(), Duration.ofHours(1));
  }

  /** Sends a WebSocket upgrade for {@code uri}; the status line of the answer. */
  static String statusLine(EmbeddedChannel channel, String uri) {
    channel.writeInbound(Unpooled.copiedBuffer("GET " + uri + " HTTP/1.1\r\n"
        + "Host: localhost\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Protocol: liveshop.v1.json\r\n"
        + "\r\n", StandardCharsets.US_ASCII));
    channel.runPendingTasks();
    StringBuilder answer = new StringBuilder();
    Object out;
    while ((out = channel.readOutbound()) != null) {
      if (out instanceof ByteBuf bytes) {
        answer.append(bytes.toString(StandardCharsets.US_ASCII));
      }
      // Closing, Netty's protocol handler also writes a close frame the HTTP codec cannot
      // encode (a socket drops it): not part of the answer.
      ReferenceCountUtil.release(out);
    }
    int end = answer.indexOf("\r\n");
    return end < 0 ? answer.toString() : answer.substring(0, end);
  }
}
