package dev.liveshop.core.inventory;

import static dev.liveshop.core.Eventually.waitFor;
import static dev.liveshop.core.inventory.Ticks.awaitWholeTick;
import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.core.order.CancelReason;
import dev.liveshop.core.order.OrderStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InventoryEngineTest extends EngineFixture {

  @Test
  void reserve_granted_answersAfterTheOrderIsWritten() {
    open(sale("s1", 10, 2));
    ReserveAnswer answer = engine.reserve(new ReserveCommand("s1", "alice", 2, "c1")).join();
    assertThat(answer.result()).isEqualTo(ReserveResult.RESERVED);
    assertThat(answer.orderId()).isEqualTo(OrderIds.of("s1", "alice", "c1"));
    assertThat(answer.holdExpiresAtMs()).isEqualTo(NOW + 30_000);
    assertThat(journal.written()).extracting(Hold::orderId).containsExactly(answer.orderId());
  }

  @Test
  void reserve_floodOfOneClientOrderIdFromManyThreads_writesOneOrderAndAnswersAllAlike() throws Exception {
    open(sale("s1", 10, 2));
    // The store holds the first write open, so most retries arrive while it is in flight.
    journal.gate = new CompletableFuture<>();
    int threads = 8;
    int retriesEach = 500;
    List<CompletableFuture<ReserveAnswer>> answers = new CopyOnWriteArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> flooders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread flooder = new Thread(() -> {
        awaitQuietly(start);
        for (int i = 0; i < retriesEach; i++) {
          answers.add(engine.reserve(new ReserveCommand("s1", "alice", 1, "c1")));
        }
      });
      flooder.start();
      flooders.add(flooder);
    }
    start.countDown();
    for (Thread flooder : flooders) {
      flooder.join();
    }
    assertThat(answers).noneMatch(CompletableFuture::isDone);
    journal.gate.complete(null);

    ReserveAnswer first = answers.get(0).join();
    assertThat(first.result()).isEqualTo(ReserveResult.RESERVED);
    assertThat(answers).hasSize(threads * retriesEach).allSatisfy(a -> assertThat(a.join()).isEqualTo(first));
    assertThat(journal.written()).hasSize(1);
    assertThat(engine.snapshot("s1").join().orElseThrow().held()).isEqualTo(1);
    // And after the write: a late retry gets the same answer, still one order.
    assertThat(engine.reserve(new ReserveCommand("s1", "alice", 1, "c1")).join()).isEqualTo(first);
    assertThat(journal.written()).hasSize(1);
  }

  @Test
  void reserveAll_answersEachInOrder_acrossShardsWithDuplicatesAndBadInput() {
    open(sale("s1", 2, 1));
    open(sale("s2", 10, 1));
    List<ReserveCommand> commands = List.of(
        new ReserveCommand("s1", "alice", 1, "c1"),
        new ReserveCommand("s2", "alice", 1, "c1"),
        new ReserveCommand("s1", "bob", 1, "c1"),
        new ReserveCommand("s1", "carol", 1, "c1"),
        new ReserveCommand("s1", "alice", 1, "c1"),
        new ReserveCommand("s1", "dave", 0, "c1"),
        new ReserveCommand("nope", "erin", 1, "c1"));

    List<ReserveAnswer> answers = engine.reserveAll(commands).answers().stream().map(CompletableFuture::join).toList();

    assertThat(answers).extracting(ReserveAnswer::result).containsExactly(ReserveResult.RESERVED,
        ReserveResult.RESERVED, ReserveResult.RESERVED, ReserveResult.SOLD_OUT, ReserveResult.RESERVED,
        ReserveResult.INVALID_REQUEST, ReserveResult.UNKNOWN_SALE);
    assertThat(answers.get(4)).isEqualTo(answers.get(0));
    assertThat(answers).extracting(ReserveAnswer::saleId).containsExactly("s1", "s2", "s1", "s1", "s1", "s1", "nope");
    assertThat(journal.written()).hasSize(3);
  }

  @Test
  void reserveAll_isDecidedBeforeItsGrantsAreDurable_refusalsAnsweredByThen() throws Exception {
    open(sale("s1", 1, 1));
    open(sale("s2", 1, 1));
    journal.gate = new CompletableFuture<>();
    BatchAnswers batch = engine.reserveAll(List.of(new ReserveCommand("s1", "alice", 1, "c1"),
        new ReserveCommand("s1", "bob", 1, "c1"), new ReserveCommand("s2", "carol", 1, "c1")));

    batch.decided().get(5, TimeUnit.SECONDS);
    assertThat(batch.answers().get(1)).isCompleted();
    assertThat(batch.answers().get(1).join().result()).isEqualTo(ReserveResult.SOLD_OUT);
    assertThat(batch.answers().get(0)).isNotDone();
    assertThat(batch.answers().get(2)).isNotDone();

    journal.gate.complete(null);
    assertThat(batch.answers().get(0).join().result()).isEqualTo(ReserveResult.RESERVED);
    assertThat(batch.answers().get(2).join().result()).isEqualTo(ReserveResult.RESERVED);
  }

  @Test
  void endedSale_staysWhileAPaymentIsOpen_thenLeavesMemoryOnceSettledForTheRetention() throws Exception {
    try (InventoryEngine engine = new InventoryEngine(1, clock, journal, 5, 100, Duration.ofMinutes(1))) {
      // A 200 s payment window, longer than the sale: its payment may still settle after it ends.
      engine.open(new FlashSale("s1", "demo", "p1", 1900, 10, 2, NOW, NOW + 60_000, 200_000, false), List.of())
          .join();
      ReserveAnswer held = engine.reserve(new ReserveCommand("s1", "alice", 1, "c1")).join();
      assertThat(engine.startPayment("s1", held.orderId(), "alice").join().outcome())
          .isEqualTo(OrderChange.Outcome.APPLIED);

      // Ended two minutes ago, but the payment is still open: the sale stays, retries get their answer.
      clock.advance(60_000 + 120_000);
      awaitWholeTick(engine);
      assertThat(engine.holds("s1")).isTrue();
      assertThat(engine.reserve(new ReserveCommand("s1", "alice", 1, "c1")).join()).isEqualTo(held);

      assertThat(engine.settlePayment("s1", held.orderId(), true).join().outcome())
          .isEqualTo(OrderChange.Outcome.APPLIED);
      awaitWholeTick(engine);
      clock.advance(59_000);
      awaitWholeTick(engine);
      assertThat(engine.holds("s1")).isTrue();

      clock.advance(1_000);
      waitFor(() -> !engine.holds("s1"));
      assertThat(engine.snapshot("s1").join()).isEmpty();
      assertThat(engine.reserve(new ReserveCommand("s1", "bob", 1, "c1")).join().result())
          .isEqualTo(ReserveResult.UNKNOWN_SALE);
      // A retry of the order made before the sale left memory still gets its first answer.
      assertThat(engine.reserve(new ReserveCommand("s1", "alice", 1, "c1")).join()).isEqualTo(held);
    }
  }

  @Test
  void reserve_refusalsPastTheMaximum_areNotRememberedAndTheirRetriesDecidedAfresh() throws Exception {
    try (InventoryEngine capped = new InventoryEngine(1, clock, journal, 5, 100, Duration.ofMinutes(1), 1)) {
      capped.open(sale("s1", 1, 1), List.of()).join();
      assertThat(capped.reserve(new ReserveCommand("s1", "alice", 1, "a")).join().result())
          .isEqualTo(ReserveResult.RESERVED);
      assertThat(capped.reserve(new ReserveCommand("s1", "bob", 1, "b")).join().result())
          .isEqualTo(ReserveResult.SOLD_OUT);
      assertThat(capped.reserve(new ReserveCommand("s1", "carol", 1, "c")).join().result())
          .isEqualTo(ReserveResult.SOLD_OUT);

      // Alice's hold lapses: the unit is back.
      clock.advance(30_000);
      waitFor(() -> capped.snapshot("s1").join().orElseThrow().available() == 1);
      // Bob's refusal was remembered: his retry gets it again. Carol's was past the maximum.
      assertThat(capped.reserve(new ReserveCommand("s1", "bob", 1, "b")).join().result())
          .isEqualTo(ReserveResult.SOLD_OUT);
      assertThat(capped.reserve(new ReserveCommand("s1", "carol", 1, "c")).join().result())
          .isEqualTo(ReserveResult.RESERVED);
      assertThat(capped.snapshot("s1").join().orElseThrow().held()).isEqualTo(1);
    }
  }

  @Test
  void reserve_saleNotInMemory_aCommittedOrderIsAnsweredFromTheJournalAndNothingElseChanges() {
    open(sale("s1", 10, 2));
    ReserveAnswer first = engine.reserve(new ReserveCommand("s1", "alice", 2, "c1")).join();
    // A live-core started afresh on the same store that has not opened the sale (it ended, or recovery is not done).
    try (InventoryEngine restarted = new InventoryEngine(2, clock, journal, 5)) {
      assertThat(restarted.reserve(new ReserveCommand("s1", "alice", 2, "c1")).join()).isEqualTo(first);
      assertThat(restarted.reserve(new ReserveCommand("s1", "alice", 1, "c1")).join()).isEqualTo(first);
      assertThat(restarted.reserve(new ReserveCommand("s1", "alice", 2, "c2")).join().result())
          .isEqualTo(ReserveResult.UNKNOWN_SALE);
      assertThat(restarted.reserve(new ReserveCommand("s2", "alice", 2, "c1")).join().result())
          .isEqualTo(ReserveResult.UNKNOWN_SALE);
      assertThat(restarted.holds("s1")).isFalse();
    }
    assertThat(journal.written()).hasSize(1);
  }

  @Test
  void reserve_refusals_leaveTheWriteBudgetAsTheyFoundIt() throws Exception {
    try (InventoryEngine small = new InventoryEngine(2, clock, journal, 5, 2)) {
      small.open(sale("s1", 1, 1), List.of()).join();
      small.open(sale("s2", 10, 1), List.of()).join();
      assertThat(small.reserve(new ReserveCommand("s1", "alice", 1, "a")).join().result())
          .isEqualTo(ReserveResult.RESERVED);
      assertThat(small.reserve(new ReserveCommand("s2", "dave", 1, "d")).join().result())
          .isEqualTo(ReserveResult.RESERVED);
      for (int i = 0; i < 10; i++) {
        assertThat(small.reserve(new ReserveCommand("s1", "viewer-" + i, 1, "c" + i)).join().result())
            .isEqualTo(ReserveResult.SOLD_OUT);
        assertThat(small.reserve(new ReserveCommand("s2", "dave", 1, "more-" + i)).join().result())
            .isEqualTo(ReserveResult.OVER_LIMIT);
      }
      // Twenty refusals with a budget of two writes: none of them may have kept a unit of it.
      assertThat(small.reserve(new ReserveCommand("s2", "bob", 1, "b")).join().result())
          .isEqualTo(ReserveResult.RESERVED);
      assertThat(small.reserve(new ReserveCommand("s2", "carol", 1, "c")).join().result())
          .isEqualTo(ReserveResult.RESERVED);
    }
  }

  @Test
  void reserve_saleNotInMemory_lookupsPastTheBoundAreBusy_andAnUnreadableStoreIsUnavailable() {
    journal.lookupGate = new CompletableFuture<>();
    List<CompletableFuture<ReserveAnswer>> waiting = new ArrayList<>();
    for (int i = 0; i < AbsentSaleAnswers.MAX_LOOKUPS; i++) {
      waiting.add(engine.reserve(new ReserveCommand("gone", "viewer-" + i, 1, "c1")));
    }
    assertThat(engine.reserve(new ReserveCommand("gone", "late", 1, "c1")).join().result())
        .isEqualTo(ReserveResult.BUSY);
    assertThat(waiting).noneMatch(CompletableFuture::isDone);

    journal.lookupGate.complete(null);
    assertThat(waiting).allSatisfy(a -> assertThat(a.join().result()).isEqualTo(ReserveResult.UNKNOWN_SALE));
    assertThat(engine.reserve(new ReserveCommand("gone", "late", 1, "c1")).join().result())
        .isEqualTo(ReserveResult.UNKNOWN_SALE);

    journal.unreadable = true;
    assertThat(engine.reserve(new ReserveCommand("gone", "late", 1, "c1")).join().result())
        .isEqualTo(ReserveResult.STORE_UNAVAILABLE);
    journal.unreadable = false;
    assertThat(engine.reserve(new ReserveCommand("gone", "late", 1, "c1")).join().result())
        .isEqualTo(ReserveResult.UNKNOWN_SALE);
  }

  @Test
  void holds_unpaidPastTheirTtl_returnToStockAndAreRecorded() throws Exception {
    open(sale("s1", 10, 2));
    ReserveAnswer answer = engine.reserve(new ReserveCommand("s1", "alice", 2, "c1")).join();
    clock.advance(29_999);
    awaitWholeTick(engine);
    assertThat(engine.snapshot("s1").join().orElseThrow().held()).isEqualTo(2);
    clock.advance(1);
    waitFor(() -> engine.snapshot("s1").join().orElseThrow().available() == 10);
    assertThat(journal.expired).extracting(Hold::orderId).containsExactly(answer.orderId());
    assertThat(engine.reserve(new ReserveCommand("s1", "alice", 2, "c2")).join().result())
        .isEqualTo(ReserveResult.RESERVED);
  }

  @Test
  void reserveBundle_everyItemAvailable_holdsThemAll() {
    open(sale("s1", 10, 2));
    open(sale("s2", 10, 2));
    BundleAnswer answer = engine.reserveBundle("alice", "b1",
        List.of(new BundleItem("s1", 2), new BundleItem("s2", 1))).join();
    assertThat(answer.result()).isEqualTo(ReserveResult.RESERVED);
    assertThat(answer.items()).extracting(ReserveAnswer::result).containsOnly(ReserveResult.RESERVED);
    assertThat(engine.snapshot("s1").join().orElseThrow().held()).isEqualTo(2);
    assertThat(engine.snapshot("s2").join().orElseThrow().held()).isEqualTo(1);
  }

  @Test
  void reserveBundle_oneItemSoldOut_holdsNothingAndRetriesAlike() {
    open(sale("s1", 10, 2));
    open(sale("s2", 1, 1));
    engine.reserve(new ReserveCommand("s2", "bob", 1, "x")).join();
    List<BundleItem> items = List.of(new BundleItem("s1", 2), new BundleItem("s2", 1));
    BundleAnswer first = engine.reserveBundle("alice", "b1", items).join();
    assertThat(first.result()).isEqualTo(ReserveResult.SOLD_OUT);
    assertThat(first.refusedSaleId()).isEqualTo("s2");
    assertThat(engine.snapshot("s1").join().orElseThrow().available()).isEqualTo(10);
    assertThat(engine.snapshot("s1").join().orElseThrow().held()).isZero();
    assertThat(journal.statuses.get(OrderIds.of("s1", "alice", "b1"))).isEqualTo(OrderStatus.CANCELLED);
    assertThat(journal.cancelReasons.get(OrderIds.of("s1", "alice", "b1"))).isEqualTo(CancelReason.BUNDLE_ROLLBACK);
    assertThat(engine.reserveBundle("alice", "b1", items).join()).isEqualTo(first);
    assertThat(engine.snapshot("s1").join().orElseThrow().available()).isEqualTo(10);
  }

  @Test
  void reserveBundle_refused_itemsStayHeldUntilTheirRollbackIsDurable() throws Exception {
    open(sale("s1", 1, 1));
    open(sale("s2", 1, 1));
    engine.reserve(new ReserveCommand("s2", "bob", 1, "x")).join();
    List<BundleItem> items = List.of(new BundleItem("s1", 1), new BundleItem("s2", 1));
    journal.statusGate = new CompletableFuture<>();

    CompletableFuture<BundleAnswer> refused = engine.reserveBundle("alice", "b1", items);
    waitFor(() -> journal.statusWritesAsked.contains(OrderIds.of("s1", "alice", "b1")));
    // Until the rollback's CANCELLED row lands, a crash or a hand-over would find s1's item
    // RESERVED in the journal: its unit must not be sold to anyone else meanwhile.
    assertThat(engine.reserve(new ReserveCommand("s1", "carol", 1, "y")).join().result())
        .isEqualTo(ReserveResult.SOLD_OUT);
    assertThat(refused).as("alice is not told before the rollback is durable").isNotDone();
    journal.statusGate.complete(null);

    assertThat(refused.get(5, TimeUnit.SECONDS).result()).isEqualTo(ReserveResult.SOLD_OUT);
    assertThat(journal.cancelReasons.get(OrderIds.of("s1", "alice", "b1"))).isEqualTo(CancelReason.BUNDLE_ROLLBACK);
    assertThat(engine.snapshot("s1").join().orElseThrow().available()).isEqualTo(1);
    assertThat(engine.reserve(new ReserveCommand("s1", "carol", 1, "z")).join().result())
        .isEqualTo(ReserveResult.RESERVED);
  }

  @Test
  void release_waitsForABundleRollbackInFlight() throws Exception {
    open(sale("s1", 10, 2));
    open(sale("s2", 1, 1));
    engine.reserve(new ReserveCommand("s2", "bob", 1, "x")).join();
    journal.statusGate = new CompletableFuture<>();
    CompletableFuture<BundleAnswer> refused = engine.reserveBundle("alice", "b1",
        List.of(new BundleItem("s1", 1), new BundleItem("s2", 1)));
    waitFor(() -> journal.statusWritesAsked.contains(OrderIds.of("s1", "alice", "b1")));

    CompletableFuture<Void> released = engine.release("s1");
    engine.snapshot("s1").join(); // queued behind the release on s1's shard thread
    // The next owner would recover s1 from the journal, where the item is still RESERVED.
    assertThat(released).as("handed over before the rollback is durable").isNotDone();
    journal.statusGate.complete(null);

    assertThat(released).succeedsWithin(5, TimeUnit.SECONDS);
    assertThat(refused.get(5, TimeUnit.SECONDS).result()).isEqualTo(ReserveResult.SOLD_OUT);
    assertThat(journal.cancelReasons.get(OrderIds.of("s1", "alice", "b1"))).isEqualTo(CancelReason.BUNDLE_ROLLBACK);
  }

  @Test
  void reserveBundle_rollbackNotWritten_failsTheCall_keepsTheItemHeld_soARetryIsWhole() {
    open(sale("s1", 10, 2));
    open(sale("s2", 10, 2));
    engine.change("s2", new SaleChange(SaleChange.Action.PAUSE, 0)).join();
    List<BundleItem> items = List.of(new BundleItem("s1", 1), new BundleItem("s2", 1));
    journal.statusWritesToFail.set(1);

    assertThat(engine.reserveBundle("alice", "b1", items)).as("not told PAUSED over a RESERVED row")
        .failsWithin(5, TimeUnit.SECONDS);
    assertThat(engine.snapshot("s1").join().orElseThrow().held()).as("the item's order still stands").isEqualTo(1);
    assertThat(journal.statuses).doesNotContainKey(OrderIds.of("s1", "alice", "b1"));
    // s2 resumes (a pause is not remembered): the retry grants the whole bundle, the item
    // answered as held, s2 decided afresh.
    engine.change("s2", new SaleChange(SaleChange.Action.RESUME, 0)).join();
    BundleAnswer retry = engine.reserveBundle("alice", "b1", items).join();
    assertThat(retry.result()).isEqualTo(ReserveResult.RESERVED);
    assertThat(engine.snapshot("s1").join().orElseThrow().held()).isEqualTo(1);
    assertThat(engine.snapshot("s2").join().orElseThrow().held()).isEqualTo(1);
  }

  @Test
  void reserveBundle_retriedWhileBeingDecided_sharesTheDecision_neverReservesARolledBackItem() throws Exception {
    open(sale("s1", 10, 2));
    open(sale("s2", 10, 2));
    engine.change("s2", new SaleChange(SaleChange.Action.PAUSE, 0)).join();
    List<BundleItem> items = List.of(new BundleItem("s1", 1), new BundleItem("s2", 1));
    journal.gate = new CompletableFuture<>();
    CompletableFuture<BundleAnswer> first = engine.reserveBundle("alice", "b1", items);
    // s2 refused (paused: not remembered) while s1's write is held open; then s2 resumes
    // and the buyer's app retries the bundle.
    waitFor(() -> engine.snapshot("s1").join().orElseThrow().held() == 1);
    engine.change("s2", new SaleChange(SaleChange.Action.RESUME, 0)).join();
    CompletableFuture<BundleAnswer> retry = engine.reserveBundle("alice", "b1", items);
    journal.gate.complete(null);

    assertThat(first.join().result()).isEqualTo(ReserveResult.PAUSED);
    assertThat(retry.join()).as("the retry's answer").isEqualTo(first.join());
    assertThat(engine.snapshot("s1").join().orElseThrow().held()).isZero();
    assertThat(engine.snapshot("s2").join().orElseThrow().held()).isZero();
    // Decided again once the first decision is over: now both are held.
    assertThat(engine.reserveBundle("alice", "b1", items).join().result()).isEqualTo(ReserveResult.RESERVED);
  }

  @Test
  void reserveBundle_onAClosedEngine_failsEveryTime_neverLeavesARetryWaiting() {
    open(sale("s1", 10, 2));
    engine.close();
    List<BundleItem> items = List.of(new BundleItem("s1", 1));

    assertThat(engine.reserveBundle("alice", "b1", items)).failsWithin(5, TimeUnit.SECONDS);
    assertThat(engine.reserveBundle("alice", "b1", items)).failsWithin(5, TimeUnit.SECONDS);
  }

  @Test
  void reserveBundle_emptyTooBigOrRepeatedSale_isInvalid() {
    open(sale("s1", 10, 2));
    assertThat(engine.reserveBundle("alice", "b", List.of()).join().result())
        .isEqualTo(ReserveResult.INVALID_REQUEST);
    assertThat(engine.reserveBundle("alice", "b", List.of(new BundleItem("s1", 1), new BundleItem("s1", 1)))
        .join().result()).isEqualTo(ReserveResult.INVALID_REQUEST);
    assertThat(engine.reserveBundle("alice", "b", Collections.nCopies(21, new BundleItem("s1", 1)))
        .join().result()).isEqualTo(ReserveResult.INVALID_REQUEST);
    assertThat(engine.snapshot("s1").join().orElseThrow().held()).isZero();
  }

  @Test
  void reserve_unknownSale_isUnknownSale() {
    assertThat(engine.reserve(new ReserveCommand("nope", "alice", 1, "c1")).join().result())
        .isEqualTo(ReserveResult.UNKNOWN_SALE);
  }

  @Test
  void reserve_malformed_isInvalidAndChangesNothing() {
    open(sale("s1", 10, 2));
    assertThat(engine.reserve(new ReserveCommand("s1", "", 1, "c1")).join().result())
        .isEqualTo(ReserveResult.INVALID_REQUEST);
    assertThat(engine.reserve(new ReserveCommand("s1", "alice", 1, "x".repeat(65))).join().result())
        .isEqualTo(ReserveResult.INVALID_REQUEST);
    assertThat(engine.reserve(new ReserveCommand("s1", "alice", -1, "c1")).join().result())
        .isEqualTo(ReserveResult.INVALID_REQUEST);
    assertThat(engine.snapshot("s1").join().orElseThrow().available()).isEqualTo(10);
  }

  @Test
  void reserve_writeFails_returnsUnitsAndAllowsRetry() {
    InventoryEngine failing = new InventoryEngine(1, clock, new RecordingJournal(1.0), 5);
    try {
      failing.open(sale("s1", 10, 2), List.of()).join();
      ReserveAnswer answer = failing.reserve(new ReserveCommand("s1", "alice", 1, "c1")).join();
      assertThat(answer.result()).isEqualTo(ReserveResult.STORE_UNAVAILABLE);
      StockSnapshot stock = failing.snapshot("s1").join().orElseThrow();
      assertThat(stock.available()).isEqualTo(10);
      assertThat(stock.held()).isZero();
    } finally {
      failing.close();
    }
  }

  @Test
  void cancel_whoseStatusWriteFails_keepsTheUnitsForTheRetry_soTheRowsNeverCountMoreThanTheStock() {
    open(sale("s1", 1, 1));
    ReserveAnswer alice = engine.reserve(new ReserveCommand("s1", "alice", 1, "c1")).join();
    journal.statusWritesToFail.set(1);

    assertThat(engine.cancel("s1", alice.orderId(), "alice")).failsWithin(5, TimeUnit.SECONDS);
    assertThat(engine.reserve(new ReserveCommand("s1", "bob", 1, "c2")).join().result())
        .as("the unit is still alice's: her row says RESERVED").isEqualTo(ReserveResult.SOLD_OUT);

    assertThat(engine.cancel("s1", alice.orderId(), "alice").join().status()).isEqualTo(OrderStatus.CANCELLED);
    assertThat(journal.statuses).containsEntry(alice.orderId(), OrderStatus.CANCELLED);
    assertThat(engine.reserve(new ReserveCommand("s1", "bob", 1, "c3")).join().result())
        .isEqualTo(ReserveResult.RESERVED);
  }

  @Test
  void cancel_byTheBuyer_isRecordedAsSuch_andARetryGetsTheFirstAnswerAndHoldsNothing() {
    open(sale("s1", 10, 2));
    ReserveCommand tap = new ReserveCommand("s1", "alice", 2, "c1");
    ReserveAnswer first = engine.reserve(tap).join();

    assertThat(engine.cancel("s1", first.orderId(), "alice").join().status()).isEqualTo(OrderStatus.CANCELLED);

    assertThat(journal.cancelReasons).containsEntry(first.orderId(), CancelReason.BUYER);
    assertThat(engine.reserve(tap).join()).isEqualTo(first);
    assertThat(journal.written()).hasSize(1);
    StockSnapshot stock = engine.snapshot("s1").join().orElseThrow();
    assertThat(stock.available()).isEqualTo(10);
    assertThat(stock.held()).isZero();
  }

  @Test
  void settlePayment_failed_isRecordedAsSuch_andARetryGetsTheFirstAnswerAndHoldsNothing() {
    open(sale("s1", 10, 2));
    ReserveCommand tap = new ReserveCommand("s1", "alice", 1, "c1");
    ReserveAnswer first = engine.reserve(tap).join();
    engine.startPayment("s1", first.orderId(), "alice").join();

    assertThat(engine.settlePayment("s1", first.orderId(), false).join().status()).isEqualTo(OrderStatus.CANCELLED);

    assertThat(journal.cancelReasons).containsEntry(first.orderId(), CancelReason.PAYMENT_FAILED);
    assertThat(engine.reserve(tap).join()).isEqualTo(first);
    assertThat(journal.written()).hasSize(1);
    assertThat(engine.snapshot("s1").join().orElseThrow().available()).isEqualTo(10);
  }

  @Test
  void open_withACancelledOrderRecovered_answersItsRetryAsBeforeTheRestart_andCountsNothing() {
    open(sale("s1", 10, 2));
    ReserveCommand tap = new ReserveCommand("s1", "alice", 2, "c1");
    ReserveAnswer first = engine.reserve(tap).join();
    engine.cancel("s1", first.orderId(), "alice").join();
    ReserveAnswer retryBeforeRestart = engine.reserve(tap).join();
    Hold cancelled = journal.written().get(0);

    try (InventoryEngine restarted = new InventoryEngine(2, clock, new RecordingJournal(0), 5)) {
      restarted.open(sale("s1", 10, 2), List.of(new RecoveredOrder(cancelled, OrderStatus.CANCELLED))).join();

      assertThat(restarted.reserve(tap).join()).isEqualTo(retryBeforeRestart).isEqualTo(first);
      StockSnapshot stock = restarted.snapshot("s1").join().orElseThrow();
      assertThat(stock.available()).isEqualTo(10);
      assertThat(stock.held()).isZero();
      assertThat(restarted.reserve(new ReserveCommand("s1", "alice", 2, "c2")).join().result())
          .as("the cancelled units do not count against alice's limit").isEqualTo(ReserveResult.RESERVED);
    }
  }

  @Test
  void reserve_tooManyWritesInFlight_isBusyAndChangesNothing() {
    List<CompletableFuture<Void>> writes = new CopyOnWriteArrayList<>();
    OrderJournal slowStore = new OrderJournal() {
      @Override
      public CompletableFuture<Void> append(Hold hold) {
        CompletableFuture<Void> write = new CompletableFuture<>();
        writes.add(write);
        return write;
      }

      @Override
      public CompletableFuture<Void> updateStatus(Hold hold, dev.liveshop.core.order.OrderStatus status) {
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public CompletableFuture<Void> cancel(Hold hold, CancelReason reason) {
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public CompletableFuture<Optional<Hold>> committed(String saleId, UUID orderId) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
    };
    try (InventoryEngine bounded = new InventoryEngine(1, clock, slowStore, 5, 2)) {
      bounded.open(sale("s1", 10, 2), List.of()).join();
      CompletableFuture<ReserveAnswer> first = bounded.reserve(new ReserveCommand("s1", "a", 1, "c"));
      CompletableFuture<ReserveAnswer> second = bounded.reserve(new ReserveCommand("s1", "b", 1, "c"));
      ReserveAnswer third = bounded.reserve(new ReserveCommand("s1", "c", 1, "c")).join();
      assertThat(third.result()).isEqualTo(ReserveResult.BUSY);
      assertThat(bounded.snapshot("s1").join().orElseThrow().held()).isEqualTo(2);

      writes.get(0).complete(null);
      assertThat(first.join().result()).isEqualTo(ReserveResult.RESERVED);
      assertThat(bounded.reserve(new ReserveCommand("s1", "c", 1, "c")).isDone()).isFalse();
      writes.forEach(w -> w.complete(null));
      assertThat(second.join().result()).isEqualTo(ReserveResult.RESERVED);
    }
  }

  @Test
  void reserve_beforeCountdown_isNotStartedAndNotRemembered() {
    open(new FlashSale("s1", "demo", "p1", 100, 10, 2, NOW + 1000, NOW + 60_000, 30_000, false));
    ReserveCommand tap = new ReserveCommand("s1", "alice", 1, "c1");
    assertThat(engine.reserve(tap).join().result()).isEqualTo(ReserveResult.NOT_STARTED);
    clock.advance(1000);
    assertThat(engine.reserve(tap).join().result()).isEqualTo(ReserveResult.RESERVED);
  }

  @Test
  void watch_sendsCurrentAtOnceThenConflatedChangesAndEnds() throws Exception {
    open(sale("s1", 10, 10));
    RecordingWatcher watcher = new RecordingWatcher();
    engine.watch("s1", watcher, () -> { throw new AssertionError("sale exists"); });
    for (int i = 0; i < 5; i++) {
      engine.reserve(new ReserveCommand("s1", "v" + i, 1, "c")).join();
    }
    waitFor(() -> !watcher.seen.isEmpty() && watcher.last().available() == 5);
    clock.advance(60_000);
    waitFor(() -> watcher.ended);
    assertThat(watcher.last().state()).isEqualTo(SaleState.ENDED);
    assertThat(watcher.seen).extracting(StockSnapshot::sequence).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void endWatches_endsOpenWatchesAndLaterOnes_reservationsGoOn() throws Exception {
    open(sale("s1", 10, 10));
    RecordingWatcher open = new RecordingWatcher();
    engine.watch("s1", open, () -> { throw new AssertionError("sale exists"); });
    waitFor(() -> !open.seen.isEmpty());

    engine.endWatches().join();
    assertThat(open.closing).isTrue();
    RecordingWatcher later = new RecordingWatcher();
    engine.watch("s1", later, () -> { throw new AssertionError("sale exists"); });
    waitFor(() -> later.closing);
    assertThat(later.seen).isEmpty();
    assertThat(engine.reserve(new ReserveCommand("s1", "alice", 1, "c1")).join().result())
        .isEqualTo(ReserveResult.RESERVED);
  }

  @Test
  void watch_unknownSale_runsTheFallback() throws Exception {
    CompletableFuture<Boolean> unknown = new CompletableFuture<>();
    engine.watch("nope", new RecordingWatcher(), () -> unknown.complete(true));
    assertThat(unknown.get()).isTrue();
  }

  @Test
  void release_waitsForWritesInFlight_thenAnswersMoved_andTellsWatchers() throws Exception {
    open(sale("s1", 10, 2));
    RecordingWatcher watcher = new RecordingWatcher();
    engine.watch("s1", watcher, () -> { });
    journal.gate = new CompletableFuture<>();
    CompletableFuture<ReserveAnswer> inFlight = engine.reserve(new ReserveCommand("s1", "alice", 1, "c1"));
    waitFor(() -> journal.written().size() == 1);

    CompletableFuture<Void> released = engine.release("s1");
    assertThat(engine.reserve(new ReserveCommand("s1", "bob", 1, "b1")).join().result())
        .isEqualTo(ReserveResult.MOVED);
    awaitWholeTick(engine);
    assertThat(released).isNotDone();

    journal.gate.complete(null);
    assertThat(inFlight.join().result()).isEqualTo(ReserveResult.RESERVED);
    released.get(5, TimeUnit.SECONDS);
    assertThat(engine.holds("s1")).isFalse();
    assertThat(watcher.moved).isTrue();
    assertThat(engine.reserve(new ReserveCommand("s1", "alice", 1, "c1")).join().result())
        .isEqualTo(ReserveResult.MOVED);
    assertThat(engine.snapshot("s1").join()).isEmpty();
    assertThat(journal.written()).hasSize(1);
    // Its orders cannot change here any more: the caller asks the new owner.
    assertThat(engine.startPayment("s1", inFlight.join().orderId(), "alice").join().outcome())
        .isEqualTo(OrderChange.Outcome.MOVED);
    assertThat(engine.change("s1", new SaleChange(SaleChange.Action.PAUSE, 0)).join().outcome())
        .isEqualTo(SaleChangeResult.Outcome.MOVED);
  }

  @Test
  void release_ofASaleNotHere_failsAndAMovedSaleCanComeBack() {
    assertThat(engine.release("nope")).failsWithin(Duration.ofSeconds(5))
        .withThrowableThat().withMessageContaining("not held");
    open(sale("s1", 10, 2));
    engine.release("s1").join();
    open(sale("s1", 10, 2));
    assertThat(engine.holds("s1")).isTrue();
    assertThat(engine.reserve(new ReserveCommand("s1", "alice", 1, "c1")).join().result())
        .isEqualTo(ReserveResult.RESERVED);
  }

  private static FlashSale sale(String id, int quantity, int limit) {
    return new FlashSale(id, "demo", "p1", 1900, quantity, limit, NOW, NOW + 60_000, 30_000, false);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class RecordingWatcher implements StockWatcher {
    final List<StockSnapshot> seen = new CopyOnWriteArrayList<>();
    volatile boolean ended;
    volatile boolean moved;
    volatile boolean closing;

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public void onStock(StockSnapshot snapshot) {
      seen.add(snapshot);
    }

    @Override
    public void onEnd() {
      ended = true;
    }

    @Override
    public void onMoved() {
      moved = true;
    }

    @Override
    public void onClosing() {
      closing = true;
    }

    StockSnapshot last() {
      return seen.get(seen.size() - 1);
    }
  }
}
