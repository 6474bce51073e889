/**
 * Signed, expiring tokens and the principals they name. Verification runs on event-loop
 * threads during the WebSocket handshake and HTTP calls; the service is stateless.
 */
package dev.liveshop.gateway.auth;
