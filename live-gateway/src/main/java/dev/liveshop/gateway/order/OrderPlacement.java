package dev.liveshop.gateway.order;

import com.google.common.util.concurrent.ListenableFuture;
import dev.liveshop.gateway.core.CoreClient;
import dev.liveshop.gateway.core.CoreShards;
import dev.liveshop.gateway.metrics.GatewayMetrics;
import dev.liveshop.gateway.protocol.FrameCodec;
import dev.liveshop.logging.WarningThrottle;
import dev.liveshop.proto.v1.Buy;
import dev.liveshop.proto.v1.CancelOrderRequest;
import dev.liveshop.proto.v1.ErrorCode;
import dev.liveshop.proto.v1.OrderAck;
import dev.liveshop.proto.v1.OrderChangeResponse;
import dev.liveshop.proto.v1.OrderUpdate;
import dev.liveshop.proto.v1.ReserveRequest;
import dev.liveshop.proto.v1.ReserveResponse;
import dev.liveshop.proto.v1.ReserveResult;
import dev.liveshop.proto.v1.ServerFrame;
import dev.liveshop.proto.v1.StartPaymentRequest;
import io.grpc.Status;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A viewer's Buy becomes a reservation (batched with other taps, {@link ReserveBatcher}),
 * Pay a StartPayment, Cancel a CancelOrder; each
 * answer goes to that viewer only (OrderAck, OrderUpdate), or an UNAVAILABLE error telling
 * the client to repeat the same request (every one of them is idempotent).
 * Never blocks: the answer is written from gRPC's thread (Channel writes are thread-safe).
 */
public final class OrderPlacement {

  private static final Logger log = LoggerFactory.getLogger(OrderPlacement.class);
  /** In a surge live-core cannot keep up with, one warning per interval, not one per tap. */
  private static final Duration WARNING_INTERVAL = Duration.ofSeconds(10);

  private final CoreShards shards;
  /** One batcher per live-core shard, by shard name. */
  private final Map<String, ReserveBatcher> reservations;
  private final GatewayMetrics metrics;

  /** What to do when a shard says a sale left it: find out where it went (streamId, saleId). */
  private final BiConsumer<String, String> saleMoved;
  private final WarningThrottle failures = new WarningThrottle(WARNING_INTERVAL);

  public OrderPlacement(CoreShards shards, Map<String, ReserveBatcher> reservations, GatewayMetrics metrics,
      BiConsumer<String, String> saleMoved) {
    this.shards = shards;
    this.reservations = Map.copyOf(reservations);
    this.metrics = metrics;
    this.saleMoved = saleMoved;
  }

  /**
   * Reserves at the shard that holds the sale ({@code ownerShard}, as the buyer's room
   * knows it; the stream's home when unknown); the answer goes to the buyer.
   */
  public void place(Channel buyer, String viewerId, String requestId, Buy buy, String streamId, String ownerShard) {
    ReserveRequest request = ReserveRequest.newBuilder()
        .setSaleId(buy.getSaleId())
        .setViewerId(viewerId)
        .setQuantity(buy.getQuantity())
        .setClientOrderId(buy.getClientOrderId())
        .build();
    long tapped = System.nanoTime();
    reservations.get(shards.owner(ownerShard, streamId).name()).reserve(request).whenComplete((answer, failure) -> {
      if (failure == null && answer.getResult() == ReserveResult.RESERVE_RESULT_MOVED) {
        saleMoved.accept(streamId, buy.getSaleId());
      }
      ServerFrame frame = failure == null ? ack(requestId, answer) : unavailable(requestId, buy, failure);
      buyer.writeAndFlush(FrameCodec.encode(frame, buyer));
      metrics.orderAnswered(System.nanoTime() - tapped);
    });
  }

  /** Starts the payment of one of the viewer's orders; the answer goes to that viewer. */
  public void pay(Channel buyer, String viewerId, String requestId, String orderId) {
    answerChange(buyer, requestId, orderId, shards.any().orders().startPayment(StartPaymentRequest.newBuilder()
        .setOrderId(orderId).setViewerId(viewerId).build()));
  }

  /** Cancels one of the viewer's unpaid orders; the answer goes to that viewer. */
  public void cancel(Channel buyer, String viewerId, String requestId, String orderId) {
    answerChange(buyer, requestId, orderId, shards.any().orders().cancelOrder(CancelOrderRequest.newBuilder()
        .setOrderId(orderId).setViewerId(viewerId).build()));
  }

  private static void answerChange(Channel buyer, String requestId, String orderId,
      ListenableFuture<OrderChangeResponse> call) {
    CoreClient.toCompletable(call).whenComplete((answer, failure) -> {
      ServerFrame frame;
      if (failure == null) {
        frame = ServerFrame.newBuilder().setOrderUpdate(OrderUpdate.newBuilder().setRequestId(requestId)
            .setOrderId(orderId).setResult(answer.getResult()).setStatus(answer.getStatus())).build();
      } else {
        Status status = Status.fromThrowable(failure);
        frame = switch (status.getCode()) {
          case NOT_FOUND -> FrameCodec.error(requestId, ErrorCode.ERROR_CODE_INVALID_FIELD,
              "no order '" + orderId + "'");
          case INVALID_ARGUMENT -> FrameCodec.error(requestId, ErrorCode.ERROR_CODE_INVALID_FIELD,
              status.getDescription());
          default -> FrameCodec.error(requestId, ErrorCode.ERROR_CODE_UNAVAILABLE,
              "the order service did not answer (" + status.getCode() + "); send the same request again");
        };
      }
      buyer.writeAndFlush(FrameCodec.encode(frame, buyer));
    });
  }

  private static ServerFrame ack(String requestId, ReserveResponse answer) {
    return ServerFrame.newBuilder().setOrderAck(OrderAck.newBuilder()
        .setRequestId(requestId)
        .setSaleId(answer.getSaleId())
        .setClientOrderId(answer.getClientOrderId())
        .setResult(answer.getResult())
        .setOrderId(answer.getOrderId())
        .setHoldExpiresAtMs(answer.getHoldExpiresAtMs())
        .setQuantity(answer.getQuantity())).build();
  }

  private ServerFrame unavailable(String requestId, Buy buy, Throwable failure) {
    Status status = Status.fromThrowable(failure);
    long failed = failures.occurred();
    if (failed > 0) {
      log.warn("{} reserve(s) failed since the last warning (buyers are told to retry); the latest, of sale {}: "
          + "{}: {}", failed, buy.getSaleId(), status.getCode(), status.getDescription());
    }
    return FrameCodec.error(requestId, ErrorCode.ERROR_CODE_UNAVAILABLE, "the order service did not answer ("
        + status.getCode() + "); retry with the same clientOrderId " + buy.getClientOrderId()
        + ": it never creates a second order");
  }
}
