package dev.liveshop.core.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.liveshop.core.inventory.Hold;
import dev.liveshop.core.order.CancelReason;
import dev.liveshop.core.order.OrderStatus;
import java.time.Instant;
import java.util.UUID;

/**
 * The four copies of an order and the prepared statements that write them: the journal
 * ({@code orders_by_sale}, partitioned by sale and bucket, what recovery reads), the row by
 * id, and the copies by viewer and by stream that serve the two listings; and the read of
 * one journal row. Every statement is idempotent: its values derive from the hold, so
 * sending it twice changes nothing.
 *
 * <p>Thread-safe (prepared statements are immutable).
 */
final class OrderRows {

  /**
   * Partitions per stream and per sale in the by-stream table and the journal: a hot sale's
   * writes spread over this many partitions. Part of the data layout: never change it on
   * a keyspace that has orders.
   */
  static final int BUCKETS = 16;

  private final PreparedStatement insertJournal;
  private final PreparedStatement insertOrder;
  private final PreparedStatement insertByViewer;
  private final PreparedStatement insertByStream;
  private final PreparedStatement updateStatus;
  private final PreparedStatement updateStatusByViewer;
  private final PreparedStatement updateStatusByStream;
  private final PreparedStatement updateStatusInJournal;
  private final PreparedStatement cancelInJournal;
  private final PreparedStatement selectJournalRow;

