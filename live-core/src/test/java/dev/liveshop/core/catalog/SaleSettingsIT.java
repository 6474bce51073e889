package dev.liveshop.core.catalog;

import static dev.liveshop.core.Eventually.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import dev.liveshop.core.CoreFixture;
import dev.liveshop.core.WiredShard;
import dev.liveshop.core.config.CoreConfig;
import dev.liveshop.core.inventory.FlashSale;
import dev.liveshop.core.inventory.ReserveCommand;
import dev.liveshop.core.inventory.ReserveResult;
import dev.liveshop.core.inventory.SaleChange;
import dev.liveshop.core.inventory.SaleChangeResult;
import dev.liveshop.core.store.CassandraStore;
import dev.liveshop.core.store.FaultySession;
import dev.liveshop.core.store.StoreUnavailableException;
import dev.liveshop.shard.ShardMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A host's changes to a sale against a real Cassandra node whose write of the settings
 * fails: what the engine applied is what a restart finds.
 */
class SaleSettingsIT {

  private static final String UPDATE_SETTINGS = "UPDATE flash_sales SET stream_id";
  private static final ShardMap ONE_SHARD = ShardMap.parse("A=127.0.0.1:1");

  private static CoreConfig config;
  private static CqlSession session;
  private static FaultySession faulty;
  private static WiredShard shard;

  @BeforeAll
  static void start() {
    config = CoreFixture.config("settings_it");
    session = CassandraStore.open(config.cassandra());
    faulty = new FaultySession(session);
    shard = new WiredShard(config, faulty, "A", ONE_SHARD);
    shard.catalog.createStream("settings", "Settings", "host-1", "");
  }

  @AfterAll
  static void stop() throws InterruptedException {
    shard.close();
    session.close();
  }

  @AfterEach
  void noFaultLeft() {
    faulty.failNext(UPDATE_SETTINGS, 0, FaultySession.When.BEFORE);
  }

  @Test
  void updateSale_stopNotStored_retryStoresIt_andARestartFindsTheSaleEnded() throws InterruptedException {
    FlashSale sale = launch();
    faulty.failNext(UPDATE_SETTINGS, 1, FaultySession.When.BEFORE);
    assertThatThrownBy(() -> shard.catalog.updateSale(sale.saleId(), new SaleChange(SaleChange.Action.STOP, 0)))
        .isInstanceOfAny(StoreUnavailableException.class, DriverException.class); // UNAVAILABLE to the host
    assertThat(faulty.injected).hasPositiveValue();

    SaleChangeResult retried = shard.catalog.updateSale(sale.saleId(), new SaleChange(SaleChange.Action.STOP, 0));
    assertThat(retried.outcome()).isEqualTo(SaleChangeResult.Outcome.APPLIED);
    FlashSale stored = shard.store.findSale(sale.saleId()).orElseThrow().sale();
    assertThat(stored.endsAtMs()).isEqualTo(retried.sale().endsAtMs()).isLessThan(sale.endsAtMs());

    try (WiredShard restarted = new WiredShard(config, session, "A", ONE_SHARD)) {
      assertThat(restarted.engine.holds(sale.saleId())).isTrue();
      assertThat(reserve(restarted, sale)).isEqualTo(ReserveResult.ENDED);
    }
  }

  @Test
  void updateSale_pauseNotStored_isStoredWithoutARetry() throws InterruptedException {
    FlashSale sale = launch();
    faulty.failNext(UPDATE_SETTINGS, 2, FaultySession.When.BEFORE);
    assertThatThrownBy(() -> shard.catalog.updateSale(sale.saleId(), new SaleChange(SaleChange.Action.PAUSE, 0)))
        .isInstanceOfAny(StoreUnavailableException.class, DriverException.class);

    waitFor(() -> shard.store.findSale(sale.saleId()).orElseThrow().sale().paused(), "the pause stored");
    assertThat(shard.catalog.owedSettings(sale.saleId())).isEmpty();
  }

  @Test
  void updateSale_restockRetriedToTheSameQuantity_isApplied() {
    FlashSale sale = launch();
    faulty.failNext(UPDATE_SETTINGS, 1, FaultySession.When.BEFORE);
    assertThatThrownBy(() -> shard.catalog.updateSale(sale.saleId(), new SaleChange(SaleChange.Action.RESTOCK, 25)))
        .isInstanceOfAny(StoreUnavailableException.class, DriverException.class);
    assertThat(shard.catalog.updateSale(sale.saleId(), new SaleChange(SaleChange.Action.RESTOCK, 25)).stock()
        .quantity()).isEqualTo(25);
    assertThat(shard.store.findSale(sale.saleId()).orElseThrow().sale().quantity()).isEqualTo(25);
  }

  private static FlashSale launch() {
    String productId = shard.catalog.addProduct("settings", "Lamp", "", 4200).productId();
    return shard.catalog.launchSale(new SaleRequest("settings", productId, 0, 10, 2, 0, 600_000, 0, "")).sale();
  }

  private static ReserveResult reserve(WiredShard on, FlashSale sale) {
    return on.engine.reserve(new ReserveCommand(sale.saleId(), "viewer-1", 1, UUID.randomUUID().toString()))
        .join().result();
  }
}
