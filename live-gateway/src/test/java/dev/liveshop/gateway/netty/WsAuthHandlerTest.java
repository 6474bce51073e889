package dev.liveshop.gateway.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.gateway.auth.Principal;
import dev.liveshop.gateway.auth.TokenService;
import dev.liveshop.gateway.metrics.GatewayMetrics;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultEventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The WebSocket upgrade's token check on EmbeddedChannel: only a valid token gets through. */
class WsAuthHandlerTest {

  private static final String SECRET = "a-test-secret-of-at-least-32-characters!";
  private final Clock now = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);
  private final TokenService tokens = new TokenService(SECRET, now);
  private final DefaultEventExecutor executor = new DefaultEventExecutor();
  private final GatewayMetrics metrics = new GatewayMetrics(() -> 0);

  @AfterEach
  void stop() {
    metrics.close();
    executor.shutdownGracefully();
  }

  @Test
  void validToken_passesWithThePrincipal() {
    EmbeddedChannel channel = new EmbeddedChannel(new WsAuthHandler(tokens, metrics));
    channel.writeInbound(upgrade(tokens.issue("alice", Principal.Role.VIEWER, Set.of(), Duration.ofHours(1))));
    FullHttpRequest passed = channel.readInbound();
    assertThat(passed).isNotNull();
    passed.release();
    assertThat(channel.attr(WsAuthHandler.PRINCIPAL).get().viewerId()).isEqualTo("alice");
  }

  @Test
  void missingForgedOrExpiredToken_is401_andNothingPasses() {
    String valid = tokens.issue("alice", Principal.Role.VIEWER, Set.of(), Duration.ofHours(1));
    String forged = new TokenService("another-secret-of-at-least-32-characters", now)
        .issue("alice", Principal.Role.HOST, Set.of("demo"), Duration.ofHours(1));
    String expired = new TokenService(SECRET, Clock.offset(now, Duration.ofHours(-3)))
        .issue("alice", Principal.Role.VIEWER, Set.of(), Duration.ofHours(1));
    for (String token : new String[] {null, "", "not-a-token", valid.substring(0, valid.length() - 2) + "xx",
        forged, expired}) {
      EmbeddedChannel channel = new EmbeddedChannel(new WsAuthHandler(tokens, metrics));
      channel.writeInbound(upgrade(token));
      FullHttpResponse answer = channel.readOutbound();
      assertThat(answer.status().code()).as("token %s", token).isEqualTo(401);
      assertThat(answer.content().toString(StandardCharsets.UTF_8)).contains("UNAUTHENTICATED");
      answer.release();
      assertThat((Object) channel.readInbound()).isNull();
      assertThat(channel.attr(WsAuthHandler.PRINCIPAL).get()).isNull();
      channel.finishAndReleaseAll();
    }
    assertThat(metrics.scrape()).contains("liveshop_gateway_closes_total{reason=\"unauthenticated\"} 6.0");
  }

  private static FullHttpRequest upgrade(String token) {
    return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
        "/ws" + (token == null ? "" : "?token=" + token));
  }
}
