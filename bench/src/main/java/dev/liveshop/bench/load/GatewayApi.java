package dev.liveshop.bench.load;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/** The gateway's public HTTP API as the load generator uses it: tokens, setting up a sale, checking orders. */
final class GatewayApi {

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
