package dev.liveshop.gateway.protocol;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.liveshop.proto.v1.ClientFrame;
import dev.liveshop.proto.v1.ErrorCode;
import dev.liveshop.proto.v1.ServerFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * The frames of both subprotocols ({@link Wire}): ClientFrames in, ServerFrames out, as
 * proto3 JSON text or binary protobuf, validated the same way. Decoding never throws: bad input becomes a {@link DecodedFrame}
 * carrying a typed error. Stateless and thread-safe.
 */
public final class FrameCodec {

  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  private final int maxChatChars;

  public FrameCodec(int maxChatChars) {
    this.maxChatChars = maxChatChars;
  }

  /** A text frame of liveshop.v1.json. */
  public DecodedFrame decode(String json) {
    ClientFrame.Builder builder = ClientFrame.newBuilder();
    try {
      PARSER.merge(json, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return DecodedFrame.error("", ErrorCode.ERROR_CODE_MALFORMED_FRAME,
          "not a ClientFrame in JSON: " + firstLine(e.getMessage()));
    }
    return validate(builder.build());
  }

  /** A binary frame of liveshop.v1.proto. */
  public DecodedFrame decode(ByteBuf bytes) {
    ClientFrame frame;
    try {
      frame = ClientFrame.parseFrom(bytes.nioBuffer());
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return DecodedFrame.error("", ErrorCode.ERROR_CODE_MALFORMED_FRAME,
          "not a ClientFrame in binary protobuf: " + firstLine(e.getMessage()));
    }
    return validate(frame);
  }

  private DecodedFrame validate(ClientFrame frame) {
    String requestId = frame.getRequestId();
    if (requestId.length() > 64) {
      return DecodedFrame.error("", ErrorCode.ERROR_CODE_INVALID_FIELD, "requestId is longer than 64 characters");
    }
    String problem = switch (frame.getKindCase()) {
      case KIND_NOT_SET -> null;
      case JOIN -> frame.getJoin().getStreamId().isEmpty() ? "join.streamId is required" : "";
      case LEAVE, PING, LIKE -> "";
      case CHAT -> {
        String text = frame.getChat().getText();
        if (text.isBlank()) {
          yield "chat.text is required";
        }
        yield text.codePointCount(0, text.length()) > maxChatChars
            ? "chat.text is longer than " + maxChatChars + " characters" : "";
      }
      case BUY -> buyProblem(frame);
      case PAY -> orderIdProblem("pay.orderId", frame.getPay().getOrderId());
      case CANCEL -> orderIdProblem("cancel.orderId", frame.getCancel().getOrderId());
    };
    if (problem == null) {
      return DecodedFrame.error(requestId, ErrorCode.ERROR_CODE_UNKNOWN_FRAME_TYPE,
          "unknown frame type; expected one of join, leave, chat, like, buy, pay, cancel, ping");
    }
    if (!problem.isEmpty()) {
      return DecodedFrame.error(requestId, ErrorCode.ERROR_CODE_INVALID_FIELD, problem);
    }
    return DecodedFrame.ok(frame);
  }

  private static String orderIdProblem(String field, String orderId) {
    return orderId.isEmpty() || orderId.length() > 64 ? field + " is required (the orderId of an OrderAck)" : "";
  }

  private static String buyProblem(ClientFrame frame) {
    var buy = frame.getBuy();
    if (buy.getSaleId().isEmpty()) {
      return "buy.saleId is required";
    }
    if (buy.getClientOrderId().isEmpty() || buy.getClientOrderId().length() > 64) {
      return "buy.clientOrderId is required, 1..64 characters; reuse it when retrying";
    }
    if (buy.getQuantity() < 1) {
      return "buy.quantity must be at least 1";
    }
    return "";
  }

  /** Encodes once; the caller may write the frame to many channels (retained duplicates). */
  /** A frame for one viewer, in the subprotocol its channel chose. */
  public static WebSocketFrame encode(ServerFrame frame, Channel channel) {
    return Wire.of(channel) == Wire.PROTO
        ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame.toByteArray()))
        : encode(frame, channel.alloc());
  }

  public static TextWebSocketFrame encode(ServerFrame frame, ByteBufAllocator alloc) {
    return new TextWebSocketFrame(ByteBufUtil.writeUtf8(alloc, toJson(frame)));
  }

  /**
   * The whole WebSocket text frame as it goes on the wire, for broadcasts: a server's frames
   * are unmasked, so the bytes are the same for every viewer, and writing them as a ByteBuf
   * (which Netty's frame encoder passes through) spares each channel the encoder's header
   * allocation and payload copy. Only for connections without extensions (no compression).
   */
  public static ByteBuf encodeWire(ServerFrame frame, Wire kind, ByteBufAllocator alloc) {
    String json = kind == Wire.JSON ? toJson(frame) : null;
    byte[] binary = kind == Wire.PROTO ? frame.toByteArray() : null;
    int length = json != null ? ByteBufUtil.utf8Bytes(json) : binary.length;
    int header = length < 126 ? 2 : length < 65536 ? 4 : 10;
    ByteBuf wire = alloc.buffer(header + length);
    wire.writeByte(json != null ? 0x81 : 0x82); // FIN, text or binary
    if (length < 126) {
      wire.writeByte(length);
    } else if (length < 65536) {
      wire.writeByte(126).writeShort(length);
    } else {
      wire.writeByte(127).writeLong(length);
    }
    if (json != null) {
      ByteBufUtil.writeUtf8(wire, json);
    } else {
      wire.writeBytes(binary);
    }
    return wire;
  }

  public static String toJson(ServerFrame frame) {
    try {
      return PRINTER.print(frame);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("ServerFrame cannot be printed as JSON", e);
    }
  }

  public static ServerFrame error(String requestId, ErrorCode code, String message) {
    return ServerFrame.newBuilder().setError(dev.liveshop.proto.v1.Error.newBuilder()
        .setRequestId(requestId).setCode(code).setMessage(message)).build();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
