package dev.liveshop.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.liveshop.core.CoreFixture;
import dev.liveshop.core.config.CoreConfig;
import dev.liveshop.core.config.OrderWriteSettings;
import dev.liveshop.core.inventory.Hold;
import dev.liveshop.core.inventory.RecoveredOrder;
import dev.liveshop.core.order.CancelReason;
import dev.liveshop.core.order.OrderStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Group commit, listings and recovery of {@link OrderStore} against a real Cassandra node. */
class OrderStoreIT {

  private static final long NOW = System.currentTimeMillis();
  private static final long TEN_MINUTES = 600_000;

  private static CqlSession session;
  private static OrderStore store;

  @BeforeAll
  static void openStore() {
    CoreConfig config = CoreFixture.config("orders");
    session = CassandraStore.open(config.cassandra());
    // One group in flight: everything appended meanwhile must leave in the next groups.
    store = new OrderStore(session, new OrderWriteSettings(10_000, 128, 1));
  }

  @AfterAll
  static void closeStore() {
    store.close();
    session.close();
  }

  @Test
  void append_manyAtOnce_groupsThemAndEveryCopyIsReadable() throws Exception {
    String stream = "s-" + UUID.randomUUID();
    List<Hold> holds = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      holds.add(hold(i % 2 == 0 ? stream + "-a" : stream + "-b", stream, "viewer-" + (i % 50), "tap-" + i, NOW + i));
    }
    long journalBatchesBefore = store.journalBatchesWritten();

