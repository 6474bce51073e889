package dev.liveshop.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenServiceTest {

  private static final String SECRET = "0123456789abcdef0123456789abcdef";
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
  private final TokenService tokens = new TokenService(SECRET, clock);

  @Test
  void verify_issuedToken_namesThePrincipal() throws TokenException {
    Principal p = tokens.verify(tokens.issue("host-1", Principal.Role.HOST, Set.of("demo"), Duration.ofHours(1)));
    assertThat(p.viewerId()).isEqualTo("host-1");
    assertThat(p.hosts("demo")).isTrue();
    assertThat(p.hosts("other")).isFalse();
  }

  @Test
  void verify_viewerToken_hostsNothing() throws TokenException {
    Principal p = tokens.verify(tokens.issue("alice", Principal.Role.VIEWER, Set.of("demo"), Duration.ofHours(1)));
    assertThat(p.hosts("demo")).isFalse();
  }

  @Test
  void verify_otherKey_isForged() {
    String foreign = new TokenService("another-secret-another-secret-xx", clock)
        .issue("alice", Principal.Role.HOST, Set.of("demo"), Duration.ofHours(1));
    assertThatThrownBy(() -> tokens.verify(foreign)).hasMessageContaining("signature does not match");
  }

  @Test
  void verify_tamperedPayload_isForged() {
    String token = tokens.issue("alice", Principal.Role.VIEWER, Set.of(), Duration.ofHours(1));
    String payload = "{\"sub\":\"alice\",\"role\":\"host\",\"streams\":[\"demo\"],\"exp\":9999999999}";
    String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
        + token.substring(token.indexOf('.'));
    assertThatThrownBy(() -> tokens.verify(tampered)).hasMessageContaining("signature does not match");
  }

  @Test
  void verify_expired_isRefused() {
    String token = new TokenService(SECRET, Clock.offset(clock, Duration.ofHours(-2)))
        .issue("alice", Principal.Role.VIEWER, Set.of(), Duration.ofHours(1));
    assertThatThrownBy(() -> tokens.verify(token)).hasMessageContaining("expired");
  }

  @Test
  void verify_malformedOrMissing_isRefused() {
    assertThatThrownBy(() -> tokens.verify(null)).hasMessageContaining("no token");
    assertThatThrownBy(() -> tokens.verify("abc")).hasMessageContaining("malformed");
    assertThatThrownBy(() -> tokens.verify("a.b.c")).hasMessageContaining("malformed");
    assertThatThrownBy(() -> tokens.verify("abc.!!!")).hasMessageContaining("malformed");
  }

  @Test
  void issue_badViewerId_fails() {
    assertThatThrownBy(() -> tokens.issue("<script>", Principal.Role.VIEWER, Set.of(), Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
