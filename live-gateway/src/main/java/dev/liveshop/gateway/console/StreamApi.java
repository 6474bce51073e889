package dev.liveshop.gateway.console;

import static dev.liveshop.gateway.console.ApiRequests.intParam;
import static dev.liveshop.gateway.console.ApiRequests.parse;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.Message;
import dev.liveshop.gateway.auth.Principal;
import dev.liveshop.gateway.core.CoreClient;
import dev.liveshop.gateway.core.CoreShards;
import dev.liveshop.gateway.room.RoomRegistry;
import dev.liveshop.proto.v1.AddProductRequest;
import dev.liveshop.proto.v1.CreateSaleRequest;
import dev.liveshop.proto.v1.CreateStreamRequest;
import dev.liveshop.proto.v1.GetStreamRequest;
import dev.liveshop.proto.v1.HandOverSaleRequest;
import dev.liveshop.proto.v1.ListStreamOrdersRequest;
import dev.liveshop.proto.v1.ListStreamsRequest;
import dev.liveshop.proto.v1.ModerationRequest;
import dev.liveshop.proto.v1.PinProductRequest;
import dev.liveshop.proto.v1.RemoveProductRequest;
import dev.liveshop.proto.v1.ReorderLineupRequest;
import dev.liveshop.proto.v1.RoomEvent;
import dev.liveshop.proto.v1.SaleStatus;
import dev.liveshop.proto.v1.StockUpdate;
import dev.liveshop.proto.v1.UpdateSaleRequest;
import io.grpc.Status;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host API of streams under {@code /api/streams}: streams, lineup, pin, moderation,
 * sales and their changes, the stream's orders, and an operator's hand-over of a sale to
 * another live-core shard. A host's change is answered once live-core made it and the room
 * bus took it, so every gateway's viewers see it. Stateless; answers are written from
 * gRPC's threads.
 */
final class StreamApi {

  private static final Pattern STREAM_PATH = Pattern.compile("/api/streams/([^/]+)(/[a-z]+)?");
  private static final Pattern STREAM_ITEM_PATH = Pattern.compile("/api/streams/([^/]+)/(products|sales)/([^/]+)");
  private static final Pattern HANDOVER_PATH = Pattern.compile("/api/streams/([^/]+)/sales/([^/]+)/handover");
  /** The calls on {@code /api/streams/{id}/action}, all for the stream's host only (reading the stream is open). */
  private static final Set<String> HOST_ROUTES =
      Set.of("POST /products", "POST /lineup", "POST /moderation", "POST /pin", "POST /sales", "GET /orders");

  private final CoreShards shards;
  private final RoomRegistry rooms;
  private final ApiRequests requests;

  StreamApi(CoreShards shards, RoomRegistry rooms, ApiRequests requests) {
    this.shards = shards;
    this.rooms = rooms;
    this.requests = requests;
  }

  /** Serves the request if its path is one of streams; returns false if it is not. */
  boolean route(ChannelHandlerContext ctx, FullHttpRequest request, String path, HttpMethod method,
      boolean keepAlive) {
    Matcher m;
    if (path.equals("/api/streams")) {
      streams(ctx, request, method, keepAlive);
    } else if ((m = HANDOVER_PATH.matcher(path)).matches() && method.equals(HttpMethod.POST)) {
      handOver(ctx, request, m.group(1), m.group(2), keepAlive);
    } else if ((m = STREAM_ITEM_PATH.matcher(path)).matches()) {
      streamItem(ctx, request, m.group(1), m.group(2), m.group(3), method, keepAlive);
    } else if ((m = STREAM_PATH.matcher(path)).matches()) {
      stream(ctx, request, m.group(1), m.group(2) == null ? "" : m.group(2), method, keepAlive);
    } else {
      return false;
    }
    return true;
  }

