package dev.liveshop.core.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.liveshop.core.inventory.Hold;
import dev.liveshop.core.inventory.OrderJournal;
import dev.liveshop.core.inventory.RecoveredOrder;
import dev.liveshop.core.order.OrderStatus;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Orders in Cassandra: one row by id plus copies by viewer, by stream and by sale, written
 * together in one logged batch so the copies never disagree for long.
 *
 * <p>Threading: {@link #append} never blocks (the driver's async API); the read methods
 * block their caller and are meant for gRPC executor threads and start-up.
 */
public final class OrderStore implements OrderJournal, AutoCloseable {

  /**
   * Partitions per stream and per sale in the by-stream and by-sale tables: a hot sale's
   * writes spread over this many partitions. Part of the data layout: never change it on
   * a keyspace that has orders.
   */
  static final int BUCKETS = 16;

  private final CqlSession session;
  private final WriteRetrier retrier = new WriteRetrier();
  private final PreparedStatement insertOrder;
  private final PreparedStatement insertByViewer;
  private final PreparedStatement insertByStream;
  private final PreparedStatement insertBySale;
  private final PreparedStatement updateStatus;
  private final PreparedStatement updateStatusByViewer;
  private final PreparedStatement updateStatusByStream;
  private final PreparedStatement updateStatusBySale;
  private final PreparedStatement setFulfillment;
  private final PreparedStatement selectOrder;
  private final PreparedStatement selectByStream;
  private final PreparedStatement selectBySale;
  private final PreparedStatement selectByViewer;

  public OrderStore(CqlSession session) {
    this.session = session;
    insertOrder = session.prepare("INSERT INTO orders (order_id, sale_id, stream_id, product_id, viewer_id, "
        + "client_order_id, quantity, price_cents, status, created_at, hold_expires_at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insertByViewer = session.prepare("INSERT INTO orders_by_viewer (viewer_id, created_at, order_id, sale_id, "
        + "stream_id, product_id, quantity, price_cents, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insertByStream = session.prepare("INSERT INTO orders_by_stream (stream_id, bucket, created_at, order_id, "
        + "sale_id, product_id, viewer_id, quantity, price_cents, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insertBySale = session.prepare("INSERT INTO orders_by_sale (sale_id, bucket, order_id, viewer_id, "
        + "client_order_id, quantity, status, created_at, hold_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    updateStatus = session.prepare("UPDATE orders SET status = ? WHERE order_id = ?");
    updateStatusByViewer = session.prepare("UPDATE orders_by_viewer SET status = ? "
        + "WHERE viewer_id = ? AND created_at = ? AND order_id = ?");
    updateStatusByStream = session.prepare("UPDATE orders_by_stream SET status = ? "
        + "WHERE stream_id = ? AND bucket = ? AND created_at = ? AND order_id = ?");
    updateStatusBySale = session.prepare("UPDATE orders_by_sale SET status = ? "
        + "WHERE sale_id = ? AND bucket = ? AND order_id = ?");
    setFulfillment = session.prepare("UPDATE orders SET fulfillment = ? WHERE order_id = ?");
    selectOrder = session.prepare("SELECT * FROM orders WHERE order_id = ?");
    selectByStream = session.prepare("SELECT order_id, created_at FROM orders_by_stream "
        + "WHERE stream_id = ? AND bucket = ? LIMIT ?");
    selectBySale = session.prepare("SELECT order_id FROM orders_by_sale WHERE sale_id = ? AND bucket = ?");
    selectByViewer = session.prepare("SELECT order_id FROM orders_by_viewer WHERE viewer_id = ?");
  }

  /**
   * Writes a new order in status RESERVED. Idempotent (every value derives from the hold),
   * so a write whose outcome is unknown is sent again until it is known; the stage fails
   * only when the order was certainly not written.
   */
  @Override
  public CompletionStage<Void> append(Hold hold) {
    Instant created = Instant.ofEpochMilli(hold.createdAtMs());
    Instant expires = Instant.ofEpochMilli(hold.expiresAtMs());
    String status = OrderStatus.RESERVED.name();
    int bucket = bucketOf(hold.orderId());
    BatchStatement batch = BatchStatement.newInstance(BatchType.LOGGED,
        insertOrder.bind(hold.orderId(), hold.saleId(), hold.streamId(), hold.productId(), hold.viewerId(),
            hold.clientOrderId(), hold.quantity(), hold.priceCents(), status, created, expires),
        insertByViewer.bind(hold.viewerId(), created, hold.orderId(), hold.saleId(), hold.streamId(),
            hold.productId(), hold.quantity(), hold.priceCents(), status),
        insertByStream.bind(hold.streamId(), bucket, created, hold.orderId(), hold.saleId(), hold.productId(),
            hold.viewerId(), hold.quantity(), hold.priceCents(), status),
        insertBySale.bind(hold.saleId(), bucket, hold.orderId(), hold.viewerId(), hold.clientOrderId(),
            hold.quantity(), status, created, expires))
        .setIdempotent(true);
    return retrier.untilKnown("order " + hold.orderId(), () -> session.executeAsync(batch));
  }

  /** Sets the status of an order and of its copies, in one logged batch (idempotent). */
  @Override
  public CompletionStage<Void> updateStatus(Hold hold, OrderStatus status) {
    Instant created = Instant.ofEpochMilli(hold.createdAtMs());
    int bucket = bucketOf(hold.orderId());
    String name = status.name();
    BatchStatement batch = BatchStatement.newInstance(BatchType.LOGGED,
        updateStatus.bind(name, hold.orderId()),
        updateStatusByViewer.bind(name, hold.viewerId(), created, hold.orderId()),
        updateStatusByStream.bind(name, hold.streamId(), bucket, created, hold.orderId()),
        updateStatusBySale.bind(name, hold.saleId(), bucket, hold.orderId()))
        .setIdempotent(true);
    return session.executeAsync(batch).thenApply(rs -> null);
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
    for (int bucket = 0; bucket < BUCKETS; bucket++) {
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
   * Every order of a sale that still counts against its stock at {@code nowMs}: paid ones
   * and holds still inside their payment window. Holds found lapsed are marked EXPIRED.
   */
  public List<RecoveredOrder> recover(String saleId, long nowMs) {
    List<RecoveredOrder> recovered = new ArrayList<>();
    for (int bucket = 0; bucket < BUCKETS; bucket++) {
      for (Row row : session.execute(selectBySale.bind(saleId, bucket))) {
        Optional<Order> order = find(row.getUuid("order_id"));
        if (order.isEmpty()) {
          continue;
        }
        Order o = order.get();
        switch (o.status()) {
          case RESERVED -> {
            if (o.hold().expiresAtMs() > nowMs) {
              recovered.add(new RecoveredOrder(o.hold(), OrderStatus.RESERVED));
            } else {
              updateStatus(o.hold(), OrderStatus.EXPIRED).toCompletableFuture().join();
            }
          }
          case PAYING, PAID, FULFILLED -> recovered.add(new RecoveredOrder(o.hold(), o.status()));
          case EXPIRED, CANCELLED -> { }
        }
      }
    }
    return recovered;
  }

  @Override
  public void close() {
    retrier.close();
  }

  static int bucketOf(UUID orderId) {
    return Math.floorMod(orderId.hashCode(), BUCKETS);
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
