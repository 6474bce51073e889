/**
 * Signed, expiring tokens and the principals they name, and the rate limits kept per
 * viewer. Verification runs on event-loop threads during the WebSocket handshake and HTTP
 * calls; the token service is stateless. The per-viewer limits are one object shared by
 * every event loop (a concurrent cache; each viewer's buckets under their own monitor).
 */
package dev.liveshop.gateway.auth;
