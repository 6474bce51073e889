package dev.liveshop.gateway.console;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.liveshop.gateway.auth.Principal;
import dev.liveshop.gateway.auth.TokenException;
import dev.liveshop.gateway.auth.TokenService;
import dev.liveshop.gateway.core.CoreClient;
import dev.liveshop.gateway.core.CoreShards;
import dev.liveshop.gateway.metrics.GatewayMetrics;
import dev.liveshop.gateway.room.RoomRegistry;
import dev.liveshop.proto.v1.AddProductRequest;
import dev.liveshop.proto.v1.CreateSaleRequest;
import dev.liveshop.proto.v1.CreateStreamRequest;
import dev.liveshop.proto.v1.FulfillOrderRequest;
import dev.liveshop.proto.v1.GetOrderRequest;
import dev.liveshop.proto.v1.GetStreamRequest;
import dev.liveshop.proto.v1.HandOverSaleRequest;
import dev.liveshop.proto.v1.ListStreamOrdersRequest;
import dev.liveshop.proto.v1.ListStreamsRequest;
import dev.liveshop.proto.v1.ListViewerOrdersRequest;
import dev.liveshop.proto.v1.ModerationRequest;
import dev.liveshop.proto.v1.Order;
import dev.liveshop.proto.v1.PinProductRequest;
import dev.liveshop.proto.v1.RemoveProductRequest;
import dev.liveshop.proto.v1.ReorderLineupRequest;
import dev.liveshop.proto.v1.RoomEvent;
import dev.liveshop.proto.v1.SaleStatus;
import dev.liveshop.proto.v1.StockUpdate;
import dev.liveshop.proto.v1.UpdateSaleRequest;
import io.grpc.Status;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host HTTP API under {@code /api/}, the health check and the web pages. Bodies and
 * answers are the proto3 JSON mapping of the gRPC messages; errors are JSON
 * {@code {"error", "message"}} with a 4xx/5xx status. Calls to live-core are async: the
 * answer is written from gRPC's thread. Shared by all channels (stateless).
 */
