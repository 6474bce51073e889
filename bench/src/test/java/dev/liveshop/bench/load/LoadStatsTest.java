package dev.liveshop.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LoadStatsTest {

  private static final long MS = 1_000_000;

  @Test
  void eachMessage_countsPublishToLastViewer_andFirstToLastViewer() {
    LoadStats stats = new LoadStats();
    long first = stats.nextChatSequence();
    long second = stats.nextChatSequence();
    stats.delivered(first, 0, 30 * MS);
    stats.delivered(first, 0, 90 * MS);
    stats.delivered(first, 0, 50 * MS);
    stats.delivered(second, 10 * MS, 20 * MS); // one viewer only

    Histogram toLast = stats.publishToLastViewer();
    Histogram spread = stats.firstToLastViewer();

    assertThat(toLast.getTotalCount()).isEqualTo(2);
    assertThat(toLast.getMaxValue() / (double) MS).isCloseTo(90, offset(0.1));
    assertThat(spread.getTotalCount()).isEqualTo(2);
    assertThat(spread.getMaxValue() / (double) MS).isCloseTo(60, offset(0.1));
    assertThat(spread.getMinValue()).isZero();
  }

  @Test
  void warmUpMessages_areLeftOut() {
    LoadStats stats = new LoadStats();
    long warmUp = stats.nextChatSequence();
    stats.startMeasuring();
    long measured = stats.nextChatSequence();
    stats.delivered(warmUp, 0, 500 * MS);
    stats.delivered(measured, 0, 10 * MS);
    stats.delivered(measured, 0, 25 * MS);

    assertThat(stats.firstToLastViewer().getTotalCount()).isEqualTo(1);
    assertThat(stats.firstToLastViewer().getMaxValue() / (double) MS)
        .isCloseTo(15, offset(0.1));
  }
}
