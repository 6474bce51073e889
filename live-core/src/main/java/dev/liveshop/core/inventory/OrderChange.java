package dev.liveshop.core.inventory;

import dev.liveshop.core.order.CancelReason;
import dev.liveshop.core.order.OrderStatus;

/**
 * What a change to an order's hold did: applied (with the order's new status and, when it
 * is cancelled, why) or refused with a reason. Refusals are values, never exceptions.
 */
public record OrderChange(Outcome outcome, OrderStatus status, CancelReason cancelReason) {

  public enum Outcome {
    APPLIED,
    /** No live hold: it lapsed, was cancelled, or never existed in this sale. */
    NOT_HELD,
    /** The order belongs to another viewer. */
    NOT_YOURS,
    /** A payment is in flight: cancelling must wait for its outcome. */
    PAYMENT_IN_FLIGHT,
    /** The order is being given up and that is being written: ask again in a moment. */
    CHANGE_IN_FLIGHT,
    /** The sale is leaving, or has left, this live-core for another shard: ask again there. */
    MOVED
  }

  /** Applied: the order moves to {@code status}, which is not CANCELLED (see {@link #cancelled}). */
  static OrderChange applied(OrderStatus status) {
    return new OrderChange(Outcome.APPLIED, status, null);
  }

  static OrderChange cancelled(CancelReason reason) {
    return new OrderChange(Outcome.APPLIED, OrderStatus.CANCELLED, reason);
  }

  static OrderChange refused(Outcome outcome) {
    return new OrderChange(outcome, null, null);
  }
}
