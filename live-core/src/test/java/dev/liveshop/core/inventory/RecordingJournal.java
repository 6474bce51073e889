package dev.liveshop.core.inventory;

import dev.liveshop.core.order.CancelReason;
import dev.liveshop.core.order.OrderStatus;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link OrderJournal} for engine tests: records every append and completes it at once
 * (or when the test opens its gate), or fails a given share of them (and status writes
 * when told) to play a store that drops writes; records each status and why an order was
 * cancelled. (The real journal,
 * against a real Cassandra node, is exercised by the *IT tests.)
 */
final class RecordingJournal implements OrderJournal {

  final ConcurrentLinkedQueue<Hold> appended = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Hold> failed = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Hold> expired = new ConcurrentLinkedQueue<>();
  final ConcurrentHashMap<UUID, OrderStatus> statuses =
      new ConcurrentHashMap<>();
  final ConcurrentHashMap<UUID, CancelReason> cancelReasons = new ConcurrentHashMap<>();
  private final double failureRate;
  /** While set, appends complete only when it does: a store that is slow to answer. */
  volatile CompletableFuture<Void> gate;
  /** While set, lookups of committed orders answer only when it completes. */
  volatile CompletableFuture<Void> lookupGate;
  /** When set, lookups fail: a store that cannot be read. */
  volatile boolean unreadable;
  /** Orders whose status write (or cancel) was asked for, in order, before any gate or failure. */
  final ConcurrentLinkedQueue<UUID> statusWritesAsked = new ConcurrentLinkedQueue<>();
  /** While set, status writes (and cancels) land only when it completes: a store slow to answer. */
  volatile CompletableFuture<Void> statusGate;
  /** Status writes still to fail: a store that drops them. */
  final AtomicInteger statusWritesToFail = new AtomicInteger();

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
    CompletableFuture<Void> slow = gate;
    return slow != null ? slow.thenApplyAsync(v -> null) : CompletableFuture.supplyAsync(() -> null);
  }

  @Override
  public CompletionStage<Void> updateStatus(Hold hold, OrderStatus status) {
    if (status == OrderStatus.CANCELLED) {
      throw new IllegalArgumentException("CANCELLED goes through cancel(hold, reason), as OrderStore requires");
    }
    return recordStatus(hold, status, null);
  }

  @Override
  public CompletionStage<Void> cancel(Hold hold, CancelReason reason) {
    return recordStatus(hold, OrderStatus.CANCELLED, reason);
  }

  private CompletionStage<Void> recordStatus(Hold hold, OrderStatus status, CancelReason reason) {
    statusWritesAsked.add(hold.orderId());
    if (statusWritesToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return CompletableFuture.failedFuture(new IllegalStateException("injected status write failure"));
    }
    CompletableFuture<Void> slow = statusGate;
    if (slow != null) {
      return slow.thenRunAsync(() -> record(hold, status, reason));
    }
    record(hold, status, reason);
    return CompletableFuture.completedFuture(null);
  }

  private void record(Hold hold, OrderStatus status, CancelReason reason) {
    if (status == OrderStatus.EXPIRED) {
      expired.add(hold);
    }
    statuses.put(hold.orderId(), status);
    if (reason != null) {
      cancelReasons.put(hold.orderId(), reason);
    }
  }

  /** Answers from the appends recorded when the lookup completes. */
  @Override
  public CompletionStage<Optional<Hold>> committed(String saleId, UUID orderId) {
    if (unreadable) {
      return CompletableFuture.failedFuture(new IllegalStateException("injected read failure"));
    }
    CompletableFuture<Void> slow = lookupGate;
    return (slow != null ? slow : CompletableFuture.<Void>completedFuture(null)).thenApplyAsync(v -> appended.stream()
        .filter(h -> h.orderId().equals(orderId) && h.saleId().equals(saleId)).findFirst());
  }

  List<Hold> written() {
    return List.copyOf(appended);
  }
}
