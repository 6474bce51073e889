package dev.liveshop.gateway;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client (the JDK's) speaking liveshop.v1.json, collecting frames for assertions. */
public final class WsClient implements AutoCloseable {

  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  /** Received and not yet taken by a matching {@link #next}; test thread only. */
  private final List<JsonObject> seen = new ArrayList<>();
  public final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  /** The welcome of the last join, when a test waited for it. */
  public JsonObject welcome;
  private final WebSocket socket;

  /** One HTTP client (one selector thread) for every socket of a test JVM: hundreds stay cheap. */
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  public WsClient(int port, String token) {
    socket = CLIENT.newWebSocketBuilder()
        .subprotocols("liveshop.v1.json")
        .connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?token=" + token), new Listener())
        .join();
  }

  public void send(String json) {
    socket.sendText(json, true).join();
  }

  /**
   * The first received frame that matches, taken out; frames that do not match stay for
   * later calls (a stock update may overtake the order ack it follows). Fails after 10 s.
   */
  public JsonObject next(Predicate<JsonObject> matching) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      for (var it = seen.iterator(); it.hasNext(); ) {
        JsonObject frame = it.next();
        if (matching.test(frame)) {
          it.remove();
          return frame;
        }
      }
      JsonObject frame = frames.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (frame == null) {
        throw new AssertionError("no matching frame within 10 s; received " + seen);
      }
      seen.add(frame);
    }
  }

  public JsonObject next(String kind) throws InterruptedException {
    return next(f -> f.has(kind)).getAsJsonObject(kind);
  }

  /** Every frame received until none arrived for {@code quietMillis}, in arrival order (taken out). */
  public List<JsonObject> drain(long quietMillis) throws InterruptedException {
    List<JsonObject> all = new ArrayList<>(seen);
    seen.clear();
    for (JsonObject frame = frames.poll(quietMillis, TimeUnit.MILLISECONDS); frame != null;
        frame = frames.poll(quietMillis, TimeUnit.MILLISECONDS)) {
      all.add(frame);
    }
    return all;
  }

  /** Whether a frame of this kind arrives within {@code millis}. */
  public boolean receives(String kind, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < deadline) {
      JsonObject frame = frames.poll(10, TimeUnit.MILLISECONDS);
      if (frame != null) {
        seen.add(frame);
      }
    }
    return seen.stream().anyMatch(f -> f.has(kind));
  }

  @Override
  public void close() {
    socket.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        frames.add(JsonParser.parseString(partial.toString()).getAsJsonObject());
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closeCode.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closeCode.completeExceptionally(error);
    }
  }
}
