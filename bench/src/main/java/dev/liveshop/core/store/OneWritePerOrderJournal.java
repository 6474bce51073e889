package dev.liveshop.core.store;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.liveshop.core.inventory.Hold;
import dev.liveshop.core.inventory.OrderJournal;
import dev.liveshop.core.order.CancelReason;
import dev.liveshop.core.order.OrderStatus;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The baseline of the order-pipeline benchmark: every order on its own, as one logged batch
 * of its four copies sent the moment it is granted (what live-core did before group
 * commit). In live-core's package to reuse its prepared statements.
 */
public final class OneWritePerOrderJournal implements OrderJournal {

  private final CqlSession session;
  private final OrderRows rows;

  public OneWritePerOrderJournal(CqlSession session) {
    this.session = session;
    this.rows = new OrderRows(session);
  }

  @Override
  public CompletionStage<Void> append(Hold hold) {
    return session.executeAsync(rows.allCopies(hold, OrderStatus.RESERVED)).thenApply(rs -> null);
  }

  @Override
  public CompletionStage<Void> updateStatus(Hold hold, OrderStatus status) {
    return session.executeAsync(rows.statusUpdate(hold, status)).thenApply(rs -> null);
  }

  @Override
  public CompletionStage<Void> cancel(Hold hold, CancelReason reason) {
    return session.executeAsync(rows.cancellation(hold, reason)).thenApply(rs -> null);
  }

  @Override
  public CompletionStage<Optional<Hold>> committed(String saleId, UUID orderId) {
    return session.executeAsync(rows.journalRow(saleId, orderId))
        .thenApply(rs -> Optional.ofNullable(rs.one()).map(OrderRows::holdOfJournal));
  }
}
