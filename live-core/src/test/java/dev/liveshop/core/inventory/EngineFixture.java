package dev.liveshop.core.inventory;

import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** An engine of two shards on a test clock, writing to a recording journal; closed after each test. */
abstract class EngineFixture {

  static final long NOW = 5_000_000;
  final TestClock clock = new TestClock(NOW);
  final RecordingJournal journal = new RecordingJournal(0);
  final InventoryEngine engine = new InventoryEngine(2, clock, journal, 5);

  @AfterEach
  void closeEngine() {
    engine.close();
  }

  /** Opens the sale with no orders recovered. */
  void open(FlashSale sale) {
    engine.open(sale, List.of()).join();
  }
}
