package dev.liveshop.core.grpc;

import dev.liveshop.core.catalog.Catalog;
import dev.liveshop.core.catalog.InvalidRequestException;
import dev.liveshop.core.catalog.OwnedSale;
import dev.liveshop.core.catalog.SaleRequest;
import dev.liveshop.core.inventory.BundleItem;
import dev.liveshop.core.inventory.InventoryEngine;
import dev.liveshop.core.inventory.SaleChange;
import dev.liveshop.core.inventory.SaleChangeResult;
import dev.liveshop.core.shard.SaleOwnership;
import dev.liveshop.proto.v1.AdoptSaleRequest;
import dev.liveshop.proto.v1.CreateSaleRequest;
import dev.liveshop.proto.v1.FlashSale;
import dev.liveshop.proto.v1.HandOverSaleRequest;
import dev.liveshop.proto.v1.InventoryServiceGrpc;
import dev.liveshop.proto.v1.ReserveBatch;
import dev.liveshop.proto.v1.ReserveBatchResult;
import dev.liveshop.proto.v1.ReserveBundleRequest;
import dev.liveshop.proto.v1.ReserveBundleResponse;
import dev.liveshop.proto.v1.ReserveRequest;
import dev.liveshop.proto.v1.ReserveResponse;
import dev.liveshop.proto.v1.SaleStatus;
import dev.liveshop.proto.v1.StockUpdate;
import dev.liveshop.proto.v1.UpdateSaleRequest;
import dev.liveshop.proto.v1.WatchStockRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;

/**
 * gRPC face of the inventory: translation only. Reserve never blocks its calling thread:
 * the answer is sent when the engine's future completes (on a shard or driver thread).
 */
public final class InventoryGrpcService extends InventoryServiceGrpc.InventoryServiceImplBase {

  private final InventoryEngine engine;
  private final Catalog catalog;
  private final SaleOwnership ownership;
  /** Reservation streams that may be open, for {@link #endStreams}; guarded by itself. */
  private final List<ConcurrentReplies<?, ?>> reserveStreams = new ArrayList<>();
  /** Guarded by {@code reserveStreams}. */
  private boolean ending;

  public InventoryGrpcService(InventoryEngine engine, Catalog catalog, SaleOwnership ownership) {
    this.engine = engine;
    this.catalog = catalog;
    this.ownership = ownership;
  }

  @Override
  public void createSale(CreateSaleRequest r, StreamObserver<FlashSale> observer) {
    GrpcErrors.answer(observer, () -> {
      OwnedSale owned = ownership.launch(new SaleRequest(r.getStreamId(), r.getProductId(), r.getPriceCents(),
          r.getQuantity(), r.getPerViewerLimit(), r.getCountdownMs(), r.getDurationMs(), r.getHoldTtlMs(),
          r.getLaunchKey()));
      return ProtoMapper.sale(owned.sale(), owned.ownerShard());
    });
  }

  @Override
  public void reserve(ReserveRequest r, StreamObserver<ReserveResponse> observer) {
    engine.reserve(ProtoMapper.command(r))
        .whenComplete((answer, failure) -> {
          if (failure != null) {
            observer.onError(GrpcErrors.toStatus(failure));
          } else {
            observer.onNext(ProtoMapper.reserve(answer));
            observer.onCompleted();
          }
        });
  }

  @Override
  public StreamObserver<ReserveRequest> reserveStream(StreamObserver<ReserveResponse> responses) {
    return opened(new ReserveStreamCall(engine, responses));
  }

  @Override
  public StreamObserver<ReserveBatch> reserveBatches(StreamObserver<ReserveBatchResult> results) {
    return opened(new ReserveBatchesCall(engine, results));
  }

  /** Remembers a reservation stream for {@link #endStreams} (one opened after it is drained at once). */
  private <T extends ConcurrentReplies<?, ?>> T opened(T call) {
    boolean drainNow;
    synchronized (reserveStreams) {
      // A gateway opens one such stream per shard and another only when one fails: few, so
      // forgetting the ended ones here, on the next opening, is enough.
      reserveStreams.removeIf(ConcurrentReplies::isClosed);
      reserveStreams.add(call);
      drainNow = ending;
    }
    if (drainNow) {
      call.drain(GrpcErrors.shuttingDown());
    }
    return call;
  }

