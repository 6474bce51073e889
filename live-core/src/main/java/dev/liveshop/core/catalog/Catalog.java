package dev.liveshop.core.catalog;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.liveshop.core.config.InventorySettings;
import dev.liveshop.core.inventory.FlashSale;
import dev.liveshop.core.inventory.InventoryEngine;
import dev.liveshop.core.inventory.SaleChange;
import dev.liveshop.core.inventory.SaleChangeResult;
import dev.liveshop.core.store.CatalogStore;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What hosts set up: streams, lineups, pins and flash sales. Validates every request
 * (an {@link InvalidRequestException} names the field), stores it, and opens launched
 * sales in the inventory engine.
 *
 * <p>Threading: called on gRPC executor threads and at start; its state is a thread-safe
 * cache and the {@link SaleSettingsWriter} (its own catch-up thread, per-sale locks).
 * Blocking calls to the store are fine here: this is not the hot path.
 */
public final class Catalog implements AutoCloseable {

  private static final Pattern STREAM_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
  private static final Pattern LAUNCH_KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
  private static final int MAX_NAME = 200;
  private static final int MAX_URL = 2048;
  static final int MAX_QUANTITY = FlashSale.MAX_QUANTITY;
  /**
   * Highest price of a product or sale: times {@link #MAX_QUANTITY} it stays far below
   * Long.MAX_VALUE, so an order's total (price x quantity) never overflows.
   */
  static final long MAX_PRICE_CENTS = 10_000_000_000L;
  /** How long after a failed write of a sale's settings they are written again. */
  private static final Duration SETTINGS_CATCH_UP_PAUSE = Duration.ofSeconds(1);

  private final CatalogStore store;
  /**
   * Streams as viewers' rooms open them, read through from Cassandra. Every change made
   * here invalidates its stream; the expiry bounds staleness from changes made elsewhere.
   */
  private final Cache<String, StreamView> streams = Caffeine.newBuilder()
      .maximumSize(10_000)
      .expireAfterWrite(Duration.ofSeconds(30))
      .build();
  private final InventoryEngine engine;
  private final Clock clock;
  private final long defaultHoldTtlMillis;
  private final long maxSaleMillis;
  private final String shardName;
  private final SaleSettingsWriter settings;

  /** @param shardName this live-core's shard: the sales it launches are recorded as its */
  public Catalog(CatalogStore store, InventoryEngine engine, Clock clock, InventorySettings settings,
      String shardName) {
    this.store = store;
    this.shardName = shardName;
    this.engine = engine;
    this.clock = clock;
    this.defaultHoldTtlMillis = settings.defaultHoldTtl().toMillis();
    this.maxSaleMillis = settings.maxSaleDuration().toMillis();
    this.settings = new SaleSettingsWriter(store, SETTINGS_CATCH_UP_PAUSE);
  }

  /** Creates a stream; creating an existing one of the same host returns it unchanged. */
  public LiveStream createStream(String streamId, String title, String hostId, String hlsUrl) {
    require(STREAM_ID.matcher(streamId).matches(),
        "stream_id must be 1..64 characters of a-z, 0-9 and '-', starting with a letter or digit");
    requireText("title", title, MAX_NAME);
    require(!hostId.isBlank(), "host_id is required");
    requireUrl("hls_url", hlsUrl);
    LiveStream stored = store.createStreamIfAbsent(new LiveStream(streamId, title, hostId, "", hlsUrl,
        clock.millis()));
    require(stored.hostId().equals(hostId), "stream_id " + streamId + " is taken by another host");
    return stored;
  }

  public StreamView getStream(String streamId) {
    return streams.get(streamId, id -> {
      LiveStream stream = stream(id);
      return new StreamView(stream, store.products(id), store.salesOfStream(id));
    });
  }

  public List<LiveStream> listStreams() {
    return store.allStreams();
  }

  public LineupProduct addProduct(String streamId, String name, String imageUrl, long priceCents) {
    stream(streamId);
    requireText("name", name, MAX_NAME);
    requireUrl("image_url", imageUrl);
    require(priceCents >= 0 && priceCents <= MAX_PRICE_CENTS, "price_cents must be 0..10,000,000,000");
    int position = store.products(streamId).stream().mapToInt(LineupProduct::position).max().orElse(-1) + 1;
    LineupProduct product = new LineupProduct(streamId, "p-" + shortId(), name.strip(), imageUrl, priceCents,
        position);
    store.insertProduct(product);
    streams.invalidate(streamId);
    return product;
  }

