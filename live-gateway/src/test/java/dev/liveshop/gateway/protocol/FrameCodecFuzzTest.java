package dev.liveshop.gateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.proto.v1.Buy;
import dev.liveshop.proto.v1.Chat;
import dev.liveshop.proto.v1.ClientFrame;
import dev.liveshop.proto.v1.ErrorCode;
import dev.liveshop.proto.v1.Join;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated garbage against both decoders: random bytes, and valid frames with random
 * mutations (the inputs that reach deepest). Whatever comes in, decoding returns a frame
 * that passed validation or a typed error; nothing throws. Seeded, so a failure replays.
 */
class FrameCodecFuzzTest {

  private static final long SEED = 20261127L;
  private static final int CASES = 20_000;
  private static final List<ClientFrame> VALID = List.of(
      ClientFrame.newBuilder().setJoin(Join.newBuilder().setStreamId("demo")).build(),
      ClientFrame.newBuilder().setChat(Chat.newBuilder().setText("is it silk?")).build(),
      ClientFrame.newBuilder().setRequestId("r1").setBuy(Buy.newBuilder().setSaleId("s-1").setQuantity(2)
          .setClientOrderId("tap-1")).build());
  private final FrameCodec codec = new FrameCodec(500);

  @Test
  void json_anyInput_decodesOrIsATypedError() {
    Random random = new Random(SEED);
    for (int i = 0; i < CASES; i++) {
      String input = i % 4 == 0 ? randomText(random) : mutate(random, json(pick(random)));
      check(input, codec.decode(input));
    }
  }

  @Test
  void binary_anyInput_decodesOrIsATypedError() {
    Random random = new Random(SEED + 1);
    for (int i = 0; i < CASES; i++) {
      byte[] input = i % 4 == 0 ? randomBytes(random) : mutate(random, pick(random).toByteArray());
      check(input, codec.decode(Unpooled.wrappedBuffer(input)));
    }
  }

  private static void check(Object input, DecodedFrame decoded) {
    assertThat(decoded).as("input %s", input).isNotNull();
    assertThat(decoded.frame() == null).as("exactly one of frame and error for %s", input)
        .isNotEqualTo(decoded.error() == null);
    if (decoded.isError()) {
      assertThat(decoded.error().getError().getCode()).isIn(ErrorCode.ERROR_CODE_MALFORMED_FRAME,
          ErrorCode.ERROR_CODE_UNKNOWN_FRAME_TYPE, ErrorCode.ERROR_CODE_INVALID_FIELD);
      assertThat(decoded.error().getError().getMessage()).isNotBlank();
    } else {
      assertThat(decoded.frame().getKindCase()).isNotEqualTo(ClientFrame.KindCase.KIND_NOT_SET);
      if (decoded.frame().hasBuy()) {
        assertThat(decoded.frame().getBuy().getQuantity()).isPositive();
      }
    }
  }

  private static String json(ClientFrame frame) {
    try {
      return com.google.protobuf.util.JsonFormat.printer().omittingInsignificantWhitespace().print(frame);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ClientFrame pick(Random random) {
    return VALID.get(random.nextInt(VALID.size()));
  }

  private static String randomText(Random random) {
    StringBuilder b = new StringBuilder();
    String alphabet = "{}[]\":,0123456789abcdeJOINbuychat-\\\\u \t\n";
    for (int i = random.nextInt(64); i > 0; i--) {
      b.append(random.nextInt(8) == 0 ? (char) random.nextInt(0x3000)
          : alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  private static byte[] randomBytes(Random random) {
    byte[] bytes = new byte[random.nextInt(64)];
    random.nextBytes(bytes);
    return bytes;
  }

  /** One to three random edits: replace, insert or delete a character. */
  private static String mutate(Random random, String valid) {
    StringBuilder b = new StringBuilder(valid);
    for (int edits = 1 + random.nextInt(3); edits > 0 && b.length() > 0; edits--) {
      int at = random.nextInt(b.length());
      String alphabet = "{}[]\":,-0123456789xyz\\";
      char c = alphabet.charAt(random.nextInt(alphabet.length()));
      switch (random.nextInt(3)) {
        case 0 -> b.setCharAt(at, c);
        case 1 -> b.insert(at, c);
        default -> b.deleteCharAt(at);
      }
    }
    return b.toString();
  }

  private static byte[] mutate(Random random, byte[] valid) {
    byte[] bytes = valid.clone();
    for (int edits = 1 + random.nextInt(3); edits > 0 && bytes.length > 0; edits--) {
      bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
    }
    return random.nextInt(5) == 0 ? new String(bytes, StandardCharsets.ISO_8859_1).substring(0,
        random.nextInt(bytes.length + 1)).getBytes(StandardCharsets.ISO_8859_1) : bytes;
  }
}
