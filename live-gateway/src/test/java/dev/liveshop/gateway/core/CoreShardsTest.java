package dev.liveshop.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.liveshop.gateway.Eventually.waitFor;

import dev.liveshop.shard.ShardMap;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CoreShardsTest {

  private final ShardMap map = ShardMap.parse("core-1=h:1,core-2=h:2");
  private final CoreShards shards = new CoreShards(map, channels("core-1", "core-2"), Duration.ofSeconds(1));

  @AfterEach
  void close() {
    shards.close();
  }

  @Test
  void streamsGoHome_salesGoToTheirRecordedOwner_unknownOwnersFallBackHome() {
    for (int i = 0; i < 50; i++) {
      String stream = "s-" + i;
      String home = map.home(stream);
      assertThat(shards.homeShard(stream).name()).isEqualTo(home);
      assertThat(shards.owner("", stream).name()).isEqualTo(home);
      assertThat(shards.owner("core-9", stream).name()).isEqualTo(home);
      assertThat(shards.owner("core-2", stream).name()).isEqualTo("core-2");
    }
  }

  @Test
  void aSingleShard_takesEverythingWhateverTheSalesSay() {
    try (CoreShards one = new CoreShards(ShardMap.single("core-1", "h:1"), channels("core-1"),
        Duration.ofSeconds(1))) {
      assertThat(one.owner("core-2", "any").name()).isEqualTo("core-1");
      assertThat(one.homeShard("any").name()).isEqualTo("core-1");
    }
  }

  @Test
  void unready_onlyWhenNoShardIsReachable_namingEachState() {
    // In-process channels to servers that do not exist never become READY.
    assertThat(shards.unready()).startsWith("no live-core shard is reachable").contains("core-1", "core-2");
  }

  @Test
  void unready_aFreshChannelToALiveCore_connectsWithoutAnyCall_soTheFirstAnswerIsReady() throws Exception {
    Server core = InProcessServerBuilder.forName("live-core-fresh").directExecutor().build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName("live-core-fresh").build();
    try (CoreShards one = new CoreShards(ShardMap.single("core-1", "h:1"), Map.of("core-1", channel),
        Duration.ofSeconds(1))) {
      // Without asking (getState(false)): nothing but the gateway itself may start the connection.
      waitFor(() -> channel.getState(false) == ConnectivityState.READY, "the channel connects by itself");
      assertThat(one.unready()).isNull();
    } finally {
      core.shutdownNow();
    }
  }

  @Test
  void unready_aChannelGoneIdleForLackOfCalls_isStillReady_andConnectsAgain() throws Exception {
    Server core = InProcessServerBuilder.forName("live-core-idle").directExecutor().build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName("live-core-idle").build();
    try (CoreShards one = new CoreShards(ShardMap.single("core-1", "h:1"), Map.of("core-1", channel),
        Duration.ofSeconds(1))) {
      waitFor(() -> one.unready() == null, "ready");
      channel.enterIdle(); // what 30 minutes without a call do

      assertThat(one.unready()).isNull();
      waitFor(() -> channel.getState(false) == ConnectivityState.READY, "connected again");
    } finally {
      core.shutdownNow();
    }
  }

  @Test
  void unready_onceTheCoreIsGone_saysSo() throws Exception {
    Server core = InProcessServerBuilder.forName("live-core-gone").directExecutor().build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName("live-core-gone").build();
    try (CoreShards one = new CoreShards(ShardMap.single("core-1", "h:1"), Map.of("core-1", channel),
        Duration.ofSeconds(1))) {
      waitFor(() -> one.unready() == null, "ready");
      core.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

      waitFor(() -> one.unready() != null, "unready once live-core is gone");
    }
  }

  @Test
  void aShardWithoutChannel_isRefused() {
    assertThatThrownBy(() -> new CoreShards(map, channels("core-1"), Duration.ofSeconds(1)))
        .hasMessageContaining("core-2");
  }

  private static Map<String, ManagedChannel> channels(String... names) {
    Map<String, ManagedChannel> channels = new LinkedHashMap<>();
    for (String name : names) {
      channels.put(name, InProcessChannelBuilder.forName("absent-" + name).build());
    }
    return channels;
  }
}