  /**
   * Takes a product out of the lineup (unpinning it if it was pinned). Refused while a sale
   * of it has not ended: its buyers still hold units of it.
   */
  public List<LineupProduct> removeProduct(String streamId, String productId) {
    LiveStream stream = stream(streamId);
    product(streamId, productId);
    long now = clock.millis();
    for (OwnedSale owned : store.salesOfStream(streamId)) {
      FlashSale sale = owned.sale();
      require(!sale.productId().equals(productId) || sale.endsAtMs() <= now,
          "product_id " + productId + " has a sale that has not ended (" + sale.saleId() + "): stop it first");
    }
    if (stream.pinnedProductId().equals(productId)) {
      store.setPinned(streamId, "");
    }
    store.deleteProduct(streamId, productId);
    streams.invalidate(streamId);
    return store.products(streamId);
  }

  /** Puts the lineup in the given order; the ids must be exactly the lineup's. */
  public List<LineupProduct> reorderLineup(String streamId, List<String> productIds) {
    stream(streamId);
    List<LineupProduct> lineup = store.products(streamId);
    require(productIds.size() == lineup.size() && new HashSet<>(productIds).size() == lineup.size()
        && lineup.stream().allMatch(p -> productIds.contains(p.productId())),
        "product_ids must list each product of the lineup exactly once (" + lineup.size() + " products)");
    for (int position = 0; position < productIds.size(); position++) {
      store.setPosition(streamId, productIds.get(position), position);
    }
    streams.invalidate(streamId);
    return store.products(streamId);
  }

  /** Pins a product of the lineup; an empty id unpins. */
  public LiveStream pin(String streamId, String productId) {
    LiveStream stream = stream(streamId);
    if (!productId.isEmpty()) {
      product(streamId, productId);
    }
    store.setPinned(streamId, productId);
    streams.invalidate(streamId);
    return stream.withPinned(productId);
  }

  /**
   * Launches a sale as this shard's, stored before it opens. A launch key used before in
   * the stream answers the sale it launched, as stored and without opening it (it may be
   * another shard's, or stored by a launch that failed before opening it): a host's retry
   * after a timeout never makes a second sale. The same key for another product is refused.
   */
  public OwnedSale launchSale(SaleRequest r) {
    stream(r.streamId());
    LineupProduct product = product(r.streamId(), r.productId());
    require(r.launchKey().isEmpty() || LAUNCH_KEY.matcher(r.launchKey()).matches(),
        "launch_key must be empty or 1..64 letters, digits, '-', '_', '.' or ':' (a UUID fits)");
    require(r.quantity() >= 1 && r.quantity() <= MAX_QUANTITY, "quantity must be 1.." + MAX_QUANTITY);
    require(r.perViewerLimit() >= 1 && r.perViewerLimit() <= r.quantity(),
        "per_viewer_limit must be 1..quantity (" + r.quantity() + ")");
    require(r.priceCents() >= 0 && r.priceCents() <= MAX_PRICE_CENTS,
        "price_cents must be 0..10,000,000,000 (0 means the product's price)");
    String longest = " (" + Duration.ofMillis(maxSaleMillis).toString().substring(2).toLowerCase()
        + ", the longest this stream allows: liveshop.core.inventory.max-sale-duration)";
    require(r.countdownMillis() >= 0 && r.countdownMillis() <= maxSaleMillis,
        "countdown_ms must be 0.." + maxSaleMillis + longest);
    require(r.durationMillis() >= 1000 && r.durationMillis() <= maxSaleMillis,
        "duration_ms must be 1000.." + maxSaleMillis + longest);
    require(r.holdTtlMillis() == 0 || (r.holdTtlMillis() >= 1000 && r.holdTtlMillis() <= maxSaleMillis),
        "hold_ttl_ms must be 0 (default) or 1000.." + maxSaleMillis);
    long startsAt = clock.millis() + r.countdownMillis();
    while (true) {
      String saleId = r.launchKey().isEmpty() ? "s-" + shortId() : SaleIds.ofLaunch(r.streamId(), r.launchKey());
      FlashSale sale = new FlashSale(saleId, r.streamId(), r.productId(),
          r.priceCents() == 0 ? product.priceCents() : r.priceCents(), r.quantity(), r.perViewerLimit(),
          startsAt, startsAt + r.durationMillis(),
          r.holdTtlMillis() == 0 ? defaultHoldTtlMillis : r.holdTtlMillis(), false);
      // Stored before it opens: a sale that takes orders is always one recovery can find.
      Optional<OwnedSale> earlier = store.insertSaleIfAbsent(sale, shardName);
      if (earlier.isEmpty()) {
        streams.invalidate(sale.streamId());
        engine.open(sale, List.of()).join();
        return new OwnedSale(sale, shardName);
      }
      if (!r.launchKey().isEmpty()) {
        FlashSale launched = earlier.get().sale();
        require(launched.productId().equals(r.productId()), "launch_key '" + r.launchKey() + "' launched sale "
            + launched.saleId() + " of product " + launched.productId() + ": use a new key for a new sale");
        // The first try may have failed after storing it and before forgetting the cached stream.
        streams.invalidate(r.streamId());
        return earlier.get();
      }
      // A random id another sale has: draw again.
    }
  }

