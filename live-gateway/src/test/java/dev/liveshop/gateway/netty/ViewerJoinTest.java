package dev.liveshop.gateway.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.proto.v1.ServerFrame;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Joining a room: unknown streams, resuming after a reconnect, and rooms that close when
 * idle.
 *
 * <p>The session and its stand-in live-core are {@link ViewerSessionFixture}'s.
 */
class ViewerJoinTest extends ViewerSessionFixture {

  @Test
  void join_unknownStream_isUnknownStream() throws Exception {
    channel.writeInbound(text("{\"join\":{\"streamId\":\"nope\"}}"));
    assertThat(next().getError().getCode().name()).isEqualTo("ERROR_CODE_UNKNOWN_STREAM");
    assertThat(handler.room()).isNull();
  }

  @Test
  void rejoin_withEpochAndSeq_getsWhatItMissed_tooFarBehindOrOtherEpoch_getsAWelcome() throws Exception {
    ServerFrame welcome = join();
    String epoch = welcome.getWelcome().getRoomEpoch();
    long seen = welcome.getWelcome().getRoomSeq();
    for (int i = 1; i <= 2; i++) {
      channel.writeInbound(text("{\"chat\":{\"text\":\"missed " + i + "\"}}"));
      handler.room().tick(false);
      assertThat(next().getRoomSeq()).isEqualTo(seen + i);
    }

    EmbeddedChannel back = viewer("alice");
    back.writeInbound(text("{\"join\":{\"streamId\":\"demo\",\"resumeEpoch\":\"" + epoch
        + "\",\"resumeAfterSeq\":\"" + seen + "\"}}"));
    assertThat(next(back).getResumed().getAfterSeq()).isEqualTo(seen);
    assertThat(next(back).getChat().getMessages(0).getText()).isEqualTo("missed 1");
    ServerFrame last = next(back);
    assertThat(last.getChat().getMessages(0).getText()).isEqualTo("missed 2");
    assertThat(last.getRoomSeq()).isEqualTo(seen + 2);

    for (int i = 3; i <= 6; i++) {
      channel.writeInbound(text("{\"chat\":{\"text\":\"missed " + i + "\"}}"));
      handler.room().tick(false);
      // Each broadcast finishes before the next tick (else the tick waits and batches grow).
      channel.runPendingTasks();
      back.runPendingTasks();
    }
    // The buffer holds 3 frames: a viewer 6 behind gets the room afresh, as does one from another epoch.
    EmbeddedChannel late = viewer("bob");
    late.writeInbound(text("{\"join\":{\"streamId\":\"demo\",\"resumeEpoch\":\"" + epoch
        + "\",\"resumeAfterSeq\":\"" + seen + "\"}}"));
    assertThat(next(late).hasWelcome()).isTrue();
    EmbeddedChannel stranger = viewer("carol");
    stranger.writeInbound(text("{\"join\":{\"streamId\":\"demo\",\"resumeEpoch\":\"other\","
        + "\"resumeAfterSeq\":\"1\"}}"));
    assertThat(next(stranger).hasWelcome()).isTrue();
  }

  @Test
  void roomWithoutViewers_closesAfterTheIdleTime_theNextJoinOpensItAfresh() throws Exception {
    startOver(false, Duration.ofSeconds(1));
    String firstEpoch = join().getWelcome().getRoomEpoch();
    channel.writeInbound(text("{\"leave\":{}}"));
    channel.runPendingTasks();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (rooms.openRooms() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(rooms.openRooms()).as("the idle room closed").isZero();
    String secondEpoch = join().getWelcome().getRoomEpoch();
    assertThat(secondEpoch).isNotEqualTo(firstEpoch);
    assertThat(rooms.openRooms()).isEqualTo(1);
  }
}
