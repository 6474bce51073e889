package dev.liveshop.gateway.console;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.liveshop.gateway.auth.Principal;
import dev.liveshop.gateway.auth.TokenService;
import dev.liveshop.gateway.core.CoreShards;
import dev.liveshop.gateway.metrics.GatewayMetrics;
import dev.liveshop.gateway.room.RoomRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
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
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Every HTTP request but the WebSocket upgrade: health, readiness and metrics, the web
 * pages, who a token names, development tokens, payment notifications, and the host API
 * ({@link StreamApi}, {@link OrderApi}). Bodies and answers are the proto3 JSON mapping of
 * the gRPC messages; errors are JSON {@code {"error", "message"}} with a 4xx/5xx status.
 * Calls to live-core are async: the answer is written from gRPC's thread. Shared by all
 * channels (stateless).
 */
@ChannelHandler.Sharable
public final class HostApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Pattern WATCH_PATH = Pattern.compile("/watch/[a-z0-9-]{1,64}");

  private final ApiRequests requests;
  private final StreamApi streams;
  private final OrderApi orders;
  private final PaymentNotifications payments;
  private final TokenService tokens;
  private final boolean devMode;
  private final Duration tokenTtl;
  private final GatewayMetrics metrics;
  private final Supplier<String> unready;

  /**
   * @param unready why this gateway should not get new viewers now (draining, live-core
   *     unreachable), or null when it is ready
   */
  public HostApiHandler(CoreShards shards, RoomRegistry rooms, TokenService tokens, boolean devMode, Duration tokenTtl,
      String paymentSecret, Duration paymentMaxSkew, GatewayMetrics metrics, Supplier<String> unready) {
    this.requests = new ApiRequests(tokens);
    this.streams = new StreamApi(shards, rooms, requests);
    this.orders = new OrderApi(shards, requests);
    this.payments = new PaymentNotifications(paymentSecret, paymentMaxSkew, Clock.systemUTC(), shards);
    this.tokens = tokens;
    this.devMode = devMode;
    this.tokenTtl = tokenTtl;
    this.metrics = metrics;
    this.unready = unready;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    String path = new QueryStringDecoder(request.uri()).path();
    HttpMethod method = request.method();
    try {
      if (!(method.equals(HttpMethod.GET) && serveGet(ctx, request, path, keepAlive))
          && !serveOther(ctx, request, path, method, keepAlive)
          && !streams.route(ctx, request, path, method, keepAlive)
          && !orders.route(ctx, request, path, method, keepAlive)) {
        throw ApiError.notFound("no such page or API: " + method + " " + path);
      }
    } catch (ApiError e) {
      HttpResponses.sendError(ctx, e.status, e.code, e.getMessage(), keepAlive);
    }
  }

  /** Health, readiness, metrics, pages and {@code /api/me}; false for any other GET. */
  private boolean serveGet(ChannelHandlerContext ctx, FullHttpRequest request, String path, boolean keepAlive) {
    switch (path) {
      case "/healthz" -> HttpResponses.sendJson(ctx, HttpResponseStatus.OK, "{\"status\":\"ok\"}", keepAlive);
      case "/readyz" -> {
        String reason = unready.get();
        JsonObject answer = new JsonObject();
        answer.addProperty("status", reason == null ? "ready" : "not ready: " + reason);
        HttpResponses.sendJson(ctx, reason == null ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
            answer.toString(), keepAlive);
      }
      case "/metrics" -> HttpResponses.send(ctx, HttpResponseStatus.OK,
          Unpooled.copiedBuffer(metrics.scrape(), StandardCharsets.UTF_8), "text/plain; version=0.0.4; charset=utf-8",
          keepAlive);
      case "/" -> {
        var redirect = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.FOUND);
        redirect.headers().set(HttpHeaderNames.LOCATION, "/watch/demo").set(HttpHeaderNames.CONTENT_LENGTH, 0);
        ctx.writeAndFlush(redirect);
      }
      case "/console" -> serveFile(ctx, "console.html", keepAlive);
      case "/api/me" -> me(ctx, requests.principal(request), keepAlive);
      default -> {
        if (WATCH_PATH.matcher(path).matches()) {
          serveFile(ctx, "watch.html", keepAlive);
        } else if (path.startsWith("/static/")) {
          serveFile(ctx, path.substring("/static/".length()), keepAlive);
        } else {
          return false;
        }
      }
    }
    return true;
  }

  /** Payment notifications and development tokens; false for anything else. */
  private boolean serveOther(ChannelHandlerContext ctx, FullHttpRequest request, String path, HttpMethod method,
      boolean keepAlive) {
    if (path.equals("/api/payments/notify") && method.equals(HttpMethod.POST)) {
      payments.handle(ctx, request, keepAlive);
    } else if (path.equals("/api/dev/token") && method.equals(HttpMethod.POST) && devMode) {
      issueDevToken(ctx, request, keepAlive);
    } else {
      return false;
    }
    return true;
  }

  private static void me(ChannelHandlerContext ctx, Principal me, boolean keepAlive) {
    JsonObject answer = new JsonObject();
    answer.addProperty("viewerId", me.viewerId());
    answer.addProperty("role", me.role().name().toLowerCase(Locale.ROOT));
    JsonArray streams = new JsonArray();
    me.streams().forEach(streams::add);
    answer.add("streams", streams);
    HttpResponses.sendJson(ctx, HttpResponseStatus.OK, answer.toString(), keepAlive);
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
      throw ApiError.invalid("expected {\"viewerId\": \"alice\", \"role\": \"viewer\"|\"host\"|\"operator\", "
          + "\"streams\": [...]}: " + e.getMessage());
    }
  }

  private static void serveFile(ChannelHandlerContext ctx, String name, boolean keepAlive) {
    StaticFiles.File file = StaticFiles.load(name).orElseThrow(() -> ApiError.notFound("no file " + name));
    HttpResponses.send(ctx, HttpResponseStatus.OK, file.content(), file.contentType(), keepAlive);
  }
}
