package dev.liveshop.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ViewerRateLimitsTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  /** 2 chats a second, 4 at once; 60 joins a minute, 10 at once. */
  private final ViewerRateLimits limits = new ViewerRateLimits(2, 4, 60, now::get);

  @Test
  void tryChat_aBurstThenTheRate_perViewer() {
    for (int i = 0; i < 4; i++) {
      assertThat(limits.tryChat("ann")).isTrue();
    }
    assertThat(limits.tryChat("ann")).isFalse();
    assertThat(limits.tryChat("bob")).as("another viewer has its own budget").isTrue();
    advanceMillis(499);
    assertThat(limits.tryChat("ann")).isFalse();
    advanceMillis(1);
    assertThat(limits.tryChat("ann")).isTrue();
    assertThat(limits.tryChat("ann")).isFalse();
  }

  @Test
  void tryJoin_aSixthOfTheMinuteAtOnce_apartFromChat() {
    for (int i = 0; i < 10; i++) {
      assertThat(limits.tryJoin("ann")).isTrue();
    }
    assertThat(limits.tryJoin("ann")).isFalse();
    assertThat(limits.tryChat("ann")).isTrue();
    advanceMillis(1000);
    assertThat(limits.tryJoin("ann")).isTrue();
  }

  @Test
  void idleViewers_areForgotten_onceTheirBucketsWouldBeFull() {
    for (int i = 0; i < 100; i++) {
      limits.tryChat("viewer-" + i);
    }
    assertThat(limits.trackedViewers()).isEqualTo(100);
    advanceMillis(10_000); // the slowest bucket (10 joins at 1 a second) is full again
    assertThat(limits.trackedViewers()).isZero();
  }

  @Test
  void constructor_nonPositiveLimits_areRefusedByName() {
    assertThatThrownBy(() -> new ViewerRateLimits(0, 4, 60)).hasMessageContaining("viewer-chats-per-second");
    assertThatThrownBy(() -> new ViewerRateLimits(1, 0, 60)).hasMessageContaining("viewer-chat-burst");
    assertThatThrownBy(() -> new ViewerRateLimits(1, 4, 0)).hasMessageContaining("viewer-joins-per-minute");
  }

  private void advanceMillis(long millis) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }
}
