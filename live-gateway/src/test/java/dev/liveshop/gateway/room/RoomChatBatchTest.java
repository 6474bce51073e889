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
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When chat batches leave a room. The viewer is an EmbeddedChannel: its event loop runs a
 * broadcast only when the test says so ({@code runPendingTasks}), so "still being written"
 * is a state the test holds.
 */
class RoomChatBatchTest {

  private final GatewayMetrics metrics = new GatewayMetrics(() -> 1);
  private final EmbeddedChannel viewer = new EmbeddedChannel();

  @AfterEach
  void tearDown() {
    viewer.finishAndReleaseAll();
  }

  /**
   * Under load batches grow instead of queueing behind each other. (Sending the held batch
   * as soon as the write ends, when a tick has passed, was measured and made the 10,000-viewer
   * chat storm slower: bench/RESULTS.md.)
   */
  @Test
  void chatHeldBehindAWrite_leavesWithTheNextTick_inOneBatch() throws Exception {
    Room room = joinedRoom();
    room.onChat(message("m1"));
    room.flushChat();
    room.onChat(message("m2"));
    room.flushChat(); // m1's batch is still being written: m2 is held back
    room.onChat(message("m3"));

    viewer.runPendingTasks();
    assertThat(chatBatches()).containsExactly(List.of("m1"));

    room.flushChat(); // the next tick
    viewer.runPendingTasks();
    assertThat(chatBatches()).containsExactly(List.of("m2", "m3"));
    room.flushChat(); // nothing left: no empty batch
    viewer.runPendingTasks();
    assertThat(chatBatches()).isEmpty();
  }

  private Room joinedRoom() throws Exception {
    StreamSnapshot snapshot = StreamSnapshot.newBuilder().setStream(Stream.newBuilder().setStreamId("demo")).build();
    Room room = new Room(snapshot, RoomBusState.getDefaultInstance(), 10, metrics, 1 << 20, 16, false);
    viewer.attr(Wire.OF_CHANNEL).set(Wire.PROTO);
    assertThat(room.join(viewer, "alice", Join.newBuilder().setStreamId("demo").build())).isTrue();
    assertThat(written()).allMatch(ServerFrame::hasWelcome).hasSize(1);
    return room;
  }

  private static ChatMessage message(String id) {
    return ChatMessage.newBuilder().setMessageId(id).setViewerId("bob").setText(id).build();
  }

  /** The chat batches written so far, each as its message ids. */
  private List<List<String>> chatBatches() throws Exception {
    List<List<String>> batches = new ArrayList<>();
    for (ServerFrame frame : written()) {
      if (frame.hasChat()) {
        batches.add(frame.getChat().getMessagesList().stream().map(ChatMessage::getMessageId).toList());
      }
    }
    return batches;
  }

  /** Every frame written to the viewer since the last call: broadcasts are whole WebSocket frames in bytes. */
  private List<ServerFrame> written() throws Exception {
    List<ServerFrame> frames = new ArrayList<>();
    Object written;
    while ((written = viewer.readOutbound()) != null) {
      if (written instanceof ByteBuf wire) {
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, 1 << 20));
        client.writeInbound(wire);
        written = client.readInbound();
        client.finishAndReleaseAll();
      }
      BinaryWebSocketFrame binary = (BinaryWebSocketFrame) written;
      try {
        frames.add(ServerFrame.parseFrom(binary.content().nioBuffer()));
      } finally {
        binary.release();
      }
    }
    return frames;
  }
}
