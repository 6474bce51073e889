package dev.liveshop.core.demo;

import dev.liveshop.core.catalog.Catalog;
import dev.liveshop.core.catalog.LineupProduct;
import dev.liveshop.core.catalog.SaleRequest;
import dev.liveshop.core.catalog.StreamView;
import dev.liveshop.core.inventory.FlashSale;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeds the "demo" stream on start so a new user sees a live stream with products and a
 * running flash sale at once. Adds only what is missing: a second start reuses the data,
 * and launches a new sale only when the last one has ended.
 */
public final class DemoData {

  public static final String STREAM_ID = "demo";
  public static final String HOST_ID = "demo-host";
  private static final Logger log = LoggerFactory.getLogger(DemoData.class);

  private DemoData() {}

  public static void seed(Catalog catalog, Clock clock) {
    catalog.createStream(STREAM_ID, "LiveShop demo: the spring drop", HOST_ID, "");
    StreamView view = catalog.getStream(STREAM_ID);
    if (view.products().isEmpty()) {
      catalog.addProduct(STREAM_ID, "Silk scarf, sakura print", "", 2900);
      catalog.addProduct(STREAM_ID, "Ceramic pour-over set", "", 4500);
      catalog.addProduct(STREAM_ID, "Wireless earbuds", "", 5900);
      view = catalog.getStream(STREAM_ID);
    }
    LineupProduct first = view.products().get(0);
    if (view.stream().pinnedProductId().isEmpty()) {
      catalog.pin(STREAM_ID, first.productId());
    }
    long now = clock.millis();
    boolean saleRunning = view.sales().stream().map(owned -> owned.sale().endsAtMs()).anyMatch(end -> end > now);
    if (!saleRunning) {
      FlashSale sale = catalog.launchSale(new SaleRequest(STREAM_ID, first.productId(), 1900, 100, 2,
          Duration.ofSeconds(10).toMillis(), Duration.ofHours(1).toMillis(), 0, "")).sale();
      log.info("demo flash sale {} launched: 100 units, opens in 10 s", sale.saleId());
    }
  }
}
