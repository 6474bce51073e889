package dev.liveshop.gateway.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.gateway.auth.Principal;
import dev.liveshop.gateway.auth.ViewerRateLimits;
import dev.liveshop.proto.v1.ErrorCode;
import dev.liveshop.proto.v1.ServerFrame;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Bad input and abuse: requests out of order, malformed and random frames are answered
 * with error frames and change nothing; floods and join bursts are rate limited, a flood
 * closed with 1008.
 *
 * <p>The session and its stand-in live-core are {@link ViewerSessionFixture}'s.
 */
class ViewerBadInputTest extends ViewerSessionFixture {

  @Test
  void chatOrBuy_beforeJoin_isNotJoinedAndChangesNothing() throws Exception {
    channel.writeInbound(text("{\"requestId\":\"r1\",\"chat\":{\"text\":\"hi\"}}"));
    ServerFrame error = next();
    assertThat(error.getError().getCode().name()).isEqualTo("ERROR_CODE_NOT_JOINED");
    assertThat(error.getError().getRequestId()).isEqualTo("r1");
    channel.writeInbound(text("{\"buy\":{\"saleId\":\"s\",\"quantity\":1,\"clientOrderId\":\"c\"}}"));
    assertThat(next().getError().getCode().name()).isEqualTo("ERROR_CODE_NOT_JOINED");
    assertThat(handler.room()).isNull();
  }

  @Test
  void malformedFrame_isAnsweredAndTheSessionGoesOn() throws Exception {
    join();
    channel.writeInbound(text("{\"join\":"));
    assertThat(next().getError().getCode().name()).isEqualTo("ERROR_CODE_MALFORMED_FRAME");
    assertThat(handler.room()).isNotNull();
    assertThat(channel.isActive()).isTrue();
  }

  @Test
  void garbage_getsErrorFramesOnly_andChangesNothing() throws Exception {
    ViewerFrameHandler patient = handler(new FrameRateLimiter(1_000_000, 1_000_000, System.nanoTime()));
    EmbeddedChannel garbage = new EmbeddedChannel(patient);
    garbage.attr(WsAuthHandler.PRINCIPAL).set(new Principal("mallory", Principal.Role.VIEWER, Set.of(), 0));
    Random random = new Random(7);
    for (int i = 0; i < 500; i++) {
      byte[] bytes = new byte[random.nextInt(40)];
      random.nextBytes(bytes);
      String text = i % 2 == 0 ? new String(bytes, StandardCharsets.ISO_8859_1)
          : "{\"buy\":{\"saleId\":" + random.nextInt() + ",\"quantity\":\"" + i + "\"}";
      garbage.writeInbound(text(text));
      TextWebSocketFrame answer = garbage.readOutbound();
      try {
        assertThat(answer.text()).as("answer to %s", text).startsWith("{\"error\":");
      } finally {
        answer.release();
      }
    }
    assertThat(garbage.isActive()).isTrue();
    assertThat(patient.room()).isNull();
    assertThat(rooms.openRooms()).isZero();
    garbage.finishAndReleaseAll();
  }

  @Test
  void flood_isRefusedThenClosedWith1008() throws Exception {
    int pongs = 0;
    for (int i = 0; i < 200 && channel.isActive(); i++) {
      channel.writeInbound(text("{\"ping\":{}}"));
    }
    boolean rateLimited = false;
    CloseWebSocketFrame close = null;
    Object out;
    while ((out = channel.readOutbound()) != null) {
      if (out instanceof TextWebSocketFrame frame) {
        rateLimited |= frame.text().contains("ERROR_CODE_RATE_LIMITED");
        pongs += frame.text().contains("pong") ? 1 : 0;
        frame.release();
      } else if (out instanceof CloseWebSocketFrame c) {
        close = c;
      }
    }
    assertThat(pongs).isBetween(40, 45);
    assertThat(rateLimited).isTrue();
    assertThat(close).isNotNull();
    assertThat(close.statusCode()).isEqualTo(1008);
    close.release();
    channel.runPendingTasks();
    assertThat(channel.isActive()).isFalse();
  }

  /** A token may open many sockets: the per-viewer join budget is over all of them. */
  @Test
  void joins_pastTheViewersLimit_overAllItsConnections_areRateLimited() throws Exception {
    viewerLimits = new ViewerRateLimits(5, 40, 1); // bob: one join at once, the next in a minute
    EmbeddedChannel first = viewer("bob");
    EmbeddedChannel second = viewer("bob");
    EmbeddedChannel third = viewer("bob");
    first.writeInbound(text("{\"requestId\":\"b1\",\"join\":{\"streamId\":\"demo\"}}"));
    assertThat(next(first).hasWelcome()).isTrue();
    for (EmbeddedChannel again : List.of(second, third)) {
      again.writeInbound(text("{\"requestId\":\"b2\",\"join\":{\"streamId\":\"demo\"}}"));
      ServerFrame refused = next(again);
      assertThat(refused.getError().getCode()).as(refused.toString()).isEqualTo(ErrorCode.ERROR_CODE_RATE_LIMITED);
      assertThat(refused.getError().getRequestId()).isEqualTo("b2");
    }
    EmbeddedChannel carol = viewer("carol");
    carol.writeInbound(text("{\"join\":{\"streamId\":\"demo\"}}"));
    assertThat(next(carol).hasWelcome()).as("another viewer's budget is its own").isTrue();
  }

  @Test
  void joins_pastTheBurst_areRateLimited_theSessionStays() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(join().hasWelcome()).isTrue();
    }
    channel.writeInbound(text("{\"requestId\":\"j6\",\"join\":{\"streamId\":\"demo\"}}"));
    ServerFrame refused = next();
    assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_RATE_LIMITED);
    assertThat(refused.getError().getRequestId()).isEqualTo("j6");
    assertThat(channel.isActive()).isTrue();
    assertThat(handler.room()).isNotNull();
  }
}
