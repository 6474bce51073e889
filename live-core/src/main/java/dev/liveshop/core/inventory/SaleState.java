package dev.liveshop.core.inventory;

/** Where a flash sale is in its life. */
public enum SaleState {
  /** Counting down to its start. */
  SCHEDULED,
  /** Taking reservations. */
  LIVE,
  /** Closed: past its end. */
  ENDED
}
