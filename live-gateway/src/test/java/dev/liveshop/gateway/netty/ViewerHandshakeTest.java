package dev.liveshop.gateway.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.gateway.auth.Principal;
import dev.liveshop.gateway.protocol.Wire;
import dev.liveshop.proto.v1.Chat;
import dev.liveshop.proto.v1.ClientFrame;
import dev.liveshop.proto.v1.ErrorCode;
import dev.liveshop.proto.v1.Join;
import dev.liveshop.proto.v1.ServerFrame;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket handshake's end and the two subprotocols: which handlers stay, who may
 * stay, and which frame kind each subprotocol takes (the other closes with 1003).
 *
 * <p>The session and its stand-in live-core are {@link ViewerSessionFixture}'s.
 */
class ViewerHandshakeTest extends ViewerSessionFixture {

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
}