  OrderRows(CqlSession session) {
    insertJournal = session.prepare("INSERT INTO orders_by_sale (sale_id, bucket, order_id, stream_id, product_id, "
        + "viewer_id, client_order_id, quantity, price_cents, status, created_at, hold_expires_at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insertOrder = session.prepare("INSERT INTO orders (order_id, sale_id, stream_id, product_id, viewer_id, "
        + "client_order_id, quantity, price_cents, status, created_at, hold_expires_at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insertByViewer = session.prepare("INSERT INTO orders_by_viewer (viewer_id, created_at, order_id, sale_id, "
        + "stream_id, product_id, quantity, price_cents, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insertByStream = session.prepare("INSERT INTO orders_by_stream (stream_id, bucket, created_at, order_id, "
        + "sale_id, product_id, viewer_id, quantity, price_cents, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    updateStatus = session.prepare("UPDATE orders SET status = ? WHERE order_id = ?");
    updateStatusByViewer = session.prepare("UPDATE orders_by_viewer SET status = ? "
        + "WHERE viewer_id = ? AND created_at = ? AND order_id = ?");
    updateStatusByStream = session.prepare("UPDATE orders_by_stream SET status = ? "
        + "WHERE stream_id = ? AND bucket = ? AND created_at = ? AND order_id = ?");
    updateStatusInJournal = session.prepare("UPDATE orders_by_sale SET status = ? "
        + "WHERE sale_id = ? AND bucket = ? AND order_id = ?");
    cancelInJournal = session.prepare("UPDATE orders_by_sale SET status = ?, cancel_reason = ? "
        + "WHERE sale_id = ? AND bucket = ? AND order_id = ?");
    selectJournalRow = session.prepare("SELECT * FROM orders_by_sale WHERE sale_id = ? AND bucket = ? "
        + "AND order_id = ?");
  }

  /** Reads the journal row of one order: it exists once the order is committed. */
  BoundStatement journalRow(String saleId, UUID orderId) {
    return selectJournalRow.bind(saleId, bucketOf(orderId), orderId).setIdempotent(true);
  }

  static int bucketOf(UUID orderId) {
    return Math.floorMod(orderId.hashCode(), BUCKETS);
  }

  /** Orders with the same key share a journal partition and a by-stream partition. */
  record PartitionKey(String saleId, String streamId, int bucket) {
    static PartitionKey of(Hold hold) {
      return new PartitionKey(hold.saleId(), hold.streamId(), bucketOf(hold.orderId()));
    }
  }

  /**
   * The journal row of a new order. It does not name cancel_reason: a null would be a cell
   * tombstone in every order's row, which recovery then reads past. So a rolled-back bundle
   * item held again by the bundle's retry keeps its old reason on a row no longer CANCELLED;
   * the reason means something only while the status is CANCELLED (see {@link #cancelReasonOf}).
   */
  BoundStatement journal(Hold hold, OrderStatus status) {
    return insertJournal.bind(hold.saleId(), bucketOf(hold.orderId()), hold.orderId(), hold.streamId(),
        hold.productId(), hold.viewerId(), hold.clientOrderId(), hold.quantity(), hold.priceCents(),
        status.name(), created(hold), Instant.ofEpochMilli(hold.expiresAtMs()));
  }

  BoundStatement byId(Hold hold, OrderStatus status) {
    return insertOrder.bind(hold.orderId(), hold.saleId(), hold.streamId(), hold.productId(), hold.viewerId(),
        hold.clientOrderId(), hold.quantity(), hold.priceCents(), status.name(), created(hold),
        Instant.ofEpochMilli(hold.expiresAtMs()));
  }

  BoundStatement byViewer(Hold hold, OrderStatus status) {
    return insertByViewer.bind(hold.viewerId(), created(hold), hold.orderId(), hold.saleId(), hold.streamId(),
        hold.productId(), hold.quantity(), hold.priceCents(), status.name());
  }

  BoundStatement byStream(Hold hold, OrderStatus status) {
    return insertByStream.bind(hold.streamId(), bucketOf(hold.orderId()), created(hold), hold.orderId(),
        hold.saleId(), hold.productId(), hold.viewerId(), hold.quantity(), hold.priceCents(), status.name());
  }

  /** The order's four copies in one logged batch: all of them or, for certain, none. */
  BatchStatement allCopies(Hold hold, OrderStatus status) {
    return BatchStatement.newInstance(BatchType.LOGGED, journal(hold, status), byId(hold, status),
        byViewer(hold, status), byStream(hold, status)).setIdempotent(true);
  }

  /** The new status on all four copies, in one logged batch. */
  BatchStatement statusUpdate(Hold hold, OrderStatus status) {
    return statusOnAllCopies(hold, status, updateStatusInJournal.bind(status.name(), hold.saleId(),
        bucketOf(hold.orderId()), hold.orderId()));
  }

  /** CANCELLED on all four copies and, in the journal, why; in one logged batch. */
  BatchStatement cancellation(Hold hold, CancelReason reason) {
    return statusOnAllCopies(hold, OrderStatus.CANCELLED, cancelInJournal.bind(OrderStatus.CANCELLED.name(),
        reason.name(), hold.saleId(), bucketOf(hold.orderId()), hold.orderId()));
  }

  private BatchStatement statusOnAllCopies(Hold hold, OrderStatus status, BoundStatement journalUpdate) {
    Instant created = created(hold);
    int bucket = bucketOf(hold.orderId());
    String name = status.name();
    return BatchStatement.newInstance(BatchType.LOGGED,
        updateStatus.bind(name, hold.orderId()),
        updateStatusByViewer.bind(name, hold.viewerId(), created, hold.orderId()),
        updateStatusByStream.bind(name, hold.streamId(), bucket, created, hold.orderId()),
        journalUpdate)
        .setIdempotent(true);
  }

  /**
   * The hold a journal row records, or null for a row written before the journal held whole
   * orders (schema version 3): those are read back by id instead.
   */
  static Hold holdOfJournal(Row row) {
    if (row.isNull("stream_id")) {
      return null;
    }
    return new Hold(row.getUuid("order_id"), row.getString("sale_id"), row.getString("stream_id"),
        row.getString("product_id"), row.getString("viewer_id"), row.getString("client_order_id"),
        row.getInt("quantity"), row.getLong("price_cents"), row.getInstant("created_at").toEpochMilli(),
        row.getInstant("hold_expires_at").toEpochMilli());
  }

  /**
   * Why a cancelled journal row's order was cancelled; null on rows cancelled before schema
   * version 6. Read it only on a CANCELLED row: a row held again after a bundle rollback keeps
   * BUNDLE_ROLLBACK while RESERVED, PAID or EXPIRED, and a row never cancelled has none.
   */
  static CancelReason cancelReasonOf(Row row) {
    String reason = row.getString("cancel_reason");
    return reason == null ? null : CancelReason.valueOf(reason);
  }

  private static Instant created(Hold hold) {
    return Instant.ofEpochMilli(hold.createdAtMs());
  }
}
