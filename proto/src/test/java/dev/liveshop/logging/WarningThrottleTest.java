package dev.liveshop.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WarningThrottleTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final WarningThrottle throttle = new WarningThrottle(Duration.ofNanos(100), now::get);

  @Test
  void firstOccurrence_isLoggedAtOnce() {
    assertThat(throttle.occurred()).isEqualTo(1);
  }

  @Test
  void occurrencesWithinTheInterval_areCounted_andToldWithTheNextWarning() {
    throttle.occurred();
    now.addAndGet(50);
    assertThat(throttle.occurred()).isZero();
    assertThat(throttle.occurred()).isZero();

    now.addAndGet(50);
    assertThat(throttle.occurred()).isEqualTo(3);
    assertThat(throttle.occurred()).isZero();
  }
}
