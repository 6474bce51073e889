/**
 * live-gateway's entry points: {@link dev.liveshop.gateway.GatewayServer} wires the Netty
 * server, the rooms and the gRPC channel to live-core; {@link dev.liveshop.gateway.GatewayMain}
 * runs it as a process.
 */
package dev.liveshop.gateway;
