package dev.liveshop.core.inventory;

/** Where a flash sale is in its life. */
public enum SaleState {
  /** Counting down to its start. */
  SCHEDULED,
  /** Taking reservations. */
  LIVE,
  /** Paused by the host; may resume. */
  PAUSED,
  /** Closed: past its end, or stopped by the host. */
  ENDED
}
