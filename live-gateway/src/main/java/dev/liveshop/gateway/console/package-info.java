/**
 * The HTTP side of the gateway: the host API under /api/, development tokens, health, and
 * the static web pages from {@code web/} on the classpath. Handlers are stateless and run
 * on event loops; live-core's answers are written from gRPC threads.
 */
package dev.liveshop.gateway.console;
