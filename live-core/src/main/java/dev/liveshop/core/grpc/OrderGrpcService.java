package dev.liveshop.core.grpc;

import com.google.common.util.concurrent.ListenableFuture;
import dev.liveshop.core.catalog.InvalidRequestException;
import dev.liveshop.core.catalog.NotFoundException;
import dev.liveshop.core.inventory.InventoryEngine;
import dev.liveshop.core.inventory.OrderChange;
import dev.liveshop.core.order.OrderStatus;
import dev.liveshop.core.shard.SaleOwnership;
import dev.liveshop.core.shard.ShardPeers;
import dev.liveshop.core.store.OrderStore;
import dev.liveshop.proto.v1.CancelOrderRequest;
import dev.liveshop.proto.v1.FulfillOrderRequest;
import dev.liveshop.proto.v1.GetOrderRequest;
import dev.liveshop.proto.v1.ListOrdersResponse;
import dev.liveshop.proto.v1.ListStreamOrdersRequest;
import dev.liveshop.proto.v1.ListViewerOrdersRequest;
import dev.liveshop.proto.v1.Order;
import dev.liveshop.proto.v1.OrderChangeResponse;
import dev.liveshop.proto.v1.OrderChangeResult;
import dev.liveshop.proto.v1.OrderServiceGrpc;
import dev.liveshop.proto.v1.SettlePaymentRequest;
import dev.liveshop.proto.v1.StartPaymentRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * gRPC face of orders: reads from the store, and payment and cancellation, which the
 * owning sale's shard applies. Runs on gRPC executor threads; changes answer from the
 * store's threads once the new status is durable.
 */
public final class OrderGrpcService extends OrderServiceGrpc.OrderServiceImplBase {

  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;
  private static final int DEFAULT_PAGE = 20;
  private static final int MAX_PAGE = 100;
  private static final long FORWARD_DEADLINE_SECONDS = 10;

  private final OrderStore orders;
  private final InventoryEngine engine;
  private final SaleOwnership ownership;
  private final ShardPeers peers;

  public OrderGrpcService(OrderStore orders, InventoryEngine engine, SaleOwnership ownership, ShardPeers peers) {
    this.orders = orders;
    this.engine = engine;
    this.ownership = ownership;
    this.peers = peers;
  }

  @Override
  public void listViewerOrders(ListViewerOrdersRequest r, StreamObserver<ListOrdersResponse> observer) {
    GrpcErrors.answer(observer, () -> {
      if (r.getViewerId().isEmpty()) {
        throw new InvalidRequestException("viewer_id is required");
      }
      if (r.getPageSize() < 0 || r.getPageSize() > MAX_PAGE) {
        throw new InvalidRequestException("page_size must be 0.." + MAX_PAGE + " (0 means " + DEFAULT_PAGE + ")");
      }
      ByteBuffer state;
      try {
        state = r.getPageToken().isEmpty() ? null : ByteBuffer.wrap(Base64.getUrlDecoder().decode(r.getPageToken()));
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException("page_token is not a token this service gave out");
      }
      OrderStore.Page page;
      try {
        page = orders.viewerOrders(r.getViewerId(), r.getPageSize() == 0 ? DEFAULT_PAGE : r.getPageSize(), state);
      } catch (com.datastax.oss.driver.api.core.DriverException e) {
        if (state != null) {
          throw new InvalidRequestException("page_token is not a token this service gave out");
        }
        throw e;
      }
      ListOrdersResponse.Builder b = ListOrdersResponse.newBuilder();
      page.orders().forEach(o -> b.addOrders(ProtoMapper.order(o)));
      if (page.nextPagingState() != null) {
        ByteBuffer next = page.nextPagingState().duplicate();
        byte[] bytes = new byte[next.remaining()];
        next.get(bytes);
        b.setNextPageToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
      }
      return b.build();
    });
  }

  @Override
  public void fulfillOrder(FulfillOrderRequest r, StreamObserver<dev.liveshop.proto.v1.Order> observer) {
    GrpcErrors.answer(observer, () -> {
      String fulfillment = switch (r.getMethodCase()) {
        case SHIPMENT -> {
          requireText("shipment.carrier", r.getShipment().getCarrier(), 100);
          requireText("shipment.tracking_number", r.getShipment().getTrackingNumber(), 100);
          yield "shipped: " + r.getShipment().getCarrier() + ", " + r.getShipment().getTrackingNumber();
        }
        case PICKUP -> {
          requireText("pickup.store", r.getPickup().getStore(), 200);
          yield "pickup: " + r.getPickup().getStore();
        }
        case METHOD_NOT_SET -> throw new InvalidRequestException("shipment or pickup is required");
      };
      dev.liveshop.core.store.Order order = orders.find(parseOrderId(r.getOrderId()))
          .orElseThrow(() -> new NotFoundException("no order '" + r.getOrderId() + "'"));
      boolean repeat = order.status() == OrderStatus.FULFILLED && order.fulfillment().equals(fulfillment);
      if (order.status() != OrderStatus.PAID && !repeat) {
        throw Status.FAILED_PRECONDITION.withDescription("order " + r.getOrderId() + " is " + order.status()
            + "; only a PAID order can be fulfilled").asRuntimeException();
      }
      orders.fulfil(order, fulfillment);
      return ProtoMapper.order(orders.find(order.hold().orderId()).orElseThrow());
    });
  }