  /**
   * Applies a host's change to an open sale and answers once the sale's new settings are
   * stored. When they could not be, a {@link dev.liveshop.core.store.StoreUnavailableException}
   * says so: the change stays applied and its settings are written again until stored; the
   * same change sent again is applied again (unchanged) and answers once they are.
   */
  public SaleChangeResult updateSale(String saleId, SaleChange change) {
    // Under the sale's lock from decision to write: the store sees changes in the engine's order.
    SaleChangeResult result = settings.underLock(saleId, () -> {
      SaleChangeResult decided = engine.change(saleId, change).join();
      if (decided.outcome() == SaleChangeResult.Outcome.APPLIED) {
        streams.invalidate(decided.sale().streamId());
        settings.store(decided.sale());
      }
      return decided;
    });
    switch (result.outcome()) {
      case UNKNOWN_SALE -> throw new NotFoundException(result.refusal());
      case REFUSED -> throw new InvalidRequestException(result.refusal());
      case MOVED -> throw Status.UNAVAILABLE.withDescription(result.refusal()).asRuntimeException();
      case APPLIED -> { }
    }
    return result;
  }

  /**
   * Stores the settings of a sale whose last change did not reach Cassandra yet, waiting for
   * any change of it being decided: what a hand-over does before the new owner reads them.
   * Throws {@link dev.liveshop.core.store.StoreUnavailableException} when they could not be.
   */
  public void storeOwedSettings(String saleId) {
    settings.underLock(saleId, () -> {
      settings.flush(saleId);
      return null;
    });
  }

  /** The settings the engine applied to the sale that Cassandra may not hold yet, if any. */
  public Optional<FlashSale> owedSettings(String saleId) {
    return settings.owed(saleId);
  }

  /** Stops writing owed settings again (they are logged). */
  @Override
  public void close() {
    settings.close();
  }

  /** Forgets the cached view of a stream after a change made around the catalogue (a hand-over). */
  public void invalidate(String streamId) {
    streams.invalidate(streamId);
  }

  public String shardName() {
    return shardName;
  }

  private LiveStream stream(String streamId) {
    return store.findStream(streamId).orElseThrow(() -> new NotFoundException("no stream '" + streamId + "'"));
  }

  private LineupProduct product(String streamId, String productId) {
    return store.products(streamId).stream()
        .filter(p -> p.productId().equals(productId))
        .findFirst()
        .orElseThrow(() -> new NotFoundException("no product '" + productId + "' in stream '" + streamId + "'"));
  }

  private static void requireText(String field, String value, int max) {
    require(!value.isBlank() && value.length() <= max, field + " must be 1.." + max + " characters");
  }

  private static void requireUrl(String field, String value) {
    require(value.isEmpty() || (value.length() <= MAX_URL
        && (value.startsWith("https://") || value.startsWith("http://"))),
        field + " must be empty or an http(s) URL of at most " + MAX_URL + " characters");
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new InvalidRequestException(message);
    }
  }

  private static String shortId() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
