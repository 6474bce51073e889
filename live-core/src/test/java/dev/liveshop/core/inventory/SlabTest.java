package dev.liveshop.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SlabTest {

  private final Slab<String> slab = new Slab<>();

  @Test
  void add_givesIndexesInOrder_andGetFindsEach() {
    for (int i = 0; i < 3 * Slab.CHUNK + 5; i++) {
      assertThat(slab.add("v" + i)).isEqualTo(i);
    }
    for (int i = 0; i < 3 * Slab.CHUNK + 5; i++) {
      assertThat(slab.get(i)).isEqualTo("v" + i);
    }
  }

  @Test
  void remove_lastOfAFullChunk_dropsIt_andKeepsTheRest() {
    fill(2 * Slab.CHUNK + 1);
    for (int i = 0; i < Slab.CHUNK; i++) {
      slab.remove(i);
    }
    assertThat(slab.chunksHeld()).isEqualTo(2);
    assertThat(slab.get(Slab.CHUNK)).isEqualTo("v" + Slab.CHUNK);
    assertThat(slab.get(2 * Slab.CHUNK)).isEqualTo("v" + 2 * Slab.CHUNK);
  }

  @Test
  void chunkBeingFilled_isKeptWhenEmptied_andDroppedOnceTheNextStarts() {
    fill(10);
    for (int i = 0; i < 10; i++) {
      slab.remove(i);
    }
    assertThat(slab.chunksHeld()).isEqualTo(1);
    assertThat(slab.add("more")).isEqualTo(10);
    assertThat(slab.get(10)).isEqualTo("more");
    slab.remove(10);
    for (int i = 11; i < Slab.CHUNK; i++) {
      slab.add("v" + i);
      slab.remove(i);
    }
    assertThat(slab.chunksHeld()).isEqualTo(1);
    int next = slab.add("next chunk");
    assertThat(next).isEqualTo(Slab.CHUNK);
    assertThat(slab.chunksHeld()).isEqualTo(1);
    assertThat(slab.get(next)).isEqualTo("next chunk");
  }

  @Test
  void add_null_isRefused() {
    assertThatThrownBy(() -> slab.add(null)).isInstanceOf(IllegalArgumentException.class);
  }

  private void fill(int count) {
    for (int i = 0; i < count; i++) {
      slab.add("v" + i);
    }
  }
}
