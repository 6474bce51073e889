package dev.liveshop.gateway.netty;

import dev.liveshop.gateway.metrics.GatewayMetrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes a connection at once when its address already has {@code limit} open: one host
 * cannot take the gateway's sockets from everyone else. First in the pipeline; counts
 * are per address and dropped when they reach zero.
 *
 * <p>Threading: shared by all channels; the map is concurrent and each count is changed
 * atomically in {@code compute}.
 */
@ChannelHandler.Sharable
final class ConnectionsPerIp extends ChannelInboundHandlerAdapter {

  private final int limit;
  private final GatewayMetrics metrics;
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

  ConnectionsPerIp(int limit, GatewayMetrics metrics) {
    this.limit = limit;
    this.metrics = metrics;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    String address = address(ctx);
    boolean[] admitted = {false};
    open.compute(address, (a, count) -> {
      int now = count == null ? 0 : count;
      admitted[0] = now < limit;
      return admitted[0] ? now + 1 : (now == 0 ? null : now);
    });
    if (!admitted[0]) {
      metrics.closed("too-many-connections");
      ctx.close();
      return;
    }
    ctx.channel().closeFuture().addListener(closed -> open.computeIfPresent(address,
        (a, count) -> count <= 1 ? null : count - 1));
    super.channelActive(ctx);
  }

  private static String address(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress inet
        ? inet.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
  }
}
