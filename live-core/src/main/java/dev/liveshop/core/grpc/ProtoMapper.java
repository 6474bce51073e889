package dev.liveshop.core.grpc;

import dev.liveshop.core.catalog.LineupProduct;
import dev.liveshop.core.catalog.LiveStream;
import dev.liveshop.core.inventory.FlashSale;
import dev.liveshop.core.inventory.Hold;
import dev.liveshop.core.inventory.ReserveAnswer;
import dev.liveshop.core.inventory.ReserveCommand;
import dev.liveshop.core.inventory.StockSnapshot;
import dev.liveshop.core.store.Order;
import dev.liveshop.proto.v1.OrderStatus;
import dev.liveshop.proto.v1.Product;
import dev.liveshop.proto.v1.ReserveRequest;
import dev.liveshop.proto.v1.ReserveResponse;
import dev.liveshop.proto.v1.ReserveResult;
import dev.liveshop.proto.v1.SaleState;
import dev.liveshop.proto.v1.StockUpdate;
import dev.liveshop.proto.v1.Stream;

/** Domain values to protocol messages. Pure functions; no state. */
final class ProtoMapper {

  private ProtoMapper() {}

  static Stream stream(LiveStream s) {
    return Stream.newBuilder()
        .setStreamId(s.streamId())
        .setTitle(s.title())
        .setHostId(s.hostId())
        .setPinnedProductId(s.pinnedProductId())
        .setHlsUrl(s.hlsUrl())
        .setCreatedAtMs(s.createdAtMs())
        .build();
  }

  static Product product(LineupProduct p) {
    return Product.newBuilder()
        .setStreamId(p.streamId())
        .setProductId(p.productId())
        .setName(p.name())
        .setImageUrl(p.imageUrl())
        .setPriceCents(p.priceCents())
        .setPosition(p.position())
        .build();
  }

  static dev.liveshop.proto.v1.FlashSale sale(FlashSale s, String ownerShard) {
    return dev.liveshop.proto.v1.FlashSale.newBuilder()
        .setOwnerShard(ownerShard)
        .setSaleId(s.saleId())
        .setStreamId(s.streamId())
        .setProductId(s.productId())
        .setPriceCents(s.priceCents())
        .setQuantity(s.quantity())
        .setPerViewerLimit(s.perViewerLimit())
        .setStartsAtMs(s.startsAtMs())
        .setEndsAtMs(s.endsAtMs())
        .setHoldTtlMs(s.holdTtlMillis())
        .build();
  }

  static StockUpdate stock(StockSnapshot s) {
    return StockUpdate.newBuilder()
        .setSaleId(s.saleId())
        .setStreamId(s.streamId())
        .setSequence(s.sequence())
        .setState(state(s.state()))
        .setQuantity(s.quantity())
        .setAvailable(s.available())
        .setHeld(s.held())
        .setSold(s.sold())
        .setStartsAtMs(s.startsAtMs())
        .setEndsAtMs(s.endsAtMs())
        .build();
  }

  static ReserveResult result(dev.liveshop.core.inventory.ReserveResult result) {
    return ReserveResult.valueOf("RESERVE_RESULT_" + result.name());
  }

  static ReserveCommand command(ReserveRequest r) {
    return new ReserveCommand(r.getSaleId(), r.getViewerId(), r.getQuantity(), r.getClientOrderId());
  }

  static ReserveResponse reserve(ReserveAnswer a) {
    ReserveResponse.Builder b = ReserveResponse.newBuilder()
        .setResult(result(a.result()))
        .setSaleId(a.saleId())
        .setClientOrderId(a.clientOrderId())
        .setQuantity(a.quantity());
    if (a.orderId() != null) {
      b.setOrderId(a.orderId().toString()).setHoldExpiresAtMs(a.holdExpiresAtMs());
    }
    return b.build();
  }

  static dev.liveshop.proto.v1.Order order(Order o) {
    Hold h = o.hold();
    return dev.liveshop.proto.v1.Order.newBuilder()
        .setOrderId(h.orderId().toString())
        .setSaleId(h.saleId())
        .setStreamId(h.streamId())
        .setProductId(h.productId())
        .setViewerId(h.viewerId())
        .setClientOrderId(h.clientOrderId())
        .setQuantity(h.quantity())
        .setPriceCents(h.priceCents())
        .setStatus(OrderStatus.valueOf("ORDER_STATUS_" + o.status().name()))
        .setCreatedAtMs(h.createdAtMs())
        .setHoldExpiresAtMs(h.expiresAtMs())
        .setFulfillment(o.fulfillment())
        .build();
  }

  static SaleState state(dev.liveshop.core.inventory.SaleState state) {
    return switch (state) {
      case SCHEDULED -> SaleState.SALE_STATE_SCHEDULED;
      case LIVE -> SaleState.SALE_STATE_LIVE;
      case PAUSED -> SaleState.SALE_STATE_PAUSED;
      case ENDED -> SaleState.SALE_STATE_ENDED;
    };
  }
}
