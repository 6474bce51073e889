package dev.liveshop.core.inventory;

import dev.liveshop.core.order.CancelReason;
import dev.liveshop.core.order.OrderStatus;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stock of one flash sale and everything needed to decide a reservation.
 *
 * <p>Threading: not thread-safe by design. A book belongs to exactly one
 * {@link SaleShard} and only that shard's thread reads or writes it (the single-writer
 * principle); others see its state only through published {@link StockSnapshot}s.
 */
final class SaleBook {

  private static final Logger log = LoggerFactory.getLogger(SaleBook.class);
  private static final int MAX_QUANTITY = FlashSale.MAX_QUANTITY;
  /** Live holds a book makes room for at once: 16,384, ~400 KB (12 bytes a slot). */
  static final int PRESIZED_HOLDS = 1 << 14;

  /** The sale's settings; replaced (never mutated) by host changes. */
  private FlashSale sale;
  private int available;
  private int held;
  private int sold;
  private long sequence;
  private SaleState lastState;
  /** Units held or bought per viewer, for the per-viewer limit. */
  private final Object2IntOpenHashMap<String> unitsByViewer = new Object2IntOpenHashMap<>();
  /** Answer (or answer in flight) per purchase intent: retries share the first answer. */
  private final IntentTable answersByIntent = new IntentTable();
  /** Refusals {@link #answersByIntent} may hold; the rest are not remembered. */
  private final int maxRememberedRefusals;
  private int refusalsRemembered;
  private boolean refusalsCapped;
  /**
   * Durable, unpaid holds by order id (held, or being paid). Presized for the sale's units
   * up to {@link #PRESIZED_HOLDS}, so a rush does not rehash it from empty while it grows.
   */
  private final HoldsByOrder liveHolds;
  /**
   * Live holds whose payment is in flight: they lapse one hold period later than unpaid
   * ones (a payment provider that never answers must not hold units for good).
   */
  private final Set<UUID> paying = new HashSet<>();
  /**
   * Live holds being given up (a cancel, a failed payment) whose new status is being
   * written: their units return only once it is durable, so that a failed write leaves the
   * order as it was (its retry finds it) rather than stock resold under a RESERVED row.
   */
  private final Set<UUID> closing = new HashSet<>();
  /** Holds sold, by order id: a repeated payment notification gets the same answer. */
  private final HoldsByOrder paid = new HoldsByOrder(0);
  /**
   * The same holds in order of expiry. A sale's TTL is fixed, so holds expire in the order
   * they were made and a FIFO suffices; entries no longer live are skipped when they surface.
   */
  private final ArrayDeque<Hold> holdsByExpiry = new ArrayDeque<>();
  /**
   * Holds found being paid when their window closed, in the same order: they lapse at
   * {@link #paymentDeadline} unless settled first.
   */
  private final ArrayDeque<Hold> paymentsByDeadline = new ArrayDeque<>();
  /**
   * Holds whose window, or payment deadline, came while they were being given up: set aside
   * until that write is known (few, and only while a write is slow).
   */
  private final List<Hold> closingPastWindow = new ArrayList<>();
  private final List<Hold> closingPastPaymentDeadline = new ArrayList<>();
  /** Order writes of this sale not yet finished: a hand-over waits for them. */
  private int writesInFlight;
  /** When the book was first seen settled (see {@link #settledFor}), or -1. */
  private long settledSinceMs = -1;

  SaleBook(FlashSale sale, long nowMs, int maxRememberedRefusals) {
    this.sale = sale;
    this.maxRememberedRefusals = maxRememberedRefusals;
    this.available = sale.quantity();
    this.liveHolds = new HoldsByOrder(Math.min(sale.quantity(), PRESIZED_HOLDS));
    this.lastState = sale.stateAt(nowMs);
    // Numbered from the opening time in microseconds, so that a book opened again for the
    // same sale (a restart, a hand-over) numbers after the one before it: gateways and
    // pages drop a stock update whose sequence is not newer than the last they saw.
    this.sequence = Math.multiplyExact(nowMs, 1000L);
  }

  void writeStarted() {
    writesInFlight++;
  }

  void writeEnded() {
    writesInFlight--;
  }

  int writesInFlight() {
    return writesInFlight;
  }

