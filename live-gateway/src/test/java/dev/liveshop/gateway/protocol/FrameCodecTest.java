package dev.liveshop.gateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.proto.v1.ChatBatch;
import dev.liveshop.proto.v1.ChatMessage;
import dev.liveshop.proto.v1.ClientFrame;
import dev.liveshop.proto.v1.ErrorCode;
import dev.liveshop.proto.v1.ServerFrame;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

  private final FrameCodec codec = new FrameCodec(10);

  @Test
  void decode_everyKind_roundTrips() {
    assertThat(codec.decode("{\"join\":{\"streamId\":\"demo\"}}").frame().getJoin().getStreamId()).isEqualTo("demo");
    assertThat(codec.decode("{\"leave\":{}}").frame().getKindCase()).isEqualTo(ClientFrame.KindCase.LEAVE);
    assertThat(codec.decode("{\"chat\":{\"text\":\"hi\"}}").frame().getChat().getText()).isEqualTo("hi");
    assertThat(codec.decode("{\"ping\":{\"clientTimeMs\":\"5\"}}").frame().getPing().getClientTimeMs()).isEqualTo(5);
    ClientFrame buy = codec.decode("{\"requestId\":\"r\",\"buy\":{\"saleId\":\"s\",\"quantity\":2,"
        + "\"clientOrderId\":\"c\"}}").frame();
    assertThat(buy.getBuy().getQuantity()).isEqualTo(2);
    assertThat(buy.getRequestId()).isEqualTo("r");
  }

  @Test
  void encodeWire_isTheFrameNettysDecoderReads_atEveryLengthEncoding() throws Exception {
    for (int chars : new int[] {10, 200, 70_000}) {
      ServerFrame frame = ServerFrame.newBuilder().setChat(ChatBatch.newBuilder().addMessages(
          ChatMessage.newBuilder().setText("é".repeat(chars)))).build();
      EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, 1 << 20));
      client.writeInbound(FrameCodec.encodeWire(frame, Wire.JSON, ByteBufAllocator.DEFAULT));
      TextWebSocketFrame read = client.readInbound();
      assertThat(read.isFinalFragment()).isTrue();
      assertThat(read.text()).isEqualTo(FrameCodec.toJson(frame));
      read.release();
      client.writeInbound(FrameCodec.encodeWire(frame, Wire.PROTO, ByteBufAllocator.DEFAULT));
      BinaryWebSocketFrame binary = client.readInbound();
      assertThat(ServerFrame.parseFrom(binary.content().nioBuffer())).isEqualTo(frame);
      binary.release();
      assertThat(client.finishAndReleaseAll()).isFalse();
    }
  }

  @Test
  void decodeBinary_validatesLikeJson_garbageIsMalformed() {
    ClientFrame buy = ClientFrame.newBuilder().setRequestId("r").setBuy(dev.liveshop.proto.v1.Buy.newBuilder()
        .setSaleId("s").setQuantity(1).setClientOrderId("c")).build();
    assertThat(codec.decode(Unpooled.wrappedBuffer(buy.toByteArray())).frame()).isEqualTo(buy);
    assertThat(codec.decode(Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, 0x01, 0x02})).error().getError()
        .getCode()).isEqualTo(ErrorCode.ERROR_CODE_MALFORMED_FRAME);
    ClientFrame noQuantity = buy.toBuilder().setBuy(buy.getBuy().toBuilder().setQuantity(0)).build();
    assertThat(codec.decode(Unpooled.wrappedBuffer(noQuantity.toByteArray())).error().getError().getCode())
        .isEqualTo(ErrorCode.ERROR_CODE_INVALID_FIELD);
    assertThat(codec.decode(Unpooled.EMPTY_BUFFER).error().getError().getCode())
        .isEqualTo(ErrorCode.ERROR_CODE_UNKNOWN_FRAME_TYPE);
  }

  @Test
  void decode_badInput_isTypedError() {
    assertCode("{oops", ErrorCode.ERROR_CODE_MALFORMED_FRAME);
    assertCode("[]", ErrorCode.ERROR_CODE_MALFORMED_FRAME);
    assertCode("{\"join\":{\"streamId\":{}}}", ErrorCode.ERROR_CODE_MALFORMED_FRAME);
    assertCode("{\"buy\":{\"quantity\":\"lots\"}}", ErrorCode.ERROR_CODE_MALFORMED_FRAME);
    assertCode("{\"buy\":{\"quantity\":99999999999}}", ErrorCode.ERROR_CODE_MALFORMED_FRAME);
    assertCode("{}", ErrorCode.ERROR_CODE_UNKNOWN_FRAME_TYPE);
    assertCode("{\"dance\":{}}", ErrorCode.ERROR_CODE_UNKNOWN_FRAME_TYPE);
    assertCode("{\"join\":{}}", ErrorCode.ERROR_CODE_INVALID_FIELD);
    assertCode("{\"chat\":{\"text\":\"   \"}}", ErrorCode.ERROR_CODE_INVALID_FIELD);
    assertCode("{\"chat\":{\"text\":\"12345678901\"}}", ErrorCode.ERROR_CODE_INVALID_FIELD);
    assertCode("{\"buy\":{\"saleId\":\"s\",\"quantity\":1}}", ErrorCode.ERROR_CODE_INVALID_FIELD);
    assertCode("{\"buy\":{\"saleId\":\"s\",\"quantity\":0,\"clientOrderId\":\"c\"}}", ErrorCode.ERROR_CODE_INVALID_FIELD);
    assertCode("{\"buy\":{\"saleId\":\"s\",\"quantity\":-1,\"clientOrderId\":\"c\"}}",
        ErrorCode.ERROR_CODE_INVALID_FIELD);
  }

  @Test
  void decode_chatLimitCountsCharactersNotUtf16Units() {
    assertThat(codec.decode("{\"chat\":{\"text\":\"😀😀😀😀😀😀😀😀😀😀\"}}").isError()).isFalse();
  }

  private void assertCode(String json, ErrorCode code) {
    DecodedFrame decoded = codec.decode(json);
    assertThat(decoded.isError()).as(json).isTrue();
    assertThat(decoded.error().getError().getCode()).as(json).isEqualTo(code);
  }
}