    List<CompletableFuture<Void>> written = holds.stream().map(h -> store.append(h).toCompletableFuture()).toList();
    CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    // 600 orders over 2 sales x 16 buckets: grouping means far fewer journal writes than orders.
    long journalBatches = store.journalBatchesWritten() - journalBatchesBefore;
    assertThat(journalBatches).isLessThan(300);
    for (Hold h : holds) {
      assertThat(store.find(h.orderId())).hasValueSatisfying(o -> {
        assertThat(o.hold()).isEqualTo(h);
        assertThat(o.status()).isEqualTo(OrderStatus.RESERVED);
      });
    }
    assertThat(store.newestOfStream(stream, 1000)).hasSize(600);
    assertThat(store.viewerOrders("viewer-7", 100, null).orders()).hasSize(12);
    Set<UUID> recovered = store.recover(stream + "-a", NOW).stream()
        .map(r -> r.hold().orderId()).collect(Collectors.toSet());
    assertThat(recovered).hasSize(300)
        .isEqualTo(holds.stream().filter(h -> h.saleId().endsWith("-a")).map(Hold::orderId).collect(Collectors.toSet()));
  }

  @Test
  void recover_journalRowWithoutCopies_rewritesThemAndCountsTheHold() {
    // What a crash between the journal write and the copies leaves behind.
    String sale = "sale-" + UUID.randomUUID();
    Hold hold = hold(sale, "stream-" + sale, "viewer-1", "tap-1", NOW);
    session.execute(new OrderRows(session).journal(hold, OrderStatus.RESERVED));
    assertThat(store.find(hold.orderId())).isEmpty();

    List<RecoveredOrder> recovered = store.recover(sale, NOW);

    assertThat(recovered).containsExactly(new RecoveredOrder(hold, OrderStatus.RESERVED));
    assertThat(store.find(hold.orderId())).hasValueSatisfying(o -> assertThat(o.hold()).isEqualTo(hold));
    assertThat(store.viewerOrders("viewer-1", 10, null).orders()).extracting(o -> o.hold().orderId())
        .contains(hold.orderId());
  }

  @Test
  void recover_lapsedAndCancelledOnesAreKeptForTheirAnswers_paidOnesCount() {
    String sale = "sale-" + UUID.randomUUID();
    Hold lapsed = hold(sale, "st", "v1", "t1", NOW - 2 * TEN_MINUTES);
    Hold paid = hold(sale, "st", "v2", "t2", NOW - 2 * TEN_MINUTES);
    Hold cancelled = hold(sale, "st", "v3", "t3", NOW);
    Hold live = hold(sale, "st", "v4", "t4", NOW);
    Hold paymentFailed = hold(sale, "st", "v5", "t5", NOW);
    for (Hold h : List.of(lapsed, paid, cancelled, live, paymentFailed)) {
      store.append(h).toCompletableFuture().join();
    }
    store.updateStatus(paid, OrderStatus.PAID).toCompletableFuture().join();
    store.cancel(cancelled, CancelReason.BUYER).toCompletableFuture().join();
    store.cancel(paymentFailed, CancelReason.PAYMENT_FAILED).toCompletableFuture().join();

    List<RecoveredOrder> recovered = store.recover(sale, NOW);

    assertThat(recovered).containsExactlyInAnyOrder(new RecoveredOrder(lapsed, OrderStatus.EXPIRED),
        new RecoveredOrder(paid, OrderStatus.PAID), new RecoveredOrder(live, OrderStatus.RESERVED),
        new RecoveredOrder(cancelled, OrderStatus.CANCELLED),
        new RecoveredOrder(paymentFailed, OrderStatus.CANCELLED));
    assertThat(store.find(lapsed.orderId()).orElseThrow().status()).isEqualTo(OrderStatus.EXPIRED);
    assertThat(store.find(cancelled.orderId()).orElseThrow().status()).isEqualTo(OrderStatus.CANCELLED);
    assertThat(store.recover(sale, NOW)).as("started twice: the same").containsExactlyInAnyOrderElementsOf(recovered);
  }

  @Test
  void recoverAndCommitted_skipRolledBackBundleItemsAndRowsCancelledBeforeReasonsWereKept() {
    String sale = "sale-" + UUID.randomUUID();
    Hold rolledBack = hold(sale, "st", "v1", "t1", NOW);
    Hold cancelledByAnOlderVersion = hold(sale, "st", "v2", "t2", NOW);
    for (Hold h : List.of(rolledBack, cancelledByAnOlderVersion)) {
      store.append(h).toCompletableFuture().join();
    }
    store.cancel(rolledBack, CancelReason.BUNDLE_ROLLBACK).toCompletableFuture().join();
    // What a live-core from before schema version 6 wrote: the status, no reason.
    session.execute("UPDATE orders_by_sale SET status = 'CANCELLED' WHERE sale_id = ? AND bucket = ? AND order_id = ?",
        sale, OrderRows.bucketOf(cancelledByAnOlderVersion.orderId()), cancelledByAnOlderVersion.orderId());

    assertThat(store.recover(sale, NOW)).isEmpty();
    // What a retry for the sale once it left memory reads: nothing, so the bundle is decided afresh.
    assertThat(store.committed(sale, rolledBack.orderId()).toCompletableFuture().join()).isEmpty();
    assertThat(store.committed(sale, cancelledByAnOlderVersion.orderId()).toCompletableFuture().join()).isEmpty();
  }

  @Test
  void append_ofARolledBackItemHeldAgain_recoversByItsStatus_notItsOldCancelReason() {
    String sale = "sale-" + UUID.randomUUID();
    Hold first = hold(sale, "st", "v1", "basket-1", NOW);
    Hold paidLater = hold(sale, "st", "v2", "basket-1", NOW);
    Hold lapsesLater = hold(sale, "st", "v3", "basket-1", NOW - 2 * TEN_MINUTES);
    for (Hold h : List.of(first, paidLater, lapsesLater)) {
      store.append(h).toCompletableFuture().join();
      store.cancel(h, CancelReason.BUNDLE_ROLLBACK).toCompletableFuture().join();
    }
    // Each bundle's retry is granted: the same order ids are held again.
    for (Hold h : List.of(first, paidLater, lapsesLater)) {
      store.append(h).toCompletableFuture().join();
    }
    store.updateStatus(paidLater, OrderStatus.PAID).toCompletableFuture().join();

    assertThat(store.recover(sale, NOW)).containsExactlyInAnyOrder(new RecoveredOrder(first, OrderStatus.RESERVED),
        new RecoveredOrder(paidLater, OrderStatus.PAID), new RecoveredOrder(lapsesLater, OrderStatus.EXPIRED));
    // Cancelled again, by its buyer this time: that reason, so its answer is kept.
    store.cancel(first, CancelReason.BUYER).toCompletableFuture().join();
    assertThat(store.recover(sale, NOW)).contains(new RecoveredOrder(first, OrderStatus.CANCELLED));
  }

  @Test
  void updateStatus_cancelledWithoutAReason_isRefused() {
    Hold hold = hold("sale-" + UUID.randomUUID(), "st", "v1", "t1", NOW);
    assertThatThrownBy(() -> store.updateStatus(hold, OrderStatus.CANCELLED))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cancel(hold, reason)");
  }

  @Test
  void recover_rowsWrittenBeforeTheJournalHeldWholeOrders_areReadById() {
    String sale = "sale-" + UUID.randomUUID();
    Hold hold = hold(sale, "st", "v1", "t1", NOW);
    OrderRows rows = new OrderRows(session);
    session.execute(rows.byId(hold, OrderStatus.RESERVED));
    // A version-2 journal row: no stream, product or price.
    session.execute("INSERT INTO orders_by_sale (sale_id, bucket, order_id, viewer_id, client_order_id, quantity, "
        + "status, created_at, hold_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", sale,
        OrderRows.bucketOf(hold.orderId()), hold.orderId(), "v1", "t1", 1, "RESERVED",
        Instant.ofEpochMilli(hold.createdAtMs()), Instant.ofEpochMilli(hold.expiresAtMs()));

    assertThat(store.recover(sale, NOW)).containsExactly(new RecoveredOrder(hold, OrderStatus.RESERVED));
    assertThat(store.committed(sale, hold.orderId()).toCompletableFuture().join()).contains(hold);
  }

  @Test
  void committed_isTheJournalRow_whetherOrNotItsCopiesWereWritten() {
    String sale = "sale-" + UUID.randomUUID();
    Hold appended = hold(sale, "st", "v1", "t1", NOW);
    Hold journalOnly = hold(sale, "st", "v2", "t2", NOW);
    store.append(appended).toCompletableFuture().join();
    session.execute(new OrderRows(session).journal(journalOnly, OrderStatus.RESERVED));

    assertThat(store.committed(sale, appended.orderId()).toCompletableFuture().join()).contains(appended);
    assertThat(store.committed(sale, journalOnly.orderId()).toCompletableFuture().join()).contains(journalOnly);
    assertThat(store.committed(sale, hold(sale, "st", "v1", "t2", NOW).orderId()).toCompletableFuture().join())
        .isEmpty();
    assertThat(store.committed("other-" + sale, appended.orderId()).toCompletableFuture().join()).isEmpty();
  }

  private static Hold hold(String sale, String stream, String viewer, String tap, long createdAtMs) {
    UUID id = UUID.nameUUIDFromBytes((sale + "/" + viewer + "/" + tap).getBytes(StandardCharsets.UTF_8));
    return new Hold(id, sale, stream, "product-1", viewer, tap, 1, 1999, createdAtMs, createdAtMs + TEN_MINUTES);
  }
}
