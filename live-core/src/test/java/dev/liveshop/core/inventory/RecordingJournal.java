package dev.liveshop.core.inventory;

import dev.liveshop.core.order.OrderStatus;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An {@link OrderJournal} for engine tests: records every append and completes it at once,
 * or fails a given share of them to play a store that drops writes. (The real journal,
 * against a real Cassandra node, is exercised by the *IT tests.)
 */
final class RecordingJournal implements OrderJournal {

  final ConcurrentLinkedQueue<Hold> appended = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Hold> failed = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Hold> expired = new ConcurrentLinkedQueue<>();
  final java.util.concurrent.ConcurrentHashMap<java.util.UUID, OrderStatus> statuses =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final double failureRate;

  RecordingJournal(double failureRate) {
    this.failureRate = failureRate;
  }

  @Override
  public CompletionStage<Void> append(Hold hold) {
    if (failureRate > 0 && ThreadLocalRandom.current().nextDouble() < failureRate) {
      failed.add(hold);
      return CompletableFuture.failedFuture(new IllegalStateException("injected write failure"));
    }
    appended.add(hold);
    return CompletableFuture.supplyAsync(() -> null);
  }

  @Override
  public CompletionStage<Void> updateStatus(Hold hold, OrderStatus status) {
    if (status == OrderStatus.EXPIRED) {
      expired.add(hold);
    }
    statuses.put(hold.orderId(), status);
    return CompletableFuture.completedFuture(null);
  }

  List<Hold> written() {
    return List.copyOf(appended);
  }
}
