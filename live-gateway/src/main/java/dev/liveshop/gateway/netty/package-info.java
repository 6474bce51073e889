/**
 * The Netty edge: the pipeline, the WebSocket handshake's authentication and each viewer's
 * frame handler. Handlers run on their channel's event loop and never block it.
 */
package dev.liveshop.gateway.netty;
