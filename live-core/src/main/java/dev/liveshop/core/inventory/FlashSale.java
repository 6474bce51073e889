package dev.liveshop.core.inventory;

/**
 * A flash sale as the host set it up: immutable once launched.
 *
 * @param quantity units on sale
 * @param perViewerLimit most units one viewer may hold or buy
 * @param startsAtMs the countdown's zero, epoch millis (live-core's clock)
 * @param endsAtMs when the sale closes, epoch millis
 * @param holdTtlMillis how long a reservation waits for payment
 * @param paused whether the host paused it (reservations refused until resumed)
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
    long holdTtlMillis,
    boolean paused) {

  /** Largest quantity a sale may have. */
  public static final int MAX_QUANTITY = 1_000_000;

  public FlashSale {
    if (quantity < 1) {
      throw new IllegalArgumentException("quantity must be >= 1, got " + quantity);
    }
    if (perViewerLimit < 1 || perViewerLimit > quantity) {
      throw new IllegalArgumentException("perViewerLimit must be 1..quantity, got " + perViewerLimit);
    }
    if (endsAtMs < startsAtMs) {
      throw new IllegalArgumentException("endsAtMs must not be before startsAtMs");
    }
    if (holdTtlMillis < 1) {
      throw new IllegalArgumentException("holdTtlMillis must be positive");
    }
    if (priceCents < 0) {
      throw new IllegalArgumentException("priceCents must be >= 0");
    }
  }

  /** The state at {@code nowMs}, from the schedule and the pause. */
  public SaleState stateAt(long nowMs) {
    if (nowMs >= endsAtMs) {
      return SaleState.ENDED;
    }
    if (paused) {
      return SaleState.PAUSED;
    }
    return nowMs < startsAtMs ? SaleState.SCHEDULED : SaleState.LIVE;
  }

  public FlashSale withPaused(boolean value) {
    return new FlashSale(saleId, streamId, productId, priceCents, quantity, perViewerLimit, startsAtMs, endsAtMs,
        holdTtlMillis, value);
  }

  /** Ends the sale at {@code nowMs} (or keeps an earlier end). */
  public FlashSale stoppedAt(long nowMs) {
    long end = Math.min(endsAtMs, nowMs);
    return new FlashSale(saleId, streamId, productId, priceCents, quantity, perViewerLimit,
        Math.min(startsAtMs, end), end, holdTtlMillis, paused);
  }

  public FlashSale withQuantity(int value) {
    return new FlashSale(saleId, streamId, productId, priceCents, value, perViewerLimit, startsAtMs, endsAtMs,
        holdTtlMillis, paused);
  }
}
