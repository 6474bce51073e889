package dev.liveshop.bench;

import dev.liveshop.core.inventory.Hold;
import dev.liveshop.core.inventory.OrderJournal;
import dev.liveshop.core.order.CancelReason;
import dev.liveshop.core.order.OrderStatus;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Completes every write at once and keeps nothing: benchmarks that use it measure the
 * engine, not Cassandra.
 */
final class InstantJournal implements OrderJournal {

  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  @Override
  public CompletionStage<Void> append(Hold hold) {
    return DONE;
  }

  @Override
  public CompletionStage<Void> updateStatus(Hold hold, OrderStatus status) {
    return DONE;
  }

  @Override
  public CompletionStage<Void> cancel(Hold hold, CancelReason reason) {
    return DONE;
  }

  @Override
  public CompletionStage<Optional<Hold>> committed(String saleId, UUID orderId) {
    return CompletableFuture.completedFuture(Optional.empty());
  }
}
