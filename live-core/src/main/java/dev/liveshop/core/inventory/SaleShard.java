package dev.liveshop.core.inventory;

import dev.liveshop.core.order.CancelReason;
import dev.liveshop.core.order.OrderStatus;
import dev.liveshop.logging.WarningThrottle;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-writer thread and the sales it owns.
 *
 * <p>Threading: {@code books} and {@code watches} are touched only by this shard's one
 * thread: every public method hands its work to that thread and answers through a
 * future. Order writes run on the driver's threads; their outcome is handed back to this
 * thread before the book changes again. No lock is taken on the decision path.
 */
final class SaleShard implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SaleShard.class);

  private final ShardLoop thread;
  private final Clock clock;
  private final OrderJournal journal;
  /** The per-command work of a reservation on this thread (the write budget is in there). */
  private final ReserveDecision decision;
  private final AbsentSaleAnswers absentSales;
  private final long endedSaleRetentionMillis;
  private final int maxRememberedRefusals;
  /** Told (on this thread) of each sale dropped from memory once ended and settled. */
  private final Consumer<String> onDropped;
  private final Map<String, SaleBook> books = new HashMap<>();
  private final Map<String, List<StockWatch>> watches = new HashMap<>();
  /** Sales being handed over (answered MOVED), each with its order writes still in flight. */
  private final Map<String, Release> releasing = new HashMap<>();
  /** Sales handed over to another shard: answered MOVED from then on. */
  private final Set<String> movedAway = new HashSet<>();
  /** An outage fails every tap's write: a few warnings tell it, not one per buyer. */
  private final WarningThrottle writeFailures = new WarningThrottle(Duration.ofSeconds(10));
  /** Set by {@link #endWatches}: a watch asked for later is ended at once. */
  private boolean closing;

  SaleShard(int index, Clock clock, OrderJournal journal, long tickerIntervalMillis, WriteBudget writeBudget,
      AbsentSaleAnswers absentSales, long endedSaleRetentionMillis, int maxRememberedRefusals,
      Consumer<String> onDropped) {
    this.clock = clock;
    this.journal = journal;
    this.decision = new ReserveDecision(clock, writeBudget);
    this.absentSales = absentSales;
    this.endedSaleRetentionMillis = endedSaleRetentionMillis;
    this.maxRememberedRefusals = maxRememberedRefusals;
    this.onDropped = onDropped;
    this.thread = new ShardLoop("inventory-shard-" + index, this::publish, tickerIntervalMillis);
  }

  CompletableFuture<Void> open(FlashSale sale, List<RecoveredOrder> recovered) {
    return CompletableFuture.runAsync(() -> {
      if (books.containsKey(sale.saleId())) {
        throw new IllegalStateException("sale " + sale.saleId() + " is already open");
      }
      forgetMove(sale.saleId());
      SaleBook book = new SaleBook(sale, clock.millis(), maxRememberedRefusals);
      List<RecoveredOrder> byExpiry = new ArrayList<>(recovered);
      byExpiry.sort(Comparator.comparingLong(o -> o.hold().expiresAtMs()));
      for (RecoveredOrder order : byExpiry) {
        book.restore(order.hold(), order.status());
      }
      books.put(sale.saleId(), book);
    }, thread);
  }

  CompletableFuture<ReserveAnswer> reserve(ReserveCommand command) {
    CompletableFuture<ReserveAnswer> answer = new CompletableFuture<>();
    thread.execute(() -> decide(command, answer));
    return answer;
  }

  /**
   * Decides the commands in one task on this shard's thread; answers pair with commands.
   * The returned stage completes on this thread once all are decided.
   */
  CompletableFuture<Void> reserveAll(List<ReserveCommand> commands, List<CompletableFuture<ReserveAnswer>> answers) {
    CompletableFuture<Void> decided = new CompletableFuture<>();
    thread.execute(() -> {
      try {
        for (int i = 0; i < commands.size(); i++) {
          decide(commands.get(i), answers.get(i));
        }
      } finally {
        decided.complete(null);
      }
    });
    return decided;
  }

  private void decide(ReserveCommand command, CompletableFuture<ReserveAnswer> answer) {
    if (releasing.containsKey(command.saleId()) || movedAway.contains(command.saleId())) {
      answer.complete(ReserveAnswer.rejected(ReserveResult.MOVED, command));
      return;
    }
    SaleBook book = books.get(command.saleId());
    if (book == null) {
      absentSales.answer(command, answer);
      return;
    }
    Hold hold = decision.decide(book, command, answer);
    if (hold == null) {
      return;
    }
    journal.append(hold).whenComplete((ok, failure) -> thread.execute(() -> {
      decision.writeEnded(book);
      releaseIfDrained(hold.saleId());
      if (failure == null) {
        decision.written(book, hold, answer);
      } else {
        long failed = writeFailures.occurred();
        if (failed > 0) {
          log.warn("{} order(s) not written since the last warning, units returned to stock (buyers are told "
              + "STORE_UNAVAILABLE); the latest, {} of sale {}: {}", failed, hold.orderId(), hold.saleId(),
              failure.toString());
        }
        book.release(hold.viewerId(), hold.quantity());
        book.forgetAnswer(command.viewerId(), command.clientOrderId());
        answer.complete(ReserveAnswer.rejected(ReserveResult.STORE_UNAVAILABLE, command));
      }
    }));
  }

  CompletableFuture<OrderChange> startPayment(String saleId, UUID orderId, String viewerId) {
    return changeOrder(saleId, orderId, book -> book.startPayment(orderId, viewerId, clock.millis()));
  }

  CompletableFuture<OrderChange> settle(String saleId, UUID orderId, boolean paid) {
    return changeOrder(saleId, orderId, book -> book.settle(orderId, paid, clock.millis()));
  }

  CompletableFuture<OrderChange> cancel(String saleId, UUID orderId, String viewerId) {
    return changeOrder(saleId, orderId, book -> book.cancel(orderId, viewerId));
  }

  /**
   * Applies a change to an order's hold on this thread, then answers once its new status is
   * durable; a hold given up returns its units only then. A failed write fails the answer
   * and leaves the hold as it was; the caller retries (every change is idempotent). The
   * answer completes on this thread.
   */
  private CompletableFuture<OrderChange> changeOrder(String saleId, UUID orderId,
      Function<SaleBook, OrderChange> change) {
    CompletableFuture<OrderChange> answer = new CompletableFuture<>();
    thread.execute(() -> {
      if (releasing.containsKey(saleId) || movedAway.contains(saleId)) {
        answer.complete(OrderChange.refused(OrderChange.Outcome.MOVED));
        return;
      }
      SaleBook book = books.get(saleId);
      Hold hold = book == null ? null : book.holdOf(orderId);
      if (hold == null) {
        answer.complete(OrderChange.refused(OrderChange.Outcome.NOT_HELD));
        return;
      }
      OrderChange result = change.apply(book);
      if (result.outcome() != OrderChange.Outcome.APPLIED) {
        answer.complete(result);
        return;
      }
      book.writeStarted();
      CompletionStage<Void> written = result.status() == OrderStatus.CANCELLED
          ? journal.cancel(hold, result.cancelReason()) : journal.updateStatus(hold, result.status());
      written.whenComplete((ok, failure) -> thread.execute(() -> {
        book.writeEnded();
        book.statusWritten(orderId, result.status(), failure == null);
        releaseIfDrained(saleId);
        if (failure != null) {
          answer.completeExceptionally(failure);
        } else {
          answer.complete(result);
        }
      }));
    });
    return answer;
  }

  /**
   * Undoes an item of a refused bundle and records its order as cancelled by the rollback,
   * which recovery leaves out: a retry of the bundle is decided afresh there too. Completes
   * once that is durable, and only then are the units returned (as a cancel's are), so the
   * buyer is never told "refused" over a RESERVED row that a restart or a hand-over would
   * revive as a hold. The write counts as in flight: the sale is neither handed over nor
   * dropped before it is known. Fails, leaving the hold as it was, when the row was
   * certainly not written or the sale has moved away; the bundle's caller retries.
   * Completes on this thread.
   */
  CompletableFuture<Void> rollback(String saleId, UUID orderId, String viewerId, String clientOrderId) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    thread.execute(() -> {
      SaleBook book = books.get(saleId);
      if (book == null) {
        // Handed over between the item's grant and now (the hand-over waited only for its
        // write): the new owner holds it as RESERVED, as its row says. Not "refused" then.
        done.completeExceptionally(new ChangeInFlightException("sale " + saleId + " moved to another live-core "
            + "while the bundle was decided: send the bundle again"));
        return;
      }
      Hold hold;
      try {
        hold = book.startRollback(orderId, viewerId, clientOrderId);
      } catch (ChangeInFlightException changing) {
        done.completeExceptionally(changing);
        return;
      }
      if (hold == null) {
        done.complete(null);
        return;
      }
      book.writeStarted();
      // The journal retries a write of unknown outcome until it is known (see OrderStore.cancel).
      journal.cancel(hold, CancelReason.BUNDLE_ROLLBACK).whenComplete((ok, failure) -> thread.execute(() -> {
        book.writeEnded();
        book.rollbackWritten(hold, failure == null);
        releaseIfDrained(saleId);
        if (failure == null) {
          done.complete(null);
        } else {
          log.warn("rolled-back order {} of sale {} not marked cancelled, its hold kept: {}", orderId, saleId,
              failure.toString());
          done.completeExceptionally(failure);
        }
      }));
    });
    return done;
  }

  /**
   * Starts handing the sale over: from now on its reservations answer MOVED and its orders
   * cannot change here. Completes on this thread once every order write of the sale in
   * flight has finished, after the book is dropped and its stock watchers are told to
   * look for the new owner. Fails with IllegalArgumentException when the sale is not here.
   */
  CompletableFuture<Void> release(String saleId) {
    CompletableFuture<Void> released = new CompletableFuture<>();
    thread.execute(() -> {
      if (!books.containsKey(saleId) || releasing.containsKey(saleId)) {
        released.completeExceptionally(new IllegalArgumentException("sale " + saleId
            + (books.containsKey(saleId) ? " is already being handed over" : " is not held by this live-core")));
        return;
      }
      releasing.put(saleId, new Release(released));
      releaseIfDrained(saleId);
    });
    return released;
  }

  /** Finishes a hand-over once the sale's last write in flight is done (on this thread). */
  private void releaseIfDrained(String saleId) {
    Release release = releasing.get(saleId);
    SaleBook book = books.get(saleId);
    if (release == null || book.writesInFlight() > 0) {
      return;
    }
    releasing.remove(saleId);
    books.remove(saleId);
    movedAway.add(saleId);
    List<StockWatch> watchers = watches.remove(saleId);
    if (watchers != null) {
      watchers.forEach(StockWatch::moved);
    }
    release.done.complete(null);
  }

  /** Takes a sale back that an earlier hand-over sent away (it may come home again). */
  private void forgetMove(String saleId) {
    movedAway.remove(saleId);
  }

  CompletableFuture<SaleChangeResult> change(String saleId, SaleChange change) {
    return CompletableFuture.supplyAsync(() -> {
      if (releasing.containsKey(saleId) || movedAway.contains(saleId)) {
        return SaleChangeResult.moved(saleId);
      }
      SaleBook book = books.get(saleId);
      return book == null ? SaleChangeResult.unknownSale(saleId) : book.change(change, clock.millis());
    }, thread);
  }

  void watch(String saleId, StockWatcher watcher, Runnable onUnknownSale) {
    thread.execute(() -> {
      if (closing) {
        watcher.onClosing();
        return;
      }
      SaleBook book = books.get(saleId);
      if (book == null) {
        onUnknownSale.run();
        return;
      }
      book.advanceClock(clock.millis());
      StockWatch watch = new StockWatch(watcher);
      watches.computeIfAbsent(saleId, k -> new ArrayList<>()).add(watch);
      watch.send(book.snapshot());
    });
  }

  CompletableFuture<Optional<StockSnapshot>> snapshot(String saleId) {
    return CompletableFuture.supplyAsync(() -> {
      SaleBook book = books.get(saleId);
      if (book == null) {
        return Optional.empty();
      }
      book.advanceClock(clock.millis());
      return Optional.of(book.snapshot());
    }, thread);
  }

  /** Ticks this shard's thread has run (see {@link ShardLoop#ticks}). */
  long ticks() {
    return thread.ticks();
  }

  /**
   * Runs on the shard thread every ticker interval: clock-driven changes, then fan-out,
   * then sales ended and settled long enough leave memory.
   */
  private void publish() {
    long now = clock.millis();
    for (SaleBook book : books.values()) {
      book.advanceClock(now);
      for (Hold lapsed : book.expire(now)) {
        // Best effort: recovery treats a RESERVED row past its expiry as expired anyway.
        journal.updateStatus(lapsed, OrderStatus.EXPIRED).whenComplete((ok, failure) -> {
          if (failure != null) {
            log.warn("order {} expired in memory but its status was not written: {}", lapsed.orderId(),
                failure.toString());
          }
        });
      }
    }
    for (Iterator<Map.Entry<String, List<StockWatch>>> it = watches.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, List<StockWatch>> entry = it.next();
      SaleBook book = books.get(entry.getKey());
      entry.getValue().removeIf(watch -> watch.publish(book));
      if (entry.getValue().isEmpty()) {
        it.remove();
      }
    }
    dropSettled(now);
  }

  /**
   * Forgets the sales that ended and settled at least the retention ago: after that they
   * are answered as after a restart (unknown here; the orders stay in Cassandra).
   */
  private void dropSettled(long now) {
    for (Iterator<Map.Entry<String, SaleBook>> it = books.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, SaleBook> entry = it.next();
      String saleId = entry.getKey();
      if (releasing.containsKey(saleId) || !entry.getValue().settledFor(endedSaleRetentionMillis, now)) {
        continue;
      }
      it.remove();
      List<StockWatch> watchers = watches.remove(saleId);
      if (watchers != null) {
        watchers.forEach(StockWatch::end);
      }
      onDropped.accept(saleId);
      log.info("sale {} ended and settled {} ms ago: dropped from memory", saleId, endedSaleRetentionMillis);
    }
  }

  /**
   * Ends every stock watch, and each one asked for from now on, with {@link StockWatcher#onClosing}:
   * a watch never ends by itself while its sale runs, and would hold a graceful shutdown for
   * its whole grace. Reservations go on until {@link #close}.
   */
  CompletableFuture<Void> endWatches() {
    return CompletableFuture.runAsync(() -> {
      closing = true;
      watches.values().forEach(list -> list.forEach(StockWatch::closing));
      watches.clear();
    }, thread);
  }

  @Override
  public void close() {
    thread.close();
  }

  /** A hand-over waiting for the sale's writes in flight. */
  private record Release(CompletableFuture<Void> done) {}

  /** A watcher and the newest sequence it was sent. */
  private static final class StockWatch {
    private final StockWatcher watcher;
    private long sentSequence;

    StockWatch(StockWatcher watcher) {
      this.watcher = watcher;
    }

    void moved() {
      if (!watcher.isCancelled()) {
        watcher.onMoved();
      }
    }

    void end() {
      if (!watcher.isCancelled()) {
        watcher.onEnd();
      }
    }

    void closing() {
      if (!watcher.isCancelled()) {
        watcher.onClosing();
      }
    }

    void send(StockSnapshot snapshot) {
      watcher.onStock(snapshot);
      sentSequence = snapshot.sequence();
    }

    /** Sends what is new if the watcher can take it; returns true when the watch is over. */
    boolean publish(SaleBook book) {
      if (watcher.isCancelled()) {
        return true;
      }
      if (book.sequence() > sentSequence && watcher.isReady()) {
        send(book.snapshot());
      }
      if (sentSequence == book.sequence() && book.snapshot().state() == SaleState.ENDED) {
        watcher.onEnd();
        return true;
      }
      return false;
    }
  }
}
