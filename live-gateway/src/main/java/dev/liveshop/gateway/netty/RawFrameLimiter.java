package dev.liveshop.gateway.netty;

import dev.liveshop.gateway.metrics.GatewayMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * Charges to the connection's frame limiter the frames its session never sees one by one:
 * pings and pongs, which Netty's protocol handler answers or drops itself, and the
 * continuation fragments the aggregator joins to the frame that starts a message (the
 * session charges that one). It sits in front of the protocol handler. A ping over the rate
 * is dropped unanswered, so a client that never reads queues at most a burst of pongs; a
 * fragment over the rate still passes (dropping it would corrupt its message) but counts
 * toward the run of refusals; either way a client that keeps flooding is closed with 1008,
 * as for data frames.
 *
 * <p>Threading: one instance per channel (it shares the session's limiter), on its event loop.
 */
final class RawFrameLimiter extends ChannelInboundHandlerAdapter {

  private final FrameRateLimiter limiter;
  private final GatewayMetrics metrics;

  RawFrameLimiter(FrameRateLimiter limiter, GatewayMetrics metrics) {
    this.limiter = limiter;
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    boolean control = msg instanceof PingWebSocketFrame || msg instanceof PongWebSocketFrame;
    if (!control && !(msg instanceof ContinuationWebSocketFrame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    switch (limiter.onFrame(System.nanoTime())) {
      case ALLOW -> ctx.fireChannelRead(msg);
      case REFUSE -> {
        if (control) {
          ReferenceCountUtil.release(msg);
        } else {
          ctx.fireChannelRead(msg);
        }
      }
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
