package dev.liveshop.gateway;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A real HTTP client for the gateway's API, answering status and JSON body. */
public final class Http {

  public record Answer(int status, JsonObject body) {}

  private final HttpClient client = HttpClient.newHttpClient();
  private final int port;

  public Http(int port) {
    this.port = port;
  }

  public Answer post(String path, String token, String json) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .POST(HttpRequest.BodyPublishers.ofString(json));
    return send(token == null ? request : request.header("Authorization", "Bearer " + token));
  }

  public Answer postWithHeaders(String path, String json, String... headers) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .POST(HttpRequest.BodyPublishers.ofString(json)).headers(headers));
  }

  public Answer get(String path, String token) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
    return send(token == null ? request : request.header("Authorization", "Bearer " + token));
  }

  public Answer delete(String path, String token) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).DELETE()
        .header("Authorization", "Bearer " + token));
  }

  /** The body of a GET as text (for /metrics). */
  public String text(String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  public String token(String viewerId, String role, String... streams) throws IOException, InterruptedException {
    StringBuilder list = new StringBuilder();
    for (String s : streams) {
      list.append(list.length() == 0 ? "" : ",").append('"').append(s).append('"');
    }
    return post("/api/dev/token", null, "{\"viewerId\":\"" + viewerId + "\",\"role\":\"" + role + "\",\"streams\":["
        + list + "]}").body().get("token").getAsString();
  }

  private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    String body = response.body();
    return new Answer(response.statusCode(),
        body.isEmpty() || !body.startsWith("{") ? new JsonObject() : JsonParser.parseString(body).getAsJsonObject());
  }
}
