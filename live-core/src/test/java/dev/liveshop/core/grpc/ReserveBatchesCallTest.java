package dev.liveshop.core.grpc;

import static dev.liveshop.core.Eventually.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.core.inventory.FlashSale;
import dev.liveshop.core.inventory.Hold;
import dev.liveshop.core.inventory.InventoryEngine;
import dev.liveshop.core.inventory.OrderJournal;
import dev.liveshop.core.order.CancelReason;
import dev.liveshop.core.order.OrderStatus;
import dev.liveshop.proto.v1.ReserveBatch;
import dev.liveshop.proto.v1.ReserveBatchResult;
import dev.liveshop.proto.v1.ReserveRequest;
import dev.liveshop.proto.v1.ReserveResult;
import io.grpc.Status;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ReserveBatches' parts against the real engine and a store that answers only when told. */
class ReserveBatchesCallTest {

  private final CompletableFuture<Void> store = new CompletableFuture<>();
  private final InventoryEngine engine = new InventoryEngine(1, Clock.systemUTC(), new OrderJournal() {
    @Override
    public CompletionStage<Void> append(Hold hold) {
      return store.thenApplyAsync(v -> null);
    }

    @Override
    public CompletionStage<Void> updateStatus(Hold hold, OrderStatus status) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> cancel(Hold hold, CancelReason reason) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Optional<Hold>> committed(String saleId, UUID orderId) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
  }, 100);
  private final StreamRecorder<ReserveBatchResult> recorder = new StreamRecorder<>();
  private final List<ReserveBatchResult> parts = recorder.values;
  private final ReserveBatchesCall call = new ReserveBatchesCall(engine, recorder);

  @BeforeEach
  void openSale() {
    long now = System.currentTimeMillis();
    engine.open(new FlashSale("s1", "stream", "p", 100, 1, 1, now - 1000, now + 60_000, 60_000, false), List.of())
        .join();
  }

  @AfterEach
  void close() {
    engine.close();
  }

  @Test
  void reportDecided_aPartSaysSo_beforeTheGrantedOrderIsDurable() throws Exception {
    call.onNext(batch(true));

    waitFor(() -> parts.stream().anyMatch(ReserveBatchResult::getDecided));
    assertThat(parts).flatExtracting(ReserveBatchResult::getPositionsList).containsExactly(1);
    assertThat(parts).flatExtracting(ReserveBatchResult::getResponsesList)
        .extracting(r -> r.getResult()).containsExactly(ReserveResult.RESERVE_RESULT_SOLD_OUT);

    store.complete(null);
    call.onCompleted();
    assertThat(recorder.awaitEnd(5)).isTrue();
    ReserveBatchResult last = parts.get(parts.size() - 1);
    assertThat(last.getDecided()).isFalse();
    assertThat(last.getPositionsList()).containsExactly(0);
    assertThat(last.getResponses(0).getResult()).isEqualTo(ReserveResult.RESERVE_RESULT_RESERVED);
  }

  @Test
  void withoutReportDecided_noPartSaysDecided_andEveryPartCarriesAnswers() throws Exception {
    call.onNext(batch(false));
    waitFor(() -> !parts.isEmpty());
    store.complete(null);
    call.onCompleted();
    assertThat(recorder.awaitEnd(5)).isTrue();
    assertThat(parts).noneMatch(ReserveBatchResult::getDecided).allMatch(p -> p.getResponsesCount() > 0);
    assertThat(parts).flatExtracting(ReserveBatchResult::getPositionsList).containsExactlyInAnyOrder(0, 1);
  }

  @Test
  void aBatchDecidedInMemory_isAnsweredInOneMessage_inOrderWithoutPositions() throws Exception {
    store.complete(null);
    call.onNext(ReserveBatch.newBuilder().setBatchId(1).addRequests(tap("alice")).build());
    waitFor(() -> parts.size() == 1);

    ReserveBatch.Builder rush = ReserveBatch.newBuilder().setBatchId(2);
    for (int i = 0; i < 50; i++) {
      rush.addRequests(tap("viewer-" + i).toBuilder().setClientOrderId("c-" + i));
    }
    call.onNext(rush.build());
    call.onCompleted();
    assertThat(recorder.awaitEnd(5)).isTrue();

    assertThat(parts).hasSize(2);
    ReserveBatchResult answer = parts.get(1);
    assertThat(answer.getBatchId()).isEqualTo(2);
    assertThat(answer.getPositionsList()).isEmpty();
    assertThat(answer.getResponsesList()).hasSize(50)
        .allMatch(r -> r.getResult() == ReserveResult.RESERVE_RESULT_SOLD_OUT);
    assertThat(answer.getResponsesList()).extracting(r -> r.getClientOrderId())
        .containsExactlyElementsOf(rush.getRequestsList().stream().map(ReserveRequest::getClientOrderId).toList());
  }

  @Test
  void drain_answersWhatItTookBeforeEnding_takesNoMore() throws Exception {
    call.onNext(batch(true));
    waitFor(() -> parts.stream().anyMatch(ReserveBatchResult::getDecided));

    call.drain(Status.UNAVAILABLE.withDescription("shutting down"));
    call.onNext(ReserveBatch.newBuilder().setBatchId(8).addRequests(tap("carol")).build());
    assertThat(recorder.awaitEnd(0)).as("ended before Alice's order is durable").isFalse();
    store.complete(null);
    assertThat(recorder.awaitEnd(5)).isTrue();

    assertThat(Status.fromThrowable(recorder.error()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(parts).extracting(ReserveBatchResult::getBatchId).containsOnly(7L);
    assertThat(parts.get(parts.size() - 1).getResponses(0).getResult())
        .isEqualTo(ReserveResult.RESERVE_RESULT_RESERVED);
  }

  /** Alice's tap takes the only unit (its order waits for the store); Bob's finds none left. */
  private static ReserveBatch batch(boolean reportDecided) {
    return ReserveBatch.newBuilder().setBatchId(7).setReportDecided(reportDecided)
        .addRequests(tap("alice")).addRequests(tap("bob")).build();
  }

  private static ReserveRequest tap(String viewer) {
    return ReserveRequest.newBuilder().setSaleId("s1").setViewerId(viewer).setQuantity(1).setClientOrderId("c1")
        .build();
  }
}
