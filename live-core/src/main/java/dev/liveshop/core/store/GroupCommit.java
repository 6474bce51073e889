package dev.liveshop.core.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import dev.liveshop.core.inventory.Hold;
import dev.liveshop.core.order.OrderStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Writes new orders in groups: whatever arrived while earlier groups were being written
 * goes out together, so under load one round trip serves many orders and at low load an
 * order leaves at once (no timer, no added latency).
 *
 * <p>A group is split by journal partition (sale and bucket). Each partition's orders are
 * first written to the journal in one single-partition batch, which Cassandra applies as
 * one mutation: all of them or none. That write is the commit point, and recovery reads
 * the journal. Only after it, each order's copies by id, by viewer and by stream are
 * written (the by-stream ones again one batch per partition) and retried until they land,
 * so a failed journal write leaves no copy behind and a committed order is never listed
 * half. The order's stage completes when all of its rows are written, so a buyer who
 * hears "yes" can read the order everywhere; it fails only when the journal write
 * certainly failed.
 *
 * <p>Concurrency is bounded twice: at most {@code maxGroupsInFlight} journal writes are
 * outstanding (orders wait in the queue meanwhile, which is what makes groups grow), and
 * the driver's request throttler bounds the requests of all kinds.
 *
 * <p>Threading: {@link #append} is called on shard threads and never blocks; flushing
 * runs on whichever thread appends or completes a group (a driver I/O thread or the
 * retry thread). Stages complete on those threads.
 */
final class GroupCommit {

  private final CqlSession session;
  private final OrderRows rows;
  private final WriteRetrier retrier;
  private final int maxGroupSize;
  private final int maxGroupsInFlight;
  private final Queue<PendingOrder> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger groupsInFlight = new AtomicInteger();
  private final LongAdder journalBatches = new LongAdder();

  private record PendingOrder(Hold hold, CompletableFuture<Void> written) {}

  GroupCommit(CqlSession session, OrderRows rows, WriteRetrier retrier, int maxGroupSize, int maxGroupsInFlight) {
    this.session = session;
    this.rows = rows;
    this.retrier = retrier;
    this.maxGroupSize = maxGroupSize;
    this.maxGroupsInFlight = maxGroupsInFlight;
  }

  CompletionStage<Void> append(Hold hold) {
    PendingOrder order = new PendingOrder(hold, new CompletableFuture<>());
    queue.add(order);
    flush();
    return order.written();
  }

  /**
   * Sends groups while there is work and a free slot. Whoever frees a slot calls this
   * again, so an order queued while all slots were taken leaves with the next group.
   */
  private void flush() {
    while (!queue.isEmpty() && takeSlot()) {
      List<PendingOrder> group = new ArrayList<>();
      PendingOrder next;
      while (group.size() < maxGroupSize && (next = queue.poll()) != null) {
        group.add(next);
      }
      if (group.isEmpty()) {
        groupsInFlight.decrementAndGet();
        continue;
      }
      write(group).whenComplete((ok, e) -> {
        groupsInFlight.decrementAndGet();
        flush();
      });
    }
  }

  private boolean takeSlot() {
    while (true) {
      int current = groupsInFlight.get();
      if (current >= maxGroupsInFlight) {
        return false;
      }
      if (groupsInFlight.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  /** Writes one group; the stage completes when every journal write of it is known. */
  private CompletableFuture<Void> write(List<PendingOrder> group) {
    Map<OrderRows.PartitionKey, List<PendingOrder>> byPartition = new LinkedHashMap<>();
    for (PendingOrder order : group) {
      byPartition.computeIfAbsent(OrderRows.PartitionKey.of(order.hold()), k -> new ArrayList<>()).add(order);
    }
    List<CompletableFuture<Void>> journalWrites = new ArrayList<>(byPartition.size());
    byPartition.forEach((partition, orders) -> journalWrites.add(writePartition(partition, orders)));
    return CompletableFuture.allOf(journalWrites.toArray(CompletableFuture[]::new))
        .exceptionally(e -> null);
  }

  /** Journal batches sent so far (each serving one or more orders); for tests and metrics. */
  long journalBatchesWritten() {
    return journalBatches.sum();
  }

  private CompletableFuture<Void> writePartition(OrderRows.PartitionKey partition, List<PendingOrder> orders) {
    journalBatches.increment();
    CompletableFuture<Void> journal = retrier.untilKnown("journal of " + orders.size() + " order(s) of sale "
        + partition.saleId(), () -> session.executeAsync(batch(orders, o -> rows.journal(o, OrderStatus.RESERVED))))
        .toCompletableFuture();
    journal.whenComplete((ok, failure) -> {
      if (failure != null) {
        orders.forEach(o -> o.written().completeExceptionally(failure));
      } else {
        writeCopies(partition, orders);
      }
    });
    return journal;
  }

  /** The committed orders' other rows; each order completes when its own are written. */
  private void writeCopies(OrderRows.PartitionKey partition, List<PendingOrder> orders) {
    CompletableFuture<Void> byStream = retrier.untilWritten("orders of sale " + partition.saleId() + " by stream",
        () -> session.executeAsync(batch(orders, o -> rows.byStream(o, OrderStatus.RESERVED)))).toCompletableFuture();
    for (PendingOrder order : orders) {
      Hold hold = order.hold();
      CompletableFuture<Void> byId = retrier.untilWritten("order " + hold.orderId(),
          () -> session.executeAsync(rows.byId(hold, OrderStatus.RESERVED).setIdempotent(true))).toCompletableFuture();
      CompletableFuture<Void> byViewer = retrier.untilWritten("order " + hold.orderId() + " by viewer",
          () -> session.executeAsync(rows.byViewer(hold, OrderStatus.RESERVED).setIdempotent(true)))
          .toCompletableFuture();
      CompletableFuture.allOf(byStream, byId, byViewer).whenComplete((ok, failure) -> {
        if (failure == null) {
          order.written().complete(null);
        } else {
          order.written().completeExceptionally(failure);
        }
      });
    }
  }

  /** One single-partition batch: Cassandra applies it as one mutation. */
  private static BatchStatement batch(List<PendingOrder> orders,
      Function<Hold, BatchableStatement<?>> row) {
    List<BatchableStatement<?>> statements = new ArrayList<>(orders.size());
    orders.forEach(o -> statements.add(row.apply(o.hold())));
    return BatchStatement.newInstance(BatchType.UNLOGGED, statements).setIdempotent(true);
  }
}