  private void streams(ChannelHandlerContext ctx, FullHttpRequest request, HttpMethod method, boolean keepAlive) {
    if (method.equals(HttpMethod.GET)) {
      ApiReplies.answer(ctx, keepAlive, shards.any().catalog().listStreams(ListStreamsRequest.getDefaultInstance()));
    } else if (method.equals(HttpMethod.POST)) {
      CreateStreamRequest.Builder create = parse(request, CreateStreamRequest.newBuilder());
      Principal host = requests.requireHost(request, create.getStreamId());
      ApiReplies.answer(ctx, keepAlive, shards.home(create.getStreamId()).catalog()
          .createStream(create.setHostId(host.viewerId()).build()));
    } else {
      throw new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", "use GET or POST");
    }
  }

  private void stream(ChannelHandlerContext ctx, FullHttpRequest request, String streamId, String action,
      HttpMethod method, boolean keepAlive) {
    CoreClient core = shards.home(streamId);
    String route = method.name() + " " + action;
    if (route.equals("GET ")) {
      ApiReplies.answer(ctx, keepAlive, core.catalog().getStream(GetStreamRequest.newBuilder()
          .setStreamId(streamId).build()));
      return;
    }
    if (!HOST_ROUTES.contains(route)) {
      throw ApiError.notFound("no such API: " + method + " /api/streams/" + streamId + action);
    }
    requests.requireHost(request, streamId);
    switch (route) {
      case "POST /products" -> announce(ctx, keepAlive,
          core.catalog().addProduct(parse(request, AddProductRequest.newBuilder()).setStreamId(streamId).build()),
          product -> RoomEvent.newBuilder().setStreamId(streamId).setProductAdded(product));
      case "POST /lineup" -> announce(ctx, keepAlive,
          core.catalog().reorderLineup(parse(request, ReorderLineupRequest.newBuilder()).setStreamId(streamId).build()),
          lineup -> RoomEvent.newBuilder().setStreamId(streamId).setLineup(lineup));
      case "POST /moderation" -> {
        ModerationRequest moderation = parse(request, ModerationRequest.newBuilder()).build();
        // The bus checks the action and answers with the stream's chat rules after it.
        rooms.publishAndApply(RoomEvent.newBuilder().setStreamId(streamId).setModeration(moderation).build())
            .whenComplete((ack, failure) ->
                ApiReplies.reply(ctx, keepAlive, ack == null ? null : ack.getChatSettings(), failure));
      }
      case "POST /pin" -> {
        PinProductRequest pin = parse(request, PinProductRequest.newBuilder()).setStreamId(streamId).build();
        announce(ctx, keepAlive, core.catalog().pinProduct(pin),
            stream -> RoomEvent.newBuilder().setStreamId(streamId).setPinnedProductId(pin.getProductId()));
      }
      case "POST /sales" -> announce(ctx, keepAlive,
          core.inventory().createSale(parse(request, CreateSaleRequest.newBuilder()).setStreamId(streamId).build()),
          sale -> RoomEvent.newBuilder().setStreamId(streamId).setSale(SaleStatus.newBuilder().setSale(sale)
              .setStock(StockUpdate.newBuilder().setSaleId(sale.getSaleId()).setStreamId(streamId)
                  .setQuantity(sale.getQuantity()).setAvailable(sale.getQuantity())
                  .setStartsAtMs(sale.getStartsAtMs()).setEndsAtMs(sale.getEndsAtMs()))));
      case "GET /orders" -> ApiReplies.answer(ctx, keepAlive, core.orders().listStreamOrders(
          ListStreamOrdersRequest.newBuilder().setStreamId(streamId).setLimit(intParam(request, "limit")).build()));
      default -> throw new IllegalStateException("HOST_ROUTES names " + route + " but nothing serves it");
    }
  }

