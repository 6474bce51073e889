package dev.liveshop.core.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.liveshop.core.catalog.InvalidRequestException;
import dev.liveshop.core.config.BusSettings;
import dev.liveshop.proto.v1.ChatMessage;
import dev.liveshop.proto.v1.ModerationRequest;
import dev.liveshop.proto.v1.PublishAck;
import dev.liveshop.proto.v1.RoomBusState;
import dev.liveshop.proto.v1.RoomEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoomBusTest {

  private final MemoryRoomRules rules = new MemoryRoomRules();
  private final RoomBus bus = new RoomBus(new BusSettings(4, 2, 3, Duration.ofMinutes(10)), rules);

  @Test
  void publish_numbersEventsPerStream_andEverySubscriberGetsThemInOrder() {
    Recorder first = subscribe("s1", "", 0);
    Recorder second = subscribe("s1", "", 0);
    Recorder other = subscribe("s2", "", 0);

    assertThat(bus.publish(chat("s1", "m1")).getSeq()).isEqualTo(1);
    assertThat(bus.publish(pin("s1", "p1")).getSeq()).isEqualTo(2);
    assertThat(bus.publish(chat("s2", "x")).getSeq()).isEqualTo(1);

    for (Recorder r : List.of(first, second)) {
      assertThat(r.events.get(0).getState().getLastSeq()).isZero();
      assertThat(r.events.subList(1, 3)).extracting(RoomEvent::getSeq).containsExactly(1L, 2L);
      assertThat(r.events.get(2).getPinnedProductId()).isEqualTo("p1");
    }
    assertThat(other.events).hasSize(2);
  }

  @Test
  void resubscribe_withEpochAndSeqInTheBuffer_replaysWhatWasMissed() {
    String epoch = "";
    for (int i = 1; i <= 5; i++) {
      epoch = bus.publish(chat("s", "m" + i)).getBusEpoch();
    }
    Recorder back = subscribe("s", epoch, 3);

    RoomBusState state = back.events.get(0).getState();
    assertThat(state.getReset()).isFalse();
    assertThat(state.getLastSeq()).isEqualTo(3);
    assertThat(back.events.subList(1, back.events.size())).extracting(e -> e.getChat().getMessageId())
        .containsExactly("m4", "m5");
  }

  @Test
  void resubscribe_tooFarBehindOrFromAnotherEpoch_isToldToReset() {
    String epoch = "";
    for (int i = 1; i <= 6; i++) {
      epoch = bus.publish(chat("s", "m" + i)).getBusEpoch();
    }
    Recorder behind = subscribe("s", epoch, 1); // buffer holds 3..6
    Recorder stranger = subscribe("s", "older-bus", 6);

    for (Recorder r : List.of(behind, stranger)) {
      assertThat(r.events).hasSize(1);
      assertThat(r.events.get(0).getState().getReset()).isTrue();
      assertThat(r.events.get(0).getState().getLastSeq()).isEqualTo(6);
    }
  }

  @Test
  void state_carriesChatRulesMutesAndRecentChatWithoutDeletedMessages() {
    bus.publish(chat("s", "m1"));
    bus.publish(chat("s", "m2"));
    bus.publish(chat("s", "m3"));
    bus.publish(moderation("s", ModerationRequest.newBuilder().setDeleteMessageId("m3")));
    bus.publish(moderation("s", ModerationRequest.newBuilder().setMuteViewerId("troll")));
    bus.publish(moderation("s", ModerationRequest.newBuilder().setSlowModeSeconds(5)));
    PublishAck ack = bus.publish(moderation("s", ModerationRequest.newBuilder().setChatEnabled(false)));

    assertThat(ack.getChatSettings().getChatOff()).isTrue();
    assertThat(ack.getChatSettings().getSlowModeSeconds()).isEqualTo(5);
    RoomBusState state = subscribe("s", "", 0).events.get(0).getState();
    assertThat(state.getRecentChatList()).extracting(ChatMessage::getMessageId).containsExactly("m2");
    assertThat(state.getMutedViewerIdsList()).containsExactly("troll");
    assertThat(state.getChatSettings()).isEqualTo(ack.getChatSettings());
  }

  @Test
  void chatRules_outliveTheBus_aRestartedOneStartsFromTheStoredRules() {
    bus.publish(moderation("s", ModerationRequest.newBuilder().setMuteViewerId("troll")));
    bus.publish(moderation("s", ModerationRequest.newBuilder().setSlowModeSeconds(10)));
    bus.publish(moderation("s", ModerationRequest.newBuilder().setMuteViewerId("spammer")));
    bus.publish(moderation("s", ModerationRequest.newBuilder().setUnmuteViewerId("troll")));

    RoomBus restarted = new RoomBus(new BusSettings(4, 2, 3, Duration.ofMinutes(10)), rules);
    Recorder gateway = new Recorder();
    restarted.subscribe("s", gateway, "", 0);
    RoomBusState state = gateway.events.get(0).getState();
    assertThat(state.getMutedViewerIdsList()).containsExactly("spammer");
    assertThat(state.getChatSettings().getSlowModeSeconds()).isEqualTo(10);
  }

  @Test
  void idleStreams_areDroppedWhenAnotherStarts_watchedOnesStay_andRulesComeBackWithTheStream() {
    RoomBus eager = new RoomBus(new BusSettings(4, 2, 3, Duration.ZERO), rules);
    eager.publish(moderation("old", ModerationRequest.newBuilder().setMuteViewerId("troll")));
    String epoch = eager.publish(chat("old", "m1")).getBusEpoch();
    Recorder watching = new Recorder();
    eager.subscribe("watched", watching, "", 0);
    assertThat(eager.streams()).as("'old' was idle: dropped when 'watched' started").isEqualTo(1);
    eager.subscribe("third", new Recorder(), "", 0);
    assertThat(eager.streams()).as("'watched' has a subscriber: kept").isEqualTo(2);

    Recorder back = new Recorder();
    eager.subscribe("old", back, epoch, 2);
    RoomBusState state = back.events.get(0).getState();
    assertThat(state.getReset()).isTrue();
    assertThat(state.getMutedViewerIdsList()).containsExactly("troll");
  }

  @Test
  void resubscribe_afterTheStreamWasEvictedAndStartedAgain_isToldToReset_notReplayedFromTheMiddle() {
    RoomBus eager = new RoomBus(new BusSettings(8, 2, 3, Duration.ZERO), rules);
    String before = eager.publish(chat("s", "m1")).getBusEpoch();
    eager.publish(chat("s", "m2"));
    eager.subscribe("other", new Recorder(), "", 0); // 's' idle: evicted
    // Other gateways go on with the stream's new log while this one is cut off.
    eager.publish(chat("s", "n1"));
    eager.publish(moderation("s", ModerationRequest.newBuilder().setMuteViewerId("troll")));
    eager.publish(chat("s", "n3"));

    Recorder back = new Recorder();
    eager.subscribe("s", back, before, 2);

    RoomBusState state = back.events.get(0).getState();
    assertThat(state.getReset()).as("its seq 2 is the old log's").isTrue();
    assertThat(state.getMutedViewerIdsList()).containsExactly("troll");
  }

  @Test
  void moderationTheStoreCannotKeep_isNotAnnounced() {
    Recorder gateway = subscribe("s", "", 0);
    rules.down = true;
    assertThatThrownBy(() -> bus.publish(moderation("s", ModerationRequest.newBuilder().setMuteViewerId("troll"))))
        .hasMessageContaining("store down");
    assertThat(gateway.events).hasSize(1);
    rules.down = false;
    assertThat(bus.publish(chat("s", "m1")).getSeq()).isEqualTo(1);
  }

  @Test
  void subscriberThatStaysFull_isCutOffAndNoLongerSent() {
    Recorder slow = subscribe("s", "", 0);
    slow.ready = false;
    for (int i = 1; i <= 5; i++) {
      bus.publish(chat("s", "m" + i));
    }
    assertThat(slow.cutOff).contains("resubscribe");
    assertThat(slow.events).hasSize(1 + 3);
    assertThat(bus.subscribers("s")).isZero();
  }

  @Test
  void badEvents_areRefusedAndNotNumbered() {
    assertThatThrownBy(() -> bus.publish(RoomEvent.newBuilder().setStreamId("s").build()))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("name the event");
    assertThatThrownBy(() -> bus.publish(chat("", "m")))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("stream_id");
    assertThatThrownBy(() -> bus.publish(RoomEvent.newBuilder().setStreamId("s")
        .setState(RoomBusState.getDefaultInstance()).build()))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("state");
    assertThatThrownBy(() -> bus.publish(moderation("s", ModerationRequest.newBuilder().setSlowModeSeconds(3601))))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("slowModeSeconds must be 0..3600");
    assertThatThrownBy(() -> bus.publish(RoomEvent.newBuilder().setStreamId("s")
        .setChat(ChatMessage.newBuilder().setText("no ids")).build()))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("message_id");
    assertThatThrownBy(() -> subscribe("s", "", -1)).isInstanceOf(InvalidRequestException.class);

    assertThat(bus.publish(chat("s", "ok")).getSeq()).isEqualTo(1);
  }

  @Test
  void endSubscriptions_endsEveryOneAndEachLaterOne_publishingGoesOn() {
    Recorder open = subscribe("s1", "", 0);

    bus.endSubscriptions();
    assertThat(open.cutOff).isEqualTo("closing");
    Recorder later = subscribe("s1", "", 0);
    Recorder elsewhere = subscribe("s2", "", 0);
    assertThat(later.cutOff).isEqualTo("closing");
    assertThat(elsewhere.cutOff).isEqualTo("closing");
    assertThat(bus.publish(chat("s1", "m1")).getSeq()).isEqualTo(1);
    assertThat(bus.subscribers("s1")).isZero();
  }

  private Recorder subscribe(String streamId, String epoch, long afterSeq) {
    Recorder recorder = new Recorder();
    bus.subscribe(streamId, recorder, epoch, afterSeq);
    return recorder;
  }

  private static RoomEvent chat(String streamId, String messageId) {
    return RoomEvent.newBuilder().setStreamId(streamId).setChat(ChatMessage.newBuilder().setMessageId(messageId)
        .setViewerId("v").setText("hi")).build();
  }

  private static RoomEvent pin(String streamId, String productId) {
    return RoomEvent.newBuilder().setStreamId(streamId).setPinnedProductId(productId).build();
  }

  private static RoomEvent moderation(String streamId, ModerationRequest.Builder action) {
    return RoomEvent.newBuilder().setStreamId(streamId).setModeration(action).build();
  }

  /** A subscriber that keeps what it is sent; its readiness is set by the test. */
  @Test
  void publish_toASubscriberCancelledBetweenTheCheckAndTheSend_reachesTheOthersAndIsAcked() {
    Recorder leaving = subscribe("s", "", 0);
    Recorder staying = subscribe("s", "", 0);
    leaving.sendFails = true; // as gRPC throws CANCELLED for a call cancelled meanwhile

    assertThat(bus.publish(chat("s", "m1")).getSeq()).isEqualTo(1);
    assertThat(bus.publish(chat("s", "m2")).getSeq()).isEqualTo(2);

    assertThat(staying.events.subList(1, staying.events.size())).extracting(RoomEvent::getSeq)
        .containsExactly(1L, 2L);
    assertThat(bus.subscribers("s")).isEqualTo(1);
  }

  private static final class Recorder implements BusSubscriber {
    final List<RoomEvent> events = new ArrayList<>();
    boolean ready = true;
    boolean sendFails;
    String cutOff;

    @Override
    public boolean isReady() {
      return ready;
    }

    @Override
    public boolean isCancelled() {
      return cutOff != null;
    }

    @Override
    public void send(RoomEvent event) {
      if (sendFails) {
        throw new IllegalStateException("call already cancelled");
      }
      events.add(event);
    }

    @Override
    public void fellBehind(String reason) {
      cutOff = reason;
    }

    @Override
    public void closing() {
      cutOff = "closing";
    }
  }
}
