package dev.liveshop.gateway.order;

import static dev.liveshop.gateway.Eventually.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.liveshop.proto.v1.InventoryServiceGrpc;
import dev.liveshop.proto.v1.ReserveBatch;
import dev.liveshop.proto.v1.ReserveBatchResult;
import dev.liveshop.proto.v1.ReserveRequest;
import dev.liveshop.proto.v1.ReserveResponse;
import dev.liveshop.proto.v1.ReserveResult;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batcher against an inventory service on gRPC's in-process transport that holds batches until told. */
class ReserveBatcherTest {

  private final List<ReserveBatch> received = new CopyOnWriteArrayList<>();
  private final List<StreamObserver<ReserveBatchResult>> streams = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch release = new CountDownLatch(0);
  /** When 2, the service answers each batch in two parts, odd positions first (as live-core may). */
  private volatile int partsOf = 1;
  /**
   * When set, the service behaves like live-core with a slow store: the batch's first
   * request is granted and answered only after {@code release}, the others are refused at
   * once in a part that says the batch is decided (if the batch asked for it).
   */
  private volatile boolean firstWaitsForStore;
  private Server server;
  private ManagedChannel channel;

  private ReserveBatcher start(int batchSize, int inFlight, Duration deadline) throws Exception {
    String name = InProcessServerBuilder.generateName();
    serve(name);
    channel = InProcessChannelBuilder.forName(name).build();
    return new ReserveBatcher(channel, batchSize, inFlight, deadline);
  }

  private void serve(String name) throws Exception {
    server = InProcessServerBuilder.forName(name).addService(new InventoryServiceGrpc.InventoryServiceImplBase() {
      @Override
      public StreamObserver<ReserveBatch> reserveBatches(StreamObserver<ReserveBatchResult> out) {
        streams.add(out);
        return new StreamObserver<>() {
          @Override
          public void onNext(ReserveBatch batch) {
            received.add(batch);
            if (firstWaitsForStore) {
              ReserveBatchResult.Builder refused = ReserveBatchResult.newBuilder().setBatchId(batch.getBatchId())
                  .setDecided(batch.getReportDecided());
              for (int i = 1; i < batch.getRequestsCount(); i++) {
                refused.addResponses(answer(batch.getRequests(i))).addPositions(i);
              }
              synchronized (out) {
                out.onNext(refused.build());
              }
              CompletableFuture.runAsync(() -> {
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                synchronized (out) {
                  out.onNext(ReserveBatchResult.newBuilder().setBatchId(batch.getBatchId())
                      .addResponses(answer(batch.getRequests(0)).toBuilder()
                          .setResult(ReserveResult.RESERVE_RESULT_RESERVED))
                      .addPositions(0).build());
                }
              });
              return;
            }
            CompletableFuture.runAsync(() -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              List<ReserveBatchResult> parts = new ArrayList<>();
              if (partsOf == 1) {
                ReserveBatchResult.Builder whole = ReserveBatchResult.newBuilder().setBatchId(batch.getBatchId());
                batch.getRequestsList().forEach(r -> whole.addResponses(answer(r)));
                parts.add(whole.build());
              } else {
                for (int parity : new int[] {1, 0}) {
                  ReserveBatchResult.Builder part = ReserveBatchResult.newBuilder().setBatchId(batch.getBatchId());
                  for (int i = parity; i < batch.getRequestsCount(); i += 2) {
                    part.addResponses(answer(batch.getRequests(i))).addPositions(i);
                  }
                  if (part.getResponsesCount() > 0) {
                    parts.add(part.build());
                  }
                }
              }
              synchronized (out) {
                parts.forEach(out::onNext);
              }
            });
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        };
      }
    }).build().start();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    if (server != null) {
      server.shutdownNow();
    }
  }

  @Test
  void tapsDuringABurst_leaveInFewBatches_eachGetsItsOwnAnswer() throws Exception {
    ReserveBatcher batcher = start(50, 1, Duration.ofSeconds(10));
    release = new CountDownLatch(1);
    List<CompletableFuture<ReserveResponse>> answers = new ArrayList<>();
    for (int i = 0; i < 201; i++) {
      answers.add(batcher.reserve(tap("c" + i)));
    }
    release.countDown();
    for (int i = 0; i < answers.size(); i++) {
      assertThat(answers.get(i).get(10, TimeUnit.SECONDS).getClientOrderId()).isEqualTo("c" + i);
    }
    // The first tap left alone; the 200 that queued behind it left in batches of at most 50.
    assertThat(received.get(0).getRequestsCount()).isEqualTo(1);
    assertThat(received).hasSize(5);
    assertThat(received.stream().mapToInt(ReserveBatch::getRequestsCount).max().getAsInt()).isEqualTo(50);
  }

  @Test
  void tapsPastTheirDeadlineWhileQueued_areNotSent() throws Exception {
    ReserveBatcher batcher = start(50, 1, Duration.ofMillis(300));
    release = new CountDownLatch(1);
    CompletableFuture<ReserveResponse> first = batcher.reserve(tap("first"));
    waitFor(() -> received.size() == 1);
    List<CompletableFuture<ReserveResponse>> late = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      late.add(batcher.reserve(tap("late" + i)));
    }
    waitFor(() -> late.stream().allMatch(CompletableFuture::isDone));
    CompletableFuture<ReserveResponse> fresh = batcher.reserve(tap("fresh"));

