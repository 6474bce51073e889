package dev.liveshop.core.order;

/** Where an order is in its life; stored by name. */
public enum OrderStatus {
  /** Units held, waiting for payment. */
  RESERVED,
  PAID,
  FULFILLED,
  /** Not paid in time: units returned to stock. */
  EXPIRED,
  CANCELLED
}