  /**
   * At shutdown: the streams gateways keep open for as long as they run end with
   * UNAVAILABLE, so that gateways go elsewhere and the server can terminate. Reservation
   * streams first answer every reservation they took (granted ones once durable); stock
   * watches end at once. Unary calls are not touched.
   */
  public void endStreams() {
    List<ConcurrentReplies<?, ?>> open;
    synchronized (reserveStreams) {
      ending = true;
      open = List.copyOf(reserveStreams);
      reserveStreams.clear();
    }
    open.forEach(call -> call.drain(GrpcErrors.shuttingDown()));
    engine.endWatches();
  }

  @Override
  public void reserveBundle(ReserveBundleRequest r, StreamObserver<ReserveBundleResponse> observer) {
    List<BundleItem> items = r.getItemsList().stream()
        .map(i -> new BundleItem(i.getSaleId(), i.getQuantity())).toList();
    engine.reserveBundle(r.getViewerId(), r.getClientOrderId(), items).whenComplete((answer, failure) -> {
      if (failure != null) {
        observer.onError(GrpcErrors.toStatus(failure));
        return;
      }
      ReserveBundleResponse.Builder b = ReserveBundleResponse.newBuilder()
          .setResult(ProtoMapper.result(answer.result()))
          .setRefusedSaleId(answer.refusedSaleId());
      answer.items().forEach(item -> b.addItems(ProtoMapper.reserve(item)));
      observer.onNext(b.build());
      observer.onCompleted();
    });
  }

  @Override
  public void updateSale(UpdateSaleRequest r, StreamObserver<SaleStatus> observer) {
    GrpcErrors.answer(observer, () -> {
      SaleChange.Action action = switch (r.getAction()) {
        case SALE_ACTION_PAUSE -> SaleChange.Action.PAUSE;
        case SALE_ACTION_RESUME -> SaleChange.Action.RESUME;
        case SALE_ACTION_STOP -> SaleChange.Action.STOP;
        case SALE_ACTION_RESTOCK -> SaleChange.Action.RESTOCK;
        default -> throw new InvalidRequestException("action must be one of PAUSE, RESUME, STOP, RESTOCK");
      };
      SaleChangeResult result = catalog.updateSale(r.getSaleId(), new SaleChange(action, r.getQuantity()));
      return SaleStatus.newBuilder().setSale(ProtoMapper.sale(result.sale(), ownership.shard()))
          .setStock(ProtoMapper.stock(result.stock())).build();
    });
  }

  @Override
  public void handOverSale(HandOverSaleRequest r, StreamObserver<SaleStatus> observer) {
    GrpcErrors.answer(observer, () -> {
      if (r.getSaleId().isEmpty() || r.getToShard().isEmpty()) {
        throw new InvalidRequestException("sale_id and to_shard are required");
      }
      return ownership.handOver(r.getSaleId(), r.getToShard());
    });
  }

  @Override
  public void adoptSale(AdoptSaleRequest r, StreamObserver<SaleStatus> observer) {
    GrpcErrors.answer(observer, () -> {
      OwnedSale owned = ownership.adopt(r.getSaleId());
      return SaleStatus.newBuilder().setSale(ProtoMapper.sale(owned.sale(), owned.ownerShard()))
          .setStock(ProtoMapper.stock(engine.snapshot(r.getSaleId()).join().orElseThrow())).build();
    });
  }

  @Override
  public void watchStock(WatchStockRequest r, StreamObserver<StockUpdate> observer) {
    ServerCallStreamObserver<StockUpdate> call = (ServerCallStreamObserver<StockUpdate>) observer;
    // Without a handler, onNext after the client left throws; the watcher checks isCancelled instead.
    call.setOnCancelHandler(() -> { });
    engine.watch(r.getSaleId(), new GrpcStockWatcher(call),
        () -> call.onError(Status.NOT_FOUND.withDescription("no open sale '" + r.getSaleId() + "'")
            .asRuntimeException()));
  }
}
