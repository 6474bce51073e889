package dev.liveshop.dev;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.liveshop.gateway.Http;
import dev.liveshop.gateway.WsClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateways in front of one live-core and one Cassandra node, each a process of its own
 * started by docker/loopback.sh: viewers split across the gateways share one room through
 * live-core's room bus.
 */
class TwoGatewaysIT {

  private static Loopback loopback;
  private static Http one;
  private static Http two;
  private static String host;

  @BeforeAll
  static void start() throws Exception {
    loopback = new Loopback("two-gateways", 1, 2, Map.of());
    loopback.up();
    one = new Http(loopback.gatewayPort(1));
    two = new Http(loopback.gatewayPort(2));
    host = one.token("host-1", "host", "duo", "again");
  }

  @AfterAll
  static void stop() {
    if (loopback != null) {
      loopback.close();
    }
  }

  @Test
  void viewersOnBothGateways_seeOneRoom_chatPinsModerationAndStock_buyersOnEitherGetTheirAck() throws Exception {
    String productId = stream("duo");
    try (WsClient alice = viewer(loopback.gatewayPort(1), one, "alice", "duo");
        WsClient bob = viewer(loopback.gatewayPort(2), two, "bob", "duo")) {
      alice.send("{\"chat\":{\"text\":\"hello from gateway one\"}}");
      String messageId = chatFrom(bob, "hello from gateway one").get("messageId").getAsString();
      bob.send("{\"chat\":{\"text\":\"and from two\"}}");
      chatFrom(alice, "and from two");

      assertThat(two.post("/api/streams/duo/pin", host, "{\"productId\":\"" + productId + "\"}").status())
          .isEqualTo(200);
      for (WsClient viewer : new WsClient[] {alice, bob}) {
        viewer.next(f -> f.has("pin") && f.getAsJsonObject("pin").getAsJsonObject("product").get("productId")
            .getAsString().equals(productId));
      }

      Http.Answer sale = one.post("/api/streams/duo/sales", host, "{\"productId\":\"" + productId
          + "\",\"quantity\":5,\"perViewerLimit\":2,\"durationMs\":\"600000\"}");
      assertThat(sale.status()).as(sale.body().toString()).isEqualTo(200);
      String saleId = sale.body().get("saleId").getAsString();
      alice.next("saleStarted");
      bob.next("saleStarted");

      alice.send("{\"requestId\":\"a\",\"buy\":{\"saleId\":\"" + saleId + "\",\"quantity\":1,\"clientOrderId\":\"a1\"}}");
      bob.send("{\"requestId\":\"b\",\"buy\":{\"saleId\":\"" + saleId + "\",\"quantity\":2,\"clientOrderId\":\"b1\"}}");
      assertThat(alice.next("orderAck").get("result").getAsString()).isEqualTo("RESERVE_RESULT_RESERVED");
      assertThat(bob.next("orderAck").get("result").getAsString()).isEqualTo("RESERVE_RESULT_RESERVED");
      for (WsClient viewer : new WsClient[] {alice, bob}) {
        viewer.next(f -> f.has("stock") && f.getAsJsonObject("stock").get("available").getAsInt() == 2);
      }

      assertThat(two.post("/api/streams/duo/moderation", host, "{\"deleteMessageId\":\"" + messageId + "\"}")
          .status()).isEqualTo(200);
      alice.next("chatDeleted");
      bob.next("chatDeleted");
      assertThat(one.post("/api/streams/duo/moderation", host, "{\"muteViewerId\":\"bob\"}").status())
          .isEqualTo(200);
      // Bob is connected to gateway two; the mute was made on gateway one.
      JsonObject refused = retryUntilRefused(bob);
      assertThat(refused.get("code").getAsString()).isEqualTo("ERROR_CODE_CHAT_REFUSED");
    }
  }

