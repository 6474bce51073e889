package dev.liveshop.core.order;

/**
 * Why an order was {@link OrderStatus#CANCELLED}; stored by name beside the status in the
 * order journal, because recovery is to treat the kinds differently.
 */
public enum CancelReason {
  /** The buyer gave up the unpaid order. */
  BUYER,
  /** The payment provider reported the payment failed. */
  PAYMENT_FAILED,
  /** An item of a multi-item order that was refused as a whole: undone, not given up. */
  BUNDLE_ROLLBACK
}
