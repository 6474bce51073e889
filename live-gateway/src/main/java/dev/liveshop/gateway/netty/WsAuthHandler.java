package dev.liveshop.gateway.netty;

import dev.liveshop.gateway.auth.Principal;
import dev.liveshop.gateway.auth.TokenException;
import dev.liveshop.gateway.auth.TokenService;
import dev.liveshop.gateway.console.HttpResponses;
import dev.liveshop.gateway.metrics.GatewayMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import java.util.List;

/**
 * Authenticates a WebSocket upgrade before the handshake. Every request the protocol
 * handler would upgrade ({@link GatewayInitializer#upgrades}) is checked here: its path must
 * be exactly {@code /ws} (else 404) and its {@code ?token=...} valid (else 401); either way
 * the connection closes and no handshake happens. The principal is kept on the channel for
 * the session. Other requests pass through untouched.
 */
final class WsAuthHandler extends ChannelInboundHandlerAdapter {

  static final AttributeKey<Principal> PRINCIPAL = AttributeKey.valueOf("liveshop.principal");

  private final TokenService tokens;
  private final GatewayMetrics metrics;

  WsAuthHandler(TokenService tokens, GatewayMetrics metrics) {
    this.tokens = tokens;
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FullHttpRequest request && GatewayInitializer.upgrades(request.uri())) {
      QueryStringDecoder uri = new QueryStringDecoder(request.uri());
      if (!uri.path().equals(GatewayInitializer.WEBSOCKET_PATH)) {
        request.release();
        metrics.closed("not-a-websocket-path");
        HttpResponses.sendError(ctx, HttpResponseStatus.NOT_FOUND, "NOT_FOUND",
            "no WebSocket at " + uri.path() + ": connect to " + GatewayInitializer.WEBSOCKET_PATH + "?token=...",
            false);
        return;
      }
      List<String> token = uri.parameters().getOrDefault("token", List.of());
      try {
        ctx.channel().attr(PRINCIPAL).set(tokens.verify(token.isEmpty() ? null : token.get(0)));
      } catch (TokenException e) {
        request.release();
        metrics.closed("unauthenticated");
        HttpResponses.sendError(ctx, HttpResponseStatus.UNAUTHORIZED, "UNAUTHENTICATED", e.getMessage(), false);
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }
}
