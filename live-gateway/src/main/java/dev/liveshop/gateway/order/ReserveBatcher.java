package dev.liveshop.gateway.order;

import dev.liveshop.proto.v1.InventoryServiceGrpc;
import dev.liveshop.proto.v1.ReserveBatch;
import dev.liveshop.proto.v1.ReserveBatchResult;
import dev.liveshop.proto.v1.ReserveRequest;
import dev.liveshop.proto.v1.ReserveResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Buyers' taps to live-core over one ReserveBatches stream: taps that arrive while batches
 * are on their way queue up and leave together (at most {@code batchSize} per batch, at
 * most {@code inFlight} batches being decided), so under a flash sale's burst one gRPC
 * message and one shard hand-off serve hundreds of taps, and a lone tap leaves at once.
 * A batch stops counting as on its way once live-core says it is decided: its granted
 * taps then wait for their orders to be written, and were they to keep the batch in
 * flight, every tap behind a sale's first buyers would wait for Cassandra too.
 *
 * <p>A tap not answered within the deadline, or whose stream failed, completes with an
 * error: the viewer is told to retry with the same clientOrderId, which never makes a
 * second order. A failed stream is replaced by the next batch.
 *
 * <p>Threading: {@link #reserve} is called from any event loop; answers arrive on the gRPC
 * channel's event loop. The queue, the batches in flight and the stream (whose onNext is
 * not thread-safe) are guarded by this object's monitor; futures complete outside it,
 * except those of a stream that fails while it is being opened.
 */
public final class ReserveBatcher {

  private record Tap(ReserveRequest request, CompletableFuture<ReserveResponse> answer) {}

  /** A batch on its way: its taps, how many still wait for an answer, whether it is decided. */
  private static final class Sent {
    final List<Tap> taps;
    int unanswered;
    boolean deciding = true;

    Sent(List<Tap> taps) {
      this.taps = taps;
      this.unanswered = taps.size();
    }
  }

  private final InventoryServiceGrpc.InventoryServiceStub stub;
  private final int batchSize;
  private final int inFlight;
  private final long deadlineMillis;
  private final ArrayDeque<Tap> queued = new ArrayDeque<>();
  private final Map<Long, Sent> outstanding = new HashMap<>();
  /** Batches of {@code outstanding} not yet decided: the ones bounded by {@code inFlight}. */
  private int deciding;
  private StreamObserver<ReserveBatch> stream;
  private Answers answers;
  private long nextBatchId;

  public ReserveBatcher(ManagedChannel channel, int batchSize, int inFlight, Duration deadline) {
    // Answers are handled on the channel's event loop, not handed to gRPC's executor first: a
    // hop less on every tap's way back (nothing downstream of an answer blocks). The price:
    // a stream that fails while opening reports it from inside the opening call (openStream).
    this.stub = InventoryServiceGrpc.newStub(channel).withExecutor(Runnable::run);
    this.batchSize = batchSize;
    this.inFlight = inFlight;
    this.deadlineMillis = deadline.toMillis();
  }

  /** Reserves through the next batch; completes on the channel's event loop, or with DEADLINE_EXCEEDED. */
  public CompletableFuture<ReserveResponse> reserve(ReserveRequest request) {
    Tap tap = new Tap(request, new CompletableFuture<>());
    synchronized (this) {
      queued.add(tap);
      sendWhileRoom();
    }
    return tap.answer.orTimeout(deadlineMillis, TimeUnit.MILLISECONDS).exceptionallyCompose(e ->
        CompletableFuture.failedFuture(e instanceof TimeoutException
            ? Status.DEADLINE_EXCEEDED.withDescription("no answer from live-core in " + deadlineMillis + " ms")
                .asRuntimeException()
            : e));
  }

