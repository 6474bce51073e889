/**
 * The room bus: each stream's events (chat, moderation, pins, lineup, sales) numbered in
 * one sequence and relayed to every gateway subscribed to the stream, with a bounded
 * buffer of the last events so that a gateway that lost its subscription catches up.
 *
 * Chat rules (mutes, slow mode, chat off) are also stored, so that they survive a restart.
 *
 * <p>Threading: one {@link dev.liveshop.core.bus.RoomLog} per stream, guarded by its
 * monitor; publishing and subscribing come from gRPC executor threads. Sends to
 * subscribers happen under the monitor, which keeps every subscriber's events in sequence
 * order.
 */
package dev.liveshop.core.bus;
