package dev.liveshop.core.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.liveshop.core.config.OrderWriteSettings;
import dev.liveshop.core.inventory.Hold;
import dev.liveshop.core.inventory.OrderJournal;
import dev.liveshop.core.inventory.RecoveredOrder;
import dev.liveshop.core.order.CancelReason;
import dev.liveshop.core.order.OrderStatus;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Orders in Cassandra: a journal by sale (what recovery reads), one row by id, and copies
 * by viewer and by stream for the listings. New orders go through {@link GroupCommit};
 * status changes update the four copies in one logged batch, so they never disagree for long.
 *
 * <p>Threading: {@link #append} and {@link #updateStatus} never block (the driver's async
 * API); the read methods block their caller and are meant for gRPC executor threads and
 * start-up.
 */
public final class OrderStore implements OrderJournal, AutoCloseable {

  private final CqlSession session;
  private final WriteRetrier retrier = new WriteRetrier();
  private final OrderRows rows;
  private final GroupCommit groupCommit;
  private final PreparedStatement setFulfillment;
  private final PreparedStatement selectOrder;
  private final PreparedStatement selectByStream;
  private final PreparedStatement selectJournal;
  private final PreparedStatement selectByViewer;

  public OrderStore(CqlSession session, OrderWriteSettings settings) {
    this.session = session;
    rows = new OrderRows(session);
    groupCommit = new GroupCommit(session, rows, retrier, settings.maxGroupSize(), settings.maxGroupsInFlight());
    setFulfillment = session.prepare("UPDATE orders SET fulfillment = ? WHERE order_id = ?");
    selectOrder = session.prepare("SELECT * FROM orders WHERE order_id = ?");
    selectByStream = session.prepare("SELECT order_id, created_at FROM orders_by_stream "
        + "WHERE stream_id = ? AND bucket = ? LIMIT ?");
    selectJournal = session.prepare("SELECT * FROM orders_by_sale WHERE sale_id = ? AND bucket = ?");
    selectByViewer = session.prepare("SELECT order_id FROM orders_by_viewer WHERE viewer_id = ?");
  }

  /**
   * Writes a new order in status RESERVED, grouped with others (see {@link GroupCommit}).
   * The stage completes once every row of it is written and fails only when the order was
   * certainly not committed; a write of unknown outcome is sent again until it is known.
   */
  @Override
  public CompletionStage<Void> append(Hold hold) {
    return groupCommit.append(hold);
  }

  /** Journal batches written so far; fewer than orders when group commit is grouping. */
  long journalBatchesWritten() {
    return groupCommit.journalBatchesWritten();
  }

  /** Sets the status of an order and of its copies, in one logged batch (idempotent). */
  @Override
  public CompletionStage<Void> updateStatus(Hold hold, OrderStatus status) {
    if (status == OrderStatus.CANCELLED) {
      // Without its reason, recovery would take it for a rolled-back bundle item.
      throw new IllegalArgumentException("order " + hold.orderId() + ": write CANCELLED with cancel(hold, reason)");
    }
    return session.executeAsync(rows.statusUpdate(hold, status)).thenApply(rs -> null);
  }

  /**
   * Sets CANCELLED on an order and its copies, and why in its journal row; one logged batch
   * (idempotent). A bundle rollback is sent again while its outcome is unknown, so its stage
   * fails only when nothing was written: its hold is then kept and may be answered RESERVED
   * to the bundle's retry without a new write, which a row that did say rolled back would
   * contradict at the next restart. A buyer's cancel or a failed payment is tried once: its
   * caller retries, and one that landed unseen only cancels what was being given up.
   */
  @Override
  public CompletionStage<Void> cancel(Hold hold, CancelReason reason) {
    if (reason == CancelReason.BUNDLE_ROLLBACK) {
      return retrier.untilKnown("rollback of order " + hold.orderId() + " of sale " + hold.saleId(),
          () -> session.executeAsync(rows.cancellation(hold, reason)));
    }
    return session.executeAsync(rows.cancellation(hold, reason)).thenApply(rs -> null);
  }

  /**
   * Reads the order's journal row, the commit point; a row from before the journal held
   * whole orders (schema version 3) is completed from the row by id.
   */
  @Override
  public CompletionStage<Optional<Hold>> committed(String saleId, UUID orderId) {
    return session.executeAsync(rows.journalRow(saleId, orderId)).thenCompose(rs -> {
      Row row = rs.one();
      if (row == null || isRolledBack(row)) {
        // A rolled-back bundle item was never an order: its retry is decided afresh.
        return CompletableFuture.completedFuture(Optional.<Hold>empty());
      }
      Hold hold = OrderRows.holdOfJournal(row);
      if (hold != null) {
        return CompletableFuture.completedFuture(Optional.of(hold));
      }
      return session.executeAsync(selectOrder.bind(orderId).setIdempotent(true))
          .thenApply(byId -> Optional.ofNullable(byId.one()).map(r -> toOrder(r).hold()));
    });
  }

  /** Marks a paid order fulfilled, with how it left; blocks until written. */
  public void fulfil(Order order, String fulfillment) {
    session.execute(setFulfillment.bind(fulfillment, order.hold().orderId()).setIdempotent(true));
    updateStatus(order.hold(), OrderStatus.FULFILLED).toCompletableFuture().join();
  }

  public Optional<Order> find(UUID orderId) {
    return Optional.ofNullable(session.execute(selectOrder.bind(orderId)).one()).map(OrderStore::toOrder);
  }

