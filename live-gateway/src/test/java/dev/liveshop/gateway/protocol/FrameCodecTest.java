package dev.liveshop.gateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.proto.v1.ClientFrame;
import dev.liveshop.proto.v1.ErrorCode;
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