  @Test
  void liveCoreRestarts_gatewaysResubscribeToTheBus_theRoomGoesOn_aMuteOutlivesTheRestart() throws Exception {
    String productId = stream("again");
    try (WsClient alice = viewer(loopback.gatewayPort(1), one, "carol", "again");
        WsClient bob = viewer(loopback.gatewayPort(2), two, "dave", "again")) {
      alice.send("{\"chat\":{\"text\":\"before\"}}");
      chatFrom(bob, "before");
      assertThat(one.post("/api/streams/again/moderation", host, "{\"muteViewerId\":\"dave\"}").status())
          .isEqualTo(200);

      loopback.kill("core-1");
      loopback.start("core-1");

      // The bus restarted with a new epoch: both gateways resubscribe, re-read the stream, go on.
      // (The first calls may meet a gateway whose connection to live-core is still backing off.)
      long reconnect = System.nanoTime() + 30_000_000_000L;
      int status = 0;
      while (status != 200 && System.nanoTime() < reconnect) {
        status = one.post("/api/streams/again/pin", host, "{\"productId\":\"" + productId + "\"}").status();
        if (status != 200) {
          Thread.sleep(500);
        }
      }
      assertThat(status).isEqualTo(200);
      bob.next(f -> f.has("pin") && f.getAsJsonObject("pin").has("product"));
      alice.next(f -> f.has("pin") && f.getAsJsonObject("pin").has("product"));
      long deadline = System.nanoTime() + 20_000_000_000L;
      JsonObject seen = null;
      for (int i = 0; seen == null && System.nanoTime() < deadline; i++) {
        alice.send("{\"chat\":{\"text\":\"after " + i + "\"}}");
        seen = chatWithin(bob, "after", 1000);
      }
      assertThat(seen).as("chat from gateway one reaches gateway two after the restart").isNotNull();
      // The mute was stored: the restarted bus still has it, and so do both gateways.
      assertThat(retryUntilRefused(bob).get("code").getAsString()).isEqualTo("ERROR_CODE_CHAT_REFUSED");
    }
  }

  /** A stream with one product; its id. */
  private static String stream(String streamId) throws Exception {
    assertThat(one.post("/api/streams", host, "{\"streamId\":\"" + streamId + "\",\"title\":\"Two gateways\"}")
        .status()).isEqualTo(200);
    Http.Answer product = two.post("/api/streams/" + streamId + "/products", host,
        "{\"name\":\"Scarf\",\"priceCents\":\"2900\"}");
    assertThat(product.status()).as(product.body().toString()).isEqualTo(200);
    return product.body().get("productId").getAsString();
  }

  private static WsClient viewer(int port, Http http, String viewerId, String streamId) throws Exception {
    WsClient client = new WsClient(port, http.token(viewerId, "viewer"));
    client.send("{\"join\":{\"streamId\":\"" + streamId + "\"}}");
    client.welcome = client.next("welcome");
    return client;
  }

  /** The chat message with this text, waiting for the batch that carries it. */
  private static JsonObject chatFrom(WsClient viewer, String text) throws InterruptedException {
    JsonObject batch = viewer.next(f -> f.has("chat") && f.getAsJsonObject("chat").getAsJsonArray("messages")
        .asList().stream().anyMatch(m -> m.getAsJsonObject().get("text").getAsString().equals(text)));
    return batch.getAsJsonObject("chat").getAsJsonArray("messages").asList().stream()
        .map(m -> m.getAsJsonObject()).filter(m -> m.get("text").getAsString().equals(text)).findFirst()
        .orElseThrow();
  }

  private static JsonObject chatWithin(WsClient viewer, String prefix, long millis) throws InterruptedException {
    for (JsonObject frame : viewer.drain(millis)) {
      if (frame.has("chat") && frame.getAsJsonObject("chat").getAsJsonArray("messages").asList().stream()
          .anyMatch(m -> m.getAsJsonObject().get("text").getAsString().startsWith(prefix))) {
        return frame;
      }
    }
    return null;
  }

  /** The bus brings the mute to the other gateway within moments: chat until it is refused. */
  private static JsonObject retryUntilRefused(WsClient viewer) throws InterruptedException {
    for (int i = 0; i < 50; i++) {
      viewer.send("{\"requestId\":\"m" + i + "\",\"chat\":{\"text\":\"am I muted?\"}}");
      for (JsonObject frame : viewer.drain(100)) {
        if (frame.has("error")) {
          return frame.getAsJsonObject("error");
        }
      }
    }
    throw new AssertionError("the mute made on one gateway never reached the other");
  }
}
