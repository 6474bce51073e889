package dev.liveshop.core.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.liveshop.core.order.OrderStatus;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SaleBookTest {

  private static final long START = 1_000_000;
  private final FlashSale sale = new FlashSale("s1", "demo", "p1", 1900, 5, 2, START, START + 60_000, 30_000, false);
  private final SaleBook book = new SaleBook(sale, START, InventoryEngine.DEFAULT_MAX_REMEMBERED_REFUSALS);

  @Test
  void tryHold_live_movesUnitsToHeld() {
    assertThat(tryHold(buy("alice", 2), START)).isEqualTo(ReserveResult.RESERVED);
    assertThat(book.available()).isEqualTo(3);
    assertThat(book.held()).isEqualTo(2);
    assertThat(book.unitsOf("alice")).isEqualTo(2);
    assertThat(book.snapshot().sequence()).isGreaterThan(1);
  }

  @Test
  void tryHold_beforeStart_isNotStarted() {
    assertUnchangedAfter(buy("alice", 1), START - 1, ReserveResult.NOT_STARTED);
  }

  @Test
  void tryHold_atEnd_isEnded() {
    assertUnchangedAfter(buy("alice", 1), START + 60_000, ReserveResult.ENDED);
  }

  @Test
  void tryHold_overViewerLimit_isOverLimit() {
    tryHold(buy("alice", 1), START);
    assertThat(tryHold(buy("alice", 2), START)).isEqualTo(ReserveResult.OVER_LIMIT);
    assertThat(book.unitsOf("alice")).isEqualTo(1);
    assertThat(book.available()).isEqualTo(4);
  }

  @Test
  void tryHold_quantityAboveLimitOrBelowOne_isInvalid() {
    assertUnchangedAfter(buy("alice", 3), START, ReserveResult.INVALID_REQUEST);
    assertUnchangedAfter(buy("alice", 0), START, ReserveResult.INVALID_REQUEST);
    assertUnchangedAfter(buy("alice", -5), START, ReserveResult.INVALID_REQUEST);
    assertUnchangedAfter(buy("alice", Integer.MAX_VALUE), START, ReserveResult.INVALID_REQUEST);
  }

  @Test
  void tryHold_notEnoughLeft_isSoldOutAndNeverOversells() {
    tryHold(buy("a", 2), START);
    tryHold(buy("b", 2), START);
    assertThat(tryHold(buy("c", 2), START)).isEqualTo(ReserveResult.SOLD_OUT);
    assertThat(tryHold(buy("c", 1), START)).isEqualTo(ReserveResult.RESERVED);
    assertThat(tryHold(buy("d", 1), START)).isEqualTo(ReserveResult.SOLD_OUT);
    assertThat(book.available()).isZero();
    assertThat(book.held()).isEqualTo(5);
  }

  @Test
  void release_returnsUnitsAndViewerAllowance() {
    tryHold(buy("alice", 2), START);
    book.release("alice", 2);
    assertThat(book.available()).isEqualTo(5);
    assertThat(book.held()).isZero();
    assertThat(book.unitsOf("alice")).isZero();
  }

  @Test
  void expire_releasesOnlyConfirmedHoldsPastTheirWindow() {
    tryHold(buy("alice", 2), START);
    Hold hold = new Hold(OrderIds.of("s1", "alice", "alice-2"), "s1", "demo", "p1", "alice", "alice-2", 2, 1900,
        START, START + 30_000);
    book.confirm(hold);
    assertThat(book.expire(START + 29_999)).isEmpty();
    assertThat(book.expire(START + 30_000)).containsExactly(hold);
    assertThat(book.available()).isEqualTo(5);
    assertThat(book.unitsOf("alice")).isZero();
    assertThat(book.expire(START + 90_000)).isEmpty();
  }

  @Test
  void change_pauseThenResume_refusesReservationsMeanwhile() {
    assertThat(book.change(new SaleChange(SaleChange.Action.PAUSE, 0), START).outcome())
        .isEqualTo(SaleChangeResult.Outcome.APPLIED);
    assertThat(book.snapshot().state()).isEqualTo(SaleState.PAUSED);
    assertUnchangedAfter(buy("alice", 1), START, ReserveResult.PAUSED);
    book.change(new SaleChange(SaleChange.Action.RESUME, 0), START);
    assertThat(tryHold(buy("alice", 1), START)).isEqualTo(ReserveResult.RESERVED);
  }

  @Test
  void change_stop_endsNowAndRefusesFurtherChanges() {
    SaleChangeResult stopped = book.change(new SaleChange(SaleChange.Action.STOP, 0), START + 10);
    assertThat(stopped.sale().endsAtMs()).isEqualTo(START + 10);
    assertThat(stopped.stock().state()).isEqualTo(SaleState.ENDED);
    assertThat(tryHold(buy("alice", 1), START + 10)).isEqualTo(ReserveResult.ENDED);
    assertThat(book.change(new SaleChange(SaleChange.Action.RESUME, 0), START + 10).refusal())
        .contains("has ended");
  }

  @Test
  void change_retriedPauseResumeOrRestock_isAppliedAgainUnchanged() {
    SaleChangeResult paused = book.change(new SaleChange(SaleChange.Action.PAUSE, 0), START);
    SaleChangeResult again = book.change(new SaleChange(SaleChange.Action.PAUSE, 0), START + 1);
    assertThat(again.outcome()).isEqualTo(SaleChangeResult.Outcome.APPLIED);
    assertThat(again.sale()).isEqualTo(paused.sale());
    assertThat(again.stock().state()).isEqualTo(SaleState.PAUSED);

    book.change(new SaleChange(SaleChange.Action.RESUME, 0), START + 2);
    assertThat(book.change(new SaleChange(SaleChange.Action.RESUME, 0), START + 3).sale().paused()).isFalse();

    tryHold(buy("alice", 2), START + 4);
    StockSnapshot restocked = book.change(new SaleChange(SaleChange.Action.RESTOCK, 8), START + 5).stock();
    SaleChangeResult restockedAgain = book.change(new SaleChange(SaleChange.Action.RESTOCK, 8), START + 6);
    assertThat(restockedAgain.outcome()).isEqualTo(SaleChangeResult.Outcome.APPLIED);
    assertThat(restockedAgain.stock().available()).isEqualTo(restocked.available()).isEqualTo(6);
  }

  @Test
  void change_retriedStop_isAppliedAgainWithTheFirstEnd() {
    SaleChangeResult stopped = book.change(new SaleChange(SaleChange.Action.STOP, 0), START + 10);
    SaleChangeResult again = book.change(new SaleChange(SaleChange.Action.STOP, 0), START + 5000);
    assertThat(again.outcome()).isEqualTo(SaleChangeResult.Outcome.APPLIED);
    assertThat(again.sale()).isEqualTo(stopped.sale());
    assertThat(again.sale().endsAtMs()).isEqualTo(START + 10);
    assertThat(book.change(new SaleChange(SaleChange.Action.PAUSE, 0), START + 5000).outcome())
        .isEqualTo(SaleChangeResult.Outcome.REFUSED);
  }

  @Test
  void change_stopDuringCountdown_endsTheSale() {
    SaleChangeResult stopped = book.change(new SaleChange(SaleChange.Action.STOP, 0), START - 5000);
    assertThat(stopped.stock().state()).isEqualTo(SaleState.ENDED);
  }

  @Test
  void change_restock_neverBelowWhatBuyersHold() {
    tryHold(buy("alice", 2), START);
    tryHold(buy("bob", 2), START);
    StockSnapshot before = book.snapshot();
    SaleChangeResult refused = book.change(new SaleChange(SaleChange.Action.RESTOCK, 3), START);
    assertThat(refused.outcome()).isEqualTo(SaleChangeResult.Outcome.REFUSED);
    assertThat(refused.refusal()).contains("4 units are already held or sold");
    assertThat(book.snapshot()).isEqualTo(before);
    assertThat(book.change(new SaleChange(SaleChange.Action.RESTOCK, 1_000_001), START).outcome())
        .isEqualTo(SaleChangeResult.Outcome.REFUSED);

    StockSnapshot after = book.change(new SaleChange(SaleChange.Action.RESTOCK, 10), START).stock();
    assertThat(after.quantity()).isEqualTo(10);
    assertThat(after.available()).isEqualTo(6);
    assertThat(after.available() + after.held() + after.sold()).isEqualTo(after.quantity());
    StockSnapshot exact = book.change(new SaleChange(SaleChange.Action.RESTOCK, 4), START).stock();
    assertThat(exact.available()).isZero();
  }

  @Test
  void payment_heldThenPayingThenPaid_movesUnitsToSoldAndOutlivesTheHoldsWindow() {
    Hold hold = confirmedHold("alice", 2);
    assertThat(book.startPayment(hold.orderId(), "bob", START).outcome()).isEqualTo(OrderChange.Outcome.NOT_YOURS);
    assertThat(book.startPayment(hold.orderId(), "alice", START).status()).isEqualTo(OrderStatus.PAYING);
    assertThat(book.expire(START + 59_999)).as("a hold period more for the payment").isEmpty();
    assertThat(book.cancel(hold.orderId(), "alice").outcome()).isEqualTo(OrderChange.Outcome.PAYMENT_IN_FLIGHT);
    assertThat(book.settle(hold.orderId(), true, START).status()).isEqualTo(OrderStatus.PAID);
    assertThat(book.settle(hold.orderId(), true, START).status()).isEqualTo(OrderStatus.PAID);
    assertThat(book.held()).isZero();
    assertThat(book.sold()).isEqualTo(2);
    assertThat(book.available()).isEqualTo(3);
    assertThat(book.unitsOf("alice")).isEqualTo(2);
  }

  @Test
  void payment_thatNeverSettles_lapsesOneHoldPeriodAfterTheWindow_andALateSuccessIsRefused() {
    Hold paying = confirmedHold("alice", 2);
    Hold unpaid = confirmedHold("bob", 1);
    book.startPayment(paying.orderId(), "alice", START + 10_000);

    assertThat(book.expire(START + 30_000)).containsExactly(unpaid);
    assertThat(book.held()).isEqualTo(2);
    assertThat(book.expire(START + 60_000)).containsExactly(paying);
    assertThat(book.held()).isZero();
    assertThat(book.available()).isEqualTo(5);
    assertThat(book.settle(paying.orderId(), true, START + 60_001).outcome()).isEqualTo(OrderChange.Outcome.NOT_HELD);
    assertThat(book.sold()).isZero();
  }

  @Test
  void payment_pastItsDeadlineBeforeTheTick_isRefused() {
    Hold paying = confirmedHold("alice", 1);
    book.startPayment(paying.orderId(), "alice", START);
    assertThat(book.settle(paying.orderId(), true, START + 60_000).outcome()).isEqualTo(OrderChange.Outcome.NOT_HELD);
    assertThat(book.settle(paying.orderId(), true, START + 59_999).status()).isEqualTo(OrderStatus.PAID);
  }

  @Test
  void payment_failed_releasesTheUnitsOnceThatIsWritten() {
    Hold hold = confirmedHold("alice", 2);
    book.startPayment(hold.orderId(), "alice", START);
    assertThat(book.settle(hold.orderId(), false, START).status()).isEqualTo(OrderStatus.CANCELLED);
    assertThat(book.available()).as("not yet written").isEqualTo(3);
    book.statusWritten(hold.orderId(), OrderStatus.CANCELLED, true);
    assertThat(book.available()).isEqualTo(5);
    assertThat(book.settle(hold.orderId(), true, START).outcome()).isEqualTo(OrderChange.Outcome.NOT_HELD);
    assertThat(book.sold()).isZero();
  }

  @Test
  void payment_afterTheHoldLapsed_isNotHeld() {
    Hold hold = confirmedHold("alice", 1);
    book.expire(START + 30_000);
    assertThat(book.startPayment(hold.orderId(), "alice", START).outcome()).isEqualTo(OrderChange.Outcome.NOT_HELD);
    assertThat(book.settle(hold.orderId(), true, START).outcome()).isEqualTo(OrderChange.Outcome.NOT_HELD);
    assertThat(book.sold()).isZero();
  }

  @Test
  void cancel_byTheBuyer_returnsUnitsOnceWritten_byOthersIsRefused() {
    Hold hold = confirmedHold("alice", 2);
    assertThat(book.cancel(hold.orderId(), "mallory").outcome()).isEqualTo(OrderChange.Outcome.NOT_YOURS);
    assertThat(book.cancel(hold.orderId(), "alice").status()).isEqualTo(OrderStatus.CANCELLED);
    assertThat(book.cancel(hold.orderId(), "alice").outcome()).as("while it is written")
        .isEqualTo(OrderChange.Outcome.CHANGE_IN_FLIGHT);
    book.statusWritten(hold.orderId(), OrderStatus.CANCELLED, true);
    assertThat(book.available()).isEqualTo(5);
    assertThat(book.cancel(hold.orderId(), "alice").outcome()).isEqualTo(OrderChange.Outcome.NOT_HELD);
  }

  @Test
  void cancel_whoseWriteFailed_keepsTheHoldForTheRetry() {
    Hold hold = confirmedHold("alice", 2);
    book.cancel(hold.orderId(), "alice");
    book.statusWritten(hold.orderId(), OrderStatus.CANCELLED, false);

    assertThat(book.available()).as("no units back under a row that still says RESERVED").isEqualTo(3);
    assertThat(book.cancel(hold.orderId(), "alice").status()).as("the retry").isEqualTo(OrderStatus.CANCELLED);
    book.statusWritten(hold.orderId(), OrderStatus.CANCELLED, true);
    assertThat(book.available()).isEqualTo(5);
    assertThat(book.held()).isZero();
  }

  @Test
  void cancel_beingWritten_neitherLapsesNorTakesAPayment() {
    Hold hold = confirmedHold("alice", 2);
    book.cancel(hold.orderId(), "alice");

    assertThat(book.expire(START + 90_000)).isEmpty();
    assertThat(book.settle(hold.orderId(), true, START).outcome()).isEqualTo(OrderChange.Outcome.CHANGE_IN_FLIGHT);
    book.statusWritten(hold.orderId(), OrderStatus.CANCELLED, false);
    assertThat(book.expire(START + 90_000)).as("lapses once the failed write is known").containsExactly(hold);
    assertThat(book.available()).isEqualTo(5);
  }

  @Test
  void payment_startedAfterTheWindowClosedButBeforeTheTick_isNotHeld() {
    Hold hold = confirmedHold("alice", 1);
    assertThat(book.startPayment(hold.orderId(), "alice", START + 30_000).outcome())
        .isEqualTo(OrderChange.Outcome.NOT_HELD);
    assertThat(book.settle(hold.orderId(), true, START + 30_000).outcome()).isEqualTo(OrderChange.Outcome.NOT_HELD);
    assertThat(book.expire(START + 30_000)).containsExactly(hold);
    assertThat(book.sold()).isZero();
  }

  @Test
  void expire_aStaleEntryOfARolledBackHold_leavesTheHoldMadeAgainAlone() {
    Hold first = confirmedHold("alice", 1);
    assertThat(book.startRollback(first.orderId(), "alice", first.clientOrderId())).isSameAs(first);
    book.rollbackWritten(first, true);
    // The bundle's retry holds the same order id again, later and for more.
    assertThat(tryHold(new ReserveCommand("s1", "alice", 2, first.clientOrderId()), START + 10_000))
        .isEqualTo(ReserveResult.RESERVED);
    Hold again = new Hold(first.orderId(), "s1", "demo", "p1", "alice", first.clientOrderId(), 2, 1900,
        START + 10_000, START + 40_000);
    book.confirm(again);

    assertThat(book.expire(START + 30_000)).isEmpty();
    assertThat(book.held()).isEqualTo(2);
    assertThat(book.expire(START + 40_000)).containsExactly(again);
    assertThat(book.held()).isZero();
  }

  @Test
  void rollback_unitsReturnOnlyOnceDurable_aRollbackNotWrittenKeepsTheHold() {
    Hold hold = confirmedHold("alice", 1);
    book.rememberAnswer("alice", hold.clientOrderId(), CompletableFuture.completedFuture(ReserveAnswer.reserved(hold)));
    assertThat(book.startRollback(hold.orderId(), "alice", hold.clientOrderId())).isSameAs(hold);
    assertThat(book.held()).as("while its row may still say RESERVED").isEqualTo(1);
    assertThat(book.startPayment(hold.orderId(), "alice", START).outcome())
        .isEqualTo(OrderChange.Outcome.CHANGE_IN_FLIGHT);
    assertThat(book.expire(START + 30_000)).as("not while the rollback is written").isEmpty();

    book.rollbackWritten(hold, false);
    assertThat(book.held()).isEqualTo(1);
    assertThat(book.answerFor("alice", hold.clientOrderId())).as("a retry still finds it").isNotNull();

    assertThat(book.startRollback(hold.orderId(), "alice", hold.clientOrderId())).isSameAs(hold);
    book.rollbackWritten(hold, true);
    assertThat(book.held()).isZero();
    assertThat(book.available()).isEqualTo(5);
    assertThat(book.answerFor("alice", hold.clientOrderId())).as("its retry is decided afresh").isNull();
    assertThat(book.expire(START + 30_000)).isEmpty();
  }

  @Test
  void rollback_ofAHoldWhoseCancelIsBeingWritten_isRefusedForARetry_andChangesNothing() {
    Hold hold = confirmedHold("alice", 1);
    assertThat(book.cancel(hold.orderId(), "alice").outcome()).isEqualTo(OrderChange.Outcome.APPLIED);

    assertThatThrownBy(() -> book.startRollback(hold.orderId(), "alice", hold.clientOrderId()))
        .isInstanceOf(ChangeInFlightException.class).hasMessageContaining("again");
    book.statusWritten(hold.orderId(), OrderStatus.CANCELLED, true);
    assertThat(book.held()).as("released once, by the cancel").isZero();
    assertThat(book.available()).isEqualTo(5);
  }

  @Test
  void settledFor_notWhileAnOrderWriteIsInFlight() {
    long ended = START + 60_000;
    book.writeStarted();
    assertThat(book.settledFor(0, ended)).isFalse();
    assertThat(book.settledFor(0, ended + 3_600_000)).as("an hour after the end, still writing").isFalse();
    book.writeEnded();
    assertThat(book.settledFor(0, ended + 3_600_000)).isTrue();
  }

  /** A reservation decided as ReserveDecision does: the refusal, or RESERVED once held. */
  private ReserveResult tryHold(ReserveCommand command, long nowMs) {
    ReserveResult refusal = book.refusal(command, nowMs);
    if (refusal != null) {
      return refusal;
    }
    book.hold(command);
    return ReserveResult.RESERVED;
  }

  private Hold confirmedHold(String viewer, int quantity) {
    ReserveCommand command = buy(viewer, quantity);
    assertThat(tryHold(command, START)).isEqualTo(ReserveResult.RESERVED);
    Hold hold = new Hold(OrderIds.of("s1", viewer, command.clientOrderId()), "s1", "demo", "p1", viewer,
        command.clientOrderId(), quantity, 1900, START, START + 30_000);
    book.confirm(hold);
    return hold;
  }

  @Test
  void release_moreThanHeld_fails() {
    assertThatThrownBy(() -> book.release("alice", 1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void restore_countsHeldAndPaidAndRemembersTheAnswer() {
    Hold hold = new Hold(OrderIds.of("s1", "alice", "c1"), "s1", "demo", "p1", "alice", "c1", 2, 1900, START,
        START + 30_000);
    book.restore(hold, OrderStatus.RESERVED);
    book.restore(new Hold(OrderIds.of("s1", "bob", "c2"), "s1", "demo", "p1", "bob", "c2", 1, 1900, START,
        START + 30_000), OrderStatus.PAID);
    assertThat(book.available()).isEqualTo(2);
    assertThat(book.held()).isEqualTo(2);
    assertThat(book.sold()).isEqualTo(1);
    assertThat(book.unitsOf("alice")).as("alice's limit counts her hold").isEqualTo(2);
    assertThat(book.unitsOf("bob")).as("and bob's purchase").isEqualTo(1);
    assertThat(book.answerFor(hold.viewerId(), hold.clientOrderId()).join()).isEqualTo(ReserveAnswer.reserved(hold));
  }

  @Test
  void restore_anOrderBeingPaid_keepsItsPaymentGrace() {
    Hold paying = new Hold(OrderIds.of("s1", "alice", "c1"), "s1", "demo", "p1", "alice", "c1", 1, 1900, START,
        START + 30_000);
    book.restore(paying, OrderStatus.PAYING);

    assertThat(book.cancel(paying.orderId(), "alice").outcome()).as("its payment is on its way")
        .isEqualTo(OrderChange.Outcome.PAYMENT_IN_FLIGHT);
    assertThat(book.expire(START + 30_000)).as("its own window closed, not its payment's").isEmpty();
    assertThat(book.settle(paying.orderId(), true, START + 59_999).status()).isEqualTo(OrderStatus.PAID);
    assertThat(book.sold()).isEqualTo(1);
    assertThat(book.held()).isZero();
  }

  @Test
  void restore_anExpiredOrder_countsNothingButKeepsItsAnswer() {
    Hold lapsed = new Hold(OrderIds.of("s1", "alice", "c1"), "s1", "demo", "p1", "alice", "c1", 2, 1900, START,
        START + 30_000);
    book.restore(lapsed, OrderStatus.EXPIRED);

    assertThat(book.available()).isEqualTo(5);
    assertThat(book.unitsOf("alice")).isZero();
    assertThat(book.answerFor("alice", "c1").join()).isEqualTo(ReserveAnswer.reserved(lapsed));
  }

  @Test
  void restore_aCancelledOrder_countsNothingButKeepsItsAnswer() {
    Hold cancelled = new Hold(OrderIds.of("s1", "alice", "c1"), "s1", "demo", "p1", "alice", "c1", 2, 1900, START,
        START + 30_000);
    book.restore(cancelled, OrderStatus.CANCELLED);

    assertThat(book.available()).isEqualTo(5);
    assertThat(book.held()).isZero();
    assertThat(book.unitsOf("alice")).isZero();
    assertThat(book.holdOf(cancelled.orderId())).as("nothing left to pay or cancel").isNull();
    assertThat(book.answerFor("alice", "c1").join()).isEqualTo(ReserveAnswer.reserved(cancelled));
  }

  @Test
  void sequence_ofABookOpenedAgainLater_isNewerThanAnyOfTheFirst() {
    for (int i = 0; i < 4; i++) {
      tryHold(buy("v" + i, 1), START);
    }
    SaleBook reopened = new SaleBook(sale, START + 1, InventoryEngine.DEFAULT_MAX_REMEMBERED_REFUSALS);
    assertThat(reopened.snapshot().sequence()).isGreaterThan(book.snapshot().sequence());
  }

  @Test
  void advanceClock_countsStateChangesOnce() {
    SaleBook scheduled = new SaleBook(sale, START - 10, InventoryEngine.DEFAULT_MAX_REMEMBERED_REFUSALS);
    long before = scheduled.sequence();
    assertThat(scheduled.advanceClock(START)).isTrue();
    assertThat(scheduled.advanceClock(START + 1)).isFalse();
    assertThat(scheduled.snapshot().state()).isEqualTo(SaleState.LIVE);
    assertThat(scheduled.sequence()).isEqualTo(before + 1);
  }

  private void assertUnchangedAfter(ReserveCommand command, long now, ReserveResult expected) {
    StockSnapshot before = book.snapshot();
    assertThat(tryHold(command, now)).isEqualTo(expected);
    assertThat(book.snapshot()).isEqualTo(before);
    assertThat(book.unitsOf(command.viewerId())).isZero();
  }

  private static ReserveCommand buy(String viewer, int quantity) {
    return new ReserveCommand("s1", viewer, quantity, viewer + "-" + quantity);
  }
}
