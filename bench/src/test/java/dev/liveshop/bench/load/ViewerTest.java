package dev.liveshop.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A viewer on an {@link EmbeddedChannel}: what it remembers of its taps' answers. */
class ViewerTest {

  private final LoadStats stats = new LoadStats();
  private final Viewer viewer = new Viewer("v1", stats);
  private final EmbeddedChannel channel = new EmbeddedChannel();

  @BeforeEach
  void attach() {
    viewer.attach(channel);
  }

  private static String ack(String clientOrderId, String result, String orderId) {
    return "{\"orderAck\":{\"requestId\":\"" + clientOrderId + "\",\"saleId\":\"s1\",\"clientOrderId\":\""
        + clientOrderId + "\",\"result\":\"" + result + "\""
        + (orderId.isEmpty() ? "" : ",\"orderId\":\"" + orderId + "\",\"quantity\":1") + "}}";
  }

  private Viewer.Taps taps() {
    var taps = viewer.taps();
    channel.runPendingTasks();
    return taps.join();
  }

  @Test
  void onText_secondDifferentFinalAnswer_isKeptAsDifferentAnswer() {
    viewer.tap("s1");
    viewer.onText(ack("v1-t1", "RESERVE_RESULT_RESERVED", "o1"));
    viewer.onText(ack("v1-t1", "RESERVE_RESULT_SOLD_OUT", ""));

    Viewer.Purchase purchase = taps().purchases().get(0);
    assertThat(purchase.result()).isEqualTo("RESERVE_RESULT_RESERVED");
    assertThat(purchase.differentAnswer()).isEqualTo("RESERVE_RESULT_SOLD_OUT ");
    assertThat(stats.errors()).containsEntry("DIFFERENT_ANSWER_ON_RETRY", 1L);
  }

  @Test
  void onText_sameFinalAnswerAgain_isNoBreach() {
    viewer.tap("s1");
    viewer.onText(ack("v1-t1", "RESERVE_RESULT_RESERVED", "o1"));
    viewer.onText(ack("v1-t1", "RESERVE_RESULT_RESERVED", "o1"));

    assertThat(taps().purchases().get(0).differentAnswer()).isEmpty();
    assertThat(stats.errors()).isEmpty();
  }

  @Test
  void onText_busyThenReserved_isOneAnsweredPurchase() {
    viewer.tap("s1");
    viewer.onText(ack("v1-t1", "RESERVE_RESULT_BUSY", ""));
    viewer.onText(ack("v1-t1", "RESERVE_RESULT_RESERVED", "o1"));

    assertThat(taps().purchases()).containsExactly(
        new Viewer.Purchase("s1", "v1-t1", "RESERVE_RESULT_RESERVED", "o1", 1));
    assertThat(stats.unanswered.sum()).isZero();
  }

  @Test
  void taps_unansweredTap_isNoAnswer() {
    viewer.tap("s1");

    assertThat(taps().purchases()).extracting(Viewer.Purchase::result).containsExactly(Viewer.NO_ANSWER);
  }

  @Test
  void onText_finalAnswerForATapNeverMade_isRecordedWithItsSale() {
    viewer.onText(ack("v1-t7", "RESERVE_RESULT_RESERVED", "o7"));

    assertThat(taps().answersToNoTap()).containsExactly("s1");
    assertThat(stats.errors()).containsEntry("UNEXPECTED_ACK", 1L);
  }

  @Test
  void taps_closedConnection_isConnectionLost() {
    viewer.tap("s1");
    channel.close();

    assertThat(taps().connectionLost()).isTrue();
  }
}
