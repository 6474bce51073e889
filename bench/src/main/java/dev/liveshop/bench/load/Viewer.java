package dev.liveshop.bench.load;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One simulated viewer on one WebSocket: sends chat and taps, and reads what the gateway
 * answers. Taps answered BUSY or UNAVAILABLE are retried with the same clientOrderId, as
 * the viewer page does. Every tap is remembered with what it was told, so that a second,
 * different final answer for the same clientOrderId (a retry answered otherwise than the
 * first attempt) and answers for taps this viewer never made are caught, not dropped.
 *
 * <p>Threading: everything but the constructor runs on the channel's event loop.
 */
final class Viewer {

  static final String RESERVED = "RESERVE_RESULT_RESERVED";
  /** The result of a tap that has no final answer (yet). */
  static final String NO_ANSWER = "NO_ANSWER";
  /** The result of a tap whose retries ran out before a final answer. */
  static final String GAVE_UP = "GAVE_UP";

  /**
   * What one purchase intent (a clientOrderId) got, as the buyer was told: its final answer,
   * {@link #NO_ANSWER} or {@link #GAVE_UP}. {@code differentAnswer} is a later final answer
   * that contradicted the first ("result orderId"), or "" when there was none.
   */
  record Purchase(String saleId, String clientOrderId, String result, String orderId, int quantity,
      String differentAnswer) {

    Purchase(String saleId, String clientOrderId, String result, String orderId, int quantity) {
      this(saleId, clientOrderId, result, orderId, quantity, "");
    }

    boolean reserved() {
      return result.equals(RESERVED);
    }

    boolean answered() {
      return !result.equals(NO_ANSWER) && !result.equals(GAVE_UP);
    }
  }

  /**
   * A viewer's taps on one sale: every purchase intent, the sale ids of final answers that
   * matched no tap of this viewer, and whether its connection was gone when asked.
   */
  record Taps(String viewerId, boolean connectionLost, List<Purchase> purchases, List<String> answersToNoTap) {

    Taps ofSale(String saleId) {
      return new Taps(viewerId, connectionLost,
          purchases.stream().filter(p -> p.saleId().equals(saleId)).toList(),
          answersToNoTap.stream().filter(saleId::equals).toList());
    }
  }

  private static final long RETRY_MILLIS = 200;
  private static final int MAX_ATTEMPTS = 50;

  final String viewerId;
  private final LoadStats stats;
  private Channel channel;
  private volatile boolean joined;
  private int tapSequence;
  /** requestId -> [first send nanos, attempts]; one requestId per clientOrderId. */
  private final Map<String, long[]> pending = new HashMap<>();
  /** clientOrderId -> what the tap was told so far; kept after the final answer, to compare later ones. */
  private final Map<String, Purchase> purchases = new HashMap<>();
  private final List<String> answersToNoTap = new ArrayList<>();

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

  /** What this viewer was told about its taps, read on its event loop (where it is written). */
  CompletableFuture<Taps> taps() {
    if (channel == null) {
      return CompletableFuture.completedFuture(new Taps(viewerId, false, List.of(), List.of()));
    }
    var copy = new CompletableFuture<Taps>();
    channel.eventLoop().execute(() -> copy.complete(new Taps(viewerId, !channel.isActive(),
        List.copyOf(purchases.values()), List.copyOf(answersToNoTap))));
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
    purchases.put(clientOrderId, new Purchase(saleId, clientOrderId, NO_ANSWER, "", 0));
    stats.taps.increment();
    stats.unanswered.increment();
    sendBuy(clientOrderId);
  }

  private void sendBuy(String clientOrderId) {
    send("{\"requestId\":\"" + clientOrderId + "\",\"buy\":{\"saleId\":\"" + purchases.get(clientOrderId).saleId()
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
    boolean retryable = result.equals("RESERVE_RESULT_BUSY") || result.equals("RESERVE_RESULT_STORE_UNAVAILABLE")
        || result.equals("RESERVE_RESULT_MOVED");
    Purchase answer = new Purchase(purchases.containsKey(clientOrderId) ? purchases.get(clientOrderId).saleId()
        : text(ack, "saleId"), clientOrderId, result, text(ack, "orderId"),
        ack.has("quantity") ? ack.get("quantity").getAsInt() : 0);
    if (tap == null) {
      onAnswerAfterTheFinalOne(answer, retryable);
      return;
    }
    stats.answer(result, now - tap[0], now);
    if (retryable) {
      retryLater(clientOrderId);
      return;
    }
    pending.remove(clientOrderId);
    stats.unanswered.decrement();
    purchases.put(clientOrderId, answer);
  }

  /**
   * An answer for a clientOrderId that is not waiting for one: a retry's answer after an
   * earlier attempt's final one (fine when it says the same, a breach when it says
   * otherwise), an answer after this viewer gave up, or one for a tap it never made.
   */
  private void onAnswerAfterTheFinalOne(Purchase answer, boolean retryable) {
    Purchase first = purchases.get(answer.clientOrderId());
    if (first == null) {
      stats.error("UNEXPECTED_ACK");
      if (!retryable) {
        answersToNoTap.add(answer.saleId());
      }
    } else if (first.result().equals(GAVE_UP)) {
      stats.error("ANSWER_AFTER_GIVING_UP");
    } else if (!retryable && first.answered() && first.differentAnswer().isEmpty()
        && (!first.result().equals(answer.result()) || !first.orderId().equals(answer.orderId()))) {
      stats.error("DIFFERENT_ANSWER_ON_RETRY");
      purchases.put(first.clientOrderId(), new Purchase(first.saleId(), first.clientOrderId(), first.result(),
          first.orderId(), first.quantity(), answer.result() + " " + answer.orderId()));
    }
  }

  private static String text(JsonObject json, String field) {
    return json.has(field) ? json.get(field).getAsString() : "";
  }

  private void retryLater(String clientOrderId) {
    long[] tap = pending.get(clientOrderId);
    if (tap[1] >= MAX_ATTEMPTS) {
      pending.remove(clientOrderId);
      stats.unanswered.decrement();
      stats.error("GAVE_UP_AFTER_" + MAX_ATTEMPTS + "_ATTEMPTS");
      Purchase tapped = purchases.get(clientOrderId);
      purchases.put(clientOrderId, new Purchase(tapped.saleId(), clientOrderId, GAVE_UP, "", 0));
      return;
    }
    tap[1]++;
    stats.retries.increment();
    channel.eventLoop().schedule(() -> sendBuy(clientOrderId), RETRY_MILLIS, TimeUnit.MILLISECONDS);
  }
}