  FlashSale sale() {
    return sale;
  }

  /**
   * Whether the book has been settled for at least {@code retentionMs}: the sale has ended,
   * every hold is paid, lapsed or cancelled, and no write is in flight, so nothing can
   * change it any more and only late retries would read it. Asked on every tick.
   */
  boolean settledFor(long retentionMs, long nowMs) {
    if (sale.stateAt(nowMs) != SaleState.ENDED || !liveHolds.isEmpty() || writesInFlight > 0) {
      settledSinceMs = -1;
      return false;
    }
    if (settledSinceMs < 0) {
      settledSinceMs = nowMs;
    }
    return nowMs - settledSinceMs >= retentionMs;
  }

  /** The answer already given (or being given) to this intent, or null. */
  CompletableFuture<ReserveAnswer> answerFor(String viewerId, String clientOrderId) {
    return answersByIntent.get(sale.saleId(), viewerId, clientOrderId);
  }

  void rememberAnswer(String viewerId, String clientOrderId, CompletableFuture<ReserveAnswer> answer) {
    answersByIntent.put(viewerId, clientOrderId, answer);
  }

  /**
   * Remembers a refusal that retries must get again (see {@link ReserveResult#isRemembered}),
   * while fewer than the maximum are; past it the intent is forgotten and its retry decided
   * afresh (a refusal made no order, so no retry can make a second one).
   */
  void rememberRefusal(ReserveCommand command, ReserveResult refusal) {
    if (refusalsRemembered >= maxRememberedRefusals) {
      if (!refusalsCapped) {
        refusalsCapped = true;
        log.warn("sale {} remembers {} refused taps, its maximum: retries of later refused taps are decided afresh "
            + "(raise liveshop.core.inventory.max-remembered-refusals if memory allows, ~200 bytes each)",
            sale.saleId(), maxRememberedRefusals);
      }
      return;
    }
    refusalsRemembered++;
    answersByIntent.putRefusal(command.viewerId(), command.clientOrderId(), refusal, command.quantity());
  }

  void forgetAnswer(String viewerId, String clientOrderId) {
    answersByIntent.remove(viewerId, clientOrderId);
  }

  /** Why the reservation would be refused now, or null if it can be held; changes nothing. */
  ReserveResult refusal(ReserveCommand command, long nowMs) {
    int quantity = command.quantity();
    if (quantity < 1 || quantity > sale.perViewerLimit()) {
      return ReserveResult.INVALID_REQUEST;
    }
    switch (sale.stateAt(nowMs)) {
      case SCHEDULED:
        return ReserveResult.NOT_STARTED;
      case PAUSED:
        return ReserveResult.PAUSED;
      case ENDED:
        return ReserveResult.ENDED;
      default:
        break;
    }
    if (quantity > available) {
      return ReserveResult.SOLD_OUT;
    }
    if (unitsByViewer.getInt(command.viewerId()) + quantity > sale.perViewerLimit()) {
      return ReserveResult.OVER_LIMIT;
    }
    return null;
  }

  /** Moves the units of a reservation {@link #refusal} just allowed from available to held. */
  void hold(ReserveCommand command) {
    int quantity = command.quantity();
    unitsByViewer.addTo(command.viewerId(), quantity);
    available -= quantity;
    held += quantity;
    sequence++;
  }

  /**
   * Applies a host's change, or refuses it with a reason and changes nothing. Restocking
   * never goes below the units already held or sold: those belong to buyers.
   */
  SaleChangeResult change(SaleChange change, long nowMs) {
    SaleState state = sale.stateAt(nowMs);
    if (alreadyInEffect(change, state)) {
      // A host's retry (its first answer was lost, or the settings did not reach the store):
      // applied again, unchanged, so the caller stores the settings once more.
      advanceClock(nowMs);
      return SaleChangeResult.applied(sale, snapshot());
    }
    if (state == SaleState.ENDED) {
      return SaleChangeResult.refused("sale " + sale.saleId() + " has ended; launch a new sale instead");
    }
    FlashSale changed;
    switch (change.action()) {
      case PAUSE -> changed = sale.withPaused(true);
      case RESUME -> changed = sale.withPaused(false);
      case STOP -> changed = sale.stoppedAt(nowMs);
      case RESTOCK -> {
        int committed = held + sold;
        int quantity = change.quantity();
        if (quantity < Math.max(committed, sale.perViewerLimit()) || quantity > MAX_QUANTITY) {
          return SaleChangeResult.refused("quantity must be " + Math.max(committed, sale.perViewerLimit())
              + ".." + MAX_QUANTITY + ": " + committed + " units are already held or sold and one viewer may buy "
              + sale.perViewerLimit());
        }
        available = quantity - committed;
        changed = sale.withQuantity(quantity);
      }
      default -> throw new IllegalArgumentException("unknown change " + change.action());
    }
    sale = changed;
    sequence++;
    advanceClock(nowMs);
    return SaleChangeResult.applied(sale, snapshot());
  }

