package dev.liveshop.bench.load;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/** The gateway's public HTTP API as the load generator uses it: tokens, setting up a sale, checking orders. */
final class GatewayApi {

  /** The most orders {@code GET /api/streams/{id}/orders} lists (one page, newest first). */
  static final int MAX_LISTED_ORDERS = 1000;
  private static final int VIEWER_PAGE_SIZE = 100;

  record Answer(int status, JsonObject body) {}

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  GatewayApi(String base) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  /** A development-mode token (the gateway must run with LIVESHOP_AUTH_DEV_MODE=true). */
  String token(String viewerId, String role, String... streams) {
    StringBuilder list = new StringBuilder();
    for (String s : streams) {
      list.append(list.length() == 0 ? "" : ",").append('"').append(s).append('"');
    }
    Answer answer = call("POST", "/api/dev/token", null,
        "{\"viewerId\":\"" + viewerId + "\",\"role\":\"" + role + "\",\"streams\":[" + list + "]}");
    if (answer.status != 200) {
      throw new IllegalStateException("no development token from " + base + " (HTTP " + answer.status + " "
          + answer.body + "): start the gateway with LIVESHOP_AUTH_DEV_MODE=true");
    }
    return answer.body.get("token").getAsString();
  }

  /** Viewer tokens for {@code viewerIds}, fetched {@code parallel} at a time. */
  List<String> viewerTokens(List<String> viewerIds, int parallel) {
    Semaphore slots = new Semaphore(parallel);
    List<CompletableFuture<String>> tokens = viewerIds.stream().map(id -> {
      slots.acquireUninterruptibly();
      return CompletableFuture.supplyAsync(() -> token(id, "viewer")).whenComplete((t, e) -> slots.release());
    }).toList();
    return tokens.stream().map(CompletableFuture::join).toList();
  }

  /**
   * Every order of the stream, as the store holds it. The host's listing has no next page:
   * when it comes back full some may be cut off, so the orders are then read from every
   * buyer's own paged listing instead ({@code viewerTokens}: viewerId to token, the viewers
   * that may have ordered).
   */
  List<StoredOrder> storedOrders(String hostToken, String streamId, Map<String, String> viewerTokens,
      int parallel) {
    JsonObject listing = ok("GET", "/api/streams/" + streamId + "/orders?limit=" + MAX_LISTED_ORDERS, hostToken,
        null);
    List<StoredOrder> listed = orders(listing);
    if (listed.size() < MAX_LISTED_ORDERS) {
      return listed;
    }
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      List<CompletableFuture<List<StoredOrder>>> perViewer = viewerTokens.values().stream()
          .map(token -> CompletableFuture.supplyAsync(() -> viewerOrders(token), pool)).toList();
      return perViewer.stream().flatMap(f -> f.join().stream()).toList();
    } finally {
      pool.shutdown();
    }
  }

  /** Every order of the token's viewer, a page at a time. */
  List<StoredOrder> viewerOrders(String viewerToken) {
    List<StoredOrder> all = new ArrayList<>();
    String pageToken = "";
    do {
      JsonObject page = ok("GET", "/api/me/orders?pageSize=" + VIEWER_PAGE_SIZE + "&pageToken="
          + URLEncoder.encode(pageToken, StandardCharsets.UTF_8), viewerToken, null);
      all.addAll(orders(page));
      pageToken = page.has("nextPageToken") ? page.get("nextPageToken").getAsString() : "";
    } while (!pageToken.isEmpty());
    return all;
  }

  /** Units of the sale held or sold, by the engine's counters in the stream's snapshot. */
  int heldOrSold(String streamId, String saleId) {
    for (var sale : ok("GET", "/api/streams/" + streamId, null, null).getAsJsonArray("sales")) {
      JsonObject status = sale.getAsJsonObject();
      if (status.getAsJsonObject("sale").get("saleId").getAsString().equals(saleId)) {
        JsonObject stock = status.getAsJsonObject("stock");
        return (stock.has("held") ? stock.get("held").getAsInt() : 0)
            + (stock.has("sold") ? stock.get("sold").getAsInt() : 0);
      }
    }
    throw new IllegalStateException("sale " + saleId + " is not in stream " + streamId);
  }

  private static List<StoredOrder> orders(JsonObject listing) {
    List<StoredOrder> orders = new ArrayList<>();
    if (listing.has("orders")) {
      listing.getAsJsonArray("orders").forEach(o -> orders.add(StoredOrder.fromJson(o.getAsJsonObject())));
    }
    return orders;
  }

  Answer call(String method, String path, String token, String json) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      String body = response.body();
      return new Answer(response.statusCode(),
          body.startsWith("{") ? JsonParser.parseString(body).getAsJsonObject() : new JsonObject());
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach the gateway at " + base + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Like {@link #call} but fails unless the answer is 200. */
  JsonObject ok(String method, String path, String token, String json) {
    Answer answer = call(method, path, token, json);
    if (answer.status != 200) {
      throw new IllegalStateException(method + " " + path + " answered HTTP " + answer.status + ": " + answer.body);
    }
    return answer.body;
  }
}
