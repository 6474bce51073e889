package dev.liveshop.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.liveshop.config.EnvVariables;
import java.io.File;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GatewayConfigTest {

  private final GatewayConfig defaults = GatewayConfig.from(ConfigFactory.defaultReference());

  @Test
  void defaults_areReferenceConf_oneLiveCoreAtItsTarget() {
    assertThat(defaults.httpPort()).isEqualTo(8080);
    assertThat(defaults.coreShards().names()).containsExactly("core-1");
    assertThat(defaults.coreShards().target("core-1")).isEqualTo("127.0.0.1:7070");
    assertThat(defaults.roomIdleClose()).isEqualTo(Duration.ofMinutes(5));
    assertThat(defaults.viewerChatsPerSecond()).isEqualTo(5.0);
    assertThat(defaults.viewerChatBurst()).isEqualTo(40);
    assertThat(defaults.viewerJoinsPerMinute()).isEqualTo(60);
  }

  @Test
  void perViewerLimits_outOfRange_areNamed() {
    assertThatThrownBy(() -> defaults.with("limits.viewer-chats-per-second", 0))
        .hasMessageContaining("viewer-chats-per-second");
    assertThatThrownBy(() -> defaults.with("limits.viewer-joins-per-minute", 0))
        .hasMessageContaining("viewer-joins-per-minute");
  }

  @Test
  void drainDelay_defaultsToNone_negativeIsNamedWithItsVariable() {
    assertThat(defaults.drainDelay()).isZero();
    assertThat(defaults.with("http.drain-delay", "15s").drainDelay()).isEqualTo(Duration.ofSeconds(15));
    assertThatThrownBy(() -> defaults.with("http.drain-delay", "-1s"))
        .hasMessageContaining("http.drain-delay").hasMessageContaining("LIVESHOP_GATEWAY_DRAIN_DELAY");
  }

  @Test
  void with_changesOneSetting_andChecksItLikeTheRest() {
    GatewayConfig changed = defaults.with("http.port", 0).withConnectionsPerIp(4);
    assertThat(changed.httpPort()).isZero();
    assertThat(changed.connectionsPerIp()).isEqualTo(4);
    assertThat(changed.framesPerSecond()).isEqualTo(defaults.framesPerSecond());
    assertThatThrownBy(() -> defaults.with("http.port", 70_000)).hasMessageContaining("http.port");
    assertThatThrownBy(() -> defaults.with("room.idle-close", "0s")).hasMessageContaining("idle-close");
  }

  @Test
  void shards_replaceTheSingleTarget_aBadListIsNamed() {
    GatewayConfig sharded = defaults.with("core.shards", "a=10.0.0.1:7070,b=10.0.0.2:7070");
    assertThat(sharded.coreShards().names()).containsExactly("a", "b");
    assertThat(sharded.withCoreTarget("10.0.0.9:7070").coreShards().target("core-1")).isEqualTo("10.0.0.9:7070");
    assertThatThrownBy(() -> defaults.with("core.shards", "a=nowhere"))
        .hasMessageContaining("LIVESHOP_GATEWAY_CORE_SHARDS").hasMessageContaining("a=nowhere");
  }

  @Test
  void productionMode_withoutASigningKey_refusesToStart() {
    assertThatThrownBy(() -> defaults.with("auth.dev-mode", false))
        .hasMessageContaining("LIVESHOP_AUTH_SECRET");
  }

  /** A bad value of a variable, the key it sets, and what the message must say about the value. */
  static Stream<Arguments> badEnvironment() {
    return Stream.of(
        Arguments.of("LIVESHOP_GATEWAY_CORE_TARGET", "foo", "liveshop.gateway.core.target", "must be host:port"),
        Arguments.of("LIVESHOP_GATEWAY_CORE_SHARDS", "a=nowhere", "liveshop.gateway.core.shards",
            "not name=host:port"),
        Arguments.of("LIVESHOP_AUTH_DEV_MODE", "0", "liveshop.gateway.auth.dev-mode", "must be true or false"),
        Arguments.of("LIVESHOP_GATEWAY_PORT", "http", "liveshop.gateway.http.port", "must be a whole number"),
        Arguments.of("LIVESHOP_GATEWAY_PORT", "70000", "liveshop.gateway.http.port", "must be 0..65535"),
        Arguments.of("LIVESHOP_GATEWAY_RESERVE_BATCH_SIZE", "5000", "liveshop.gateway.core.reserve-batch-size",
            "must be 1..1000"),
        Arguments.of("LIVESHOP_GATEWAY_RESERVE_BATCHES_IN_FLIGHT", "0",
            "liveshop.gateway.core.reserve-batches-in-flight", "must be >= 1"),
        Arguments.of("LIVESHOP_GATEWAY_VIEWER_CHATS_PER_SECOND", "lots",
            "liveshop.gateway.limits.viewer-chats-per-second", "must be a number"),
        Arguments.of("LIVESHOP_GATEWAY_VIEWER_CHAT_BURST", "0", "liveshop.gateway.limits.viewer-chat-burst",
            "must be >= 1"),
        Arguments.of("LIVESHOP_GATEWAY_CONNECTIONS_PER_IP", "-1", "liveshop.gateway.limits.connections-per-ip",
            "must be >= 0"),
        Arguments.of("LIVESHOP_GATEWAY_MAX_VIEWER_BACKLOG_BYTES", "1000",
            "liveshop.gateway.limits.max-viewer-backlog-bytes", "must be at least 65536"),
        Arguments.of("LIVESHOP_GATEWAY_ROOM_TICK", "0s", "liveshop.gateway.room.tick", "must be at least 1ms"),
        Arguments.of("LIVESHOP_GATEWAY_ROOM_IDLE_CLOSE", "later", "liveshop.gateway.room.idle-close",
            "must be a duration"),
        Arguments.of("LIVESHOP_GATEWAY_FAN_OUT", "broadcast", "liveshop.gateway.room.fan-out",
            "must be shared or per-viewer"),
        Arguments.of("LIVESHOP_GATEWAY_MAX_FRAME_BYTES", "100", "liveshop.gateway.limits.max-frame-bytes",
            "must be >= 256"),
        Arguments.of("LIVESHOP_PAYMENT_MAX_SKEW", "soon", "liveshop.gateway.payments.max-skew", "must be a duration"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badEnvironment")
  void from_badEnvironmentValue_failsNamingKeyVariableAndValue(String variable, String value, String key,
      String rule) {
    assertThatThrownBy(() -> GatewayConfig.from(EnvVariables.load(Map.of(variable, value))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key + " (" + variable + ")")
        .hasMessageContaining(rule)
        .hasMessageContaining(value);
  }

  @Test
  void from_badCoreTarget_doesNotBlameTheShardList() {
    assertThatThrownBy(() -> GatewayConfig.from(EnvVariables.load(Map.of("LIVESHOP_GATEWAY_CORE_TARGET", "foo"))))
        .hasMessageNotContaining("LIVESHOP_GATEWAY_CORE_SHARDS");
  }

  @Test
  void from_coreTargetWithSurroundingWhitespace_isTakenStripped() {
    // As a YAML block scalar (a Kubernetes ConfigMap) hands it over.
    GatewayConfig config = GatewayConfig.from(EnvVariables.load(Map.of("LIVESHOP_GATEWAY_CORE_TARGET",
        " live-core:7070\n")));
    assertThat(config.coreShards().target(config.coreShards().names().iterator().next())).isEqualTo("live-core:7070");
  }

  @Test
  void referenceConf_everyKeyHasAnEnvironmentVariable() {
    Config reference = ConfigFactory.parseFile(new File("src/main/resources/reference.conf"));
    EnvVariables variables = EnvVariables.of(reference);
    Set<String> without = new TreeSet<>();
    reference.resolve().getConfig("liveshop.gateway").entrySet()
        .forEach(e -> without.add("liveshop.gateway." + e.getKey()));
    without.removeAll(variables.byKey().keySet());
    assertThat(without).as("keys of live-gateway's reference.conf with no ${?LIVESHOP_...} line").isEmpty();
    assertThat(variables.byKey().values()).allMatch(v -> v.matches("LIVESHOP_[A-Z0-9_]+"));
    // live-core's reference.conf is on this classpath too: no variable may set a key of both.
    assertThat(EnvVariables.onClassPath().byKey().values()).doesNotHaveDuplicates();
  }

  @Test
  void from_variablesOfEveryKind_takeEffect() {
    GatewayConfig config = GatewayConfig.from(EnvVariables.load(Map.of("LIVESHOP_GATEWAY_MAX_FRAME_BYTES", "16384",
        "LIVESHOP_GATEWAY_FRAMES_PER_SECOND", "50", "LIVESHOP_AUTH_TOKEN_TTL", "1h", "LIVESHOP_PAYMENT_MAX_SKEW", "1m",
        "LIVESHOP_GATEWAY_RESERVE_DEADLINE", "2s", "LIVESHOP_GATEWAY_RESUME_FRAMES", "0")));
    assertThat(config.maxFrameBytes()).isEqualTo(16384);
    assertThat(config.framesPerSecond()).isEqualTo(50);
    assertThat(config.tokenTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(config.paymentMaxSkew()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.reserveDeadline()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.resumeFrames()).isZero();
  }

  @Test
  void productionMode_shortPaymentKey_refusesToStartNamingTheVariable() {
    String key = "k".repeat(GatewayConfig.MIN_SECRET_CHARS);
    assertThatThrownBy(() -> GatewayConfig.from(EnvVariables.load(Map.of("LIVESHOP_AUTH_DEV_MODE", "false",
        "LIVESHOP_AUTH_SECRET", key, "LIVESHOP_PAYMENT_SECRET", "provider-secret"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LIVESHOP_PAYMENT_SECRET").hasMessageContaining("at least 32 characters")
        .hasMessageNotContaining("provider-secret");
    GatewayConfig production = defaults.with("auth.secret", key).with("auth.dev-mode", false);
    assertThat(production.withPaymentSecret(key.substring(1) + "p").paymentSecret()).hasSize(32);
    assertThat(production.withPaymentSecret("").paymentSecret()).isEmpty();
    assertThatThrownBy(() -> production.withPaymentSecret(key.substring(1))).hasMessageContaining("31 characters");
  }

  @Test
  void devMode_acceptsAShortPaymentKey_likeAShortSigningKey() {
    assertThat(defaults.withPaymentSecret("provider-secret").paymentSecret()).isEqualTo("provider-secret");
  }
}
