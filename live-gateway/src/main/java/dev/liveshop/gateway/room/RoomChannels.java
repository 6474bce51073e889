package dev.liveshop.gateway.room;

import dev.liveshop.gateway.metrics.GatewayMetrics;
import dev.liveshop.gateway.protocol.FrameCodec;
import dev.liveshop.gateway.protocol.Wire;
import dev.liveshop.gateway.protocol.WireOut;
import dev.liveshop.proto.v1.ServerFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The channels of a room, grouped by the event loop that owns them, so that a broadcast
 * is one task per event loop (not one per channel): the loop writes the same bytes to each
 * of its channels (retained duplicates, entering each pipeline where wire frames do,
 * {@link WireOut}), then flushes them all. With 10,000 viewers on 4 loops a chat batch
 * costs 4 task hand-offs and wake-ups instead of 10,000.
 *
 * <p>Threading: not thread-safe; the owning {@link Room} calls it under its monitor. The
 * tasks it submits read only the arrays copied for them, and each channel's membership
 * attribute, which its joins and leaves set on the same event loop the task runs on.
 */
final class RoomChannels {

  /** How long a viewer cut off for its backlog has to read the close frame queued behind it. */
  static final long CUT_OFF_GRACE_SECONDS = 5;
  private static final AttributeKey<Boolean> CUT_OFF = AttributeKey.valueOf("liveshop.cut-off");
  /**
   * The channel's current membership: the {@link Member} its last {@code add} made, until
   * its {@code remove}. A broadcast task writes to a member only if it still is this one: a
   * viewer that left (for another room, or to rejoin this one with a fresh welcome) after
   * the broadcast copied the members and before its loop ran the task gets nothing of it.
   */
  private static final AttributeKey<Member> MEMBERSHIP = AttributeKey.valueOf("liveshop.room-membership");

  /** Insertion-ordered maps: joining and leaving stay O(1) in a room of 10,000. */
  private final Map<EventLoop, Map<Channel, Member>> byLoop = new HashMap<>();

  /** Channels on liveshop.v1.proto: each encoding is made only when some channel uses it. */
  private int binary;
  private final GatewayMetrics metrics;
  private final long maxBacklogBytes;
  /** The naive fan-out (benchmark baseline only): encode per viewer, write and flush each. */
  private final boolean perViewer;
  private int size;
  /** Broadcast tasks submitted and not yet finished, over all loops (decremented on the loops). */
  private final AtomicInteger writing = new AtomicInteger();

  RoomChannels(GatewayMetrics metrics, long maxBacklogBytes, boolean perViewer) {
    this.metrics = metrics;
    this.maxBacklogBytes = maxBacklogBytes;
    this.perViewer = perViewer;
  }

  void add(Channel channel) {
    Map<Channel, Member> members = byLoop.computeIfAbsent(channel.eventLoop(), loop -> new LinkedHashMap<>());
    if (!members.containsKey(channel)) {
      Member member = Member.of(channel);
      members.put(channel, member);
      channel.attr(MEMBERSHIP).set(member);
      size++;
      binary += member.wire() == Wire.PROTO ? 1 : 0;
    }
  }

  void remove(Channel channel) {
    Map<Channel, Member> channels = byLoop.get(channel.eventLoop());
    Member member = channels == null ? null : channels.remove(channel);
    if (member != null) {
      channel.attr(MEMBERSHIP).compareAndSet(member, null);
      size--;
      binary -= member.wire() == Wire.PROTO ? 1 : 0;
      if (channels.isEmpty()) {
        byLoop.remove(channel.eventLoop());
      }
    }
  }

  private static long backlog(Channel channel) {
    ChannelOutboundBuffer queued = channel.unsafe().outboundBuffer();
    return queued == null ? 0 : queued.totalPendingWriteBytes();
  }

  int size() {
    return size;
  }

  /** Whether an earlier broadcast is still being written by some loop. */
  boolean writing() {
    return writing.get() > 0;
  }

  /**
   * Writes {@code frames} to every channel, in order, as one flush per channel (one write
   * syscall, where the kernel takes it); a frame marked {@code writableOnly} only to channels
   * that are writable when the loop reaches them. Each frame is encoded once per subprotocol
   * in use as a whole WebSocket frame ({@code FrameCodec.encodeWire}), released once all
   * loops are done with it.
   */
  void broadcast(List<Outgoing> frames) {
    if (perViewer) {
      broadcastPerViewer(frames);
      return;
    }
    // Each encoding only when some viewer speaks it: a room of apps on liveshop.v1.proto pays no JSON.
    ByteBuf[] json = size > binary ? encodeAll(frames, Wire.JSON) : null;
    ByteBuf[] proto = binary > 0 ? encodeAll(frames, Wire.PROTO) : null;
    Outgoing[] kinds = frames.toArray(new Outgoing[0]);
    try {
      for (Map.Entry<EventLoop, Map<Channel, Member>> entry : byLoop.entrySet()) {
        Member[] members = entry.getValue().values().toArray(new Member[0]);
        ByteBuf[] sharedJson = retainAll(json);
        ByteBuf[] sharedProto = retainAll(proto);
        writing.incrementAndGet();
        Runnable done = () -> {
          releaseAll(sharedJson);
          releaseAll(sharedProto);
          writing.decrementAndGet();
        };
        try {
          entry.getKey().execute(() -> {
            try {
              writeAll(members, sharedJson, sharedProto, kinds);
            } finally {
              done.run();
            }
          });
        } catch (RejectedExecutionException e) {
          // The loop has shut down, its channels with it: nothing to write there, and the
          // room's later ticks must not wait for this broadcast.
          done.run();
        }
      }
    } finally {
      releaseAll(json);
      releaseAll(proto);
    }
  }

