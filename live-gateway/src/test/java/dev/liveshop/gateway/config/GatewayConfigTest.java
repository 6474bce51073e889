package dev.liveshop.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

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
}
