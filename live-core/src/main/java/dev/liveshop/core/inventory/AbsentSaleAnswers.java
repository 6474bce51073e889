package dev.liveshop.core.inventory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * Answers reservations for a sale the engine does not hold: one that ended and was dropped
 * from memory, one whose live-core restarted after it ended (recovery opens active sales
 * only), one not yet opened here after a hand-over, or one that never existed. A retry of
 * an order that was committed gets that order, as its first answer did, read back from the
 * order journal; anything else is {@link ReserveResult#UNKNOWN_SALE}.
 *
 * <p>Lookups in flight are bounded: past the bound a tap is told {@link ReserveResult#BUSY}
 * (retry) rather than queued, so taps at made-up sale ids cannot pile reads onto the store.
 *
 * <p>Threading: called on shard threads, never blocks; answers complete on the store's
 * threads.
 */
final class AbsentSaleAnswers {

  /** Store reads in flight at most, across all shards. */
  static final int MAX_LOOKUPS = 256;

  private final OrderJournal journal;
  private final Semaphore lookups = new Semaphore(MAX_LOOKUPS);

  AbsentSaleAnswers(OrderJournal journal) {
    this.journal = journal;
  }

  void answer(ReserveCommand command, CompletableFuture<ReserveAnswer> answer) {
    if (!lookups.tryAcquire()) {
      answer.complete(ReserveAnswer.rejected(ReserveResult.BUSY, command));
      return;
    }
    journal.committed(command.saleId(), OrderIds.of(command.saleId(), command.viewerId(), command.clientOrderId()))
        .whenComplete((hold, failure) -> {
          lookups.release();
          if (failure != null) {
            answer.complete(ReserveAnswer.rejected(ReserveResult.STORE_UNAVAILABLE, command));
          } else {
            answer.complete(hold.map(ReserveAnswer::reserved)
                .orElseGet(() -> ReserveAnswer.rejected(ReserveResult.UNKNOWN_SALE, command)));
          }
        });
  }
}