    release.countDown();
    assertThat(fresh.get(10, TimeUnit.SECONDS).getClientOrderId()).isEqualTo("fresh");
    assertThat(first).isCompletedExceptionally();
    // The buyers of the late taps were told to retry: live-core decides only the fresh one.
    waitFor(() -> received.size() == 2);
    assertThat(received.get(1).getRequestsList()).extracting(ReserveRequest::getClientOrderId)
        .containsExactly("fresh");
  }

  @Test
  void answersInParts_eachTapGetsTheAnswerAtItsPosition() throws Exception {
    ReserveBatcher batcher = start(50, 1, Duration.ofSeconds(10));
    partsOf = 2;
    release = new CountDownLatch(1);
    CompletableFuture<ReserveResponse> first = batcher.reserve(tap("first"));
    List<CompletableFuture<ReserveResponse>> answers = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      answers.add(batcher.reserve(tap("c" + i)));
    }
    release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).getClientOrderId()).isEqualTo("first");
    for (int i = 0; i < answers.size(); i++) {
      assertThat(answers.get(i).get(10, TimeUnit.SECONDS).getClientOrderId()).isEqualTo("c" + i);
    }
    assertThat(received).hasSize(2);
  }

  @Test
  void batchDecided_freesItsSlot_tapsDoNotWaitForAnotherBatchsOrderWrites() throws Exception {
    ReserveBatcher batcher = start(50, 1, Duration.ofSeconds(10));
    firstWaitsForStore = true;
    release = new CountDownLatch(1);
    CompletableFuture<ReserveResponse> granted = batcher.reserve(tap("first"));
    waitFor(() -> received.size() == 1);
    assertThat(received.get(0).getReportDecided()).isTrue();

    // The only slot's batch is decided though its order is still being written: the next
    // taps leave and are answered.
    CompletableFuture<ReserveResponse> second = batcher.reserve(tap("second"));
    CompletableFuture<ReserveResponse> third = batcher.reserve(tap("third"));
    waitFor(() -> received.size() >= 2);
    assertThat(granted).isNotDone();

    release.countDown();
    assertThat(granted.get(10, TimeUnit.SECONDS).getResult()).isEqualTo(ReserveResult.RESERVE_RESULT_RESERVED);
    assertThat(second.get(10, TimeUnit.SECONDS).getClientOrderId()).isEqualTo("second");
    assertThat(third.get(10, TimeUnit.SECONDS).getClientOrderId()).isEqualTo("third");
  }

  @Test
  void streamFails_outstandingTapsFailUnavailable_nextTapUsesANewStream() throws Exception {
    ReserveBatcher batcher = start(50, 2, Duration.ofSeconds(10));
    release = new CountDownLatch(1);
    CompletableFuture<ReserveResponse> lost = batcher.reserve(tap("lost"));
    waitFor(() -> streams.size() == 1 && received.size() == 1);
    streams.get(0).onError(Status.UNAVAILABLE.withDescription("core restarting").asRuntimeException());
    assertThatThrownBy(() -> lost.join()).isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(StatusRuntimeException.class).hasMessageContaining("UNAVAILABLE");
    release.countDown();
    assertThat(batcher.reserve(tap("again")).get(10, TimeUnit.SECONDS).getClientOrderId()).isEqualTo("again");
    assertThat(streams).hasSize(2);
  }

  @Test
  void shardDown_everyTapFailsUnavailableAtOnce_thenTapsGoThroughWhenItIsBack() throws Exception {
    String name = InProcessServerBuilder.generateName();
    channel = InProcessChannelBuilder.forName(name).build();
    ReserveBatcher batcher = new ReserveBatcher(channel, 50, 2, Duration.ofSeconds(30));
    // No server under that name: streams fail while opening, some from inside the opening call.
    for (int i = 0; i < 5; i++) {
      CompletableFuture<ReserveResponse> refused = batcher.reserve(tap("down-" + i));
      assertThatThrownBy(() -> refused.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(StatusRuntimeException.class)
          .hasMessageContaining("UNAVAILABLE");
    }

    serve(name);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    ReserveResponse answer = null;
    while (answer == null && System.nanoTime() < deadline) {
      try {
        answer = batcher.reserve(tap("back")).get(5, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        assertThat(e).hasMessageContaining("UNAVAILABLE");
        Thread.sleep(100);
      }
    }
    assertThat(answer).isNotNull();
    assertThat(answer.getClientOrderId()).isEqualTo("back");
  }

  @Test
  void noAnswerInTime_isDeadlineExceeded() throws Exception {
    ReserveBatcher batcher = start(50, 2, Duration.ofMillis(200));
    release = new CountDownLatch(1);
    assertThatThrownBy(() -> batcher.reserve(tap("slow")).join())
        .hasCauseInstanceOf(StatusRuntimeException.class).hasMessageContaining("DEADLINE_EXCEEDED");
    release.countDown();
  }

  private static ReserveResponse answer(ReserveRequest r) {
    return ReserveResponse.newBuilder().setResult(ReserveResult.RESERVE_RESULT_SOLD_OUT)
        .setClientOrderId(r.getClientOrderId()).build();
  }

  private static ReserveRequest tap(String clientOrderId) {
    return ReserveRequest.newBuilder().setSaleId("s").setViewerId("v").setQuantity(1)
        .setClientOrderId(clientOrderId).build();
  }
}