  /** A product of the lineup (DELETE removes it) or a sale (POST changes it: stop, pause, restock). */
  private void streamItem(ChannelHandlerContext ctx, FullHttpRequest request, String streamId, String kind,
      String id, HttpMethod method, boolean keepAlive) {
    requests.requireHost(request, streamId);
    if (kind.equals("products") && method.equals(HttpMethod.DELETE)) {
      announce(ctx, keepAlive, shards.home(streamId).catalog().removeProduct(RemoveProductRequest.newBuilder()
          .setStreamId(streamId).setProductId(id).build()),
          lineup -> RoomEvent.newBuilder().setStreamId(streamId).setLineup(lineup));
    } else if (kind.equals("sales") && method.equals(HttpMethod.POST)) {
      UpdateSaleRequest update = parse(request, UpdateSaleRequest.newBuilder()).setSaleId(id).build();
      // A host may change only the sales of a stream it hosts: check the sale is this stream's
      // first; the change goes to the shard that holds the sale.
      saleOfStream(streamId, id)
          .thenCompose(sale -> CoreClient.toCompletable(shards.owner(sale.getSale().getOwnerShard(), streamId)
              .client().inventory().updateSale(update)))
          .whenComplete((sale, failure) -> ApiReplies.reply(ctx, keepAlive, sale, failure));
    } else {
      throw new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED",
          "use DELETE /api/streams/{id}/products/{productId} or POST /api/streams/{id}/sales/{saleId}");
    }
  }

  /**
   * An operator moves a sale to another live-core shard: its owner drains and hands it
   * over, then the room bus tells every gateway where its reserves and stock now go.
   */
  private void handOver(ChannelHandlerContext ctx, FullHttpRequest request, String streamId, String saleId,
      boolean keepAlive) {
    Principal operator = requests.principal(request);
    if (operator.role() != Principal.Role.OPERATOR) {
      throw new ApiError(HttpResponseStatus.FORBIDDEN, "FORBIDDEN", "only an operator token may move a sale between "
          + "live-core shards (" + operator.viewerId() + " is a " + operator.role().name().toLowerCase(Locale.ROOT)
          + ")");
    }
    HandOverSaleRequest handOver = parse(request, HandOverSaleRequest.newBuilder()).setSaleId(saleId).build();
    saleOfStream(streamId, saleId)
        .thenCompose(sale -> CoreClient.toCompletable(shards.owner(sale.getSale().getOwnerShard(), streamId)
            .client().inventory().handOverSale(handOver)))
        .thenCompose(moved -> rooms.publishAndApply(RoomEvent.newBuilder().setStreamId(streamId).setSale(moved).build())
            .thenApply(ack -> moved))
        .whenComplete((moved, failure) -> ApiReplies.reply(ctx, keepAlive, moved, failure));
  }

  /** The sale as the stream's snapshot has it (with its owner shard); NOT_FOUND when not this stream's. */
  private CompletableFuture<SaleStatus> saleOfStream(String streamId, String saleId) {
    return CoreClient.toCompletable(shards.home(streamId).catalog().getStream(GetStreamRequest.newBuilder()
        .setStreamId(streamId).build()))
        .thenCompose(stream -> stream.getSalesList().stream().filter(s -> s.getSale().getSaleId().equals(saleId))
            .findFirst().map(CompletableFuture::completedFuture)
            .orElseGet(() -> CompletableFuture.failedFuture(Status.NOT_FOUND
                .withDescription("no sale '" + saleId + "' in stream '" + streamId + "'").asRuntimeException())));
  }

  /**
   * Answers with the result of a host's change once it is also published on the room bus
   * (so every gateway's viewers see it); a change live-core made but the bus did not take
   * is answered 503, and the rooms catch up when they next re-read the stream.
   */
  private <T extends Message> void announce(ChannelHandlerContext ctx, boolean keepAlive, ListenableFuture<T> call,
      Function<T, RoomEvent.Builder> event) {
    CoreClient.toCompletable(call)
        .thenCompose(result -> rooms.publishAndApply(event.apply(result).build()).thenApply(ack -> result))
        .whenComplete((result, failure) -> ApiReplies.reply(ctx, keepAlive, result, failure));
  }
}
