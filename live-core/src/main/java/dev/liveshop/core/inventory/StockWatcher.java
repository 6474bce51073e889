package dev.liveshop.core.inventory;

/**
 * Receives one sale's stock. The engine sends the current value at once, then the latest
 * value whenever it changed and {@link #isReady()} says the receiver can take it: a slow
 * receiver skips intermediate values, never the last one.
 *
 * <p>Threading: every method is called on the sale's shard thread and must not block.
 */
public interface StockWatcher {

  /** False while the receiver's buffer is full. */
  boolean isReady();

  /** True once the receiver has gone; the engine then drops it. */
  boolean isCancelled();

  void onStock(StockSnapshot snapshot);

  /** After the snapshot that reports {@link SaleState#ENDED}; nothing follows. */
  void onEnd();

  /** The sale was handed over to another live-core shard; nothing follows from this one. */
  void onMoved();

  /**
   * This live-core is shutting down: nothing follows from it (the receiver watches again,
   * at the restarted live-core or wherever the sale is then).
   */
  void onClosing();
}
