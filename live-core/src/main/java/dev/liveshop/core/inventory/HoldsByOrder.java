package dev.liveshop.core.inventory;

import it.unimi.dsi.fastutil.HashCommon;
import java.util.UUID;

/**
 * Holds by order id, in an open-addressing table (linear probing) keyed by the 64 bits
 * {@code most ^ least} of the id: no node per entry, no UUID touched while probing. The
 * table holds only primitives, the key and the hold's index in a {@link Slab}, so a new
 * hold is stored next to the one before it, not into a random slot of an old array (see
 * {@link Slab} for what that costs G1). Order ids are MD5-based, so the key is well
 * spread; ids whose keys are equal are still told apart by the hold's full order id, each
 * in its own slot further along the probe. Removal shifts later entries back (no
 * tombstones). 12 bytes a slot and 4 a hold.
 *
 * <p>Replaced a {@code HashMap<UUID, Hold>} whose put was 36% of a granted decision
 * (a node and a UUID hash per hold, and a chain walk per lookup).
 *
 * <p>Threading: none; owned by the sale's shard thread, like the rest of its {@link SaleBook}.
 */
final class HoldsByOrder {

  private static final float MAX_LOAD = 0.75f;

  private long[] keys;
  /** Each slot's hold as its index in {@link #slab} plus one; 0 marks an empty slot. */
  private int[] slots;
  private final Slab<Hold> slab = new Slab<>();
  private int mask;
  private int size;
  private int maxSize;

  /** A table that holds {@code expected} holds without growing. */
  HoldsByOrder(int expected) {
    if (expected < 0) {
      throw new IllegalArgumentException("expected must be >= 0, got " + expected);
    }
    allocate(HashCommon.arraySize(Math.max(expected, 4), MAX_LOAD));
  }

  private void allocate(int capacity) {
    keys = new long[capacity];
    slots = new int[capacity];
    mask = capacity - 1;
    maxSize = HashCommon.maxFill(capacity, MAX_LOAD);
  }

  static long key(UUID orderId) {
    return orderId.getMostSignificantBits() ^ orderId.getLeastSignificantBits();
  }

  private int home(long key) {
    return (int) HashCommon.mix(key) & mask;
  }

  /** The slot of the order's hold, or -1. */
  private int find(UUID orderId) {
    long key = key(orderId);
    for (int pos = home(key); slots[pos] != 0; pos = (pos + 1) & mask) {
      if (keys[pos] == key && holdAt(pos).orderId().equals(orderId)) {
        return pos;
      }
    }
    return -1;
  }

  private Hold holdAt(int pos) {
    return slab.get(slots[pos] - 1);
  }

  Hold get(UUID orderId) {
    int pos = find(orderId);
    return pos < 0 ? null : holdAt(pos);
  }

  boolean containsKey(UUID orderId) {
    return find(orderId) >= 0;
  }

  /** Adds the hold under its order id, replacing (and returning) the one there, if any. */
  Hold put(Hold hold) {
    UUID orderId = hold.orderId();
    long key = key(orderId);
    int pos = home(key);
    for (; slots[pos] != 0; pos = (pos + 1) & mask) {
      if (keys[pos] == key && holdAt(pos).orderId().equals(orderId)) {
        Hold previous = holdAt(pos);
        slab.remove(slots[pos] - 1);
        slots[pos] = slab.add(hold) + 1;
        return previous;
      }
    }
    keys[pos] = key;
    slots[pos] = slab.add(hold) + 1;
    if (++size > maxSize) {
      grow();
    }
    return null;
  }

  /** Removes and returns the order's hold, or null. */
  Hold remove(UUID orderId) {
    int pos = find(orderId);
    if (pos < 0) {
      return null;
    }
    Hold removed = holdAt(pos);
    slab.remove(slots[pos] - 1);
    size--;
    shiftBack(pos);
    return removed;
  }

  /**
   * Empties slot {@code pos}, moving back each later entry of the run that would otherwise
   * no longer be reachable from its home slot.
   */
  private void shiftBack(int pos) {
    while (true) {
      int last = pos;
      pos = (pos + 1) & mask;
      while (true) {
        if (slots[pos] == 0) {
          slots[last] = 0;
          return;
        }
        int home = home(keys[pos]);
        // Movable when its home is not within (last, pos], cyclically.
        if (last <= pos ? last >= home || home > pos : last >= home && home > pos) {
          break;
        }
        pos = (pos + 1) & mask;
      }
      keys[last] = keys[pos];
      slots[last] = slots[pos];
    }
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldSlots = slots;
    allocate(oldKeys.length * 2);
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldSlots[i] != 0) {
        int pos = home(oldKeys[i]);
        while (slots[pos] != 0) {
          pos = (pos + 1) & mask;
        }
        keys[pos] = oldKeys[i];
        slots[pos] = oldSlots[i];
      }
    }
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Slots, for tests of growth and memory. */
  int capacity() {
    return keys.length;
  }

  /** Slab chunks held, for tests that removed holds are let go. */
  int chunksHeld() {
    return slab.chunksHeld();
  }
}
