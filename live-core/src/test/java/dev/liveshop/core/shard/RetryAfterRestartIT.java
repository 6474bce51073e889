package dev.liveshop.core.shard;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.liveshop.core.CoreFixture;
import dev.liveshop.core.WiredShard;
import dev.liveshop.core.catalog.SaleRequest;
import dev.liveshop.core.config.CoreConfig;
import dev.liveshop.core.inventory.BundleAnswer;
import dev.liveshop.core.inventory.BundleItem;
import dev.liveshop.core.inventory.FlashSale;
import dev.liveshop.core.inventory.OrderIds;
import dev.liveshop.core.inventory.ReserveAnswer;
import dev.liveshop.core.inventory.ReserveCommand;
import dev.liveshop.core.inventory.ReserveResult;
import dev.liveshop.core.inventory.SaleChange;
import dev.liveshop.core.inventory.StockSnapshot;
import dev.liveshop.core.order.OrderStatus;
import dev.liveshop.core.store.CassandraStore;
import dev.liveshop.core.store.FaultySession;
import dev.liveshop.shard.ShardMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A buyer's retry (same viewer, same client order id) after live-core restarts, against a
 * real Cassandra node: the shard is closed and started again on the same keyspace, which
 * recovers its sales from the order journal as a start does.
 */
class RetryAfterRestartIT {

  /** The rollback's cancel: the journal update that names a reason. */
  private static final String CANCEL_IN_JOURNAL = "cancel_reason = ?";

  private static CoreConfig config;
  private static CqlSession session;
  /** Every shard's store calls go through it; it injects nothing unless a test asks. */
  private static FaultySession faulty;
  private WiredShard shard;

  @BeforeAll
  static void openSession() {
    config = CoreFixture.config("retry_restart_it");
    session = CassandraStore.open(config.cassandra());
    faulty = new FaultySession(session);
  }

  @AfterAll
  static void closeSession() {
    session.close();
  }

  @BeforeEach
  void start() {
    shard = startShard();
  }

  @AfterEach
  void stop() throws InterruptedException {
    faulty.failNext("", 0, FaultySession.When.BEFORE);
    shard.close();
  }

  @Test
  void cancelledOrPaymentFailed_retryAfterRestart_getsTheFirstAnswer_holdsNothing() throws Exception {
    shard.catalog.createStream("cancels", "Cancels", "host-1", "");
    FlashSale sale = launch("cancels", 10, 2);
    ReserveCommand aliceTap = new ReserveCommand(sale.saleId(), "alice", 2, "tap-1");
    ReserveCommand bobTap = new ReserveCommand(sale.saleId(), "bob", 1, "tap-1");
    ReserveAnswer alice = shard.engine.reserve(aliceTap).join();
    ReserveAnswer bob = shard.engine.reserve(bobTap).join();
    assertThat(shard.engine.cancel(sale.saleId(), alice.orderId(), "alice").join().status())
        .isEqualTo(OrderStatus.CANCELLED);
    shard.engine.startPayment(sale.saleId(), bob.orderId(), "bob").join();
    assertThat(shard.engine.settlePayment(sale.saleId(), bob.orderId(), false).join().status())
        .isEqualTo(OrderStatus.CANCELLED);
    assertThat(shard.engine.reserve(aliceTap).join()).as("without a restart").isEqualTo(alice);

    restart();

    assertThat(shard.engine.reserve(aliceTap).join()).as("alice's retry after the restart").isEqualTo(alice);
    assertThat(shard.engine.reserve(bobTap).join()).as("bob's retry after the restart").isEqualTo(bob);
    StockSnapshot stock = shard.engine.snapshot(sale.saleId()).join().orElseThrow();
    assertThat(stock.available()).isEqualTo(10);
    assertThat(stock.held()).isZero();
    assertThat(shard.orders.find(alice.orderId()).orElseThrow().status()).as("no new hold written")
        .isEqualTo(OrderStatus.CANCELLED);
    assertThat(shard.orders.find(bob.orderId()).orElseThrow().status()).isEqualTo(OrderStatus.CANCELLED);
  }

  @Test
  void rolledBackBundleItem_retryAfterRestart_isDecidedAfresh() throws Exception {
    shard.catalog.createStream("bundles", "Bundles", "host-1", "");
    FlashSale plenty = launch("bundles", 10, 2);
    FlashSale lastOne = launch("bundles", 1, 1);
    ReserveAnswer carol = shard.engine.reserve(new ReserveCommand(lastOne.saleId(), "carol", 1, "tap-1")).join();
    List<BundleItem> items = List.of(new BundleItem(plenty.saleId(), 1), new BundleItem(lastOne.saleId(), 1));
    // The item of `plenty` is held, then rolled back when `lastOne` is sold out.
    assertThat(shard.engine.reserveBundle("alice", "basket-1", items).join().result())
        .isEqualTo(ReserveResult.SOLD_OUT);

    restart();
    shard.engine.cancel(lastOne.saleId(), carol.orderId(), "carol").join();
    BundleAnswer retry = shard.engine.reserveBundle("alice", "basket-1", items).join();

    assertThat(retry.result()).isEqualTo(ReserveResult.RESERVED);
    assertThat(shard.engine.snapshot(plenty.saleId()).join().orElseThrow().held())
        .as("the rolled-back item is held anew, not answered from before the restart").isEqualTo(1);
    assertThat(shard.orders.find(retry.items().get(0).orderId()).orElseThrow().status())
        .isEqualTo(OrderStatus.RESERVED);
  }

