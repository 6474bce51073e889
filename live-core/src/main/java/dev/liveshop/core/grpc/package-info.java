/**
 * The gRPC edge of live-core: protocol messages to domain calls and back, exceptions to
 * statuses. Unary catalogue and order calls run on gRPC's executor threads and may
 * block on the store; Reserve and WatchStock answer from the inventory's shard threads.
 */
package dev.liveshop.core.grpc;
