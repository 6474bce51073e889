/**
 * Which sales this live-core holds among several shards: recovery of its own sales at
 * start, hand-over of a sale to another shard and adoption of one, and the gRPC channels
 * to the other shards (hand-overs, and order changes forwarded to a sale's owner).
 *
 * <p>Threading: hand-over and adoption run on gRPC executor threads and block on
 * Cassandra and on the engine's futures; nothing here runs on a shard thread.
 */
package dev.liveshop.core.shard;