  /** One page of a viewer's orders, newest first, and the state to fetch the next (null at the end). */
  public record Page(List<Order> orders, ByteBuffer nextPagingState) {}

  public Page viewerOrders(String viewerId, int pageSize, ByteBuffer pagingState) {
    ResultSet rs = session.execute(selectByViewer.bind(viewerId).setPageSize(pageSize).setPagingState(pagingState));
    List<Order> orders = new ArrayList<>();
    // Only the rows of this page: iterating further would fetch the next ones.
    int rows = rs.getAvailableWithoutFetching();
    for (int i = 0; i < rows; i++) {
      find(rs.one().getUuid("order_id")).ifPresent(orders::add);
    }
    return new Page(orders, rs.getExecutionInfo().getPagingState());
  }

  /** A stream's newest orders, merged from every bucket. */
  public List<Order> newestOfStream(String streamId, int limit) {
    List<CompletableFuture<List<Row>>> pages = new ArrayList<>();
    for (int bucket = 0; bucket < OrderRows.BUCKETS; bucket++) {
      pages.add(firstPage(session.executeAsync(selectByStream.bind(streamId, bucket, limit))));
    }
    List<Row> rows = new ArrayList<>();
    pages.forEach(page -> rows.addAll(page.join()));
    rows.sort(Comparator.comparing((Row r) -> r.getInstant("created_at")).reversed());
    List<Order> orders = new ArrayList<>();
    for (Row row : rows.subList(0, Math.min(limit, rows.size()))) {
      find(row.getUuid("order_id")).ifPresent(orders::add);
    }
    return orders;
  }

  /**
   * Every order of a sale that still counts against its stock at {@code nowMs} (paid ones
   * and holds still inside their payment window), and the expired ones and those their
   * buyer cancelled or whose payment failed, which count nothing but whose retries get
   * their first answer; read from the journal. A rolled-back bundle item is left out. Holds
   * found lapsed are marked EXPIRED. A committed order whose other rows are missing
   * (live-core died between the journal write and theirs) gets them written again first.
   */
  public List<RecoveredOrder> recover(String saleId, long nowMs) {
    List<RecoveredOrder> recovered = new ArrayList<>();
    for (int bucket = 0; bucket < OrderRows.BUCKETS; bucket++) {
      for (Row row : session.execute(selectJournal.bind(saleId, bucket))) {
        OrderStatus status = OrderStatus.valueOf(row.getString("status"));
        if (isRolledBack(row)) {
          continue;
        }
        Hold hold = OrderRows.holdOfJournal(row);
        if (status == OrderStatus.EXPIRED || status == OrderStatus.CANCELLED) {
          if (hold != null) {
            recovered.add(new RecoveredOrder(hold, status));
          }
          continue;
        }
        if (hold == null) {
          Optional<Order> old = find(row.getUuid("order_id"));
          if (old.isEmpty()) {
            continue;
          }
          hold = old.get().hold();
        } else if (status == OrderStatus.RESERVED && find(hold.orderId()).isEmpty()) {
          session.execute(rows.allCopies(hold, OrderStatus.RESERVED));
        }
        if (status == OrderStatus.RESERVED && hold.expiresAtMs() <= nowMs) {
          updateStatus(hold, OrderStatus.EXPIRED).toCompletableFuture().join();
          status = OrderStatus.EXPIRED;
        }
        recovered.add(new RecoveredOrder(hold, status));
      }
    }
    return recovered;
  }

  /**
   * Whether a journal row is a rolled-back bundle item, which is no order: a retry of that
   * bundle must be decided afresh, so recovery and {@link #committed} skip it. A row
   * cancelled before schema version 6 names no reason and is taken for one, as all cancelled
   * rows were then, so a buyer's cancelled order among those is still forgotten at a restart
   * (its retry holds anew); rows cancelled since say why.
   *
   * <p>Nothing else tells those apart: a rollback and a buyer's cancel then wrote the same
   * CANCELLED to the same four rows, and no table records that a client order id named a
   * bundle (a two-item bundle's rolled-back item may have no sibling row at all). Guessing
   * "buyer" would answer a bundle's retry with a cancelled item, a partial bundle; guessing
   * "rollback" at worst holds a cancelled order's units again, same order id, within the
   * viewer's limit. Only sales running across the upgrade to version 6 are affected.
   */
  private static boolean isRolledBack(Row journalRow) {
    CancelReason reason = OrderRows.cancelReasonOf(journalRow);
    return OrderStatus.valueOf(journalRow.getString("status")) == OrderStatus.CANCELLED
        && (reason == null || !reason.keepsAnswer());
  }

  @Override
  public void close() {
    retrier.close();
  }

  private static CompletableFuture<List<Row>> firstPage(CompletionStage<AsyncResultSet> stage) {
    return stage.thenApply(rs -> {
      List<Row> rows = new ArrayList<>();
      rs.currentPage().forEach(rows::add);
      return rows;
    }).toCompletableFuture();
  }

  private static Order toOrder(Row row) {
    Hold hold = new Hold(row.getUuid("order_id"), row.getString("sale_id"), row.getString("stream_id"),
        row.getString("product_id"), row.getString("viewer_id"), row.getString("client_order_id"),
        row.getInt("quantity"), row.getLong("price_cents"), row.getInstant("created_at").toEpochMilli(),
        row.getInstant("hold_expires_at").toEpochMilli());
    String fulfillment = row.getString("fulfillment");
    return new Order(hold, OrderStatus.valueOf(row.getString("status")), fulfillment == null ? "" : fulfillment);
  }

}
