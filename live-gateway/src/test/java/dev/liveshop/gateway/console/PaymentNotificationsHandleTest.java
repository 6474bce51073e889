package dev.liveshop.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.proto.v1.Order;
import dev.liveshop.proto.v1.OrderStatus;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /api/payments/notify} end to end through the host API's handler: the provider
 * is paid the order's total (unit price times quantity) or nothing changes, and a
 * notification live-core could not apply can be sent again. Signed here as the provider
 * signs, with the JDK's HMAC, not the gateway's.
 *
 * <p>The handler and its stand-in live-core are {@link HostApiFixture}'s.
 */
class PaymentNotificationsHandleTest extends HostApiFixture {

  @BeforeEach
  void twoMugsAt19() {
    orders.put("o-2", Order.newBuilder().setOrderId("o-2").setStreamId("demo").setViewerId("alice")
        .setQuantity(2).setPriceCents(1900).setStatus(OrderStatus.ORDER_STATUS_RESERVED).build());
  }

  @Test
  void handle_amountOfOneUnitForTwo_isAmountMismatch_andNothingIsSettled() throws Exception {
    Answer answer = send(notify("n1", "o-2", 1900));
    assertThat(answer.status()).as(answer.body()).isEqualTo(400);
    assertThat(answer.body()).contains("AMOUNT_MISMATCH").contains("3800");
    assertThat(calls).doesNotContain("SettlePayment");
    assertThat(settled).isEmpty();
  }

  @Test
  void handle_theOrdersTotal_isSettledPaid_onceOnly() throws Exception {
    Answer answer = send(notify("n1", "o-2", 3800));
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(answer.body()).contains("ORDER_STATUS_PAID");
    assertThat(settled).singleElement().satisfies(s -> {
      assertThat(s.getOrderId()).isEqualTo("o-2");
      assertThat(s.getPaid()).isTrue();
      assertThat(s.getPaymentId()).isEqualTo("pay-n1");
    });
    Answer replayed = send(notify("n1", "o-2", 3800));
    assertThat(replayed.status()).as(replayed.body()).isEqualTo(409);
    assertThat(replayed.body()).contains("REPLAYED");
    assertThat(settled).hasSize(1);
  }

  /** The provider retries a notification it got a 5xx for: that retry must not be taken for a replay. */
  @ParameterizedTest
  @ValueSource(strings = {"GetOrder", "SettlePayment"})
  void handle_afterLiveCoreWasUnavailable_theSameNotificationRetried_isSettled(String failingCall) throws Exception {
    failing.put(failingCall, new AtomicInteger(1));
    Answer failed = send(notify("n1", "o-2", 3800));
    assertThat(failed.status()).as(failed.body()).isEqualTo(503);
    assertThat(settled).isEmpty();

    Answer retried = send(notify("n1", "o-2", 3800));
    assertThat(retried.status()).as(retried.body()).isEqualTo(200);
    assertThat(retried.body()).contains("ORDER_STATUS_PAID");
    assertThat(settled).hasSize(1);
  }

  private static FullHttpRequest notify(String notificationId, String orderId, long amountCents) throws Exception {
    String body = "{\"notificationId\":\"" + notificationId + "\",\"orderId\":\"" + orderId + "\",\"paid\":true,"
        + "\"amountCents\":" + amountCents + ",\"paymentId\":\"pay-" + notificationId + "\"}";
    String timestamp = String.valueOf(System.currentTimeMillis() / 1000);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(PAYMENT_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String signature = HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body)
        .getBytes(StandardCharsets.UTF_8)));
    FullHttpRequest request = request(HttpMethod.POST, "/api/payments/notify", null, body);
    request.headers().set(PaymentNotifications.TIMESTAMP_HEADER, timestamp)
        .set(PaymentNotifications.SIGNATURE_HEADER, signature);
    return request;
  }
}
