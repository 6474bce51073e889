package dev.liveshop.core.inventory;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * One reservation's work on its shard's thread, for a sale the shard holds: the first
 * answer to a retry, the clock, the write budget, the stock and the viewer's limit, the
 * refusal remembered, or the hold made and its answer remembered; then, once the order is
 * written, the hold confirmed and the buyer answered. {@link SaleShard} runs it around its
 * hand-offs and its journal; {@code DecisionBenchmark} (bench module) runs the same code
 * without them, so that what it measures is what the shard does.
 *
 * <p>Threading: called only on the thread of the shard that owns the book; the write
 * budget is the one atomic shared with the other shards.
 */
final class ReserveDecision {

  private final Clock clock;
  private final WriteBudget writeBudget;

  ReserveDecision(Clock clock, WriteBudget writeBudget) {
    this.clock = clock;
    this.writeBudget = writeBudget;
  }

  /**
   * Decides {@code command} on {@code book}. Returns the hold whose order must now be
   * written (its write is counted as started and holds a unit of the write budget; call
   * {@link #writeEnded} then {@link #written} once it is durable), or null when
   * {@code answer} is complete or completes with the first answer of a retried intent.
   */
  Hold decide(SaleBook book, ReserveCommand command, CompletableFuture<ReserveAnswer> answer) {
    CompletableFuture<ReserveAnswer> first = book.answerFor(command.viewerId(), command.clientOrderId());
    if (first != null) {
      first.whenComplete((a, e) -> answer.complete(a));
      return null;
    }
    long now = clock.millis();
    book.advanceClock(now);
    ReserveResult refusal = book.refusal(command, now);
    if (refusal != null) {
      // Answered as when the budget was taken first (BUSY while it is spent), but only read:
      // a refusal writes nothing, and taking and returning a unit would be two atomic writes
      // per refused tap to the one counter all shards share.
      if (writeBudget.isSpent()) {
        answer.complete(ReserveAnswer.rejected(ReserveResult.BUSY, command));
        return null;
      }
      if (refusal.isRemembered()) {
        book.rememberRefusal(command, refusal);
      }
      answer.complete(ReserveAnswer.rejected(refusal, command));
      return null;
    }
    if (!writeBudget.tryAcquire()) {
      answer.complete(ReserveAnswer.rejected(ReserveResult.BUSY, command));
      return null;
    }
    book.hold(command);
    FlashSale sale = book.sale();
    Hold hold = new Hold(OrderIds.of(sale.saleId(), command.viewerId(), command.clientOrderId()),
        sale.saleId(), sale.streamId(), sale.productId(), command.viewerId(), command.clientOrderId(),
        command.quantity(), sale.priceCents(), now, now + sale.holdTtlMillis());
    book.rememberAnswer(command.viewerId(), command.clientOrderId(), answer);
    book.writeStarted();
    return hold;
  }

  /** The write of a hold from {@link #decide} finished, either way: its budget and count are returned. */
  void writeEnded(SaleBook book) {
    writeBudget.release();
    book.writeEnded();
  }

  /** The hold's order is durable: the units stay held and the buyer is told. */
  void written(SaleBook book, Hold hold, CompletableFuture<ReserveAnswer> answer) {
    book.confirm(hold);
    answer.complete(ReserveAnswer.reserved(hold));
  }
}
