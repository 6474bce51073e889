/**
 * live-core's entry points: {@link dev.liveshop.core.CoreServer} wires the store, the
 * inventory engine and the gRPC services; {@link dev.liveshop.core.CoreMain} runs it as a
 * process. Start and shutdown happen on the caller's thread.
 */
package dev.liveshop.core;
