package dev.liveshop.core.inventory;

/** Every answer a reservation can get. Rejections are values, never exceptions. */
public enum ReserveResult {
  /** Units held for the viewer; the order row is durable. */
  RESERVED,
  SOLD_OUT,
  OVER_LIMIT,
  NOT_STARTED,
  PAUSED,
  ENDED,
  /** No open sale with this id, and no committed order of this intent in it. */
  UNKNOWN_SALE,
  /** Quantity below 1 or above the viewer limit, or a missing or too long id. */
  INVALID_REQUEST,
  /**
   * The order could not be made durable, or a retry's order could not be looked up;
   * nothing was reserved. Retry with the same id.
   */
  STORE_UNAVAILABLE,
  /** Too many order writes or lookups in flight; nothing was reserved. Retry shortly with the same id. */
  BUSY,
  /** The sale is leaving or has left this live-core for another shard; nothing was reserved. */
  MOVED;

  /**
   * Whether a retry with the same client order id gets this very answer again. Answers
   * that depend on the moment of asking (before the countdown, during a pause, store
   * trouble) or that no sale decided are not remembered.
   */
  boolean isRemembered() {
    return switch (this) {
      case RESERVED, SOLD_OUT, OVER_LIMIT, ENDED -> true;
      case NOT_STARTED, PAUSED, UNKNOWN_SALE, INVALID_REQUEST, STORE_UNAVAILABLE, BUSY, MOVED -> false;
    };
  }
}
