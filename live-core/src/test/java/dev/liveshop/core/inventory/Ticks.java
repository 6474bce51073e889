package dev.liveshop.core.inventory;

import static dev.liveshop.core.Eventually.waitFor;

/** For tests that move a {@link TestClock}: wait for the engine's shards to act on it, instead of sleeping. */
final class Ticks {

  private Ticks() {}

  /** Waits until every shard has ticked wholly after now: whatever the clock allows has happened. */
  static void awaitWholeTick(InventoryEngine engine) throws InterruptedException {
    long seen = engine.ticks();
    waitFor(() -> engine.ticks() >= seen + 2, "a whole tick on every shard");
  }
}
