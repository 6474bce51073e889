package dev.liveshop.core.grpc;

import dev.liveshop.core.catalog.Catalog;
import dev.liveshop.core.catalog.OwnedSale;
import dev.liveshop.core.catalog.LineupProduct;
import dev.liveshop.core.catalog.StreamView;
import dev.liveshop.core.inventory.FlashSale;
import dev.liveshop.core.inventory.InventoryEngine;
import dev.liveshop.proto.v1.AddProductRequest;
import dev.liveshop.proto.v1.CatalogServiceGrpc;
import dev.liveshop.proto.v1.CreateStreamRequest;
import dev.liveshop.proto.v1.GetStreamRequest;
import dev.liveshop.proto.v1.Lineup;
import dev.liveshop.proto.v1.ListStreamsRequest;
import dev.liveshop.proto.v1.ListStreamsResponse;
import dev.liveshop.proto.v1.PinProductRequest;
import dev.liveshop.proto.v1.Product;
import dev.liveshop.proto.v1.RemoveProductRequest;
import dev.liveshop.proto.v1.ReorderLineupRequest;
import dev.liveshop.proto.v1.SaleStatus;
import dev.liveshop.proto.v1.SaleState;
import dev.liveshop.proto.v1.Stream;
import dev.liveshop.proto.v1.StockUpdate;
import dev.liveshop.proto.v1.StreamSnapshot;
import io.grpc.stub.StreamObserver;

/** gRPC face of the catalogue: translation only; runs on gRPC executor threads. */
public final class CatalogGrpcService extends CatalogServiceGrpc.CatalogServiceImplBase {

  private final Catalog catalog;
  private final InventoryEngine engine;

  private final String shard;
  private final java.time.Clock clock;

  public CatalogGrpcService(Catalog catalog, InventoryEngine engine, java.time.Clock clock) {
    this.catalog = catalog;
    this.engine = engine;
    this.shard = catalog.shardName();
    this.clock = clock;
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

  private static Lineup lineup(String streamId, java.util.List<LineupProduct> products) {
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
          .orElseGet(() -> notInMemory(sale, !owned.ownerShard().equals(shard)));
      b.addSales(SaleStatus.newBuilder().setSale(ProtoMapper.sale(sale, owned.ownerShard())).setStock(stock));
    }
    return b.build();
  }

  /**
   * A sale this process does not hold: another shard's (its state from the schedule, its
   * stock a placeholder with sequence 0 that the owner's first stock update replaces), or
   * one of ours that had ended before this process started.
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