  private static void requireText(String field, String value, int max) {
    if (value.isBlank() || value.length() > max) {
      throw new InvalidRequestException(field + " must be 1.." + max + " characters");
    }
  }

  @Override
  public void startPayment(StartPaymentRequest r, StreamObserver<OrderChangeResponse> observer) {
    change(r.getOrderId(), observer, o -> engine.startPayment(o.hold().saleId(), o.hold().orderId(), r.getViewerId()),
        peer -> peer.startPayment(r));
  }

  @Override
  public void settlePayment(SettlePaymentRequest r, StreamObserver<OrderChangeResponse> observer) {
    change(r.getOrderId(), observer, o -> engine.settlePayment(o.hold().saleId(), o.hold().orderId(), r.getPaid()),
        peer -> peer.settlePayment(r));
  }

  @Override
  public void cancelOrder(CancelOrderRequest r, StreamObserver<OrderChangeResponse> observer) {
    change(r.getOrderId(), observer, o -> engine.cancel(o.hold().saleId(), o.hold().orderId(), r.getViewerId()),
        peer -> peer.cancelOrder(r));
  }

  /**
   * Finds the order (for its sale), hands the change to the sale's shard, answers when
   * durable. A sale another live-core holds gets the call forwarded to its owner.
   */
  private void change(String orderId, StreamObserver<OrderChangeResponse> observer,
      Function<dev.liveshop.core.store.Order, CompletableFuture<OrderChange>> change,
      Function<OrderServiceGrpc.OrderServiceFutureStub, ListenableFuture<OrderChangeResponse>> forward) {
    dev.liveshop.core.store.Order order;
    String owner;
    try {
      order = orders.find(parseOrderId(orderId))
          .orElseThrow(() -> new NotFoundException("no order '" + orderId + "'"));
      owner = engine.holds(order.hold().saleId()) ? ownership.shard() : ownership.ownerOf(order.hold().saleId());
    } catch (RuntimeException e) {
      observer.onError(GrpcErrors.toStatus(e));
      return;
    }
    if (!owner.equals(ownership.shard()) && peers.knows(owner)) {
      ListenableFuture<OrderChangeResponse> forwarded = forward.apply(OrderServiceGrpc.newFutureStub(
          peers.channel(owner)).withDeadlineAfter(FORWARD_DEADLINE_SECONDS, TimeUnit.SECONDS));
      forwarded.addListener(() -> {
        try {
          observer.onNext(forwarded.get());
          observer.onCompleted();
        } catch (ExecutionException e) {
          observer.onError(GrpcErrors.toStatus(e.getCause()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          observer.onError(Status.CANCELLED.asRuntimeException());
        }
      }, Runnable::run);
      return;
    }
    change.apply(order).whenComplete((result, failure) -> {
      if (failure != null) {
        observer.onError(GrpcErrors.toStatus(failure));
        return;
      }
      if (result.outcome() == OrderChange.Outcome.MOVED) {
        // Mid hand-over: the retry finds the new owner (and is forwarded there).
        observer.onError(Status.UNAVAILABLE.withDescription("the order's sale is moving to another live-core "
            + "shard; send the same request again in a moment").asRuntimeException());
        return;
      }
      if (result.outcome() == OrderChange.Outcome.CHANGE_IN_FLIGHT) {
        observer.onError(Status.UNAVAILABLE.withDescription("the order is being given up and that is being "
            + "stored; send the same request again in a moment").asRuntimeException());
        return;
      }
      OrderStatus status = result.status() != null ? result.status() : order.status();
      observer.onNext(OrderChangeResponse.newBuilder()
          .setResult(OrderChangeResult.valueOf("ORDER_CHANGE_RESULT_" + result.outcome().name()))
          .setOrderId(orderId)
          .setStatus(dev.liveshop.proto.v1.OrderStatus.valueOf("ORDER_STATUS_" + status.name()))
          .build());
      observer.onCompleted();
    });
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
