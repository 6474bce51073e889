package dev.liveshop.gateway.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.gateway.netty.FrameRateLimiter.Decision;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FrameRateLimiterTest {

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void frames_floodPastTheBurstOfRefusals_isClosedAndStaysRefused() {
    FrameRateLimiter frames = new FrameRateLimiter(1, 2, 0);
    assertThat(frames.onFrame(0)).isEqualTo(Decision.ALLOW);
    assertThat(frames.onFrame(0)).isEqualTo(Decision.ALLOW);
    assertThat(frames.onFrame(0)).isEqualTo(Decision.REFUSE);
    assertThat(frames.onFrame(0)).isEqualTo(Decision.REFUSE);
    assertThat(frames.onFrame(0)).isEqualTo(Decision.CLOSE);
    assertThat(frames.onFrame(60 * SECOND)).as("closing: dropped").isEqualTo(Decision.REFUSE);
  }

  @Test
  void joins_manyRefusedInARow_areAllowedAgainOnceTheBucketRefills() {
    // A page hopping rooms faster than the join rate is refused, never cut off for good.
    FrameRateLimiter joins = FrameRateLimiter.refusingOnly(0.5, 5, 0);
    for (int i = 0; i < 5; i++) {
      assertThat(joins.onFrame(0)).isEqualTo(Decision.ALLOW);
    }
    for (int i = 0; i < 20; i++) {
      assertThat(joins.onFrame(0)).isEqualTo(Decision.REFUSE);
    }
    assertThat(joins.onFrame(2 * SECOND)).isEqualTo(Decision.ALLOW);
  }
}
