package dev.liveshop.core.order;

/** Where an order is in its life; stored by name. */
public enum OrderStatus {
  /** Units held, waiting for payment. */
  RESERVED,
  PAID,
  FULFILLED,
  /** Not paid in time: units returned to stock. */
  EXPIRED,
  /**
   * Cancelled by the buyer, its payment failed, or it was an item of a bundle refused as a
   * whole: units returned to stock. The journal records which ({@link CancelReason}).
   */
  CANCELLED,
  /** Payment in flight: the hold does not lapse until the outcome is known. */
  PAYING
}
