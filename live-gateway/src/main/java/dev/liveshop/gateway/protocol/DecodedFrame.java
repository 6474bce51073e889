package dev.liveshop.gateway.protocol;

import dev.liveshop.proto.v1.ClientFrame;
import dev.liveshop.proto.v1.ErrorCode;
import dev.liveshop.proto.v1.ServerFrame;

/** A decoded client frame, or the error frame that answers it. Exactly one is set. */
public record DecodedFrame(ClientFrame frame, ServerFrame error) {

  static DecodedFrame ok(ClientFrame frame) {
    return new DecodedFrame(frame, null);
  }

  static DecodedFrame error(String requestId, ErrorCode code, String message) {
    return new DecodedFrame(null, FrameCodec.error(requestId, code, message));
  }

  public boolean isError() {
    return error != null;
  }
}
