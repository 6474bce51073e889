package dev.liveshop.gateway.protocol;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * The two subprotocols of {@code /ws}: the same ClientFrame and ServerFrame messages as
 * proto3 JSON in text frames, or as binary protobuf in binary frames (smaller and ~9x
 * cheaper to encode; for native apps). Chosen by the client at the handshake.
 */
public enum Wire {
  JSON("liveshop.v1.json"),
  PROTO("liveshop.v1.proto");

  /** The subprotocol a channel's handshake selected; absent means JSON. */
  public static final AttributeKey<Wire> OF_CHANNEL = AttributeKey.valueOf("liveshop.wire");

  private final String subprotocol;

  Wire(String subprotocol) {
    this.subprotocol = subprotocol;
  }

  public String subprotocol() {
    return subprotocol;
  }

  /** The wire of a selected subprotocol (null, when the client asked for none, is JSON). */
  public static Wire of(String subprotocol) {
    return PROTO.subprotocol.equals(subprotocol) ? PROTO : JSON;
  }

  public static Wire of(Channel channel) {
    Wire wire = channel.attr(OF_CHANNEL).get();
    return wire == null ? JSON : wire;
  }
}
