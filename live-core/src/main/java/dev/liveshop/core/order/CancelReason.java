package dev.liveshop.core.order;

/**
 * Why an order was {@link OrderStatus#CANCELLED}; stored by name beside the status in the
 * order journal, because recovery treats the kinds differently (see {@link #keepsAnswer}).
 */
public enum CancelReason {
  /** The buyer gave up the unpaid order. */
  BUYER,
  /** The payment provider reported the payment failed. */
  PAYMENT_FAILED,
  /** An item of a multi-item order that was refused as a whole: undone, not given up. */
  BUNDLE_ROLLBACK;

  /**
   * Whether a retry of the order's purchase intent keeps getting the order's first answer,
   * also after a restart: a buyer's order stays that buyer's order, cancelled, and a retry
   * must not make a second one. A rolled-back bundle item is no order the buyer was ever
   * told about; a retry of its bundle is decided afresh.
   */
  public boolean keepsAnswer() {
    return this != BUNDLE_ROLLBACK;
  }
}
