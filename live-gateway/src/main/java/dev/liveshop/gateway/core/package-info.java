/**
 * live-core as this gateway reaches it: one gRPC client per live-core shard, and which
 * shard to ask about a stream (its home) or a sale (its owner).
 */
package dev.liveshop.gateway.core;
