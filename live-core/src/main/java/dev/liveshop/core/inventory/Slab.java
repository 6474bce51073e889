package dev.liveshop.core.inventory;

import java.util.Arrays;

/**
 * Objects at int indexes given out in order, in chunks of {@value #CHUNK} slots; a chunk is
 * dropped once every object in it is removed and no more will be added to it.
 *
 * <p>Why: a book's large tables live in the old generation, and storing a new (young)
 * object into a random slot of an old array makes G1 dirty and later rescan that slot's
 * card, adding each of its ~128 references to a remembered set: 14-15% of a granted
 * decision per table in the 2026-11-29 profile. A table that keeps ints into a slab
 * instead stores its objects one after the other (one card per 128 adds), and nulls on
 * removal (which G1 does not track).
 *
 * <p>Threading: none; owned by the sale's shard thread, like the rest of its {@link SaleBook}.
 */
final class Slab<T> {

  private static final int CHUNK_BITS = 12;
  static final int CHUNK = 1 << CHUNK_BITS;
  private static final int OFFSET_MASK = CHUNK - 1;

  private Object[][] chunks = new Object[4][];
  /** Objects present per chunk. */
  private int[] present = new int[4];
  private int next;

  /** Stores {@code value} (not null) at the next index and returns that index. */
  int add(T value) {
    if (value == null) {
      throw new IllegalArgumentException("a slab holds no nulls");
    }
    if (next == Integer.MAX_VALUE) {
      throw new IllegalStateException("a slab gives out at most " + Integer.MAX_VALUE + " indexes");
    }
    int chunk = next >>> CHUNK_BITS;
    int offset = next & OFFSET_MASK;
    if (offset == 0) {
      startChunk(chunk);
    }
    chunks[chunk][offset] = value;
    present[chunk]++;
    return next++;
  }

  private void startChunk(int chunk) {
    if (chunk == chunks.length) {
      chunks = Arrays.copyOf(chunks, chunk * 2);
      present = Arrays.copyOf(present, chunk * 2);
    }
    chunks[chunk] = new Object[CHUNK];
    // The chunk before is full now: drop it if everything in it was removed meanwhile.
    if (chunk > 0 && present[chunk - 1] == 0) {
      chunks[chunk - 1] = null;
    }
  }

  @SuppressWarnings("unchecked")
  T get(int index) {
    return (T) chunks[index >>> CHUNK_BITS][index & OFFSET_MASK];
  }

  /** Removes the object at {@code index}, which must be present. */
  void remove(int index) {
    int chunk = index >>> CHUNK_BITS;
    chunks[chunk][index & OFFSET_MASK] = null;
    if (--present[chunk] == 0 && chunk != (next - 1) >>> CHUNK_BITS) {
      chunks[chunk] = null;
    }
  }

  /** Chunks held, for tests of what is dropped. */
  int chunksHeld() {
    int held = 0;
    for (Object[] chunk : chunks) {
      if (chunk != null) {
        held++;
      }
    }
    return held;
  }
}
