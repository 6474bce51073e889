package dev.liveshop.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardMapTest {

  @Test
  void parse_namesAndTargetsInOrder() {
    ShardMap map = ShardMap.parse(" core-1=127.0.0.1:7070, core-2=10.0.0.6:7071 ");
    assertThat(map.names()).containsExactly("core-1", "core-2");
    assertThat(map.target("core-2")).isEqualTo("10.0.0.6:7071");
    assertThat(map.target("core-3")).isNull();
  }

  @Test
  void parse_refusesBadEntriesNamingThem() {
    assertThatThrownBy(() -> ShardMap.parse("core-1=127.0.0.1")).hasMessageContaining("'core-1=127.0.0.1'");
    assertThatThrownBy(() -> ShardMap.parse("127.0.0.1:7070")).hasMessageContaining("name=host:port");
    assertThatThrownBy(() -> ShardMap.parse("a=h:1,a=h:2")).hasMessageContaining("appears twice");
  }

  @Test
  void home_isStableSpreadsStreamsAndMovesOnlyTheNewShardsWinsWhenOneIsAdded() {
    ShardMap two = ShardMap.parse("core-1=h:1,core-2=h:2");
    ShardMap three = ShardMap.parse("core-1=h:1,core-2=h:2,core-3=h:3");
    Map<String, Integer> perShard = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      String stream = "stream-" + i;
      String before = two.home(stream);
      assertThat(ShardMap.parse("core-2=h:2,core-1=h:1").home(stream)).isEqualTo(before);
      String after = three.home(stream);
      assertThat(after).isIn(before, "core-3");
      perShard.merge(after, 1, Integer::sum);
    }
    assertThat(perShard.values()).allSatisfy(count -> assertThat(count).isBetween(800, 1200));
  }

  @Test
  void home_ofAnEmptyMap_saysSo() {
    assertThatThrownBy(() -> ShardMap.parse("").home("s")).hasMessageContaining("empty");
  }
}