  /**
   * The naive way, kept as the benchmarks' baseline: each frame encoded here for each viewer
   * and handed to the viewer's loop as a task of its own, written and flushed there. The loop
   * writes it only if the viewer is still the member it was here (as {@link #writeAll} does),
   * so a viewer that switched rooms meanwhile gets nothing of the old room after its welcome.
   */
  private void broadcastPerViewer(List<Outgoing> frames) {
    for (Map<Channel, Member> members : byLoop.values()) {
      for (Member member : members.values()) {
        Channel channel = member.channel();
        for (Outgoing frame : frames) {
          if (channel.isActive() && (!frame.writableOnly() || channel.isWritable())) {
            writeAndFlushIfMember(member, FrameCodec.encode(frame.message(), channel));
          }
        }
      }
    }
  }

  private static void writeAndFlushIfMember(Member member, WebSocketFrame frame) {
    Channel channel = member.channel();
    try {
      channel.eventLoop().execute(() -> {
        if (channel.isActive() && member.current()) {
          channel.writeAndFlush(frame, channel.voidPromise());
        } else {
          frame.release();
        }
      });
    } catch (RejectedExecutionException e) {
      frame.release(); // the loop has shut down, its channels with it
    }
  }

  /** On the members' event loop: every frame to every member that takes it, then one flush each. */
  private void writeAll(Member[] members, ByteBuf[] json, ByteBuf[] proto, Outgoing[] kinds) {
    int written = 0;
    for (Member member : members) {
      Channel channel = member.channel();
      if (!channel.isActive() || !member.current()) {
        continue;
      }
      boolean writable = channel.isWritable();
      if (!writable && backlog(channel) > maxBacklogBytes) {
        cutOff(member);
        continue;
      }
      ByteBuf[] wires = member.wire() == Wire.PROTO ? proto : json;
      for (int i = 0; i < wires.length; i++) {
        if (writable || !kinds[i].writableOnly()) {
          member.out().writes().write(wires[i].retainedDuplicate(), channel.voidPromise());
          written++;
        } else if (kinds[i].message().hasChat()) {
          metrics.chatSkipped();
        }
      }
    }
    for (Member member : members) {
      if (member.current()) {
        member.out().flushes().flush();
      }
    }
    metrics.framesOut(written);
  }

  /**
   * A viewer that stopped reading: its queue would only grow. It is sent a close frame with
   * the reason, behind its backlog (a client that reads again within the grace learns why),
   * and its socket is closed once that frame is out or the grace is over. It reconnects and
   * resumes, or gets a fresh welcome. Later broadcasts skip it.
   */
  private void cutOff(Member member) {
    Channel channel = member.channel();
    if (channel.attr(CUT_OFF).setIfAbsent(Boolean.TRUE) != null) {
      return;
    }
    metrics.closed("slow-viewer");
    member.out().writes().writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION,
        "too far behind the room: reconnect")).addListener(sent -> channel.close());
    channel.eventLoop().schedule(() -> channel.close(), CUT_OFF_GRACE_SECONDS, TimeUnit.SECONDS);
  }

  private static ByteBuf[] encodeAll(List<Outgoing> frames, Wire wire) {
    ByteBuf[] encoded = new ByteBuf[frames.size()];
    for (int i = 0; i < encoded.length; i++) {
      encoded[i] = FrameCodec.encodeWire(frames.get(i).message(), wire, ByteBufAllocator.DEFAULT);
    }
    return encoded;
  }

  private static ByteBuf[] retainAll(ByteBuf[] buffers) {
    if (buffers != null) {
      for (ByteBuf buffer : buffers) {
        buffer.retain();
      }
    }
    return buffers;
  }

  private static void releaseAll(ByteBuf[] buffers) {
    if (buffers != null) {
      for (ByteBuf buffer : buffers) {
        ReferenceCountUtil.release(buffer);
      }
    }
  }

  /** A frame for the whole room, and whether a viewer whose socket is backed up skips it. */
  record Outgoing(ServerFrame message, boolean writableOnly) {}

  /** A viewer as a broadcast needs it, looked up once at join rather than per frame. */
  private record Member(Channel channel, Wire wire, WireOut out) {
    static Member of(Channel channel) {
      return new Member(channel, Wire.of(channel), WireOut.of(channel));
    }

    /**
     * Whether the channel is still this member: the one rule by which a broadcast, copied
     * when the room sent it and written later on the channel's loop, skips a viewer that
     * left since (for another room, or to rejoin this one with a fresh welcome).
     */
    boolean current() {
      return channel.attr(MEMBERSHIP).get() == this;
    }
  }
}
