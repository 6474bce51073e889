package dev.liveshop.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class IntentTableTest {

  private final IntentTable table = new IntentTable();

  @Test
  void collidingIntents_keepTheirOwnAnswers() {
    // "Aa" and "BB" have the same String hash, so these two intents share a slot.
    assertThat(IntentTable.hash("Aa", "tap")).isEqualTo(IntentTable.hash("BB", "tap"));
    CompletableFuture<ReserveAnswer> first = new CompletableFuture<>();
    CompletableFuture<ReserveAnswer> second = new CompletableFuture<>();
    table.put("Aa", "tap", first);
    table.put("BB", "tap", second);

    assertThat(table.get("s1", "Aa", "tap")).isSameAs(first);
    assertThat(table.get("s1", "BB", "tap")).isSameAs(second);
    assertThat(table.get("s1", "Aa", "other")).isNull();
    assertThat(table.size()).isEqualTo(2);

    table.remove("Aa", "tap");
    assertThat(table.get("s1", "Aa", "tap")).isNull();
    assertThat(table.get("s1", "BB", "tap")).isSameAs(second);
    table.remove("BB", "tap");
    assertThat(table.get("s1", "BB", "tap")).isNull();
    assertThat(table.size()).isZero();
  }

  @Test
  void removingTheHeadOfAChain_keepsTheIntentBehindIt() {
    CompletableFuture<ReserveAnswer> first = new CompletableFuture<>();
    CompletableFuture<ReserveAnswer> second = new CompletableFuture<>();
    CompletableFuture<ReserveAnswer> third = new CompletableFuture<>();
    table.put("Aa", "tap", first);
    table.put("BB", "tap", second);
    table.put("C#", "tap", third);
    assertThat(IntentTable.hash("C#", "tap")).isEqualTo(IntentTable.hash("Aa", "tap"));

    table.remove("C#", "tap");
    assertThat(table.get("s1", "C#", "tap")).isNull();
    assertThat(table.get("s1", "BB", "tap")).isSameAs(second);
    assertThat(table.get("s1", "Aa", "tap")).isSameAs(first);
    table.remove("BB", "tap");
    assertThat(table.get("s1", "Aa", "tap")).isSameAs(first);
    table.put("BB", "tap", third);
    assertThat(table.get("s1", "BB", "tap")).isSameAs(third);
    assertThat(table.get("s1", "Aa", "tap")).isSameAs(first);
    assertThat(table.size()).isEqualTo(2);
  }

  @Test
  void put_sameIntentAgain_replacesItsAnswer() {
    CompletableFuture<ReserveAnswer> first = new CompletableFuture<>();
    CompletableFuture<ReserveAnswer> second = new CompletableFuture<>();
    table.put("alice", "c1", first);
    table.put("alice", "c1", second);
    assertThat(table.get("s1", "alice", "c1")).isSameAs(second);
    assertThat(table.size()).isEqualTo(1);
  }

  @Test
  void refusal_isRebuiltAsItWasGiven_andAGrantLaterReplacesIt() {
    ReserveCommand tap = new ReserveCommand("s1", "alice", 2, "c1");
    table.putRefusal("alice", "c1", ReserveResult.SOLD_OUT, 2);

    assertThat(table.get("s1", "alice", "c1").join()).isEqualTo(ReserveAnswer.rejected(ReserveResult.SOLD_OUT, tap));
    assertThat(table.get("s1", "alice", "c2")).isNull();

    CompletableFuture<ReserveAnswer> granted = new CompletableFuture<>();
    table.put("alice", "c1", granted);
    assertThat(table.get("s1", "alice", "c1")).isSameAs(granted);
    assertThat(table.size()).isEqualTo(1);
  }

  @Test
  void orderIds_areTheNameBasedUuidOfTheIntent() {
    for (String[] ids : new String[][] {{"s1", "alice", "c1"}, {"sale-é", "viewer-漢", "tap-42"}, {"", "", ""}}) {
      UUID expected = UUID.nameUUIDFromBytes((ids[0] + '\u0000' + ids[1] + '\u0000' + ids[2])
          .getBytes(StandardCharsets.UTF_8));
      assertThat(OrderIds.of(ids[0], ids[1], ids[2])).isEqualTo(expected);
    }
  }
}
