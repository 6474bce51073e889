package dev.liveshop.gateway.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.gateway.metrics.GatewayMetrics;
import dev.liveshop.gateway.protocol.WireOut;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where broadcasts enter an upgraded viewer pipeline: below the frame meter, above the protocol handler. */
class WireOutTest {

  private final GatewayMetrics metrics = new GatewayMetrics(() -> 0);
  private final EmbeddedChannel viewer = new EmbeddedChannel(new WebSocket13FrameEncoder(false),
      new WebSocketServerProtocolHandler("/ws"), new FrameMeter(metrics));
  /** A whole text frame "hi", as FrameCodec.encodeWire makes them. */
  private final ByteBuf wireFrame = Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, 2, 'h', 'i'});

  @AfterEach
  void close() {
    wireFrame.release();
    viewer.finishAndReleaseAll();
    metrics.close();
  }

  @Test
  void upgraded_wireFramesGoOutAsTheyAre() {
    GatewayInitializer.upgraded(viewer.pipeline());
    WireOut out = WireOut.of(viewer);
    assertThat(out.writes()).isNotSameAs(viewer);

    out.writes().write(wireFrame.retainedDuplicate(), viewer.voidPromise());
    out.flushes().flush();

    ByteBuf sent = viewer.readOutbound();
    assertThat(ByteBufUtil.getBytes(sent)).containsExactly(0x81, 2, 'h', 'i');
    sent.release();
  }

  @Test
  void upgraded_noWireFrameGoesOutAfterACloseFrame() {
    GatewayInitializer.upgraded(viewer.pipeline());
    WireOut out = WireOut.of(viewer);
    viewer.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION, "flood"));
    for (Object sent = viewer.readOutbound(); sent != null; sent = viewer.readOutbound()) {
      ((ByteBuf) sent).release();
    }

    ChannelFuture late = out.writes().write(wireFrame.retainedDuplicate());
    out.flushes().flush();

    assertThat(late.cause()).isInstanceOf(ClosedChannelException.class);
    assertThat((Object) viewer.readOutbound()).isNull();
    assertThat(wireFrame.refCnt()).as("the refused duplicate was released").isEqualTo(1);
  }
}
