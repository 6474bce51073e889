package dev.liveshop.gateway.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the bytes every connection reads and writes, first in each pipeline (so it sees
 * bytes as they go to and come from the socket). It replaces Netty's
 * {@code GlobalTrafficShapingHandler}, which the gateway used only for its counters: that
 * handler looks up per-channel state in a shared map, takes a lock and updates shared
 * atomics on every write (~18% of the event loops' Java samples in a 10,000-viewer
 * broadcast; the loops' CPU per frame did not move measurably, bench/RESULTS.md). Striped
 * adders cost the loops nothing shared.
 *
 * <p>Threading: sharable; called on every event loop at once.
 */
@Sharable
final class ByteCounter extends ChannelDuplexHandler {

  private final LongAdder read = new LongAdder();
  private final LongAdder written = new LongAdder();

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    read.add(size(msg));
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    // Counted when handed to the socket's queue; a write that fails later is still counted.
    written.add(size(msg));
    ctx.write(msg, promise);
  }

  long readBytes() {
    return read.sum();
  }

  long writtenBytes() {
    return written.sum();
  }

  private static long size(Object msg) {
    if (msg instanceof ByteBuf buf) {
      return buf.readableBytes();
    }
    return msg instanceof ByteBufHolder holder ? holder.content().readableBytes() : 0;
  }
}
