package dev.liveshop.gateway.netty;

import dev.liveshop.gateway.metrics.GatewayMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;

/**
 * Joins a fragmented message (a non-final text or binary frame, then continuation frames)
 * into one frame before the session decodes it, so it never acts on part of a message. The
 * whole message is held to the same size limit as a single frame; over it the socket is
 * closed with 1009, as the protocol handler does for a single frame above the limit.
 *
 * <p>Threading: one instance per channel, on its event loop.
 */
final class FragmentAggregator extends WebSocketFrameAggregator {

  private final int maxMessageBytes;
  private final GatewayMetrics metrics;

  FragmentAggregator(int maxMessageBytes, GatewayMetrics metrics) {
    super(maxMessageBytes);
    this.maxMessageBytes = maxMessageBytes;
    this.metrics = metrics;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, WebSocketFrame oversized) {
    metrics.closed("message-too-big");
    ctx.channel().writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG,
        "message above " + maxMessageBytes + " bytes")).addListener(f -> ctx.channel().close());
  }
}
