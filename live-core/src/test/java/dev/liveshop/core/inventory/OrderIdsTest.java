package dev.liveshop.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OrderIdsTest {

  private static UUID nameBased(String saleId, String viewerId, String clientOrderId) {
    return UUID.nameUUIDFromBytes((saleId + '\0' + viewerId + '\0' + clientOrderId).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void of_isTheNameBasedUuidOfTheThreeIds() {
    assertThat(OrderIds.of("s1", "alice", "c1")).isEqualTo(nameBased("s1", "alice", "c1"));
    assertThat(OrderIds.of("", "", "")).isEqualTo(nameBased("", "", ""));
  }

  @Test
  void of_nonAsciiIds_areHashedAsUtf8() {
    for (String viewer : new String[] {"zoë", "ünïcødé", "视频观众", "emoji-😀", "latin1-\u00ff", "mixed-a\u0080b"}) {
      assertThat(OrderIds.of("s1", viewer, "c1")).isEqualTo(nameBased("s1", viewer, "c1"));
      assertThat(OrderIds.of("sale-é", "bob", viewer)).isEqualTo(nameBased("sale-é", "bob", viewer));
    }
  }

  @Test
  void of_longIds_growTheBufferAndStayTheSame() {
    String longId = "x".repeat(1000);
    assertThat(OrderIds.of("s1", longId, "c1")).isEqualTo(nameBased("s1", longId, "c1"));
    assertThat(OrderIds.of(longId, longId + "y", longId)).isEqualTo(nameBased(longId, longId + "y", longId));
    // and a short one after the buffer grew
    assertThat(OrderIds.of("s1", "bob", "c2")).isEqualTo(nameBased("s1", "bob", "c2"));
  }

  @Test
  void of_differsWhereTheSeparatorFalls() {
    assertThat(OrderIds.of("s1", "ab", "c")).isNotEqualTo(OrderIds.of("s1", "a", "bc"));
  }
}
