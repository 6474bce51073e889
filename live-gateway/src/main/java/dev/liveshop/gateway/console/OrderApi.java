package dev.liveshop.gateway.console;

import static dev.liveshop.gateway.console.ApiRequests.intParam;
import static dev.liveshop.gateway.console.ApiRequests.param;
import static dev.liveshop.gateway.console.ApiRequests.parse;

import dev.liveshop.gateway.auth.Principal;
import dev.liveshop.gateway.core.CoreClient;
import dev.liveshop.gateway.core.CoreShards;
import dev.liveshop.proto.v1.FulfillOrderRequest;
import dev.liveshop.proto.v1.GetOrderRequest;
import dev.liveshop.proto.v1.ListViewerOrdersRequest;
import dev.liveshop.proto.v1.Order;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Orders over HTTP: a viewer's own orders, a page at a time; one order, and its
 * fulfilment, for the host of its stream. Stateless; answers are written from gRPC's threads.
 */
final class OrderApi {

  private static final Pattern ORDER_PATH = Pattern.compile("/api/orders/([^/]+)");
  private static final Pattern FULFIL_PATH = Pattern.compile("/api/orders/([^/]+)/fulfil");

  private final CoreShards shards;
  private final ApiRequests requests;

  OrderApi(CoreShards shards, ApiRequests requests) {
    this.shards = shards;
    this.requests = requests;
  }

  /** Serves the request if it is one of orders; returns false if it is not. */
  boolean route(ChannelHandlerContext ctx, FullHttpRequest request, String path, HttpMethod method,
      boolean keepAlive) {
    Matcher m;
    if (path.equals("/api/me/orders") && method.equals(HttpMethod.GET)) {
      Principal viewer = requests.principal(request);
      ApiReplies.answer(ctx, keepAlive, shards.any().orders().listViewerOrders(ListViewerOrdersRequest.newBuilder()
          .setViewerId(viewer.viewerId()).setPageSize(intParam(request, "pageSize"))
          .setPageToken(param(request, "pageToken")).build()));
    } else if ((m = FULFIL_PATH.matcher(path)).matches() && method.equals(HttpMethod.POST)) {
      FulfillOrderRequest fulfil = parse(request, FulfillOrderRequest.newBuilder()).setOrderId(m.group(1)).build();
      withHostedOrder(ctx, request, m.group(1), keepAlive,
          order -> ApiReplies.answer(ctx, keepAlive, shards.any().orders().fulfillOrder(fulfil)));
    } else if ((m = ORDER_PATH.matcher(path)).matches() && method.equals(HttpMethod.GET)) {
      withHostedOrder(ctx, request, m.group(1), keepAlive, order -> ApiReplies.reply(ctx, keepAlive, order, null));
    } else {
      return false;
    }
    return true;
  }

  /** Fetches an order and hands it on only if the caller hosts its stream; answers errors itself. */
  private void withHostedOrder(ChannelHandlerContext ctx, FullHttpRequest request, String orderId, boolean keepAlive,
      Consumer<Order> then) {
    Principal principal = requests.principal(request);
    CoreClient.toCompletable(shards.any().orders().getOrder(GetOrderRequest.newBuilder().setOrderId(orderId).build()))
        .whenComplete((order, failure) -> {
          if (failure != null) {
            ApiReplies.reply(ctx, keepAlive, null, failure);
          } else if (!principal.hosts(order.getStreamId())) {
            HttpResponses.sendError(ctx, HttpResponseStatus.FORBIDDEN, "FORBIDDEN",
                "only the host of stream " + order.getStreamId() + " may read or fulfil its orders", keepAlive);
          } else {
            then.accept(order);
          }
        });
  }
}