  /**
   * Whether the change is what the sale already is: a stop of an ended sale, a pause of a
   * paused one, a resume of one not paused or a restock to its quantity, the last three
   * only before the end.
   */
  private boolean alreadyInEffect(SaleChange change, SaleState state) {
    return switch (change.action()) {
      case STOP -> state == SaleState.ENDED;
      case PAUSE -> state != SaleState.ENDED && sale.paused();
      case RESUME -> state != SaleState.ENDED && !sale.paused();
      case RESTOCK -> state != SaleState.ENDED && change.quantity() == sale.quantity();
    };
  }

  /** Returns a hold's units to stock (its order could not be written, or it lapsed). */
  void release(String viewerId, int quantity) {
    if (quantity > held) {
      throw new IllegalStateException("release of " + quantity + " units but only " + held
          + " held in sale " + sale.saleId());
    }
    held -= quantity;
    available += quantity;
    int left = unitsByViewer.getInt(viewerId) - quantity;
    if (left > 0) {
      unitsByViewer.put(viewerId, left);
    } else {
      unitsByViewer.removeInt(viewerId);
    }
    sequence++;
  }

  /** The hold's order is durable: from now on it can lapse. */
  void confirm(Hold hold) {
    liveHolds.put(hold);
    holdsByExpiry.addLast(hold);
  }

  /**
   * Releases every live hold whose payment window closed at or before {@code nowMs}, and
   * every hold being paid one hold period after that. A hold being given up (a cancel, a
   * bundle's rollback) is set aside until its write is known, which for a rollback may take
   * retries: the write releases it, or, not made, lets it lapse at the next tick. The holds
   * behind it lapse meanwhile.
   */
  List<Hold> expire(long nowMs) {
    List<Hold> expired = List.of();
    requeueClosed(closingPastWindow, holdsByExpiry);
    requeueClosed(closingPastPaymentDeadline, paymentsByDeadline);
    while (!holdsByExpiry.isEmpty() && holdsByExpiry.peekFirst().expiresAtMs() <= nowMs) {
      Hold hold = holdsByExpiry.pollFirst();
      // The same object, not only the same order id: a refused bundle's retry holds its
      // order again under the same id, with its own entry further back.
      if (liveHolds.get(hold.orderId()) != hold) {
        continue;
      }
      if (closing.contains(hold.orderId())) {
        closingPastWindow.add(hold);
      } else if (paying.contains(hold.orderId())) {
        paymentsByDeadline.addLast(hold);
      } else {
        expired = lapse(hold, expired);
      }
    }
    while (!paymentsByDeadline.isEmpty() && paymentDeadline(paymentsByDeadline.peekFirst()) <= nowMs) {
      Hold hold = paymentsByDeadline.pollFirst();
      if (liveHolds.get(hold.orderId()) != hold) {
        continue;
      }
      if (closing.contains(hold.orderId())) {
        closingPastPaymentDeadline.add(hold);
      } else if (paying.remove(hold.orderId())) {
        expired = lapse(hold, expired);
      }
    }
    return expired;
  }

  /** Puts the holds set aside whose write is now known back at the front of their queue (their time has come). */
  private void requeueClosed(List<Hold> setAside, ArrayDeque<Hold> queue) {
    for (int i = setAside.size() - 1; i >= 0; i--) {
      Hold hold = setAside.get(i);
      if (!closing.contains(hold.orderId())) {
        setAside.remove(i);
        queue.addFirst(hold);
      }
    }
  }

