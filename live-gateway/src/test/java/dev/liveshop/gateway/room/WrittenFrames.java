package dev.liveshop.gateway.room;

import dev.liveshop.proto.v1.ServerFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import java.util.ArrayList;
import java.util.List;

/** What a room wrote to a binary-subprotocol viewer on an EmbeddedChannel, for room tests. */
final class WrittenFrames {

  private WrittenFrames() {}

  /** Every frame written to {@code viewer} since the last call: broadcasts are whole WebSocket frames in bytes. */
  static List<ServerFrame> drain(EmbeddedChannel viewer) throws Exception {
    List<ServerFrame> frames = new ArrayList<>();
    Object written;
    while ((written = viewer.readOutbound()) != null) {
      frames.add(parse(written));
    }
    return frames;
  }

  /**
   * One written frame, released: a {@link BinaryWebSocketFrame} (a welcome, a per-viewer
   * broadcast) or a whole WebSocket frame in bytes (a shared broadcast).
   */
  static ServerFrame parse(Object written) throws Exception {
    if (written instanceof ByteBuf wire) {
      EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, 1 << 20));
      client.writeInbound(wire);
      written = client.readInbound();
      client.finishAndReleaseAll();
    }
    BinaryWebSocketFrame binary = (BinaryWebSocketFrame) written;
    try {
      return ServerFrame.parseFrom(binary.content().nioBuffer());
    } finally {
      binary.release();
    }
  }
}
