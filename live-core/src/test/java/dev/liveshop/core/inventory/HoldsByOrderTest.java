package dev.liveshop.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HoldsByOrderTest {

  private static Hold hold(UUID orderId) {
    return new Hold(orderId, "s1", "demo", "p1", "alice", "c-" + orderId, 1, 1900, 0, 1000);
  }

  /** An id whose table key ({@code most ^ least}) equals {@code other}'s. */
  private static UUID sameKeyAs(UUID other, long flip) {
    return new UUID(other.getMostSignificantBits() ^ flip, other.getLeastSignificantBits() ^ flip);
  }

  @Test
  void idsWithEqualKeys_keepTheirOwnHolds() {
    UUID a = OrderIds.of("s1", "alice", "c1");
    UUID b = sameKeyAs(a, 1);
    UUID c = sameKeyAs(a, 2);
    assertThat(HoldsByOrder.key(a)).isEqualTo(HoldsByOrder.key(b)).isEqualTo(HoldsByOrder.key(c));
    HoldsByOrder table = new HoldsByOrder(0);
    Hold ha = hold(a);
    Hold hb = hold(b);
    Hold hc = hold(c);
    table.put(ha);
    table.put(hb);
    table.put(hc);

    assertThat(table.get(a)).isSameAs(ha);
    assertThat(table.get(b)).isSameAs(hb);
    assertThat(table.get(c)).isSameAs(hc);
    assertThat(table.get(sameKeyAs(a, 3))).isNull();
    assertThat(table.size()).isEqualTo(3);

    // Removing the first of the run must leave the others reachable.
    assertThat(table.remove(a)).isSameAs(ha);
    assertThat(table.get(a)).isNull();
    assertThat(table.get(b)).isSameAs(hb);
    assertThat(table.get(c)).isSameAs(hc);
    assertThat(table.remove(a)).isNull();
    assertThat(table.remove(c)).isSameAs(hc);
    assertThat(table.get(b)).isSameAs(hb);
    assertThat(table.size()).isEqualTo(1);
  }

  @Test
  void put_sameIdAgain_replacesItsHold() {
    UUID a = OrderIds.of("s1", "alice", "c1");
    HoldsByOrder table = new HoldsByOrder(0);
    Hold first = hold(a);
    Hold second = hold(new UUID(a.getMostSignificantBits(), a.getLeastSignificantBits()));
    assertThat(table.put(first)).isNull();
    assertThat(table.put(second)).isSameAs(first);
    assertThat(table.get(a)).isSameAs(second);
    assertThat(table.size()).isEqualTo(1);
  }

  @Test
  void growsFromSmall_andKeepsEveryHold() {
    HoldsByOrder table = new HoldsByOrder(0);
    int initial = table.capacity();
    List<Hold> holds = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      Hold h = hold(OrderIds.of("s1", "v" + i, "c" + i));
      holds.add(h);
      table.put(h);
    }
    assertThat(table.capacity()).isGreaterThan(initial);
    assertThat(table.size()).isEqualTo(10_000);
    for (Hold h : holds) {
      assertThat(table.get(h.orderId())).isSameAs(h);
    }
  }

  @Test
  void presized_doesNotGrowUpToExpected() {
    HoldsByOrder table = new HoldsByOrder(1000);
    int capacity = table.capacity();
    for (int i = 0; i < 1000; i++) {
      table.put(hold(OrderIds.of("s1", "v" + i, "c" + i)));
    }
    assertThat(table.capacity()).isEqualTo(capacity);
  }

  /**
   * Random puts and removes on a small table, against a HashMap: few distinct keys (so runs
   * are long, wrap around the end and hold equal keys), every id looked up after each step.
   */
  @Test
  void randomPutsAndRemoves_agreeWithAHashMap() {
    Random random = new Random(42);
    List<UUID> ids = new ArrayList<>();
    for (int k = 0; k < 12; k++) {
      UUID base = new UUID(random.nextLong(), random.nextLong());
      for (int j = 0; j < 5; j++) {
        ids.add(sameKeyAs(base, j));
      }
    }
    for (int round = 0; round < 20; round++) {
      HoldsByOrder table = new HoldsByOrder(0);
      Map<UUID, Hold> model = new HashMap<>();
      for (int step = 0; step < 2_000; step++) {
        UUID id = ids.get(random.nextInt(ids.size()));
        if (random.nextInt(3) == 0) {
          assertThat(table.remove(id)).isSameAs(model.remove(id));
        } else {
          Hold h = hold(id);
          assertThat(table.put(h)).isSameAs(model.put(id, h));
        }
        assertThat(table.size()).isEqualTo(model.size());
        assertThat(table.isEmpty()).isEqualTo(model.isEmpty());
        for (UUID each : ids) {
          assertThat(table.get(each)).isSameAs(model.get(each));
          assertThat(table.containsKey(each)).isEqualTo(model.containsKey(each));
        }
      }
    }
  }
}
