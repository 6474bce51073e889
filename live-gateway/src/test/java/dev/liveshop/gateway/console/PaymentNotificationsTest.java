package dev.liveshop.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PaymentNotificationsTest {

  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  private final PaymentNotifications payments = new PaymentNotifications("provider-secret",
      Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC), null);
  private final String body = "{\"notificationId\":\"n1\",\"orderId\":\"o1\",\"paid\":true}";
  private final String timestamp = String.valueOf(NOW.getEpochSecond());

  @Test
  void verify_signedAndFresh_isAccepted() {
    assertThat(payments.verify(timestamp, sign(timestamp, body), body)).isNull();
  }

  @Test
  void verify_tamperedBody_isRefused() {
    assertThat(payments.verify(timestamp, sign(timestamp, body), body.replace("true", "false")))
        .contains("does not match");
  }

  @Test
  void verify_staleOrFuture_isRefused() {
    String old = String.valueOf(NOW.minusSeconds(301).getEpochSecond());
    assertThat(payments.verify(old, sign(old, body), body)).contains("stale");
    String future = String.valueOf(NOW.plusSeconds(301).getEpochSecond());
    assertThat(payments.verify(future, sign(future, body), body)).contains("stale");
  }

  @Test
  void verify_missingOrMalformedHeaders_areRefused() {
    assertThat(payments.verify(null, "00", body)).contains("missing");
    assertThat(payments.verify("yesterday", "00", body)).contains("epoch seconds");
    assertThat(payments.verify(timestamp, "zz", body)).contains("not hex");
  }

  private String sign(String ts, String payload) {
    return HexFormat.of().formatHex(payments.sign(ts + "." + payload));
  }
}
