package dev.liveshop.gateway.console;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.liveshop.gateway.auth.Hmac;
import dev.liveshop.gateway.core.CoreClient;
import dev.liveshop.gateway.core.CoreShards;
import dev.liveshop.proto.v1.GetOrderRequest;
import dev.liveshop.proto.v1.SettlePaymentRequest;
import io.grpc.Status;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletionException;

/**
 * {@code POST /api/payments/notify}: the payment provider reports a payment's outcome.
 * The request is signed like providers sign webhooks: header {@code X-Payment-Timestamp}
 * (epoch seconds) and {@code X-Payment-Signature}, the hex HMAC-SHA256 of
 * {@code timestamp + "." + body} with the shared key. Stale timestamps and repeated
 * notification ids are refused, so a captured request cannot be replayed. Body:
 * {@code {"notificationId", "orderId", "paid", "amountCents", "paymentId"}}; a payment whose
 * amount is not the order's total is refused and changes nothing.
 *
 * <p>Threading: called on event loops; the replay cache is concurrent; answers are written
 * from gRPC threads.
 */
final class PaymentNotifications {

  static final String TIMESTAMP_HEADER = "X-Payment-Timestamp";
  static final String SIGNATURE_HEADER = "X-Payment-Signature";

  private final Hmac hmac;
  private final Duration maxSkew;
  private final Clock clock;
  private final CoreShards shards;
  /** Notification ids seen inside the replay window. */
  private final Cache<String, Boolean> seen;

  PaymentNotifications(String secret, Duration maxSkew, Clock clock, CoreShards shards) {
    this.hmac = secret.isEmpty() ? null : new Hmac(secret);
    this.maxSkew = maxSkew;
    this.clock = clock;
    this.shards = shards;
    this.seen = Caffeine.newBuilder().expireAfterWrite(maxSkew.multipliedBy(2)).maximumSize(1_000_000).build();
  }

  void handle(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
    if (hmac == null) {
      HttpResponses.sendError(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE",
          "payment notifications are not configured: set LIVESHOP_PAYMENT_SECRET", keepAlive);
      return;
    }
    String body = request.content().toString(StandardCharsets.UTF_8);
    String refusal = verify(request.headers().get(TIMESTAMP_HEADER), request.headers().get(SIGNATURE_HEADER), body);
    if (refusal != null) {
      HttpResponses.sendError(ctx, HttpResponseStatus.UNAUTHORIZED, "UNAUTHENTICATED", refusal, keepAlive);
      return;
    }
    JsonObject json;
    String notificationId;
    long amountCents;
    SettlePaymentRequest settle;
    try {
      json = JsonParser.parseString(body).getAsJsonObject();
      notificationId = json.get("notificationId").getAsString();
      amountCents = json.get("amountCents").getAsLong();
      settle = SettlePaymentRequest.newBuilder().setOrderId(json.get("orderId").getAsString())
          .setPaid(json.get("paid").getAsBoolean())
          .setPaymentId(json.has("paymentId") ? json.get("paymentId").getAsString() : "").build();
    } catch (RuntimeException e) {
      HttpResponses.sendError(ctx, HttpResponseStatus.BAD_REQUEST, "INVALID_ARGUMENT",
          "expected {\"notificationId\", \"orderId\", \"paid\", \"amountCents\", \"paymentId\"}",
          keepAlive);
      return;
    }
    if (seen.asMap().putIfAbsent(notificationId, Boolean.TRUE) != null) {
      HttpResponses.sendError(ctx, HttpResponseStatus.CONFLICT, "REPLAYED",
          "notification " + notificationId + " was already received", keepAlive);
      return;
    }
    CoreClient.toCompletable(shards.any().orders().getOrder(GetOrderRequest.newBuilder().setOrderId(settle.getOrderId())
        .build())).thenCompose(order -> {
          long total = order.getPriceCents() * order.getQuantity();
          if (settle.getPaid() && amountCents != total) {
            throw new AmountMismatch("paid " + amountCents + " but order " + order.getOrderId() + " costs " + total);
          }
          return CoreClient.toCompletable(shards.any().orders().settlePayment(settle));
        }).whenComplete((answer, failure) -> {
      if (failure != null) {
        // Not applied: let the provider's retry of this very notification through.
        seen.invalidate(notificationId);
        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
        if (cause instanceof AmountMismatch) {
          HttpResponses.sendError(ctx, HttpResponseStatus.BAD_REQUEST, "AMOUNT_MISMATCH", cause.getMessage(),
              keepAlive);
          return;
        }
        Status status = Status.fromThrowable(cause);
        HttpResponseStatus http = status.getCode() == Status.Code.NOT_FOUND ? HttpResponseStatus.NOT_FOUND
            : status.getCode() == Status.Code.INVALID_ARGUMENT ? HttpResponseStatus.BAD_REQUEST
            : HttpResponseStatus.SERVICE_UNAVAILABLE;
        HttpResponses.sendError(ctx, http, status.getCode().name(), String.valueOf(status.getDescription()), keepAlive);
        return;
      }
      ApiReplies.reply(ctx, keepAlive, answer, null);
    });
  }

  /** The provider paid another amount than the order's total. */
  private static final class AmountMismatch extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AmountMismatch(String message) {
      super(message, null, false, false);
    }
  }

  /** Null when the signature is valid and fresh, else why not. */
  String verify(String timestamp, String signature, String body) {
    if (timestamp == null || signature == null) {
      return "missing " + TIMESTAMP_HEADER + " or " + SIGNATURE_HEADER;
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp.strip());
    } catch (NumberFormatException e) {
      return TIMESTAMP_HEADER + " is not epoch seconds";
    }
    if (Math.abs(clock.instant().getEpochSecond() - seconds) > maxSkew.toSeconds()) {
      return "stale notification: its timestamp is more than " + maxSkew.toSeconds() + " s away from now";
    }
    byte[] expected = sign(timestamp.strip() + "." + body);
    byte[] given;
    try {
      given = HexFormat.of().parseHex(signature.strip());
    } catch (IllegalArgumentException e) {
      return SIGNATURE_HEADER + " is not hex";
    }
    return MessageDigest.isEqual(expected, given) ? null : "signature does not match the body";
  }

  byte[] sign(String payload) {
    return hmac.sign(payload);
  }
}