  @Test
  void rolledBackBundleItem_cancelWriteTimedOut_isCancelledBeforeTheRefusal_soARestartRevivesNoHold()
      throws Exception {
    shard.catalog.createStream("rollback-timeout", "Rollback timeout", "host-1", "");
    FlashSale scarce = launch("rollback-timeout", 1, 1);
    FlashSale lastOne = launch("rollback-timeout", 1, 1);
    shard.engine.reserve(new ReserveCommand(lastOne.saleId(), "carol", 1, "tap-1")).join();
    List<BundleItem> items = List.of(new BundleItem(scarce.saleId(), 1), new BundleItem(lastOne.saleId(), 1));
    // The item of `scarce` is held, then rolled back when `lastOne` is sold out; the first
    // attempt at its CANCELLED row times out (not sent: its outcome unknown to live-core).
    int injectedBefore = faulty.injected.get();
    faulty.failNext(CANCEL_IN_JOURNAL, 1, FaultySession.When.BEFORE);

    assertThat(shard.engine.reserveBundle("alice", "basket-1", items).join().result())
        .isEqualTo(ReserveResult.SOLD_OUT);
    assertThat(faulty.injected.get() - injectedBefore).as("the cancel did time out").isEqualTo(1);
    UUID rolledBack = OrderIds.of(scarce.saleId(), "alice", "basket-1");
    assertThat(shard.orders.find(rolledBack).orElseThrow().status()).as("by the time alice is told")
        .isEqualTo(OrderStatus.CANCELLED);
    // The unit alice's refused bundle let go is sold to dave.
    ReserveCommand daveTap = new ReserveCommand(scarce.saleId(), "dave", 1, "tap-1");
    ReserveAnswer dave = shard.engine.reserve(daveTap).join();
    assertThat(dave.result()).isEqualTo(ReserveResult.RESERVED);

    restart();

    StockSnapshot stock = shard.engine.snapshot(scarce.saleId()).join().orElseThrow();
    assertThat(stock.held()).as("dave's hold only: alice's refused item is not revived").isEqualTo(1);
    assertThat(stock.available()).isZero();
    assertThat(shard.engine.reserve(daveTap).join()).isEqualTo(dave);
    assertThat(shard.orders.find(rolledBack).orElseThrow().status()).isEqualTo(OrderStatus.CANCELLED);
  }

  @Test
  void rolledBackBundleItem_cancelRefused_failsTheBundle_keepsTheItem_soItsRetryAfterRestartIsWhole()
      throws Exception {
    shard.catalog.createStream("rollback-refused", "Rollback refused", "host-1", "");
    FlashSale plenty = launch("rollback-refused", 10, 2);
    FlashSale paused = launch("rollback-refused", 10, 2);
    shard.catalog.updateSale(paused.saleId(), new SaleChange(SaleChange.Action.PAUSE, 0));
    List<BundleItem> items = List.of(new BundleItem(plenty.saleId(), 1), new BundleItem(paused.saleId(), 1));
    faulty.failNext(CANCEL_IN_JOURNAL, 1, FaultySession.When.REFUSED);

    assertThat(shard.engine.reserveBundle("alice", "basket-1", items))
        .as("not told PAUSED while the item's row says RESERVED").failsWithin(10, TimeUnit.SECONDS);
    UUID kept = OrderIds.of(plenty.saleId(), "alice", "basket-1");
    assertThat(shard.orders.find(kept).orElseThrow().status()).isEqualTo(OrderStatus.RESERVED);

    restart();
    shard.catalog.updateSale(paused.saleId(), new SaleChange(SaleChange.Action.RESUME, 0));
    BundleAnswer retry = shard.engine.reserveBundle("alice", "basket-1", items).join();

    assertThat(retry.result()).isEqualTo(ReserveResult.RESERVED);
    assertThat(retry.items()).extracting(ReserveAnswer::orderId).contains(kept);
    assertThat(shard.engine.snapshot(plenty.saleId()).join().orElseThrow().held()).isEqualTo(1);
    assertThat(shard.engine.snapshot(paused.saleId()).join().orElseThrow().held()).isEqualTo(1);
  }

  /** What a live-core restart does to this shard: a new engine that recovers its sales. */
  private void restart() throws InterruptedException {
    shard.close();
    shard = startShard();
  }

  private static WiredShard startShard() {
    return new WiredShard(config, faulty, "A", ShardMap.parse("A=127.0.0.1:1"));
  }

  private FlashSale launch(String streamId, int quantity, int perViewerLimit) {
    String productId = shard.catalog.addProduct(streamId, "Mug", "", 1500).productId();
    return shard.catalog.launchSale(new SaleRequest(streamId, productId, 0, quantity, perViewerLimit, 0, 600_000, 0,
        "")).sale();
  }
}
