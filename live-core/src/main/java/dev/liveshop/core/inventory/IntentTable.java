package dev.liveshop.core.inventory;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.util.concurrent.CompletableFuture;

/**
 * The answer given (or being given) to each purchase intent of a sale, an intent being a
 * viewer's client order id. Keyed by a 64-bit hash of the two ids in a primitive map, so
 * a lookup, the hot path of every retry, builds no key object; each entry keeps both ids,
 * and intents whose hashes collide share a short chain. A refusal (most of a flash sale's
 * intents) is kept as its result and quantity, the answer rebuilt on a retry: no future
 * and no answer object stay in memory per sold-out tap.
 *
 * <p>The map holds the index of the chain's head in a {@link Slab}, not the entry, so that
 * a new entry is not stored into a random slot of an old array (see {@link Slab}: 14% of a
 * grant, and more of a sold-out tap, went to G1 for that). The price is one more dependent
 * read on a hit: retries measured 0.74-0.81x (bench/RESULTS.md, 2026-11-29 later).
 *
 * <p>Threading: owned by the sale's shard thread, like the rest of its {@link SaleBook}.
 */
final class IntentTable {

  /** Index in {@link #entries} of the chain of each hash; -1 when absent. */
  private final Long2IntOpenHashMap byHash = new Long2IntOpenHashMap();
  private final Slab<Entry> entries = new Slab<>();
  private int size;

  IntentTable() {
    byHash.defaultReturnValue(-1);
  }

  private static final class Entry {
    final String viewerId;
    final String clientOrderId;
    /** The answer given or on its way; null when the intent was refused. */
    CompletableFuture<ReserveAnswer> answer;
    /** The refusal and the quantity asked, when {@code answer} is null. */
    ReserveResult refusal;
    int quantity;
    Entry next;
    /** Where it is in {@link #entries}. */
    int index;

    Entry(String viewerId, String clientOrderId, Entry next) {
      this.viewerId = viewerId;
      this.clientOrderId = clientOrderId;
      this.next = next;
    }

    void set(CompletableFuture<ReserveAnswer> answer, ReserveResult refusal, int quantity) {
      this.answer = answer;
      this.refusal = refusal;
      this.quantity = quantity;
    }

    boolean is(String viewer, String clientOrder) {
      return viewerId.equals(viewer) && clientOrderId.equals(clientOrder);
    }
  }

  /** The answer to the intent, or null; a refusal is rebuilt as it was given for {@code saleId}. */
  CompletableFuture<ReserveAnswer> get(String saleId, String viewerId, String clientOrderId) {
    for (Entry e = chain(hash(viewerId, clientOrderId)); e != null; e = e.next) {
      if (e.is(viewerId, clientOrderId)) {
        return e.answer != null ? e.answer : CompletableFuture.completedFuture(
            ReserveAnswer.rejected(e.refusal, saleId, e.clientOrderId, e.quantity));
      }
    }
    return null;
  }

  /** Remembers the answer (given or on its way) to an intent. */
  void put(String viewerId, String clientOrderId, CompletableFuture<ReserveAnswer> answer) {
    entry(viewerId, clientOrderId).set(answer, null, 0);
  }

  /** Remembers that an intent was refused, as {@link ReserveAnswer#rejected} answered it. */
  void putRefusal(String viewerId, String clientOrderId, ReserveResult refusal, int quantity) {
    entry(viewerId, clientOrderId).set(null, refusal, quantity);
  }

  private Entry entry(String viewerId, String clientOrderId) {
    long hash = hash(viewerId, clientOrderId);
    Entry head = chain(hash);
    for (Entry e = head; e != null; e = e.next) {
      if (e.is(viewerId, clientOrderId)) {
        return e;
      }
    }
    Entry added = new Entry(viewerId, clientOrderId, head);
    added.index = entries.add(added);
    byHash.put(hash, added.index);
    size++;
    return added;
  }

  void remove(String viewerId, String clientOrderId) {
    long hash = hash(viewerId, clientOrderId);
    Entry previous = null;
    for (Entry e = chain(hash); e != null; previous = e, e = e.next) {
      if (e.is(viewerId, clientOrderId)) {
        if (previous != null) {
          previous.next = e.next;
        } else if (e.next != null) {
          byHash.put(hash, e.next.index);
        } else {
          byHash.remove(hash);
        }
        entries.remove(e.index);
        size--;
        return;
      }
    }
  }

  private Entry chain(long hash) {
    int head = byHash.get(hash);
    return head < 0 ? null : entries.get(head);
  }

  int size() {
    return size;
  }

  /** Both ids' String hashes side by side (String caches its hash after the first use). */
  static long hash(String viewerId, String clientOrderId) {
    return ((long) viewerId.hashCode() << 32) ^ (clientOrderId.hashCode() & 0xFFFF_FFFFL);
  }
}
