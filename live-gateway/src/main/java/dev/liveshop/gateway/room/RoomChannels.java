package dev.liveshop.gateway.room;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.buffer.ByteBuf;
import dev.liveshop.gateway.metrics.GatewayMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The channels of a room, grouped by the event loop that owns them, so that a broadcast
 * is one task per event loop (not one per channel): the loop writes the same bytes to each
 * of its channels (retained duplicates), then flushes them all. With 10,000 viewers on 4
 * loops a chat batch costs 4 task hand-offs and wake-ups instead of 10,000.
 *
 * <p>Threading: not thread-safe; the owning {@link Room} calls it under its monitor. The
 * tasks it submits read only the arrays copied for them.
 */
final class RoomChannels {

  private final Map<EventLoop, List<Channel>> byLoop = new HashMap<>();
  private final GatewayMetrics metrics;
  private int size;
  /** Broadcast tasks submitted and not yet finished, over all loops (decremented on the loops). */
  private final AtomicInteger writing = new AtomicInteger();

  RoomChannels(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  void add(Channel channel) {
    List<Channel> channels = byLoop.computeIfAbsent(channel.eventLoop(), loop -> new ArrayList<>());
    if (!channels.contains(channel)) {
      channels.add(channel);
      size++;
    }
  }

  void remove(Channel channel) {
    List<Channel> channels = byLoop.get(channel.eventLoop());
    if (channels != null && channels.remove(channel)) {
      size--;
      if (channels.isEmpty()) {
        byLoop.remove(channel.eventLoop());
      }
    }
  }

  int size() {
    return size;
  }

  /** Whether an earlier broadcast is still being written by some loop. */
  boolean writing() {
    return writing.get() > 0;
  }

  /**
   * Writes {@code frame}, a whole WebSocket frame as bytes ({@code FrameCodec.encodeWire}),
   * to every channel (to writable ones only when {@code writableOnly}) and releases it once
   * all loops are done with it.
   */
  void broadcast(ByteBuf frame, boolean writableOnly) {
    try {
      for (Map.Entry<EventLoop, List<Channel>> entry : byLoop.entrySet()) {
        Channel[] channels = entry.getValue().toArray(new Channel[0]);
        ByteBuf shared = frame.retain();
        writing.incrementAndGet();
        entry.getKey().execute(() -> {
          try {
            for (Channel channel : channels) {
              if (!channel.isActive()) {
                continue;
              }
              if (!writableOnly || channel.isWritable()) {
                channel.write(shared.retainedDuplicate(), channel.voidPromise());
              } else {
                metrics.chatSkipped();
              }
            }
            for (Channel channel : channels) {
              channel.flush();
            }
          } finally {
            shared.release();
            writing.decrementAndGet();
          }
        });
      }
    } finally {
      frame.release();
    }
  }
}
