package dev.liveshop.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoreConfigTest {

  @Test
  void from_defaults_areTheDocumentedOnes() {
    CoreConfig config = CoreConfig.from(ConfigFactory.load());
    assertThat(config.grpcPort()).isEqualTo(7070);
    assertThat(config.cassandra().localDatacenter()).isEqualTo("datacenter1");
    assertThat(config.cassandra().contactPoints()).hasSize(1);
    assertThat(config.inventory().shards()).isEqualTo(2);
    assertThat(config.shard().name()).isEqualTo("core-1");
    assertThat(config.shard().peers().isEmpty()).isTrue();
    assertThat(config.bus().replayEvents()).isEqualTo(1024);
    assertThat(config.inventory().endedSaleRetention()).isEqualTo(Duration.ofMinutes(10));
    assertThatThrownBy(() -> CoreConfig.from(ConfigFactory.parseMap(Map.of(
        "liveshop.core.inventory.ended-sale-retention", "-1s")).withFallback(ConfigFactory.load())))
        .hasMessageContaining("ended-sale-retention");
    assertThat(config.inventory().maxRememberedRefusals()).isEqualTo(1_000_000);
    assertThatThrownBy(() -> CoreConfig.from(ConfigFactory.parseMap(Map.of(
        "liveshop.core.inventory.max-remembered-refusals", -1)).withFallback(ConfigFactory.load())))
        .hasMessageContaining("max-remembered-refusals");
  }

  @Test
  void shard_peersMustNameThisShard_andNamesAreChecked() {
    CoreConfig sharded = CoreConfig.from(ConfigFactory.parseMap(Map.of("liveshop.core.shard.name", "core-2",
        "liveshop.core.shard.peers", "core-1=10.0.0.1:7070,core-2=10.0.0.2:7070")).withFallback(ConfigFactory.load()));
    assertThat(sharded.shard().peers().target("core-1")).isEqualTo("10.0.0.1:7070");
    assertThatThrownBy(() -> CoreConfig.from(ConfigFactory.parseMap(Map.of("liveshop.core.shard.name", "core-3",
        "liveshop.core.shard.peers", "core-1=10.0.0.1:7070")).withFallback(ConfigFactory.load())))
        .hasMessageContaining("must include this shard, 'core-3'");
    assertThatThrownBy(() -> CoreConfig.from(ConfigFactory.parseMap(Map.of("liveshop.core.shard.name", "core 1"))
        .withFallback(ConfigFactory.load()))).hasMessageContaining("liveshop.core.shard.name");
    assertThatThrownBy(() -> CoreConfig.from(ConfigFactory.parseMap(Map.of("liveshop.core.shard.peers", "nonsense"))
        .withFallback(ConfigFactory.load()))).hasMessageContaining("name=host:port");
    assertThatThrownBy(() -> CoreConfig.from(ConfigFactory.parseMap(Map.of("liveshop.core.bus.replay-events", 0))
        .withFallback(ConfigFactory.load()))).hasMessageContaining("liveshop.core.bus.replay-events");
  }

  @Test
  void from_commaSeparatedContactPoints_areParsed() {
    CoreConfig config = CoreConfig.from(ConfigFactory.parseMap(
        Map.of("liveshop.core.cassandra.contact-points", "10.0.0.1:9042, 10.0.0.2:9142"))
        .withFallback(ConfigFactory.load()));
    assertThat(config.cassandra().contactPoints())
        .extracting(a -> a.getHostString() + ":" + a.getPort())
        .containsExactly("10.0.0.1:9042", "10.0.0.2:9142");
  }

  @Test
  void from_badValues_failNamingTheKey() {
    assertThatThrownBy(() -> CoreConfig.from(ConfigFactory.parseMap(
        Map.of("liveshop.core.cassandra.keyspace", "Bad-Name")).withFallback(ConfigFactory.load())))
        .hasMessageContaining("liveshop.core.cassandra.keyspace");
    assertThatThrownBy(() -> CoreConfig.from(ConfigFactory.parseMap(
        Map.of("liveshop.core.inventory.shards", 0)).withFallback(ConfigFactory.load())))
        .hasMessageContaining("liveshop.core.inventory.shards");
    assertThatThrownBy(() -> CoreConfig.from(ConfigFactory.parseMap(
        Map.of("liveshop.core.cassandra.contact-points", "host:notaport")).withFallback(ConfigFactory.load())))
        .hasMessageContaining("contact-points");
  }
}
