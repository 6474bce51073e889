package dev.liveshop.core.inventory;

import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import java.util.concurrent.CompletableFuture;

/**
 * The answer given (or being given) to each purchase intent of a sale, an intent being a
 * viewer's client order id. Keyed by a 64-bit hash of the two ids in a primitive map, so
 * a lookup, the hot path of every retry, builds no key object; each entry keeps both ids,
 * and intents whose hashes collide share a short chain.
 *
 * <p>Threading: owned by the sale's shard thread, like the rest of its {@link SaleBook}.
 */
final class IntentTable {

  private final Long2ObjectOpenHashMap<Entry> byHash = new Long2ObjectOpenHashMap<>();
  private int size;

  private static final class Entry {
    final String viewerId;
    final String clientOrderId;
    CompletableFuture<ReserveAnswer> answer;
    Entry next;

    Entry(String viewerId, String clientOrderId, CompletableFuture<ReserveAnswer> answer, Entry next) {
      this.viewerId = viewerId;
      this.clientOrderId = clientOrderId;
      this.answer = answer;
      this.next = next;
    }

    boolean is(String viewer, String clientOrder) {
      return viewerId.equals(viewer) && clientOrderId.equals(clientOrder);
    }
  }

  CompletableFuture<ReserveAnswer> get(String viewerId, String clientOrderId) {
    for (Entry e = byHash.get(hash(viewerId, clientOrderId)); e != null; e = e.next) {
      if (e.is(viewerId, clientOrderId)) {
        return e.answer;
      }
    }
    return null;
  }

  void put(String viewerId, String clientOrderId, CompletableFuture<ReserveAnswer> answer) {
    long hash = hash(viewerId, clientOrderId);
    Entry head = byHash.get(hash);
    for (Entry e = head; e != null; e = e.next) {
      if (e.is(viewerId, clientOrderId)) {
        e.answer = answer;
        return;
      }
    }
    byHash.put(hash, new Entry(viewerId, clientOrderId, answer, head));
    size++;
  }

  void remove(String viewerId, String clientOrderId) {
    long hash = hash(viewerId, clientOrderId);
    Entry previous = null;
    for (Entry e = byHash.get(hash); e != null; previous = e, e = e.next) {
      if (e.is(viewerId, clientOrderId)) {
        if (previous != null) {
          previous.next = e.next;
        } else if (e.next != null) {
          byHash.put(hash, e.next);
        } else {
          byHash.remove(hash);
        }
        size--;
        return;
      }
    }
  }

  int size() {
    return size;
  }

  /** Both ids' String hashes side by side (String caches its hash after the first use). */
  static long hash(String viewerId, String clientOrderId) {
    return ((long) viewerId.hashCode() << 32) ^ (clientOrderId.hashCode() & 0xFFFF_FFFFL);
  }
}
