/**
 * The flash-sale inventory: stock and reservations held in memory and decided without a
 * lock or a database round trip.
 *
 * <p>Threading: each sale is owned by one {@code SaleShard}, a single thread that is the
 * only reader and writer of its {@code SaleBook}s (sales are spread over shards by a hash
 * of their id). Callers on any thread get futures; order writes complete on the store's
 * threads and are handed back to the owning shard before the book changes. Stock is
 * published from the shard thread as immutable {@link dev.liveshop.core.inventory.StockSnapshot}s,
 * conflated to one per ticker interval.
 */
package dev.liveshop.core.inventory;
