/**
 * Rooms: the viewers of a stream and the fan-out of chat, pins, sales and stock to them,
 * fed by live-core over gRPC. Each room guards its own state with its monitor; broadcasts
 * encode a frame once and write retained duplicates, never blocking the caller.
 */
package dev.liveshop.gateway.room;