  private void sendWhileRoom() {
    while (!queued.isEmpty() && deciding < inFlight) {
      if (stream == null && !openStream()) {
        return;
      }
      List<Tap> taps = new ArrayList<>(Math.min(batchSize, queued.size()));
      while (!queued.isEmpty() && taps.size() < batchSize) {
        Tap tap = queued.poll();
        // Past its deadline while it waited (a surge live-core cannot keep up with): the
        // buyer was told to retry, so deciding it now would only delay the taps behind it.
        if (!tap.answer.isDone()) {
          taps.add(tap);
        }
      }
      if (taps.isEmpty()) {
        return;
      }
      ReserveBatch.Builder batch = ReserveBatch.newBuilder().setBatchId(++nextBatchId).setReportDecided(true);
      taps.forEach(tap -> batch.addRequests(tap.request));
      outstanding.put(batch.getBatchId(), new Sent(taps));
      deciding++;
      stream.onNext(batch.build());
    }
  }

  /**
   * Opens a stream; false when it failed while opening (a shard down): gRPC then reports the
   * failure from inside {@code reserveBatches}, on this thread, and {@link Answers#ended}
   * has already failed the queued taps. Such a stream is never kept.
   */
  private boolean openStream() {
    Answers fresh = new Answers();
    answers = fresh;
    StreamObserver<ReserveBatch> opened = stub.reserveBatches(fresh);
    if (answers != fresh) {
      return false;
    }
    stream = opened;
    return true;
  }

  /** Whether {@code result} answers its whole batch (not one part of the answers). */
  private static boolean whole(ReserveBatchResult result) {
    return result.getPositionsCount() == 0 && !result.getDecided();
  }

  /** The answers of one stream; a stream that ended fails what it still owed. */
  private final class Answers implements StreamObserver<ReserveBatchResult> {
    @Override
    public void onNext(ReserveBatchResult result) {
      List<Tap> taps;
      synchronized (ReserveBatcher.this) {
        Sent sent = outstanding.get(result.getBatchId());
        if (sent == null) {
          return;
        }
        taps = sent.taps;
        // Whole (no positions) or a part; the batch is done when every tap has its answer.
        sent.unanswered -= whole(result) ? sent.unanswered : result.getResponsesCount();
        if (sent.unanswered <= 0) {
          outstanding.remove(result.getBatchId());
        }
        if (sent.deciding && (sent.unanswered <= 0 || result.getDecided())) {
          sent.deciding = false;
          deciding--;
          sendWhileRoom();
        }
      }
      if (whole(result)) {
        for (int i = 0; i < taps.size(); i++) {
          if (i < result.getResponsesCount()) {
            taps.get(i).answer.complete(result.getResponses(i));
          } else {
            taps.get(i).answer.completeExceptionally(Status.INTERNAL.withDescription("live-core answered "
                + result.getResponsesCount() + " of " + taps.size() + " taps").asRuntimeException());
          }
        }
      } else {
        for (int i = 0; i < result.getResponsesCount() && i < result.getPositionsCount(); i++) {
          int position = result.getPositions(i);
          if (position < taps.size()) {
            taps.get(position).answer.complete(result.getResponses(i));
          }
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      ended(Status.fromThrowable(t).asRuntimeException());
    }

    @Override
    public void onCompleted() {
      ended(Status.UNAVAILABLE.withDescription("live-core closed the reservation stream").asRuntimeException());
    }

    private void ended(RuntimeException failure) {
      List<Tap> owed = new ArrayList<>();
      boolean whileOpening;
      synchronized (ReserveBatcher.this) {
        if (answers != this) {
          return;
        }
        // Still being opened: the taps waiting to go out on it fail too (retrying at once
        // would fail the same way, from inside the same call).
        whileOpening = stream == null;
        outstanding.values().forEach(sent -> owed.addAll(sent.taps));
        outstanding.clear();
        if (whileOpening) {
          owed.addAll(queued);
          queued.clear();
        }
        deciding = 0;
        stream = null;
        answers = null;
      }
      owed.forEach(tap -> tap.answer.completeExceptionally(failure));
      if (!whileOpening) {
        synchronized (ReserveBatcher.this) {
          sendWhileRoom();
        }
      }
    }
  }
}
