package dev.liveshop.gateway.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.proto.v1.ChatBatch;
import dev.liveshop.proto.v1.ServerFrame;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoomReplayTest {

  private final RoomReplay replay = new RoomReplay(3);

  @Test
  void numbersBroadcastsFromOne() {
    assertThat(replay.seq()).isZero();
    assertThat(replay.number(frame()).getRoomSeq()).isEqualTo(1);
    assertThat(replay.number(frame()).getRoomSeq()).isEqualTo(2);
    assertThat(replay.seq()).isEqualTo(2);
  }

  @Test
  void replaysWhatAViewerMissedOldestFirst() {
    for (int i = 0; i < 5; i++) {
      replay.number(frame());
    }
    assertThat(seqs(replay.missedSince(replay.epoch(), 2))).containsExactly(3L, 4L, 5L);
    assertThat(seqs(replay.missedSince(replay.epoch(), 4))).containsExactly(5L);
    assertThat(replay.missedSince(replay.epoch(), 5)).isEmpty();
  }

  @Test
  void cannotReplayWhatIsNoLongerKept() {
    for (int i = 0; i < 5; i++) {
      replay.number(frame());
    }
    // Kept: 3, 4, 5. A viewer that saw 1 missed 2.
    assertThat(replay.missedSince(replay.epoch(), 1)).isNull();
    assertThat(replay.missedSince(replay.epoch(), 0)).isNull();
  }

  @Test
  void cannotReplayAnotherEpochOrASequenceNeverReached() {
    replay.number(frame());
    assertThat(replay.missedSince(new RoomReplay(3).epoch(), 0)).isNull();
    assertThat(replay.missedSince("", 0)).isNull();
    assertThat(replay.missedSince(replay.epoch(), 2)).isNull();
    assertThat(replay.missedSince(replay.epoch(), -1)).isNull();
  }

  @Test
  void aFreshRoomResumesAViewerThatSawNothing() {
    assertThat(replay.missedSince(replay.epoch(), 0)).isEmpty();
  }

  private static ServerFrame frame() {
    return ServerFrame.newBuilder().setChat(ChatBatch.getDefaultInstance()).build();
  }

  private static List<Long> seqs(List<ServerFrame> frames) {
    return frames.stream().map(ServerFrame::getRoomSeq).toList();
  }
}
