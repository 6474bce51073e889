package dev.liveshop.core.inventory;

/**
 * A flash sale as the host set it up: immutable once launched.
 *
 * @param quantity units on sale
 * @param perViewerLimit most units one viewer may hold or buy
 * @param startsAtMs the countdown's zero, epoch millis (live-core's clock)
 * @param endsAtMs when the sale closes, epoch millis
 * @param holdTtlMillis how long a reservation waits for payment
 */
public record FlashSale(
    String saleId,
    String streamId,
    String productId,
    long priceCents,
    int quantity,
    int perViewerLimit,
    long startsAtMs,
    long endsAtMs,
    long holdTtlMillis) {

  public FlashSale {
    if (quantity < 1) {
      throw new IllegalArgumentException("quantity must be >= 1, got " + quantity);
    }
    if (perViewerLimit < 1 || perViewerLimit > quantity) {
      throw new IllegalArgumentException("perViewerLimit must be 1..quantity, got " + perViewerLimit);
    }
    if (endsAtMs <= startsAtMs) {
      throw new IllegalArgumentException("endsAtMs must be after startsAtMs");
    }
    if (holdTtlMillis < 1) {
      throw new IllegalArgumentException("holdTtlMillis must be positive");
    }
    if (priceCents < 0) {
      throw new IllegalArgumentException("priceCents must be >= 0");
    }
  }

  /** The state at {@code nowMs}, from the schedule alone. */
  public SaleState stateAt(long nowMs) {
    if (nowMs < startsAtMs) {
      return SaleState.SCHEDULED;
    }
    return nowMs < endsAtMs ? SaleState.LIVE : SaleState.ENDED;
  }
}
