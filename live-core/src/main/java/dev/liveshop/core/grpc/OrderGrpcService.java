package dev.liveshop.core.grpc;

import dev.liveshop.core.catalog.InvalidRequestException;
import dev.liveshop.core.catalog.NotFoundException;
import dev.liveshop.core.store.OrderStore;
import dev.liveshop.proto.v1.GetOrderRequest;
import dev.liveshop.proto.v1.ListOrdersResponse;
import dev.liveshop.proto.v1.ListStreamOrdersRequest;
import dev.liveshop.proto.v1.Order;
import dev.liveshop.proto.v1.OrderServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.util.UUID;

/** gRPC face of the order store's reads; runs on gRPC executor threads. */
public final class OrderGrpcService extends OrderServiceGrpc.OrderServiceImplBase {

  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;

  private final OrderStore orders;

  public OrderGrpcService(OrderStore orders) {
    this.orders = orders;
  }

  @Override
  public void getOrder(GetOrderRequest r, StreamObserver<Order> observer) {
    GrpcErrors.answer(observer, () -> orders.find(parseOrderId(r.getOrderId()))
        .map(ProtoMapper::order)
        .orElseThrow(() -> new NotFoundException("no order '" + r.getOrderId() + "'")));
  }

  @Override
  public void listStreamOrders(ListStreamOrdersRequest r, StreamObserver<ListOrdersResponse> observer) {
    GrpcErrors.answer(observer, () -> {
      if (r.getLimit() < 0 || r.getLimit() > MAX_LIMIT) {
        throw new InvalidRequestException("limit must be 0.." + MAX_LIMIT + " (0 means " + DEFAULT_LIMIT + ")");
      }
      ListOrdersResponse.Builder b = ListOrdersResponse.newBuilder();
      orders.newestOfStream(r.getStreamId(), r.getLimit() == 0 ? DEFAULT_LIMIT : r.getLimit())
          .forEach(o -> b.addOrders(ProtoMapper.order(o)));
      return b.build();
    });
  }

  private static UUID parseOrderId(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("order_id '" + id + "' is not an order id (a UUID)");
    }
  }
}