  private List<Hold> lapse(Hold hold, List<Hold> expired) {
    liveHolds.remove(hold.orderId());
    release(hold.viewerId(), hold.quantity());
    List<Hold> more = expired.isEmpty() ? new ArrayList<>() : expired;
    more.add(hold);
    return more;
  }

  /** When a hold being paid lapses: one more hold period after its own window closed. */
  private long paymentDeadline(Hold hold) {
    return hold.expiresAtMs() + sale.holdTtlMillis();
  }

  /**
   * The buyer starts paying: the hold lapses one hold period later, unless {@link #settle}d
   * first. A hold whose window closed is refused even before the tick releases it.
   */
  OrderChange startPayment(UUID orderId, String viewerId, long nowMs) {
    if (paid.containsKey(orderId)) {
      return OrderChange.applied(OrderStatus.PAID);
    }
    Hold hold = liveHolds.get(orderId);
    if (hold == null || lapsed(hold, nowMs)) {
      return OrderChange.refused(OrderChange.Outcome.NOT_HELD);
    }
    if (!hold.viewerId().equals(viewerId)) {
      return OrderChange.refused(OrderChange.Outcome.NOT_YOURS);
    }
    if (closing.contains(orderId)) {
      return OrderChange.refused(OrderChange.Outcome.CHANGE_IN_FLIGHT);
    }
    paying.add(orderId);
    return OrderChange.applied(OrderStatus.PAYING);
  }

  /**
   * The payment's outcome: sold, or given up (the units return once that is written, see
   * {@link #statusWritten}). Repeating it repeats the first answer. A payment for a hold
   * whose window closed, and that was not being paid, is refused.
   */
  OrderChange settle(UUID orderId, boolean succeeded, long nowMs) {
    if (paid.containsKey(orderId)) {
      return OrderChange.applied(OrderStatus.PAID);
    }
    Hold hold = liveHolds.get(orderId);
    if (hold == null || lapsed(hold, nowMs)) {
      return OrderChange.refused(OrderChange.Outcome.NOT_HELD);
    }
    if (closing.contains(orderId)) {
      return OrderChange.refused(OrderChange.Outcome.CHANGE_IN_FLIGHT);
    }
    if (!succeeded) {
      closing.add(orderId);
      return OrderChange.cancelled(CancelReason.PAYMENT_FAILED);
    }
    liveHolds.remove(orderId);
    paying.remove(orderId);
    held -= hold.quantity();
    sold += hold.quantity();
    paid.put(hold);
    sequence++;
    return OrderChange.applied(OrderStatus.PAID);
  }

  /**
   * Starts undoing a hold granted to an item of a bundle refused as a whole. Like a cancel,
   * the hold stays (cannot be paid, cancelled or lapse) until its CANCELLED row is durable,
   * see {@link #rollbackWritten}: until then a crash or a hand-over recovers it as RESERVED,
   * so its units must not be sold again. Returns the hold, or null if it had already gone
   * (its answer is forgotten at once, unless it was paid). Fails if the order is being paid
   * or another change of it is in flight.
   */
  Hold startRollback(UUID orderId, String viewerId, String clientOrderId) {
    Hold hold = liveHolds.get(orderId);
    if (hold == null) {
      if (!paid.containsKey(orderId)) {
        answersByIntent.remove(viewerId, clientOrderId);
      }
      // A paid item (kept after a rollback not written, then paid) is its buyer's: its
      // answer stays, so no retry of the bundle holds its order again over the sale.
      return null;
    }
    if (paying.contains(orderId) || !closing.add(orderId)) {
      throw new ChangeInFlightException("order " + orderId + " of sale " + sale.saleId()
          + " is being paid or cancelled while its bundle is rolled back: send the bundle again in a moment");
    }
    return hold;
  }

  /**
   * The rollback's write ended. Durable: the units return and the answer is forgotten, so a
   * retry of the bundle decides afresh. Certainly not written: the hold stays as it was
   * (answered RESERVED to a retry, as its row says) and may lapse.
   */
  void rollbackWritten(Hold hold, boolean durable) {
    closing.remove(hold.orderId());
    if (durable && liveHolds.get(hold.orderId()) == hold) {
      liveHolds.remove(hold.orderId());
      paying.remove(hold.orderId());
      release(hold.viewerId(), hold.quantity());
      answersByIntent.remove(hold.viewerId(), hold.clientOrderId());
    }
  }

