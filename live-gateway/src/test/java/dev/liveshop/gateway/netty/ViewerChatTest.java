package dev.liveshop.gateway.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.gateway.auth.ViewerRateLimits;
import dev.liveshop.proto.v1.ErrorCode;
import dev.liveshop.proto.v1.ServerFrame;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Chat: batches per tick in either fan-out, retries after the room bus refused, and the
 * per-account chat budget.
 *
 * <p>The session and its stand-in live-core are {@link ViewerSessionFixture}'s.
 */
class ViewerChatTest extends ViewerSessionFixture {

  @Test
  void join_thenChat_welcomeThenOneBatch() throws Exception {
    assertThat(join().getWelcome().getStream().getTitle()).isEqualTo("Demo");
    channel.writeInbound(text("{\"chat\":{\"text\":\"<i>one</i>\"}}"));
    channel.writeInbound(text("{\"chat\":{\"text\":\"two\"}}"));
    handler.room().tick(false);
    ServerFrame batch = next();
    assertThat(batch.getChat().getMessagesList()).extracting(m -> m.getText()).containsExactly("<i>one</i>", "two");
    assertThat(batch.getChat().getMessages(0).getViewerId()).isEqualTo("alice");
  }

  @Test
  void perViewerFanOut_theBenchmarkBaseline_deliversTheSameFrames() throws Exception {
    startOver(true, Duration.ofMinutes(5));
    join();
    channel.writeInbound(text("{\"chat\":{\"text\":\"naive\"}}"));
    handler.room().tick(false);
    ServerFrame batch = next();
    assertThat(batch.getChat().getMessages(0).getText()).isEqualTo("naive");
    assertThat(batch.getRoomSeq()).isPositive();
  }

  @Test
  void chatTheBusDidNotTake_inSlowMode_canBeSentAgainAtOnce() throws Exception {
    join();
    rooms.publishAndApply(dev.liveshop.proto.v1.RoomEvent.newBuilder().setStreamId("demo")
        .setModeration(dev.liveshop.proto.v1.ModerationRequest.newBuilder().setSlowModeSeconds(30)).build())
        .get(5, TimeUnit.SECONDS);
    assertThat(next().getChatSettings().getSlowModeSeconds()).isEqualTo(30);

    busDown.set(true);
    channel.writeInbound(text("{\"requestId\":\"c1\",\"chat\":{\"text\":\"hello\"}}"));
    ServerFrame failed = next();
    assertThat(failed.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_UNAVAILABLE);
    assertThat(failed.getError().getMessage()).contains("send it again");

    busDown.set(false);
    channel.writeInbound(text("{\"requestId\":\"c2\",\"chat\":{\"text\":\"hello\"}}"));
    ServerFrame retried = nextTicking();
    assertThat(retried.hasError()).as("the retry was refused: %s", retried).isFalse();
    assertThat(retried.getChat().getMessages(0).getText()).isEqualTo("hello");
    channel.writeInbound(text("{\"requestId\":\"c3\",\"chat\":{\"text\":\"again\"}}"));
    ServerFrame refused = next();
    assertThat(refused.getError().getCode()).as("the retry that went out counts").isEqualTo(
        ErrorCode.ERROR_CODE_CHAT_REFUSED);
  }

  @Test
  void twoConnectionsOfOneViewer_shareItsChatBudget_anotherViewerHasItsOwn() throws Exception {
    viewerLimits = new ViewerRateLimits(0.001, 4, 60); // 4 messages at once, then hardly any
    EmbeddedChannel first = viewer("carol");
    EmbeddedChannel second = viewer("carol");
    EmbeddedChannel dave = viewer("dave");
    for (EmbeddedChannel viewer : List.of(first, second, dave)) {
      viewer.writeInbound(text("{\"join\":{\"streamId\":\"demo\"}}"));
      assertThat(next(viewer).hasWelcome()).isTrue();
    }
    for (int i = 0; i < 3; i++) {
      first.writeInbound(text("{\"requestId\":\"a" + i + "\",\"chat\":{\"text\":\"one\"}}"));
      second.writeInbound(text("{\"requestId\":\"b" + i + "\",\"chat\":{\"text\":\"two\"}}"));
    }
    dave.writeInbound(text("{\"requestId\":\"d\",\"chat\":{\"text\":\"mine\"}}"));

    List<String> refused = new ArrayList<>();
    for (EmbeddedChannel viewer : List.of(first, second, dave)) {
      viewer.runPendingTasks();
      Object out;
      while ((out = viewer.readOutbound()) != null) {
        ServerFrame frame = parse(asFrame(out));
        if (frame.getError().getCode() == ErrorCode.ERROR_CODE_RATE_LIMITED) {
          refused.add(frame.getError().getRequestId());
        }
      }
    }
    // Six messages from carol's two sockets against her budget of four; none of dave's.
    assertThat(refused).containsExactly("a2", "b2");
    assertThat(first.isActive() && second.isActive()).isTrue();
  }

  @Test
  void chatTheRulesRefuse_spendsNoneOfTheAccountsBudget() throws Exception {
    viewerLimits = new ViewerRateLimits(0.001, 2, 60); // 2 messages, then hardly any
    EmbeddedChannel erin = viewer("erin");
    erin.writeInbound(text("{\"join\":{\"streamId\":\"demo\"}}"));
    assertThat(next(erin).hasWelcome()).isTrue();
    rooms.publishAndApply(dev.liveshop.proto.v1.RoomEvent.newBuilder().setStreamId("demo")
        .setModeration(dev.liveshop.proto.v1.ModerationRequest.newBuilder().setMuteViewerId("erin")).build())
        .get(5, TimeUnit.SECONDS);
    for (int i = 0; i < 3; i++) {
      erin.writeInbound(text("{\"requestId\":\"m" + i + "\",\"chat\":{\"text\":\"let me speak\"}}"));
    }
    rooms.publishAndApply(dev.liveshop.proto.v1.RoomEvent.newBuilder().setStreamId("demo")
        .setModeration(dev.liveshop.proto.v1.ModerationRequest.newBuilder().setUnmuteViewerId("erin")).build())
        .get(5, TimeUnit.SECONDS);
    erin.writeInbound(text("{\"requestId\":\"after\",\"chat\":{\"text\":\"thanks\"}}"));

    List<ServerFrame> errors = new ArrayList<>();
    erin.runPendingTasks();
    Object out;
    while ((out = erin.readOutbound()) != null) {
      ServerFrame frame = parse(asFrame(out));
      if (frame.hasError()) {
        errors.add(frame);
      }
    }
    assertThat(errors).extracting(e -> e.getError().getRequestId()).containsExactly("m0", "m1", "m2");
    assertThat(errors).extracting(e -> e.getError().getCode()).containsOnly(ErrorCode.ERROR_CODE_CHAT_REFUSED);
  }
}
