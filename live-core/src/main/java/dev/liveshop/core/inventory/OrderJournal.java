package dev.liveshop.core.inventory;

import dev.liveshop.core.order.CancelReason;
import dev.liveshop.core.order.OrderStatus;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Where holds become durable orders. The engine acknowledges a reservation only when the
 * stage returned by {@link #append} completes normally, and returns the units to stock
 * only when it fails, which must mean the order was certainly not written: a write of
 * unknown outcome keeps the stage pending (and the units held) until it is known.
 *
 * <p>Threading: called on a shard thread; must not block it. The stage may complete on
 * any thread.
 */
public interface OrderJournal {

  /** Writes the order of {@code hold}; idempotent, so a repeated append is harmless. */
  CompletionStage<Void> append(Hold hold);

  /**
   * Records a new status of the hold's order (paying, paid, expired); never
   * {@link OrderStatus#CANCELLED}, which goes through {@link #cancel} with its reason.
   */
  CompletionStage<Void> updateStatus(Hold hold, OrderStatus status);

  /**
   * Records the hold's order as cancelled and why: recovery restores the answer of an order
   * its buyer cancelled but not of a rolled-back bundle item (see {@link CancelReason}). For
   * {@link CancelReason#BUNDLE_ROLLBACK} the stage fails only when the row was certainly not
   * written (a write of unknown outcome is sent again until it is known), as for
   * {@link #append}: the engine then keeps the hold.
   */
  CompletionStage<Void> cancel(Hold hold, CancelReason reason);

  /**
   * The hold of the order committed under {@code orderId} in sale {@code saleId}, empty when
   * none was; fails when the store cannot tell. Read when a retry names a sale no longer in
   * memory.
   */
  CompletionStage<Optional<Hold>> committed(String saleId, UUID orderId);
}
