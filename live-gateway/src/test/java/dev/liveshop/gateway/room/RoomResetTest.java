package dev.liveshop.gateway.room;

import static dev.liveshop.gateway.Eventually.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.gateway.core.CoreShards;
import dev.liveshop.gateway.metrics.GatewayMetrics;
import dev.liveshop.proto.v1.CatalogServiceGrpc;
import dev.liveshop.proto.v1.GetStreamRequest;
import dev.liveshop.proto.v1.ModerationRequest;
import dev.liveshop.proto.v1.RoomEvent;
import dev.liveshop.proto.v1.Stream;
import dev.liveshop.proto.v1.StreamSnapshot;
import dev.liveshop.shard.ShardMap;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.util.concurrent.DefaultEventExecutor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A room whose live-core restarted while the stream cannot be re-read at once: live-core's
 * real room bus (restartable, its chat rules kept in a store as Cassandra keeps them) and a
 * catalogue that fails when told, on gRPC's in-process transport.
 */
class RoomResetTest {

  private final CuttableRoomBus bus = new CuttableRoomBus();
  private final AtomicInteger streamReads = new AtomicInteger();
  private final AtomicInteger readsToFail = new AtomicInteger();
  private Server core;
  private ManagedChannel channel;
  private DefaultEventExecutor scheduler;
  private RoomRegistry rooms;

  @BeforeEach
  void setUp() throws Exception {
    String name = InProcessServerBuilder.generateName();
    core = InProcessServerBuilder.forName(name).directExecutor().addService(bus)
        .addService(new CatalogServiceGrpc.CatalogServiceImplBase() {
          @Override
          public void getStream(GetStreamRequest r, StreamObserver<StreamSnapshot> out) {
            streamReads.incrementAndGet();
            if (readsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
              out.onError(Status.UNAVAILABLE.withDescription("store timed out").asRuntimeException());
              return;
            }
            out.onNext(StreamSnapshot.newBuilder().setStream(Stream.newBuilder().setStreamId("demo")).build());
            out.onCompleted();
          }
        })
        .build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    CoreShards shards = new CoreShards(ShardMap.single("core-1", "in-process:1"), Map.of("core-1", channel),
        Duration.ofSeconds(5));
    scheduler = new DefaultEventExecutor();
    rooms = new RoomRegistry(shards, 10, Duration.ofHours(1), scheduler, new GatewayMetrics(() -> 1), 1 << 20, 3,
        false, Duration.ofMinutes(5));
  }

  @AfterEach
  void tearDown() {
    rooms.close();
    scheduler.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    channel.shutdownNow();
    core.shutdownNow();
  }

  @Test
  void busReset_whoseStreamReadFails_takesTheResetsChatRules_andReadsTheStreamAgainLater() throws Exception {
    Room room = rooms.room("demo").get(5, TimeUnit.SECONDS);
    int readsBefore = streamReads.get();
    readsToFail.set(1);

    // live-core restarts; before this gateway is back on its bus, the host mutes a viewer.
    bus.restartBus();
    bus.bus.publish(RoomEvent.newBuilder().setStreamId("demo")
        .setModeration(ModerationRequest.newBuilder().setMuteViewerId("troll")).build());

    waitFor(() -> room.admitChat("troll", System.currentTimeMillis(), false) != null);
    waitFor(() -> streamReads.get() >= readsBefore + 2);
    assertThat(room.admitChat("fan", System.currentTimeMillis(), false)).isNull();
  }
}
