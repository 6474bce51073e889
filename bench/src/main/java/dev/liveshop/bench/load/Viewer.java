package dev.liveshop.bench.load;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One simulated viewer on one WebSocket: sends chat and taps, and reads what the gateway
 * answers. Taps answered BUSY or UNAVAILABLE are retried with the same clientOrderId, as
 * the viewer page does.
 *
 * <p>Threading: everything but the constructor runs on the channel's event loop.
 */
final class Viewer {

  /** What one purchase intent (a clientOrderId) got, as the buyer was told. */
  record Purchase(String saleId, String clientOrderId, String result, String orderId, int quantity) {}

  private static final long RETRY_MILLIS = 200;
  private static final int MAX_ATTEMPTS = 50;

  final String viewerId;
  private final LoadStats stats;
  private Channel channel;
  private volatile boolean joined;
  private int tapSequence;
  /** requestId -> [first send nanos, attempts]; one requestId per clientOrderId. */
  private final Map<String, long[]> pending = new HashMap<>();
  private final Map<String, Purchase> purchases = new HashMap<>();
  private final Map<String, String> saleOfTap = new HashMap<>();

  Viewer(String viewerId, LoadStats stats) {
    this.viewerId = viewerId;
    this.stats = stats;
  }

  void attach(Channel channel) {
    this.channel = channel;
  }

  Channel channel() {
    return channel;
  }

  boolean joined() {
    return joined;
  }

  /** What this viewer was told, read on its event loop (where it is written). */
  CompletableFuture<List<Purchase>> purchases() {
    if (channel == null) {
      return CompletableFuture.completedFuture(List.of());
    }
    var copy = new CompletableFuture<List<Purchase>>();
    channel.eventLoop().execute(() -> copy.complete(List.copyOf(purchases.values())));
    return copy;
  }



  void send(String json) {
    if (channel != null && channel.isActive()) {
      channel.writeAndFlush(new TextWebSocketFrame(json));
      stats.frameOut(System.nanoTime());
    }
  }

  void join(String streamId) {
    send("{\"join\":{\"streamId\":\"" + streamId + "\"}}");
  }

  /** A chat message carrying its sequence and send time, so every receiver can time it. */
  void chat(long sequence) {
    send("{\"chat\":{\"text\":\"lg:" + sequence + ":" + System.nanoTime() + " is it still in stock?\"}}");
  }

  /** One tap on "buy": a new purchase intent. */
  void tap(String saleId) {
    String clientOrderId = viewerId + "-t" + (++tapSequence);
    pending.put(clientOrderId, new long[] {System.nanoTime(), 1});
    saleOfTap.put(clientOrderId, saleId);
    stats.taps.increment();
    stats.unanswered.increment();
    sendBuy(clientOrderId);
  }

  private void sendBuy(String clientOrderId) {
    send("{\"requestId\":\"" + clientOrderId + "\",\"buy\":{\"saleId\":\"" + saleOfTap.get(clientOrderId)
        + "\",\"quantity\":1,\"clientOrderId\":\"" + clientOrderId + "\"}}");
  }

  void onText(String text) {
    long now = System.nanoTime();
    stats.frameIn(text.length(), now);
    if (isChat(text)) {
      onChat(text, now);
    } else if (text.startsWith("{\"orderAck\":")) {
      onAck(JsonParser.parseString(text).getAsJsonObject().getAsJsonObject("orderAck"), now);
    } else if (text.startsWith("{\"welcome\":")) {
      joined = true;
    } else if (text.startsWith("{\"error\":")) {
      JsonObject error = JsonParser.parseString(text).getAsJsonObject().getAsJsonObject("error");
      stats.error(error.has("code") ? error.get("code").getAsString() : "ERROR");
      String requestId = error.has("requestId") ? error.get("requestId").getAsString() : "";
      if (pending.containsKey(requestId)) {
        retryLater(requestId);
      }
    }
  }

  /** A chat batch: {"chat":...}, or {"roomSeq":"N","chat":...} as room broadcasts are numbered. */
  private static boolean isChat(String text) {
    if (text.startsWith("{\"chat\":")) {
      return true;
    }
    int chat = text.startsWith("{\"roomSeq\":") ? text.indexOf("\"chat\":") : -1;
    return chat > 0 && chat < 40;
  }

  private void onChat(String text, long now) {
    int at = text.indexOf("lg:");
    while (at >= 0) {
      int colon = text.indexOf(':', at + 3);
      int space = text.indexOf(' ', colon);
      if (colon < 0 || space < 0) {
        return;
      }
      try {
        stats.delivered(Long.parseLong(text, at + 3, colon, 10), Long.parseLong(text, colon + 1, space, 10), now);
      } catch (NumberFormatException e) {
        stats.error("UNREADABLE_CHAT_MARKER");
      }
      at = text.indexOf("lg:", space);
    }
  }

  private void onAck(JsonObject ack, long now) {
    String clientOrderId = ack.get("clientOrderId").getAsString();
    long[] tap = pending.get(clientOrderId);
    String result = ack.get("result").getAsString();
    if (tap == null) {
      stats.error("UNEXPECTED_ACK");
      return;
    }
    if (result.equals("RESERVE_RESULT_BUSY") || result.equals("RESERVE_RESULT_STORE_UNAVAILABLE")
        || result.equals("RESERVE_RESULT_MOVED")) {
      stats.answer(result, now - tap[0], now);
      retryLater(clientOrderId);
      return;
    }
    pending.remove(clientOrderId);
    stats.unanswered.decrement();
    stats.answer(result, now - tap[0], now);
    Purchase previous = purchases.put(clientOrderId, new Purchase(saleOfTap.get(clientOrderId), clientOrderId,
        result, ack.has("orderId") ? ack.get("orderId").getAsString() : "",
        ack.has("quantity") ? ack.get("quantity").getAsInt() : 0));
    if (previous != null && !previous.orderId().equals(purchases.get(clientOrderId).orderId())) {
      stats.error("DIFFERENT_ANSWER_ON_RETRY");
    }
  }

  private void retryLater(String clientOrderId) {
    long[] tap = pending.get(clientOrderId);
    if (tap[1] >= MAX_ATTEMPTS) {
      pending.remove(clientOrderId);
      stats.unanswered.decrement();
      stats.error("GAVE_UP_AFTER_" + MAX_ATTEMPTS + "_ATTEMPTS");
      return;
    }
    tap[1]++;
    stats.retries.increment();
    channel.eventLoop().schedule(() -> sendBuy(clientOrderId), RETRY_MILLIS, TimeUnit.MILLISECONDS);
  }
}
