/**
 * The room bus: each stream's events (chat, moderation, pins, lineup, sales) numbered in
 * one sequence and relayed to every gateway subscribed to the stream, with a bounded
 * buffer of the last events so that a gateway that lost its subscription catches up.
 *
 * <p>Threading: one {@link dev.liveshop.core.bus.RoomLog} per stream, guarded by its
 * monitor; publishing and subscribing come from gRPC threads. Sends to subscribers happen
 * under the monitor, which keeps every subscriber's events in sequence order.
 */
package dev.liveshop.core.bus;
