package dev.liveshop.core.store;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.liveshop.core.catalog.LineupProduct;
import dev.liveshop.core.catalog.LiveStream;
import dev.liveshop.core.catalog.OwnedSale;
import dev.liveshop.core.inventory.FlashSale;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Streams, lineups and flash-sale settings in Cassandra. Off the hot path: calls block the
 * caller (a gRPC executor thread or start-up), never a shard or event-loop thread.
 */
public final class CatalogStore {

  private final CqlSession session;
  private final PreparedStatement insertStream;
  private final PreparedStatement selectStream;
  private final PreparedStatement updatePin;
  private final PreparedStatement insertProduct;
  private final PreparedStatement selectProducts;
  private final PreparedStatement deleteProduct;
  private final PreparedStatement updatePosition;
  private final PreparedStatement insertSale;
  private final PreparedStatement updateSale;
  private final PreparedStatement moveSale;
  private final PreparedStatement claimSale;
  private final PreparedStatement insertSaleByStream;
  private final PreparedStatement selectSale;
  private final PreparedStatement selectSaleIdsOfStream;

  public CatalogStore(CqlSession session) {
    this.session = session;
    insertStream = session.prepare("INSERT INTO streams (stream_id, title, host_id, pinned_product_id, hls_url, "
        + "created_at) VALUES (?, ?, ?, ?, ?, ?) IF NOT EXISTS");
    selectStream = session.prepare("SELECT * FROM streams WHERE stream_id = ?");
    updatePin = session.prepare("UPDATE streams SET pinned_product_id = ? WHERE stream_id = ?");
    insertProduct = session.prepare("INSERT INTO products (stream_id, product_id, name, image_url, price_cents, "
        + "position) VALUES (?, ?, ?, ?, ?, ?)");
    selectProducts = session.prepare("SELECT * FROM products WHERE stream_id = ?");
    deleteProduct = session.prepare("DELETE FROM products WHERE stream_id = ? AND product_id = ?");
    updatePosition = session.prepare("UPDATE products SET position = ? WHERE stream_id = ? AND product_id = ?");
    insertSale = session.prepare("INSERT INTO flash_sales (sale_id, stream_id, product_id, price_cents, quantity, "
        + "per_viewer_limit, starts_at, ends_at, hold_ttl_ms, paused, owner_shard) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS");
    // Every setting but the owner, which only a hand-over changes.
    updateSale = session.prepare("UPDATE flash_sales SET stream_id = ?, product_id = ?, price_cents = ?, "
        + "quantity = ?, per_viewer_limit = ?, starts_at = ?, ends_at = ?, hold_ttl_ms = ?, paused = ? "
        + "WHERE sale_id = ?");
    moveSale = session.prepare("UPDATE flash_sales SET owner_shard = ? WHERE sale_id = ? IF owner_shard = ?");
    claimSale = session.prepare("UPDATE flash_sales SET owner_shard = ? WHERE sale_id = ? IF owner_shard = null");
    insertSaleByStream = session.prepare("INSERT INTO flash_sales_by_stream (stream_id, sale_id) VALUES (?, ?)");
    selectSale = session.prepare("SELECT * FROM flash_sales WHERE sale_id = ?");
    selectSaleIdsOfStream = session.prepare("SELECT sale_id FROM flash_sales_by_stream WHERE stream_id = ?");
  }

  /** Inserts the stream unless one with its id exists; returns the stored one either way. */
  public LiveStream createStreamIfAbsent(LiveStream stream) {
    Row existing = session.execute(insertStream.bind(stream.streamId(), stream.title(), stream.hostId(),
        stream.pinnedProductId(), stream.hlsUrl(), Instant.ofEpochMilli(stream.createdAtMs()))).one();
    if (existing != null && !existing.getBoolean("[applied]")) {
      return toStream(existing);
    }
    return stream;
  }

  public Optional<LiveStream> findStream(String streamId) {
    return Optional.ofNullable(session.execute(selectStream.bind(streamId)).one()).map(CatalogStore::toStream);
  }

  /** Every stream, newest first. A full scan: the streams table stays small. */
  public List<LiveStream> allStreams() {
    List<LiveStream> streams = new ArrayList<>();
    for (Row row : session.execute("SELECT * FROM streams")) {
      streams.add(toStream(row));
    }
    streams.sort(Comparator.comparingLong(LiveStream::createdAtMs).reversed());
    return streams;
  }

  public void setPinned(String streamId, String productId) {
    session.execute(updatePin.bind(productId, streamId).setIdempotent(true));
  }

  public void insertProduct(LineupProduct p) {
    session.execute(insertProduct.bind(p.streamId(), p.productId(), p.name(), p.imageUrl(), p.priceCents(),
        p.position()).setIdempotent(true));
  }

  public void deleteProduct(String streamId, String productId) {
    session.execute(deleteProduct.bind(streamId, productId).setIdempotent(true));
  }

  public void setPosition(String streamId, String productId, int position) {
    session.execute(updatePosition.bind(position, streamId, productId).setIdempotent(true));
  }

  /** A stream's lineup in order of position. */
  public List<LineupProduct> products(String streamId) {
    List<LineupProduct> products = new ArrayList<>();
    for (Row row : session.execute(selectProducts.bind(streamId))) {
      products.add(new LineupProduct(row.getString("stream_id"), row.getString("product_id"),
          row.getString("name"), row.getString("image_url"), row.getLong("price_cents"), row.getInt("position")));
    }
    products.sort(Comparator.comparingInt(LineupProduct::position));
    return products;
  }