  /** The buyer gives up an unpaid hold. */
  OrderChange cancel(UUID orderId, String viewerId) {
    Hold hold = liveHolds.get(orderId);
    if (hold == null) {
      return OrderChange.refused(OrderChange.Outcome.NOT_HELD);
    }
    if (!hold.viewerId().equals(viewerId)) {
      return OrderChange.refused(OrderChange.Outcome.NOT_YOURS);
    }
    if (paying.contains(orderId)) {
      return OrderChange.refused(OrderChange.Outcome.PAYMENT_IN_FLIGHT);
    }
    if (closing.contains(orderId)) {
      return OrderChange.refused(OrderChange.Outcome.CHANGE_IN_FLIGHT);
    }
    closing.add(orderId);
    return OrderChange.cancelled(CancelReason.BUYER);
  }

  /**
   * The write of an applied change ended: a hold given up returns its units once that is
   * durable; if the write failed it stays as it was, for the caller's retry.
   */
  void statusWritten(UUID orderId, OrderStatus status, boolean durable) {
    if (status != OrderStatus.CANCELLED || !closing.remove(orderId) || !durable) {
      return;
    }
    Hold hold = liveHolds.remove(orderId);
    if (hold != null) {
      paying.remove(orderId);
      release(hold.viewerId(), hold.quantity());
    }
  }

  /** Whether the hold's window closed (it lapses at the next tick): its own, or its payment's. */
  private boolean lapsed(Hold hold, long nowMs) {
    return (paying.contains(hold.orderId()) ? paymentDeadline(hold) : hold.expiresAtMs()) <= nowMs;
  }

  /** The hold behind an order of this sale that still counts (held, paying or sold), or null. */
  Hold holdOf(UUID orderId) {
    Hold hold = liveHolds.get(orderId);
    return hold != null ? hold : paid.get(orderId);
  }

  /**
   * Counts a recovered order: a hold, a hold being paid, or a sale made before a restart;
   * an expired or cancelled order only keeps its answer. Recovered holds must come in order
   * of expiry.
   */
  void restore(Hold hold, OrderStatus status) {
    ReserveAnswer firstAnswer = ReserveAnswer.reserved(hold);
    if (status == OrderStatus.EXPIRED || status == OrderStatus.CANCELLED) {
      // Counts nothing, but a retry of its purchase intent gets its first answer again,
      // as before the restart, instead of holding the units anew under the same order id.
      answersByIntent.put(hold.viewerId(), hold.clientOrderId(), CompletableFuture.completedFuture(firstAnswer));
      return;
    }
    boolean isSold = status == OrderStatus.PAID || status == OrderStatus.FULFILLED;
    int quantity = hold.quantity();
    if (quantity > available) {
      throw new IllegalStateException("recovered orders of sale " + sale.saleId()
          + " exceed its quantity " + sale.quantity());
    }
    available -= quantity;
    if (isSold) {
      sold += quantity;
      paid.put(hold);
    } else {
      held += quantity;
      confirm(hold);
      if (status == OrderStatus.PAYING) {
        paying.add(hold.orderId());
      }
    }
    unitsByViewer.addTo(hold.viewerId(), quantity);
    answersByIntent.put(hold.viewerId(), hold.clientOrderId(), CompletableFuture.completedFuture(firstAnswer));
    sequence++;
  }

  /**
   * Notices a change of state brought by the clock (the countdown reached zero, the sale
   * closed) and counts it as a change; returns whether there was one.
   */
  boolean advanceClock(long nowMs) {
    SaleState now = sale.stateAt(nowMs);
    if (now == lastState) {
      return false;
    }
    lastState = now;
    sequence++;
    return true;
  }

  long sequence() {
    return sequence;
  }

  StockSnapshot snapshot() {
    return new StockSnapshot(sale.saleId(), sale.streamId(), sequence, lastState, sale.quantity(),
        available, held, sold, sale.startsAtMs(), sale.endsAtMs());
  }

  int available() {
    return available;
  }

  int held() {
    return held;
  }

  int sold() {
    return sold;
  }

  int unitsOf(String viewerId) {
    return unitsByViewer.getInt(viewerId);
  }
}
