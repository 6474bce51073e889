package dev.liveshop.gateway.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.proto.v1.ErrorCode;
import dev.liveshop.proto.v1.ReserveResult;
import dev.liveshop.proto.v1.ServerFrame;
import org.junit.jupiter.api.Test;

/**
 * Buying and the small requests (ping, like, pay, cancel, leave): each gets its answer.
 *
 * <p>The session and its stand-in live-core are {@link ViewerSessionFixture}'s.
 */
class ViewerRequestsTest extends ViewerSessionFixture {

  @Test
  void buy_afterJoin_acksTheBuyer() throws Exception {
    join();
    channel.writeInbound(text("{\"requestId\":\"r9\",\"buy\":{\"saleId\":\"s1\",\"quantity\":1,"
        + "\"clientOrderId\":\"c1\"}}"));
    ServerFrame ack = next();
    assertThat(ack.getOrderAck().getResult()).isEqualTo(ReserveResult.RESERVE_RESULT_RESERVED);
    assertThat(ack.getOrderAck().getRequestId()).isEqualTo("r9");
  }

  /** The buyer is told to tap again (same clientOrderId): a tap left unanswered looks like a hung app. */
  @Test
  void buy_whenTheReserveFails_isAnsweredUnavailable_withItsRequestId() throws Exception {
    join();
    reserveDown.set(true);
    channel.writeInbound(text("{\"requestId\":\"r7\",\"buy\":{\"saleId\":\"s1\",\"quantity\":1,"
        + "\"clientOrderId\":\"c7\"}}"));
    ServerFrame error = next();
    assertThat(error.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_UNAVAILABLE);
    assertThat(error.getError().getRequestId()).isEqualTo("r7");
    assertThat(error.getError().getMessage()).contains("c7");
  }

  @Test
  void pingLikeLeavePayCancel_eachGetsItsAnswer() throws Exception {
    channel.writeInbound(text("{\"ping\":{\"clientTimeMs\":\"42\"}}"));
    assertThat(next().getPong().getClientTimeMs()).isEqualTo(42);
    channel.writeInbound(text("{\"requestId\":\"l0\",\"like\":{}}"));
    assertThat(next().getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_NOT_JOINED);
    join();
    channel.writeInbound(text("{\"like\":{}}"));
    channel.writeInbound(text("{\"like\":{}}"));
    handler.room().tick(true);
    assertThat(next().getCounters().getLikes()).isEqualTo(2);
    channel.writeInbound(text("{\"requestId\":\"p0\",\"pay\":{}}"));
    assertThat(next().getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_INVALID_FIELD);
    // The stand-in live-core has no order service: the viewer is told to retry, in words.
    channel.writeInbound(text("{\"requestId\":\"c1\",\"cancel\":{\"orderId\":\"o-1\"}}"));
    ServerFrame cancel = next();
    assertThat(cancel.getError().getCode()).isEqualTo(ErrorCode.ERROR_CODE_UNAVAILABLE);
    assertThat(cancel.getError().getRequestId()).isEqualTo("c1");
    channel.writeInbound(text("{\"leave\":{}}"));
    channel.runPendingTasks();
    assertThat(handler.room()).isNull();
  }
}
