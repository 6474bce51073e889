package dev.liveshop.core.grpc;

import dev.liveshop.core.catalog.Catalog;
import dev.liveshop.core.catalog.LineupProduct;
import dev.liveshop.core.catalog.OwnedSale;
import dev.liveshop.core.catalog.StreamView;
import dev.liveshop.core.inventory.FlashSale;
import dev.liveshop.core.inventory.InventoryEngine;
import dev.liveshop.core.shard.ShardPeers;
import dev.liveshop.proto.v1.AddProductRequest;
import dev.liveshop.proto.v1.CatalogServiceGrpc;
import dev.liveshop.proto.v1.CreateStreamRequest;
import dev.liveshop.proto.v1.GetStreamRequest;
import dev.liveshop.proto.v1.InventoryServiceGrpc;
import dev.liveshop.proto.v1.Lineup;
import dev.liveshop.proto.v1.ListStreamsRequest;
import dev.liveshop.proto.v1.ListStreamsResponse;
import dev.liveshop.proto.v1.PinProductRequest;
import dev.liveshop.proto.v1.Product;
import dev.liveshop.proto.v1.RemoveProductRequest;
import dev.liveshop.proto.v1.ReorderLineupRequest;
import dev.liveshop.proto.v1.SaleState;
import dev.liveshop.proto.v1.SaleStatus;
import dev.liveshop.proto.v1.StockUpdate;
import dev.liveshop.proto.v1.Stream;
import dev.liveshop.proto.v1.StreamSnapshot;
import dev.liveshop.proto.v1.WatchStockRequest;
import io.grpc.ConnectivityState;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** gRPC face of the catalogue: translation only; runs on gRPC executor threads. */
public final class CatalogGrpcService extends CatalogServiceGrpc.CatalogServiceImplBase {

  private final Catalog catalog;
  private final InventoryEngine engine;

  private static final Logger log = LoggerFactory.getLogger(CatalogGrpcService.class);
  private static final long PEER_STOCK_TIMEOUT_MS = 2000;

  private final String shard;
  private final Clock clock;
  private final ShardPeers peers;

  public CatalogGrpcService(Catalog catalog, InventoryEngine engine, Clock clock, ShardPeers peers) {
    this.catalog = catalog;
    this.engine = engine;
    this.shard = catalog.shardName();
    this.clock = clock;
    this.peers = peers;
  }

  @Override
  public void createStream(CreateStreamRequest r, StreamObserver<Stream> observer) {
    GrpcErrors.answer(observer, () -> ProtoMapper.stream(
        catalog.createStream(r.getStreamId(), r.getTitle(), r.getHostId(), r.getHlsUrl())));
  }

  @Override
  public void getStream(GetStreamRequest r, StreamObserver<StreamSnapshot> observer) {
    GrpcErrors.answer(observer, () -> snapshot(catalog.getStream(r.getStreamId())));
  }

  @Override
  public void listStreams(ListStreamsRequest r, StreamObserver<ListStreamsResponse> observer) {
    GrpcErrors.answer(observer, () -> {
      ListStreamsResponse.Builder b = ListStreamsResponse.newBuilder();
      catalog.listStreams().forEach(s -> b.addStreams(ProtoMapper.stream(s)));
      return b.build();
    });
  }

  @Override
  public void addProduct(AddProductRequest r, StreamObserver<Product> observer) {
    GrpcErrors.answer(observer, () -> ProtoMapper.product(
        catalog.addProduct(r.getStreamId(), r.getName(), r.getImageUrl(), r.getPriceCents())));
  }

  @Override
  public void pinProduct(PinProductRequest r, StreamObserver<Stream> observer) {
    GrpcErrors.answer(observer, () -> ProtoMapper.stream(catalog.pin(r.getStreamId(), r.getProductId())));
  }

  @Override
  public void removeProduct(RemoveProductRequest r, StreamObserver<Lineup> observer) {
    GrpcErrors.answer(observer, () -> lineup(r.getStreamId(), catalog.removeProduct(r.getStreamId(),
        r.getProductId())));
  }

  @Override
  public void reorderLineup(ReorderLineupRequest r, StreamObserver<Lineup> observer) {
    GrpcErrors.answer(observer, () -> lineup(r.getStreamId(), catalog.reorderLineup(r.getStreamId(),
        r.getProductIdsList())));
  }

  private static Lineup lineup(String streamId, List<LineupProduct> products) {
    Lineup.Builder b = Lineup.newBuilder().setStreamId(streamId);
    products.forEach(p -> b.addProducts(ProtoMapper.product(p)));
    return b.build();
  }

  private StreamSnapshot snapshot(StreamView view) {
    StreamSnapshot.Builder b = StreamSnapshot.newBuilder().setStream(ProtoMapper.stream(view.stream()));
    view.products().forEach(p -> b.addProducts(ProtoMapper.product(p)));
    for (OwnedSale owned : view.sales()) {
      FlashSale sale = owned.sale();
      StockUpdate stock = engine.snapshot(sale.saleId()).join()
          .map(ProtoMapper::stock)
          .orElseGet(() -> owned.ownerShard().equals(shard) || owned.ownerShard().isEmpty()
              ? notInMemory(sale, false)
              : ownersStock(owned).orElseGet(() -> notInMemory(sale, true)));
      b.addSales(SaleStatus.newBuilder().setSale(ProtoMapper.sale(sale, owned.ownerShard())).setStock(stock));
    }
    return b.build();
  }

  /**
   * The current stock of a sale another shard holds, asked of that shard (the first value
   * of a WatchStock call, which is the current one); empty if it does not answer in time.
   */
  private Optional<StockUpdate> ownersStock(OwnedSale owned) {
    // A shard known to be down is not asked: every GetStream would wait out the deadline.
    if (!peers.knows(owned.ownerShard())
        || peers.channel(owned.ownerShard()).getState(true) == ConnectivityState.TRANSIENT_FAILURE) {
      return Optional.empty();
    }
    try (Context.CancellableContext call = Context.current().withCancellation()) {
      return call.call(() -> {
        Iterator<StockUpdate> updates = InventoryServiceGrpc.newBlockingStub(peers.channel(owned.ownerShard()))
            .withDeadlineAfter(PEER_STOCK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
            .watchStock(WatchStockRequest.newBuilder().setSaleId(owned.sale().saleId()).build());
        return updates.hasNext() ? Optional.of(updates.next()) : Optional.<StockUpdate>empty();
      });
    } catch (Exception e) {
      log.warn("stock of sale {} not available from its owner {} ({}); answering its schedule only",
          owned.sale().saleId(), owned.ownerShard(), e.toString());
      return Optional.empty();
    }
  }

  /**
   * A sale this process does not hold: another shard's that did not answer (its state from
   * the schedule, its stock a placeholder with sequence 0 that the owner's first stock
   * update replaces), or one of ours that had ended before this process started.
   */
  private StockUpdate notInMemory(FlashSale sale, boolean elsewhere) {
    SaleState state = elsewhere
        ? SaleState.valueOf("SALE_STATE_" + sale.stateAt(clock.millis()).name())
        : SaleState.SALE_STATE_ENDED;
    return StockUpdate.newBuilder()
        .setSaleId(sale.saleId())
        .setStreamId(sale.streamId())
        .setState(state)
        .setQuantity(sale.quantity())
        .setAvailable(elsewhere ? sale.quantity() : 0)
        .setStartsAtMs(sale.startsAtMs())
        .setEndsAtMs(sale.endsAtMs())
        .build();
  }
}
