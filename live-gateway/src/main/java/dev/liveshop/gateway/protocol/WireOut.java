package dev.liveshop.gateway.protocol;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.util.AttributeKey;

/**
 * Where a viewer's wire frames (whole WebSocket frames, {@link FrameCodec#encodeWire}) enter
 * its pipeline, set once its handshake is done: writes at the WebSocket protocol handler,
 * which still refuses frames once a close frame went out, and flushes under the encoder,
 * which only passes bytes through. A broadcast to 10,000 viewers so skips the handlers
 * above, each a pipeline context that is a cache miss per viewer per frame.
 *
 * @param writes where a wire frame is written
 * @param flushes where the viewer's written frames are flushed
 */
public record WireOut(ChannelOutboundInvoker writes, ChannelOutboundInvoker flushes) {

  public static final AttributeKey<WireOut> OF_CHANNEL = AttributeKey.valueOf("liveshop.wire-out");

  /** The channel's entry points, or the whole pipeline when none were set (a test channel). */
  public static WireOut of(Channel channel) {
    WireOut out = channel.attr(OF_CHANNEL).get();
    return out != null ? out : new WireOut(channel, channel);
  }
}
