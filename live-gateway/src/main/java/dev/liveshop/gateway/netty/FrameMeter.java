package dev.liveshop.gateway.netty;

import dev.liveshop.gateway.metrics.GatewayMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * Counts a connection into the metrics once its WebSocket handshake is done, and its
 * frames each way. Sits after the protocol handler: inbound it sees decoded frames,
 * outbound every frame written from above (replies as WebSocketFrame, room broadcasts as
 * wire bytes). Sharable and stateless.
 */
@ChannelHandler.Sharable
final class FrameMeter extends ChannelDuplexHandler {

  private final GatewayMetrics metrics;

  FrameMeter(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      metrics.connected(ctx.channel());
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof WebSocketFrame) {
      metrics.frameIn();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof WebSocketFrame || msg instanceof ByteBuf) {
      metrics.framesOut(1);
    }
    ctx.write(msg, promise);
  }
}
