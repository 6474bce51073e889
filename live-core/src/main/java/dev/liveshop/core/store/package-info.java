/**
 * Cassandra access: the session and schema migrations, the catalogue and the orders
 * ({@link dev.liveshop.core.store.Order} is an order as stored).
 * Statements are prepared once; writes are marked idempotent so the driver may retry
 * them. The session is thread-safe; order writes are asynchronous and never block the
 * inventory shards.
 */
package dev.liveshop.core.store;