  /**
   * Stores a new sale as {@code ownerShard}'s unless a sale is already stored under its id,
   * and answers that one then. A lightweight transaction: of two launches under one id only
   * one stores its sale, and a launch retried after its write timed out finds what that
   * write came to (the read is serial).
   */
  public Optional<OwnedSale> insertSaleIfAbsent(FlashSale sale, String ownerShard) {
    boolean applied = session.execute(insertSale.bind(sale.saleId(), sale.streamId(), sale.productId(),
        sale.priceCents(), sale.quantity(), sale.perViewerLimit(), Instant.ofEpochMilli(sale.startsAtMs()),
        Instant.ofEpochMilli(sale.endsAtMs()), sale.holdTtlMillis(), sale.paused(), ownerShard)).wasApplied();
    Optional<OwnedSale> earlier = applied ? Optional.empty() : Optional.of(findSaleSerially(sale.saleId())
        .orElseThrow(() -> new IllegalStateException("sale " + sale.saleId() + " was stored and is gone")));
    if (earlier.isEmpty() || earlier.get().sale().streamId().equals(sale.streamId())) {
      // Also for the earlier launch, whose index row may not have been written.
      session.execute(insertSaleByStream.bind(sale.streamId(), sale.saleId()).setIdempotent(true));
    }
    return earlier;
  }

  /** Stores a sale's settings after a host's change (its owner stays). */
  public void updateSale(FlashSale sale) {
    session.execute(updateSale.bind(sale.streamId(), sale.productId(), sale.priceCents(), sale.quantity(),
        sale.perViewerLimit(), Instant.ofEpochMilli(sale.startsAtMs()), Instant.ofEpochMilli(sale.endsAtMs()),
        sale.holdTtlMillis(), sale.paused(), sale.saleId()).setIdempotent(true));
  }

  /**
   * Records {@code to} as the sale's owner if {@code from} still is (a lightweight
   * transaction, so two hand-overs of one sale cannot both win). False when another owns it.
   */
  public boolean moveSale(String saleId, String from, String to) {
    return session.execute(moveSale.bind(to, saleId, from)).wasApplied();
  }

  /** Records {@code owner} as the owner of a sale stored before shards, if none has claimed it. */
  public boolean claimSale(String saleId, String owner) {
    return session.execute(claimSale.bind(owner, saleId)).wasApplied();
  }

  /**
   * The sale as a lightweight transaction on it left it, read at the serial consistency
   * level: a read that first completes any transaction on the sale still in flight, so
   * what it answers is what a write of unknown outcome (a CAS timeout) came to.
   */
  public Optional<OwnedSale> findSaleSerially(String saleId) {
    ConsistencyLevel serial = DefaultConsistencyLevel.valueOf(session.getContext().getConfig().getDefaultProfile()
        .getString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY));
    return Optional.ofNullable(session.execute(selectSale.bind(saleId).setConsistencyLevel(serial)).one())
        .map(CatalogStore::toOwnedSale);
  }

  public Optional<OwnedSale> findSale(String saleId) {
    return Optional.ofNullable(session.execute(selectSale.bind(saleId)).one()).map(CatalogStore::toOwnedSale);
  }

  /** A stream's sales, oldest start first. */
  public List<OwnedSale> salesOfStream(String streamId) {
    List<OwnedSale> sales = new ArrayList<>();
    for (Row row : session.execute(selectSaleIdsOfStream.bind(streamId))) {
      findSale(row.getString("sale_id")).ifPresent(sales::add);
    }
    sales.sort(Comparator.comparingLong(owned -> owned.sale().startsAtMs()));
    return sales;
  }

  /**
   * Sales, whoever holds them, that are still open at {@code nowMs} or may still have a
   * hold waiting for payment (one made just before the end lapses a hold TTL later): the
   * ones recovery looks at.
   */
  public List<OwnedSale> salesLiveAfter(long nowMs) {
    List<OwnedSale> sales = new ArrayList<>();
    for (Row row : session.execute("SELECT * FROM flash_sales")) {
      OwnedSale owned = toOwnedSale(row);
      if (owned.sale().endsAtMs() + owned.sale().holdTtlMillis() > nowMs) {
        sales.add(owned);
      }
    }
    return sales;
  }

  private static LiveStream toStream(Row row) {
    Instant created = row.getInstant("created_at");
    return new LiveStream(row.getString("stream_id"), nullToEmpty(row.getString("title")),
        nullToEmpty(row.getString("host_id")), nullToEmpty(row.getString("pinned_product_id")),
        nullToEmpty(row.getString("hls_url")), created == null ? 0 : created.toEpochMilli());
  }

  private static OwnedSale toOwnedSale(Row row) {
    return new OwnedSale(toSale(row), nullToEmpty(row.getString("owner_shard")));
  }

  private static FlashSale toSale(Row row) {
    return new FlashSale(row.getString("sale_id"), row.getString("stream_id"), row.getString("product_id"),
        row.getLong("price_cents"), row.getInt("quantity"), row.getInt("per_viewer_limit"),
        row.getInstant("starts_at").toEpochMilli(), row.getInstant("ends_at").toEpochMilli(),
        row.getLong("hold_ttl_ms"), row.getBoolean("paused"));
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
