package dev.liveshop.core.inventory;

import static dev.liveshop.core.Eventually.waitFor;
import static dev.liveshop.core.inventory.Ticks.awaitWholeTick;
import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.core.order.OrderStatus;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A refused bundle's rollback while other things happen to its items: slow writes, a
 * hand-over, a payment. Found by a review of the durable rollback (dd23afd); each test
 * failed on that code.
 */
class BundleRollbackTest extends EngineFixture {

  @Test
  void aRollbackStillBeingWritten_doesNotStopLaterHoldsOfItsSaleFromLapsing() throws Exception {
    open(sale("s1", 10, 2));
    open(sale("s2", 10, 2));
    engine.change("s2", new SaleChange(SaleChange.Action.PAUSE, 0)).join();
    journal.statusGate = new CompletableFuture<>(); // the rollback's write does not end
    CompletableFuture<BundleAnswer> bundle = engine.reserveBundle("alice", "b1",
        List.of(new BundleItem("s1", 1), new BundleItem("s2", 1)));
    waitFor(() -> journal.statusWritesAsked.contains(OrderIds.of("s1", "alice", "b1")), "the rollback's write");
    clock.advance(1);
    assertThat(engine.reserve(new ReserveCommand("s1", "bob", 2, "c1")).join().result())
        .isEqualTo(ReserveResult.RESERVED);

    clock.advance(60_000);
    waitFor(() -> engine.snapshot("s1").join().orElseThrow().held() == 1, "bob's unpaid hold lapsed");
    assertThat(bundle).as("alice's rollback is still being written").isNotDone();

    journal.statusGate.complete(null);
    assertThat(bundle.get(5, TimeUnit.SECONDS).result()).isEqualTo(ReserveResult.PAUSED);
    waitFor(() -> engine.snapshot("s1").join().orElseThrow().held() == 0, "alice's item released once");
    assertThat(engine.snapshot("s1").join().orElseThrow().available()).isEqualTo(10);
  }

  @Test
  void aRollbackNotWritten_itsItemLapsesAtItsTime() throws Exception {
    open(sale("s1", 10, 2));
    open(sale("s2", 10, 2));
    engine.change("s2", new SaleChange(SaleChange.Action.PAUSE, 0)).join();
    journal.statusGate = new CompletableFuture<>();
    CompletableFuture<BundleAnswer> bundle = engine.reserveBundle("alice", "b1",
        List.of(new BundleItem("s1", 1), new BundleItem("s2", 1)));
    waitFor(() -> journal.statusWritesAsked.contains(OrderIds.of("s1", "alice", "b1")), "the rollback's write");
    clock.advance(60_000); // past the item's window while its rollback is written
    awaitWholeTick(engine);
    journal.statusGate.completeExceptionally(new IllegalStateException("certainly not written"));

    assertThat(bundle).failsWithin(5, TimeUnit.SECONDS);
    clock.advance(10);
    waitFor(() -> engine.snapshot("s1").join().orElseThrow().held() == 0, "the kept item lapsed");
    assertThat(engine.snapshot("s1").join().orElseThrow().available()).isEqualTo(10);
  }

  @Test
  void aSaleHandedOverBeforeTheRollback_isNeverAnsweredRefusedOverItsReservedRow() throws Exception {
    open(sale("s1", 10, 2));
    open(sale("s2", 10, 2));
    engine.change("s2", new SaleChange(SaleChange.Action.PAUSE, 0)).join();
    journal.gate = new CompletableFuture<>();
    CompletableFuture<BundleAnswer> bundle = engine.reserveBundle("alice", "b1",
        List.of(new BundleItem("s1", 1), new BundleItem("s2", 1)));
    waitFor(() -> journal.written().size() == 1, "the item's order written");
    CompletableFuture<Void> released = engine.release("s1");
    journal.gate.complete(null);
    released.get(5, TimeUnit.SECONDS);

    // The new owner holds the item as its row says (RESERVED): the buyer must not hear "refused".
    assertThat(bundle).failsWithin(5, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ChangeInFlightException.class);
    assertThat(journal.statuses.get(OrderIds.of("s1", "alice", "b1"))).isNull();
  }

  @Test
  void anItemPaidAfterARollbackNotWritten_staysPaidThroughTheBundlesRetries() throws Exception {
    open(sale("s1", 10, 2));
    open(sale("s2", 1, 1));
    engine.reserve(new ReserveCommand("s2", "bob", 1, "x")).join();
    List<BundleItem> items = List.of(new BundleItem("s1", 1), new BundleItem("s2", 1));
    journal.statusWritesToFail.set(1);
    assertThat(engine.reserveBundle("alice", "b1", items)).failsWithin(5, TimeUnit.SECONDS);
    UUID item = OrderIds.of("s1", "alice", "b1");
    assertThat(engine.startPayment("s1", item, "alice").join().outcome()).isEqualTo(OrderChange.Outcome.APPLIED);
    assertThat(engine.settlePayment("s1", item, true).join().status()).isEqualTo(OrderStatus.PAID);

    assertThat(engine.reserveBundle("alice", "b1", items).get(5, TimeUnit.SECONDS).result())
        .isEqualTo(ReserveResult.SOLD_OUT);
    assertThat(engine.reserveBundle("alice", "b1", items).get(5, TimeUnit.SECONDS).result())
        .isEqualTo(ReserveResult.SOLD_OUT);
    assertThat(journal.statuses.get(item)).as("alice paid for order " + item).isEqualTo(OrderStatus.PAID);
    assertThat(journal.written()).as("one order written for the item, never again").hasSize(2);
    StockSnapshot stock = engine.snapshot("s1").join().orElseThrow();
    assertThat(stock.sold()).isEqualTo(1);
    assertThat(stock.held()).isZero();
  }

  private static FlashSale sale(String id, int quantity, int limit) {
    return new FlashSale(id, "demo", "p1", 1900, quantity, limit, NOW, NOW + 600_000, 30_000, false);
  }
}
