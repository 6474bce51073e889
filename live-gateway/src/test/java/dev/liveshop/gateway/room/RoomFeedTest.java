package dev.liveshop.gateway.room;

import static dev.liveshop.gateway.Eventually.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.gateway.core.CoreClient;
import dev.liveshop.proto.v1.ChatMessage;
import dev.liveshop.proto.v1.PublishAck;
import dev.liveshop.proto.v1.RoomBusState;
import dev.liveshop.proto.v1.RoomEvent;
import dev.liveshop.proto.v1.WatchRoomRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.netty.util.concurrent.DefaultEventExecutor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway's room bus subscription losing its connection, on gRPC's in-process transport
 * with live-core's real room bus behind a service that can cut subscriptions.
 */
class RoomFeedTest {

  private final CuttableRoomBus service = new CuttableRoomBus();
  private final List<RoomEvent> applied = new CopyOnWriteArrayList<>();
  private final List<RoomBusState> resets = new CopyOnWriteArrayList<>();
  private Server server;
  private ManagedChannel channel;
  private DefaultEventExecutor scheduler;
  private RoomFeed feed;

  @BeforeEach
  void setUp() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    scheduler = new DefaultEventExecutor();
    feed = new RoomFeed("demo", new CoreClient(channel, Duration.ofSeconds(5)), scheduler, new RoomFeed.Listener() {
      @Override
      public void apply(Room room, RoomEvent event) {
        applied.add(event);
      }

      @Override
      public void reset(Room room, RoomBusState state, RoomFeed again) {
        resets.add(state);
        again.attach(room);
      }
    });
    feed.start().get(5, TimeUnit.SECONDS);
    feed.attach(null);
  }

  @AfterEach
  void tearDown() {
    feed.close();
    scheduler.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void lostSubscription_resubscribesFromTheLastSequence_andGetsWhatItMissedInOrder() throws Exception {
    publish("m1");
    publish("m2");
    waitFor(() -> applied.size() == 2);

    service.cutAll();
    publish("m3");
    publish("m4");
    waitFor(() -> applied.size() == 4);

    assertThat(applied).extracting(e -> e.getChat().getMessageId()).containsExactly("m1", "m2", "m3", "m4");
    assertThat(applied).extracting(RoomEvent::getSeq).containsExactly(1L, 2L, 3L, 4L);
    WatchRoomRequest again = service.requests.get(1);
    assertThat(again.getBusEpoch()).isEqualTo(applied.get(1).getBusEpoch());
    assertThat(again.getAfterSeq()).isEqualTo(2);
    assertThat(resets).isEmpty();
  }

  @Test
  void busRestarted_whileAway_theFeedIsToldToResetAndGoesOnWithTheNewSequence() throws Exception {
    publish("m1");
    waitFor(() -> applied.size() == 1);

    service.restartBus();
    waitFor(() -> resets.size() == 1);
    publish("after");
    waitFor(() -> applied.size() == 2);

    assertThat(resets.get(0).getReset()).isTrue();
    assertThat(applied.get(1).getChat().getMessageId()).isEqualTo("after");
    assertThat(applied.get(1).getSeq()).isEqualTo(1);
  }

  @Test
  void applied_completesOnceThisGatewayAppliedTheEvent() throws Exception {
    PublishAck ack = service.bus.publish(chat("m1"));
    feed.applied(ack.getBusEpoch(), ack.getSeq()).get(5, TimeUnit.SECONDS);
    assertThat(applied).hasSize(1);
    assertThat(feed.applied("another-bus", 99)).isDone();
  }

  private void publish(String messageId) {
    service.bus.publish(chat(messageId));
  }

  private static RoomEvent chat(String messageId) {
    return RoomEvent.newBuilder().setStreamId("demo").setChat(ChatMessage.newBuilder().setMessageId(messageId)
        .setViewerId("v").setText("hi")).build();
  }
}
