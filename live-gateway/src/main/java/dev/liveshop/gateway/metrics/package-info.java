/**
 * What operators watch: connection, room, frame, byte and close counts and the order
 * latency histogram, in Prometheus format at {@code /metrics} (Micrometer).
 */
package dev.liveshop.gateway.metrics;