@ChannelHandler.Sharable
public final class HostApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger log = LoggerFactory.getLogger(HostApiHandler.class);
  private static final Pattern STREAM_PATH = Pattern.compile("/api/streams/([^/]+)(/[a-z]+)?");
  private static final Pattern STREAM_ITEM_PATH = Pattern.compile("/api/streams/([^/]+)/(products|sales)/([^/]+)");
  private static final Pattern HANDOVER_PATH = Pattern.compile("/api/streams/([^/]+)/sales/([^/]+)/handover");
  private static final Pattern ORDER_PATH = Pattern.compile("/api/orders/([^/]+)");
  private static final Pattern FULFIL_PATH = Pattern.compile("/api/orders/([^/]+)/fulfil");
  private static final Pattern WATCH_PATH = Pattern.compile("/watch/[a-z0-9-]{1,64}");
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  private final CoreShards shards;
  private final RoomRegistry rooms;
  private final TokenService tokens;
  private final boolean devMode;
  private final Duration tokenTtl;
  private final PaymentNotifications payments;
  private final GatewayMetrics metrics;
  private final Supplier<String> unready;

  /**
   * @param unready why this gateway should not get new viewers now (draining, live-core
   *     unreachable), or null when it is ready
   */
  public HostApiHandler(CoreShards shards, RoomRegistry rooms, TokenService tokens, boolean devMode, Duration tokenTtl,
      String paymentSecret, Duration paymentMaxSkew, GatewayMetrics metrics,
      Supplier<String> unready) {
    this.metrics = metrics;
    this.unready = unready;
    this.shards = shards;
    this.rooms = rooms;
    this.tokens = tokens;
    this.devMode = devMode;
    this.tokenTtl = tokenTtl;
    this.payments = new PaymentNotifications(paymentSecret, paymentMaxSkew, Clock.systemUTC(), shards);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    String path = new QueryStringDecoder(request.uri()).path();
    HttpMethod method = request.method();
    try {
      route(ctx, request, path, method, keepAlive);
    } catch (ApiError e) {
      HttpResponses.sendError(ctx, e.status, e.code, e.getMessage(), keepAlive);
    }
  }

  private void route(ChannelHandlerContext ctx, FullHttpRequest request, String path, HttpMethod method,
      boolean keepAlive) {
    if (method.equals(HttpMethod.GET) && (path.equals("/healthz"))) {
      HttpResponses.sendJson(ctx, HttpResponseStatus.OK, "{\"status\":\"ok\"}", keepAlive);
    } else if (method.equals(HttpMethod.GET) && path.equals("/readyz")) {
      String reason = unready.get();
      JsonObject answer = new JsonObject();
      answer.addProperty("status", reason == null ? "ready" : "not ready: " + reason);
      HttpResponses.sendJson(ctx, reason == null ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
          answer.toString(), keepAlive);
    } else if (method.equals(HttpMethod.GET) && path.equals("/metrics")) {
      HttpResponses.send(ctx, HttpResponseStatus.OK, io.netty.buffer.Unpooled.copiedBuffer(metrics.scrape(),
          StandardCharsets.UTF_8), "text/plain; version=0.0.4; charset=utf-8", keepAlive);
    } else if (method.equals(HttpMethod.GET) && path.equals("/")) {
      var redirect = new io.netty.handler.codec.http.DefaultFullHttpResponse(request.protocolVersion(),
          HttpResponseStatus.FOUND);
      redirect.headers().set(HttpHeaderNames.LOCATION, "/watch/demo").set(HttpHeaderNames.CONTENT_LENGTH, 0);
      ctx.writeAndFlush(redirect);
    } else if (method.equals(HttpMethod.GET) && WATCH_PATH.matcher(path).matches()) {
      serveFile(ctx, "watch.html", keepAlive);
    } else if (method.equals(HttpMethod.GET) && path.equals("/console")) {
      serveFile(ctx, "console.html", keepAlive);
    } else if (path.equals("/api/me") && method.equals(HttpMethod.GET)) {
      Principal me = principal(request);
      JsonObject answer = new JsonObject();
      answer.addProperty("viewerId", me.viewerId());
      answer.addProperty("role", me.role().name().toLowerCase(Locale.ROOT));
      com.google.gson.JsonArray streams = new com.google.gson.JsonArray();
      me.streams().forEach(streams::add);
      answer.add("streams", streams);
      HttpResponses.sendJson(ctx, HttpResponseStatus.OK, answer.toString(), keepAlive);
    } else if (method.equals(HttpMethod.GET) && path.startsWith("/static/")) {
      serveFile(ctx, path.substring("/static/".length()), keepAlive);
    } else if (path.equals("/api/me/orders") && method.equals(HttpMethod.GET)) {
      Principal viewer = principal(request);
      var params = new QueryStringDecoder(request.uri()).parameters();
      answer(ctx, keepAlive, shards.any().orders().listViewerOrders(ListViewerOrdersRequest.newBuilder()
          .setViewerId(viewer.viewerId()).setPageSize(intParam(request, "pageSize"))
          .setPageToken(params.getOrDefault("pageToken", List.of("")).get(0)).build()));
    } else if (path.equals("/api/payments/notify") && method.equals(HttpMethod.POST)) {
      payments.handle(ctx, request, keepAlive);
    } else if (path.equals("/api/dev/token") && method.equals(HttpMethod.POST) && devMode) {
      issueDevToken(ctx, request, keepAlive);
    } else if (path.equals("/api/streams")) {
      if (method.equals(HttpMethod.GET)) {
        answer(ctx, keepAlive, shards.any().catalog().listStreams(ListStreamsRequest.getDefaultInstance()));
      } else if (method.equals(HttpMethod.POST)) {
        CreateStreamRequest.Builder b = parse(request, CreateStreamRequest.newBuilder());
        Principal host = requireHost(request, b.getStreamId());
        answer(ctx, keepAlive, shards.home(b.getStreamId()).catalog().createStream(b.setHostId(host.viewerId())
            .build()));
      } else {
        throw new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", "use GET or POST");
      }
    } else if (HANDOVER_PATH.matcher(path).matches() && method.equals(HttpMethod.POST)) {
      Matcher m = HANDOVER_PATH.matcher(path);
      m.matches();
      handOver(ctx, request, m.group(1), m.group(2), keepAlive);
    } else if (STREAM_ITEM_PATH.matcher(path).matches()) {
      Matcher m = STREAM_ITEM_PATH.matcher(path);
      m.matches();
      streamItemRoute(ctx, request, m.group(1), m.group(2), m.group(3), method, keepAlive);
    } else if (STREAM_PATH.matcher(path).matches()) {
      streamRoute(ctx, request, STREAM_PATH.matcher(path), method, keepAlive);
    } else if (FULFIL_PATH.matcher(path).matches() && method.equals(HttpMethod.POST)) {
      Matcher m = FULFIL_PATH.matcher(path);
      m.matches();
      FulfillOrderRequest fulfil = parse(request, FulfillOrderRequest.newBuilder()).setOrderId(m.group(1)).build();
      withHostedOrder(ctx, request, m.group(1), keepAlive,
          order -> answer(ctx, keepAlive, shards.any().orders().fulfillOrder(fulfil)));
    } else if (ORDER_PATH.matcher(path).matches() && method.equals(HttpMethod.GET)) {
      Matcher m = ORDER_PATH.matcher(path);
      m.matches();
      withHostedOrder(ctx, request, m.group(1), keepAlive,
          order -> reply(ctx, keepAlive, order, null, Function.identity()));
    } else {
      throw new ApiError(HttpResponseStatus.NOT_FOUND, "NOT_FOUND", "no such page or API: " + method + " " + path);
    }
  }

  private void streamRoute(ChannelHandlerContext ctx, FullHttpRequest request, Matcher m, HttpMethod method,
      boolean keepAlive) {
    m.matches();
    String streamId = m.group(1);
    String action = m.group(2) == null ? "" : m.group(2);
    CoreClient core = shards.home(streamId);
    switch (method.name() + " " + action) {
      case "GET " -> answer(ctx, keepAlive,
          core.catalog().getStream(GetStreamRequest.newBuilder().setStreamId(streamId).build()));
      case "POST /products" -> {
        requireHost(request, streamId);
        AddProductRequest add = parse(request, AddProductRequest.newBuilder()).setStreamId(streamId).build();
        announce(ctx, keepAlive, core.catalog().addProduct(add),
            product -> RoomEvent.newBuilder().setStreamId(streamId).setProductAdded(product));
      }
      case "POST /lineup" -> {
        requireHost(request, streamId);
        ReorderLineupRequest reorder = parse(request, ReorderLineupRequest.newBuilder()).setStreamId(streamId)
            .build();
        announce(ctx, keepAlive, core.catalog().reorderLineup(reorder),
            lineup -> RoomEvent.newBuilder().setStreamId(streamId).setLineup(lineup));
      }
      case "POST /moderation" -> {
        requireHost(request, streamId);
        ModerationRequest moderation = parse(request, ModerationRequest.newBuilder()).build();
        // The bus checks the action and answers with the stream's chat rules after it.
        rooms.publishAndApply(RoomEvent.newBuilder().setStreamId(streamId).setModeration(moderation).build())
            .whenComplete((ack, failure) -> reply(ctx, keepAlive, ack == null ? null : ack.getChatSettings(), failure,
                Function.identity()));
      }
      case "POST /pin" -> {
        requireHost(request, streamId);
        PinProductRequest pin = parse(request, PinProductRequest.newBuilder()).setStreamId(streamId).build();
        announce(ctx, keepAlive, core.catalog().pinProduct(pin),
            stream -> RoomEvent.newBuilder().setStreamId(streamId).setPinnedProductId(pin.getProductId()));
      }
      case "POST /sales" -> {
        requireHost(request, streamId);
        CreateSaleRequest create = parse(request, CreateSaleRequest.newBuilder()).setStreamId(streamId).build();
        announce(ctx, keepAlive, core.inventory().createSale(create), sale -> RoomEvent.newBuilder()
            .setStreamId(streamId).setSale(SaleStatus.newBuilder().setSale(sale).setStock(StockUpdate.newBuilder()
                .setSaleId(sale.getSaleId()).setStreamId(streamId).setQuantity(sale.getQuantity())
                .setAvailable(sale.getQuantity()).setStartsAtMs(sale.getStartsAtMs())
                .setEndsAtMs(sale.getEndsAtMs()))));
      }
      case "GET /orders" -> {
        requireHost(request, streamId);
        int limit = intParam(request, "limit");
        answer(ctx, keepAlive, core.orders().listStreamOrders(ListStreamOrdersRequest.newBuilder()
            .setStreamId(streamId).setLimit(limit).build()));
      }
      default -> throw new ApiError(HttpResponseStatus.NOT_FOUND, "NOT_FOUND",
          "no such API: " + method + " /api/streams/" + streamId + action);
    }
  }

  /** A product of the lineup (DELETE removes it) or a sale (POST changes it: stop, pause, restock). */
  private void streamItemRoute(ChannelHandlerContext ctx, FullHttpRequest request, String streamId, String kind,
      String id, HttpMethod method, boolean keepAlive) {
    requireHost(request, streamId);
    CoreClient core = shards.home(streamId);
    if (kind.equals("products") && method.equals(HttpMethod.DELETE)) {
      announce(ctx, keepAlive, core.catalog().removeProduct(RemoveProductRequest.newBuilder().setStreamId(streamId)
          .setProductId(id).build()), lineup -> RoomEvent.newBuilder().setStreamId(streamId).setLineup(lineup));
    } else if (kind.equals("sales") && method.equals(HttpMethod.POST)) {
      UpdateSaleRequest update = parse(request, UpdateSaleRequest.newBuilder()).setSaleId(id).build();
      // A host may change only the sales of a stream it hosts: check the sale is this stream's first.
      // A host may change only the sales of a stream it hosts: check the sale is this stream's
      // first; the change goes to the shard that holds the sale.
      saleOfStream(streamId, id)
          .thenCompose(sale -> CoreClient.toCompletable(shards.owner(sale.getSale().getOwnerShard(), streamId)
              .client().inventory().updateSale(update)))
          .whenComplete((sale, failure) -> reply(ctx, keepAlive, sale, failure, Function.identity()));
    } else {
      throw new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED",
          "use DELETE /api/streams/{id}/products/{productId} or POST /api/streams/{id}/sales/{saleId}");
    }
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
   * An operator moves a sale to another live-core shard: its owner drains and hands it
   * over, then the room bus tells every gateway where its reserves and stock now go.
   */
  private void handOver(ChannelHandlerContext ctx, FullHttpRequest request, String streamId, String saleId,
      boolean keepAlive) {
    Principal operator = principal(request);
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
        .whenComplete((moved, failure) -> reply(ctx, keepAlive, moved, failure, Function.identity()));
  }

  /** Fetches an order and hands it on only if the caller hosts its stream; answers errors itself. */
  private void withHostedOrder(ChannelHandlerContext ctx, FullHttpRequest request, String orderId, boolean keepAlive,
      Consumer<Order> then) {
    Principal principal = principal(request);
    CoreClient.toCompletable(shards.any().orders().getOrder(GetOrderRequest.newBuilder().setOrderId(orderId).build()))
        .whenComplete((order, failure) -> {
          if (failure != null) {
            reply(ctx, keepAlive, null, failure, Function.identity());
          } else if (!principal.hosts(order.getStreamId())) {
            HttpResponses.sendError(ctx, HttpResponseStatus.FORBIDDEN, "FORBIDDEN",
                "only the host of stream " + order.getStreamId() + " may read or fulfil its orders", keepAlive);
          } else {
            then.accept(order);
          }
        });
  }

  private void issueDevToken(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
    try {
      JsonObject body = JsonParser.parseString(request.content().toString(StandardCharsets.UTF_8)).getAsJsonObject();
      String viewerId = body.get("viewerId").getAsString();
      Principal.Role role = body.has("role")
          ? Principal.Role.valueOf(body.get("role").getAsString().toUpperCase(Locale.ROOT)) : Principal.Role.VIEWER;
      Set<String> streams = new HashSet<>();
      if (body.has("streams")) {
        body.getAsJsonArray("streams").forEach(s -> streams.add(s.getAsString()));
      }
      JsonObject answer = new JsonObject();
      answer.addProperty("token", tokens.issue(viewerId, role, streams, tokenTtl));
      HttpResponses.sendJson(ctx, HttpResponseStatus.OK, answer.toString(), keepAlive);
    } catch (RuntimeException e) {
      throw new ApiError(HttpResponseStatus.BAD_REQUEST, "INVALID_ARGUMENT",
          "expected {\"viewerId\": \"alice\", \"role\": \"viewer\"|\"host\"|\"operator\", \"streams\": [...]}: " + e.getMessage());
    }
  }

  private Principal principal(FullHttpRequest request) {
    String header = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
    try {
      return tokens.verify(header.startsWith("Bearer ") ? header.substring(7).strip() : null);
    } catch (TokenException e) {
      throw new ApiError(HttpResponseStatus.UNAUTHORIZED, "UNAUTHENTICATED", e.getMessage());
    }
  }

  private Principal requireHost(FullHttpRequest request, String streamId) {
    Principal principal = principal(request);
    if (!principal.hosts(streamId)) {
      throw new ApiError(HttpResponseStatus.FORBIDDEN, "FORBIDDEN",
          "this token does not let " + principal.viewerId() + " run stream '" + streamId + "': use a host token for it");
    }
    return principal;
  }

  private static <B extends Message.Builder> B parse(FullHttpRequest request, B builder) {
    try {
      PARSER.merge(request.content().toString(StandardCharsets.UTF_8), builder);
      return builder;
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new ApiError(HttpResponseStatus.BAD_REQUEST, "INVALID_ARGUMENT",
          "the body is not a valid " + builder.getDescriptorForType().getName() + " in JSON: " + e.getMessage());
    }
  }

  private static int intParam(FullHttpRequest request, String name) {
    var values = new QueryStringDecoder(request.uri()).parameters().get(name);
    try {
      return values == null ? 0 : Integer.parseInt(values.get(0));
    } catch (NumberFormatException e) {
      throw new ApiError(HttpResponseStatus.BAD_REQUEST, "INVALID_ARGUMENT", name + " must be a number");
    }
  }

  private static void serveFile(ChannelHandlerContext ctx, String name, boolean keepAlive) {
    StaticFiles.File file = StaticFiles.load(name)
        .orElseThrow(() -> new ApiError(HttpResponseStatus.NOT_FOUND, "NOT_FOUND", "no file " + name));
    HttpResponses.send(ctx, HttpResponseStatus.OK, file.content(), file.contentType(), keepAlive);
  }

  private static <T extends Message> void answer(ChannelHandlerContext ctx, boolean keepAlive,
      com.google.common.util.concurrent.ListenableFuture<T> call) {
    reply(ctx, keepAlive, call, Function.identity());
  }

  /**
   * Answers with the result of a host's change once it is also published on the room bus
   * (so every gateway's viewers see it); a change live-core made but the bus did not take
   * is answered 503, and the rooms catch up when they next re-read the stream.
   */
  private <T extends Message> void announce(ChannelHandlerContext ctx, boolean keepAlive,
      com.google.common.util.concurrent.ListenableFuture<T> call, Function<T, RoomEvent.Builder> event) {
    CoreClient.toCompletable(call)
        .thenCompose(result -> rooms.publishAndApply(event.apply(result).build()).thenApply(ack -> result))
        .whenComplete((result, failure) -> reply(ctx, keepAlive, result, failure, Function.identity()));
  }

  private static <T extends Message> void reply(ChannelHandlerContext ctx, boolean keepAlive,
      com.google.common.util.concurrent.ListenableFuture<T> call, Function<T, T> onSuccess) {
    CompletableFuture<T> future = CoreClient.toCompletable(call);
    future.whenComplete((result, failure) -> reply(ctx, keepAlive, result, failure, onSuccess));
  }

  private static <T extends Message> void reply(ChannelHandlerContext ctx, boolean keepAlive, T result,
      Throwable failure, Function<T, T> onSuccess) {
    if (failure != null) {
      Status status = Status.fromThrowable(failure);
      HttpResponseStatus http = switch (status.getCode()) {
        case INVALID_ARGUMENT -> HttpResponseStatus.BAD_REQUEST;
        case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
        case FAILED_PRECONDITION -> HttpResponseStatus.CONFLICT;
        case UNAVAILABLE, DEADLINE_EXCEEDED -> HttpResponseStatus.SERVICE_UNAVAILABLE;
        default -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
      };
      if (http == HttpResponseStatus.INTERNAL_SERVER_ERROR) {
        log.error("core call failed", failure);
      }
      HttpResponses.sendError(ctx, http, status.getCode().name(),
          status.getDescription() == null ? status.getCode().name() : status.getDescription(), keepAlive);
      return;
    }
    try {
      HttpResponses.sendJson(ctx, HttpResponseStatus.OK, PRINTER.print(onSuccess.apply(result)), keepAlive);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A request refused before reaching live-core. */
  private static final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final HttpResponseStatus status;
    final String code;

    ApiError(HttpResponseStatus status, String code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }
  }
}
