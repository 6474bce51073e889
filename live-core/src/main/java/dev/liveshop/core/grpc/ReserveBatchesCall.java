package dev.liveshop.core.grpc;

import dev.liveshop.core.inventory.BatchAnswers;
import dev.liveshop.core.inventory.InventoryEngine;
import dev.liveshop.core.inventory.ReserveAnswer;
import dev.liveshop.core.inventory.ReserveCommand;
import dev.liveshop.proto.v1.ReserveBatch;
import dev.liveshop.proto.v1.ReserveBatchResult;
import dev.liveshop.proto.v1.ReserveRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One ReserveBatches call: each batch goes to the engine with one hand-off per shard.
 * Answers leave as they complete, those completed together in one message: refusals,
 * decided in memory, do not wait for granted reservations to become durable, and when the
 * caller asks ({@code report_decided}) the part sent once the whole batch is decided says
 * so, so that it need not hold the batch in flight while its orders are written. A batch
 * whose answers all complete together is one message without positions.
 */
final class ReserveBatchesCall extends ConcurrentReplies<ReserveBatch, ReserveBatchResult> {

  static final int MAX_BATCH = 1000;

  private final InventoryEngine engine;

  ReserveBatchesCall(InventoryEngine engine, StreamObserver<ReserveBatchResult> responses) {
    super(responses);
    this.engine = engine;
  }

  @Override
  public void onNext(ReserveBatch batch) {
    if (batch.getRequestsCount() > MAX_BATCH) {
      fail(Status.INVALID_ARGUMENT.withDescription("requests: a batch holds at most " + MAX_BATCH
          + " reservations, got " + batch.getRequestsCount() + "; split it").asRuntimeException());
      return;
    }
    if (!accepted()) {
      return; // draining for shutdown: the call's UNAVAILABLE fails the batch's taps, which are retried
    }
    List<ReserveRequest> requests = batch.getRequestsList();
    List<ReserveCommand> commands = new ArrayList<>(requests.size());
    requests.forEach(r -> commands.add(ProtoMapper.command(r)));
    BatchAnswers batchAnswers = engine.reserveAll(commands);
    List<CompletableFuture<ReserveAnswer>> answers = batchAnswers.answers();
    if (answers.isEmpty()) {
      answered(ReserveBatchResult.newBuilder().setBatchId(batch.getBatchId()).build());
      return;
    }
    BatchReplies replies = new BatchReplies(batch.getBatchId(), answers.size(), batch.getReportDecided());
    for (int i = 0; i < answers.size(); i++) {
      int position = i;
      answers.get(i).whenComplete((answer, failure) -> replies.done(position, answer, failure));
    }
    batchAnswers.decided().thenRun(replies::decided);
  }

  /**
   * The answers of one batch as they complete. Those complete when the shards have decided
   * the batch (refusals, retries of settled intents) leave at once in one message, sent by
   * the shard thread that finished the batch: no hand-off on the path of a sold-out rush.
   * Answers completing later (grants, once durable) schedule a send on another thread, so
   * that those completed close together leave together. Sends of one batch are serialised
   * under its monitor.
   */
  private final class BatchReplies {
    private final long batchId;
    private final int size;
    private final boolean reportDecided;
    private int remaining;
    private final List<Integer> positions = new ArrayList<>();
    private final List<ReserveAnswer> ready = new ArrayList<>();
    /** Until then completions only collect: the decided send takes them. */
    private boolean decidedYet;
    private boolean sendScheduled;
    private boolean failed;
    /** Every request went through its shard, and the caller is yet to be told so (on the next part). */
    private boolean decidedUntold;

    BatchReplies(long batchId, int size, boolean reportDecided) {
      this.batchId = batchId;
      this.size = size;
      this.reportDecided = reportDecided;
      this.remaining = size;
    }

    synchronized void done(int position, ReserveAnswer answer, Throwable failure) {
      if (failed) {
        return;
      }
      if (failure != null) {
        failed = true;
        fail(GrpcErrors.toStatus(failure));
        answered(null);
        return;
      }
      positions.add(position);
      ready.add(answer);
      if (decidedYet && !sendScheduled) {
        sendScheduled = true;
        CompletableFuture.runAsync(this::send);
      }
    }

    /** Called once the shards decided every request (refusals are in {@code ready} by then). */
    synchronized void decided() {
      decidedYet = true;
      decidedUntold = reportDecided;
      send();
    }

    private synchronized void send() {
      sendScheduled = false;
      boolean tellDecided = decidedUntold && remaining > 0;
      if (failed || (ready.isEmpty() && !tellDecided)) {
        return;
      }
      remaining -= ready.size();
      ReserveBatchResult.Builder result = ReserveBatchResult.newBuilder().setBatchId(batchId);
      boolean whole = ready.size() == size;
      Integer[] order = new Integer[ready.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparingInt(positions::get));
      for (int i : order) {
        result.addResponses(ProtoMapper.reserve(ready.get(i)));
        if (!whole) {
          result.addPositions(positions.get(i));
        }
      }
      positions.clear();
      ready.clear();
      if (remaining == 0) {
        answered(result.build());
      } else {
        if (tellDecided) {
          decidedUntold = false;
          result.setDecided(true);
        }
        partly(result.build());
      }
    }
  }
}
