package dev.liveshop.gateway.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.gateway.metrics.GatewayMetrics;
import dev.liveshop.gateway.protocol.Wire;
import dev.liveshop.proto.v1.ChatMessage;
import dev.liveshop.proto.v1.Join;
import dev.liveshop.proto.v1.RoomBusState;
import dev.liveshop.proto.v1.ServerFrame;
import dev.liveshop.proto.v1.Stream;
import dev.liveshop.proto.v1.StreamSnapshot;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A viewer that leaves a room while one of the room's broadcasts waits on its event loop.
 * The broadcast took its copy of the members while the viewer was still one; the loop runs
 * it after the viewer's leave and join. The viewer is an EmbeddedChannel, whose loop runs
 * the broadcast only when the test says so, so the interleaving is the test's to choose.
 */
class RoomSwitchTest {

  private final GatewayMetrics metrics = new GatewayMetrics(() -> 2);
  private final EmbeddedChannel viewer = new EmbeddedChannel();

  @AfterEach
  void tearDown() {
    viewer.finishAndReleaseAll();
    metrics.close();
  }

  @Test
  void broadcastQueuedBeforeASwitch_doesNotReachTheViewerInItsNewRoom() throws Exception {
    Room a = room("a");
    Room b = room("b");
    viewer.attr(Wire.OF_CHANNEL).set(Wire.PROTO);
    assertThat(a.join(viewer, "alice", join("a"))).isTrue();
    assertThat(written()).singleElement().matches(ServerFrame::hasWelcome);

    a.onChat(message("in-a"));
    a.tick(false); // A's chat waits on the viewer's loop...
    a.leave(viewer); // ...while the viewer moves to B (leave, then join: one task on the loop)
    assertThat(b.join(viewer, "alice", join("b"))).isTrue();
    viewer.runPendingTasks();

    List<ServerFrame> frames = written();
    assertThat(frames).singleElement().matches(f -> f.getWelcome().getStream().getStreamId().equals("b"));
  }

  @Test
  void broadcastQueuedBeforeARejoinOfTheSameRoom_isNotDeliveredAfterTheNewWelcome() throws Exception {
    Room a = room("a");
    viewer.attr(Wire.OF_CHANNEL).set(Wire.PROTO);
    assertThat(a.join(viewer, "alice", join("a"))).isTrue();
    written();

    a.onChat(message("m1"));
    a.tick(false);
    a.leave(viewer);
    assertThat(a.join(viewer, "alice", join("a"))).isTrue(); // its welcome already holds m1
    viewer.runPendingTasks();

    List<ServerFrame> frames = written();
    assertThat(frames).singleElement().matches(ServerFrame::hasWelcome);
    assertThat(frames.get(0).getWelcome().getRecentChatList()).extracting(ChatMessage::getMessageId)
        .containsExactly("m1");

    a.onChat(message("m2")); // and later broadcasts reach it again
    a.tick(false);
    viewer.runPendingTasks();
    assertThat(written()).singleElement().matches(f -> f.getChat().getMessages(0).getMessageId().equals("m2")
        && f.getRoomSeq() > frames.get(0).getWelcome().getRoomSeq());
  }

  private Room room(String streamId) {
    return new Room(StreamSnapshot.newBuilder().setStream(Stream.newBuilder().setStreamId(streamId)).build(),
        RoomBusState.getDefaultInstance(), 10, metrics, 1 << 20, 16, false);
  }

  private static Join join(String streamId) {
    return Join.newBuilder().setStreamId(streamId).build();
  }

  private static ChatMessage message(String id) {
    return ChatMessage.newBuilder().setMessageId(id).setViewerId("bob").setText(id).build();
  }

  /** Every frame written to the viewer since the last call. */
  private List<ServerFrame> written() throws Exception {
    return WrittenFrames.drain(viewer);
  }
}
