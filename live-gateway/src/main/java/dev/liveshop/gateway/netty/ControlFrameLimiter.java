package dev.liveshop.gateway.netty;

import dev.liveshop.gateway.metrics.GatewayMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * Charges ping and pong frames to the connection's frame limiter. Netty's protocol handler
 * answers a ping with a pong itself, below the session, so this sits in front of it: a
 * ping over the rate is dropped unanswered, and a client that keeps flooding is closed with
 * 1008, as for data frames. A client that never reads so queues at most a burst of pongs.
 * Data frames pass; the session charges them to the same limiter.
 *
 * <p>Threading: one instance per channel (it shares the session's limiter), on its event loop.
 */
final class ControlFrameLimiter extends ChannelInboundHandlerAdapter {

  private final FrameRateLimiter limiter;
  private final GatewayMetrics metrics;

  ControlFrameLimiter(FrameRateLimiter limiter, GatewayMetrics metrics) {
    this.limiter = limiter;
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof PingWebSocketFrame || msg instanceof PongWebSocketFrame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    switch (limiter.onFrame(System.nanoTime())) {
      case ALLOW -> ctx.fireChannelRead(msg);
      case REFUSE -> ReferenceCountUtil.release(msg);
      case CLOSE -> {
        ReferenceCountUtil.release(msg);
        metrics.closed("flood");
        // From the tail, through the protocol handler: it then refuses any later pong.
        ctx.channel().writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION,
            "frame flood: slow down and reconnect")).addListener(f -> ctx.channel().close());
      }
    }
  }
}
