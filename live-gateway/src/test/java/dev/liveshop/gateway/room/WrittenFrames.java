package dev.liveshop.gateway.room;

import dev.liveshop.proto.v1.ServerFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;

/** What the gateway wrote to a viewer, as the viewer's client reads it, for the gateway's tests. */
public final class WrittenFrames {

  private WrittenFrames() {}

  /** Every frame written to a binary-subprotocol {@code viewer} since the last call. */
  static List<ServerFrame> drain(EmbeddedChannel viewer) throws Exception {
    List<ServerFrame> frames = new ArrayList<>();
    Object written;
    while ((written = viewer.readOutbound()) != null) {
      frames.add(parse(written));
    }
    return frames;
  }

  /**
   * One written binary frame, released: a {@link BinaryWebSocketFrame} (a welcome, a
   * per-viewer broadcast) or a whole WebSocket frame in bytes (a shared broadcast).
   */
  public static ServerFrame parse(Object written) throws Exception {
    BinaryWebSocketFrame binary = (BinaryWebSocketFrame) unwire(written);
    try {
      return ServerFrame.parseFrom(binary.content().nioBuffer());
    } finally {
      binary.release();
    }
  }

  /**
   * A written frame as the client reads it: a room's broadcast is a whole WebSocket frame in
   * bytes ({@code FrameCodec.encodeWire}), decoded here; a frame is itself; null is null.
   */
  public static WebSocketFrame unwire(Object written) {
    if (!(written instanceof ByteBuf wire)) {
      return (WebSocketFrame) written;
    }
    EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, 1 << 20));
    client.writeInbound(wire);
    WebSocketFrame frame = client.readInbound();
    client.finishAndReleaseAll();
    return frame;
  }
}
