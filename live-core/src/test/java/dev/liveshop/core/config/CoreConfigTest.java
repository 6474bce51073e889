package dev.liveshop.core.config;

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

class CoreConfigTest {

  /**
   * Keys whose variable another branch adds (the shutdown work). Take a key out once it has
   * its variable; add none: a new key gets its variable in reference.conf.
   */
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

  /** A bad value of a variable, the key it sets, and what the message must say about the value. */
  static Stream<Arguments> badEnvironment() {
    return Stream.of(
        Arguments.of("LIVESHOP_INVENTORY_SHARDS", "abc", "liveshop.core.inventory.shards", "must be a whole number"),
        Arguments.of("LIVESHOP_INVENTORY_SHARDS", "0", "liveshop.core.inventory.shards", "must be 1..64"),
        Arguments.of("LIVESHOP_DEMO", "0", "liveshop.core.demo.enabled", "must be true or false"),
        Arguments.of("LIVESHOP_CORE_GRPC_PORT", "http", "liveshop.core.grpc.port", "must be a whole number"),
        Arguments.of("LIVESHOP_CORE_GRPC_PORT", "70000", "liveshop.core.grpc.port", "must be 0..65535"),
        Arguments.of("LIVESHOP_CORE_PEERS", "core-1=localhost", "liveshop.core.shard.peers", "not name=host:port"),
        Arguments.of("LIVESHOP_CORE_PEERS", "core-2=h:7070", "liveshop.core.shard.peers",
            "must include this shard, 'core-1'"),
        Arguments.of("LIVESHOP_CORE_SHARD", "core 1", "liveshop.core.shard.name", "[A-Za-z0-9._-]"),
        Arguments.of("LIVESHOP_CASSANDRA_CONSISTENCY", "LOCAL_QUORAM", "liveshop.core.cassandra.consistency",
            "must be one of ONE, TWO, THREE, QUORUM, ALL, LOCAL_ONE, LOCAL_QUORUM, EACH_QUORUM"),
        Arguments.of("LIVESHOP_CASSANDRA_CONSISTENCY", "SERIAL", "liveshop.core.cassandra.consistency",
            "must be one of"),
        Arguments.of("LIVESHOP_CASSANDRA_KEYSPACE", "Bad-Name", "liveshop.core.cassandra.keyspace",
            "must be a keyspace name"),
        Arguments.of("LIVESHOP_CASSANDRA_CONTACT_POINTS", "host:notaport", "liveshop.core.cassandra.contact-points",
            "must be host:port"),
        Arguments.of("LIVESHOP_INVENTORY_MAX_SALE_DURATION", "forever", "liveshop.core.inventory.max-sale-duration",
            "must be a duration"),
        Arguments.of("LIVESHOP_INVENTORY_ENDED_SALE_RETENTION", "-1s",
            "liveshop.core.inventory.ended-sale-retention", "must not be negative"),
        Arguments.of("LIVESHOP_INVENTORY_MAX_REMEMBERED_REFUSALS", "many",
            "liveshop.core.inventory.max-remembered-refusals", "must be a whole number"),
        Arguments.of("LIVESHOP_ORDERS_MAX_GROUP_SIZE", "0", "liveshop.core.orders.max-group-size", "must be >= 1"),
        Arguments.of("LIVESHOP_CASSANDRA_REQUEST_TIMEOUT", "soon", "liveshop.core.cassandra.request-timeout",
            "must be a duration"),
        Arguments.of("LIVESHOP_BUS_REPLAY_EVENTS", "0", "liveshop.core.bus.replay-events", "must be at least 1"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badEnvironment")
  void from_badEnvironmentValue_failsNamingKeyVariableAndValue(String variable, String value, String key,
      String rule) {
    assertThatThrownBy(() -> CoreConfig.from(EnvVariables.load(Map.of(variable, value))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key + " (" + variable + ")")
        .hasMessageContaining(rule)
        .hasMessageContaining(value);
  }

  @Test
  void referenceConf_everyKeyHasAnEnvironmentVariable() {
    Config reference = ConfigFactory.parseFile(new File("src/main/resources/reference.conf"));
    EnvVariables variables = EnvVariables.of(reference);
    Set<String> without = new TreeSet<>();
    reference.resolve().getConfig("liveshop.core").entrySet().forEach(e -> without.add("liveshop.core." + e.getKey()));
    without.removeAll(variables.byKey().keySet());
    assertThat(without).as("keys of live-core's reference.conf with no ${?LIVESHOP_...} line").isEmpty();
    assertThat(variables.byKey().values()).doesNotHaveDuplicates().allMatch(v -> v.matches("LIVESHOP_[A-Z0-9_]+"));
  }

  @Test
  void from_variablesOfEveryKind_takeEffect() {
    CoreConfig config = CoreConfig.from(EnvVariables.load(Map.of("LIVESHOP_CASSANDRA_REQUEST_TIMEOUT", "30s",
        "LIVESHOP_CASSANDRA_MAX_QUEUED_REQUESTS", "5000", "LIVESHOP_INVENTORY_DEFAULT_HOLD_TTL", "15m",
        "LIVESHOP_BUS_REPLAY_EVENTS", "64", "LIVESHOP_BUS_IDLE_EVICT", "1h")));
    assertThat(config.cassandra().requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.cassandra().maxQueuedRequests()).isEqualTo(5000);
    assertThat(config.inventory().defaultHoldTtl()).isEqualTo(Duration.ofMinutes(15));
    assertThat(config.bus().replayEvents()).isEqualTo(64);
    assertThat(config.bus().idleEvict()).isEqualTo(Duration.ofHours(1));
  }
}
