package dev.liveshop.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.google.gson.JsonObject;
import dev.liveshop.core.CoreFixture;
import dev.liveshop.core.config.CoreConfig;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walking skeleton for real: a Cassandra node, live-core over gRPC on loopback, the
 * gateway, and real WebSocket and HTTP clients.
 */
class LiveShopEndToEndIT {

  private static final String PAYMENT_SECRET = "provider-shared-secret";
  private static LiveSystem system;
  private static CoreConfig coreConfig;
  private static GatewayServer gateway;
  private static Http http;
  private static String hostToken;

  @BeforeAll
  static void start() throws Exception {
    system = LiveSystem.start("e2e", config -> config.withPaymentSecret(PAYMENT_SECRET));
    coreConfig = system.coreConfig;
    gateway = system.gateway;
    http = system.http;
    hostToken = http.token("host-1", "host", "shop", "other");
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  @Test
  void buy_twoViewersInOneRoom_buyerGetsAckBothSeeStockFall_orderIsInCassandra() throws Exception {
    String saleId = launchSale("shop", 5);
    try (WsClient alice = viewer("alice", "shop"); WsClient bob = viewer("bob", "shop")) {
      alice.send("{\"requestId\":\"r1\",\"buy\":{\"saleId\":\"" + saleId + "\",\"quantity\":2,"
          + "\"clientOrderId\":\"tap-1\"}}");
      JsonObject ack = alice.next("orderAck");
      assertThat(ack.get("result").getAsString()).isEqualTo("RESERVE_RESULT_RESERVED");
      assertThat(ack.get("requestId").getAsString()).isEqualTo("r1");
      for (WsClient viewer : new WsClient[] {alice, bob}) {
        viewer.next(f -> f.has("stock") && f.getAsJsonObject("stock").get("saleId").getAsString().equals(saleId)
            && f.getAsJsonObject("stock").get("available").getAsInt() == 3);
      }
      assertThat(bob.receives("orderAck", 500)).isFalse();

      try (CqlSession cql = CoreFixture.cql(coreConfig)) {
        Row row = cql.execute("SELECT viewer_id, quantity, status FROM orders WHERE order_id = ?",
            UUID.fromString(ack.get("orderId").getAsString())).one();
        assertThat(row.getString("viewer_id")).isEqualTo("alice");
        assertThat(row.getInt("quantity")).isEqualTo(2);
        assertThat(row.getString("status")).isEqualTo("RESERVED");
      }
      Http.Answer mine = http.get("/api/me/orders?pageSize=10", http.token("alice", "viewer"));
      assertThat(mine.status()).isEqualTo(200);
      assertThat(mine.body().getAsJsonArray("orders").get(0).getAsJsonObject().get("orderId").getAsString())
          .isEqualTo(ack.get("orderId").getAsString());
      assertThat(http.get("/api/me/orders", null).status()).isEqualTo(401);
      Http.Answer orders = http.get("/api/streams/shop/orders", hostToken);
      assertThat(orders.status()).isEqualTo(200);
      assertThat(orders.body().getAsJsonArray("orders")).hasSize(1);
    }
  }

  @Test
  void payAndNotify_signedOnce_orderIsPaid_replayAndForgeryRefused_cancelReturnsUnits() throws Exception {
    String saleId = launchSale("shop", 5);
    try (WsClient ivy = viewer("ivy", "shop")) {
      ivy.send("{\"buy\":{\"saleId\":\"" + saleId + "\",\"quantity\":1,\"clientOrderId\":\"i-1\"}}");
      String orderId = ivy.next("orderAck").get("orderId").getAsString();
      ivy.send("{\"requestId\":\"p1\",\"pay\":{\"orderId\":\"" + orderId + "\"}}");
      JsonObject paying = ivy.next("orderUpdate");
      assertThat(paying.get("status").getAsString()).isEqualTo("ORDER_STATUS_PAYING");
      assertThat(paying.get("requestId").getAsString()).isEqualTo("p1");

      String body = "{\"notificationId\":\"n-" + orderId + "\",\"orderId\":\"" + orderId
          + "\",\"paid\":true,\"amountCents\":2900,\"paymentId\":\"psp-1\"}";
      String ts = String.valueOf(System.currentTimeMillis() / 1000);
      assertThat(notify(ts, sign(ts, body.replace("true", "false")), body).status()).isEqualTo(401);
      String cheap = body.replace("2900", "100").replace("\"n-", "\"cheap-");
      Http.Answer mismatch = notify(ts, sign(ts, cheap), cheap);
      assertThat(mismatch.status()).isEqualTo(400);
      assertThat(mismatch.body().get("error").getAsString()).isEqualTo("AMOUNT_MISMATCH");
      String unknown = "{\"notificationId\":\"u-1\",\"orderId\":\"" + UUID.randomUUID()
          + "\",\"paid\":true,\"amountCents\":1}";
      assertThat(notify(ts, sign(ts, unknown), unknown).status()).isEqualTo(404);
      Http.Answer paid = notify(ts, sign(ts, body), body);
      assertThat(paid.status()).as(paid.body().toString()).isEqualTo(200);
      assertThat(paid.body().get("status").getAsString()).isEqualTo("ORDER_STATUS_PAID");
      assertThat(notify(ts, sign(ts, body), body).status()).isEqualTo(409);
      try (CqlSession cql = CoreFixture.cql(coreConfig)) {
        assertThat(cql.execute("SELECT status FROM orders WHERE order_id = ?", UUID.fromString(orderId)).one()
            .getString("status")).isEqualTo("PAID");
      }

      String pickup = "{\"pickup\":{\"store\":\"Jing'an flagship\"}}";
      assertThat(http.post("/api/orders/" + orderId + "/fulfil", http.token("ivy", "viewer"), pickup).status())
          .isEqualTo(403);
      Http.Answer fulfilled = http.post("/api/orders/" + orderId + "/fulfil", hostToken, pickup);
      assertThat(fulfilled.status()).as(fulfilled.body().toString()).isEqualTo(200);
      assertThat(fulfilled.body().get("status").getAsString()).isEqualTo("ORDER_STATUS_FULFILLED");

      ivy.send("{\"buy\":{\"saleId\":\"" + saleId + "\",\"quantity\":1,\"clientOrderId\":\"i-2\"}}");
      String second = ivy.next("orderAck").get("orderId").getAsString();
      ivy.send("{\"requestId\":\"c1\",\"cancel\":{\"orderId\":\"" + second + "\"}}");
      assertThat(ivy.next("orderUpdate").get("status").getAsString()).isEqualTo("ORDER_STATUS_CANCELLED");
      assertThat(http.post("/api/orders/" + second + "/fulfil", hostToken, pickup).status()).isEqualTo(409);
      ivy.send("{\"cancel\":{\"orderId\":\"" + orderId + "\"}}");
      assertThat(ivy.next("orderUpdate").get("result").getAsString()).isEqualTo("ORDER_CHANGE_RESULT_NOT_HELD");
    }
  }

  private static Http.Answer notify(String timestamp, String signature, String body) throws Exception {
    return http.postWithHeaders("/api/payments/notify", body, "X-Payment-Timestamp", timestamp,
        "X-Payment-Signature", signature);
  }

  private static String sign(String timestamp, String body) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(PAYMENT_SECRET.getBytes(StandardCharsets.UTF_8),
        "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body)
        .getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void chat_reachesEveryoneInTheRoom_asText() throws Exception {
    http.post("/api/streams", hostToken, "{\"streamId\":\"other\",\"title\":\"Other\"}");
    try (WsClient alice = viewer("alice", "other"); WsClient bob = viewer("bob", "other")) {
      alice.send("{\"chat\":{\"text\":\"<b>hello</b> & welcome\"}}");
      for (WsClient viewer : new WsClient[] {alice, bob}) {
        JsonObject message = viewer.next("chat").getAsJsonArray("messages").get(0).getAsJsonObject();
        assertThat(message.get("text").getAsString()).isEqualTo("<b>hello</b> & welcome");
        assertThat(message.get("viewerId").getAsString()).isEqualTo("alice");
      }
    }
  }

  @Test
  void badInput_getsTypedErrorsAndChangesNothing() throws Exception {
    String saleId = launchSale("shop", 5);
    try (WsClient eve = new WsClient(gateway.port(), http.token("eve", "viewer"))) {
      eve.send("{\"buy\":{\"saleId\":\"" + saleId + "\",\"quantity\":1,\"clientOrderId\":\"x\"}}");
      assertThat(eve.next("error").get("code").getAsString()).isEqualTo("ERROR_CODE_NOT_JOINED");
      eve.send("{\"join\":{\"streamId\":\"shop\"}}");
      JsonObject welcome = eve.next("welcome");
      int available = availableOf(welcome, saleId);

      eve.send("{not json");
      assertThat(eve.next("error").get("code").getAsString()).isEqualTo("ERROR_CODE_MALFORMED_FRAME");
      eve.send("{\"requestId\":\"q\",\"dance\":{}}");
      JsonObject unknown = eve.next("error");
      assertThat(unknown.get("code").getAsString()).isEqualTo("ERROR_CODE_UNKNOWN_FRAME_TYPE");
      assertThat(unknown.get("requestId").getAsString()).isEqualTo("q");
      eve.send("{\"buy\":{\"saleId\":\"" + saleId + "\",\"quantity\":1}}");
      assertThat(eve.next("error").get("message").getAsString()).contains("clientOrderId");
      eve.send("{\"buy\":{\"saleId\":\"" + saleId + "\",\"quantity\":-4,\"clientOrderId\":\"y\"}}");
      assertThat(eve.next("error").get("code").getAsString()).isEqualTo("ERROR_CODE_INVALID_FIELD");
      eve.send("{\"join\":{}}");
      assertThat(eve.next("error").get("message").getAsString()).contains("streamId");
      eve.send("{\"join\":{\"streamId\":\"no-such-stream\"}}");
      assertThat(eve.next("error").get("code").getAsString()).isEqualTo("ERROR_CODE_UNKNOWN_STREAM");

      // Still in the room, still connected, stock untouched.
      eve.send("{\"ping\":{\"clientTimeMs\":\"7\"}}");
      assertThat(eve.next("pong").get("clientTimeMs").getAsString()).isEqualTo("7");
      try (WsClient check = viewer("check", "shop")) {
        assertThat(availableOf(check.welcome, saleId)).isEqualTo(available);
      }
      eve.send("{\"chat\":{\"text\":\"" + "x".repeat(9000) + "\"}}");
      assertThat(eve.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
    }
  }

  @Test
  void connect_withoutValidToken_isRefused() throws Exception {
    assertThat(http.get("/ws?token=forged.token", null).status()).isEqualTo(401);
    Http.Answer forbidden = http.post("/api/streams/shop/pin", http.token("mallory", "viewer"), "{\"productId\":\"\"}");
    assertThat(forbidden.status()).isEqualTo(403);
    assertThat(forbidden.body().get("error").getAsString()).isEqualTo("FORBIDDEN");
    assertThat(http.post("/api/streams/shop/pin", null, "{}").status()).isEqualTo(401);
    Http.Answer badJson = http.post("/api/streams", hostToken, "{\"streamId\": ");
    assertThat(badJson.status()).isEqualTo(400);
    assertThat(badJson.body().get("error").getAsString()).isEqualTo("INVALID_ARGUMENT");
    Http.Answer badSale = http.post("/api/streams/shop/sales", hostToken,
        "{\"productId\":\"p-x\",\"quantity\":5,\"perViewerLimit\":1,\"durationMs\":\"60000\"}");
    assertThat(badSale.status()).isEqualTo(404);
  }

  @Test
  void moderation_hostDeletesMutesSlowsAndTurnsChatOff_everyoneIsTold_viewersCannotModerate() throws Exception {
    String host = http.token("mod-host", "host", "mod");
    http.post("/api/streams", host, "{\"streamId\":\"mod\",\"title\":\"Mod\"}");
    try (WsClient alice = viewer("alice", "mod"); WsClient bob = viewer("bob", "mod")) {
      alice.send("{\"chat\":{\"text\":\"buy followers at spam.example\"}}");
      String spam = bob.next("chat").getAsJsonArray("messages").get(0).getAsJsonObject().get("messageId")
          .getAsString();
      String delete = "{\"deleteMessageId\":\"" + spam + "\"}";
      assertThat(moderate(http.token("bob", "viewer"), delete).status()).isEqualTo(403);
      assertThat(moderate(http.token("other-host", "host", "other"), delete).status()).isEqualTo(403);
      assertThat(moderate(host, "{}").status()).isEqualTo(400);
      assertThat(moderate(host, "{\"slowModeSeconds\":99999}").status()).isEqualTo(400);
      assertThat(moderate(host, delete).status()).isEqualTo(200);
      for (WsClient viewer : new WsClient[] {alice, bob}) {
        assertThat(viewer.next("chatDeleted").get("messageId").getAsString()).isEqualTo(spam);
      }
      try (WsClient carol = viewer("carol", "mod")) {
        assertThat(carol.welcome.toString()).doesNotContain(spam);
      }

      assertThat(moderate(host, "{\"muteViewerId\":\"alice\"}").status()).isEqualTo(200);
      alice.send("{\"requestId\":\"m1\",\"chat\":{\"text\":\"let me talk\"}}");
      JsonObject refused = alice.next("error");
      assertThat(refused.get("code").getAsString()).isEqualTo("ERROR_CODE_CHAT_REFUSED");
      assertThat(refused.get("message").getAsString()).contains("muted");
      assertThat(refused.get("requestId").getAsString()).isEqualTo("m1");
      bob.send("{\"chat\":{\"text\":\"bob still talks\"}}");
      assertThat(alice.next(f -> f.has("chat") && f.toString().contains("bob still talks")).toString())
          .doesNotContain("let me talk");
      assertThat(moderate(host, "{\"unmuteViewerId\":\"alice\"}").status()).isEqualTo(200);

      assertThat(moderate(host, "{\"slowModeSeconds\":30}").status()).isEqualTo(200);
      assertThat(bob.next("chatSettings").get("slowModeSeconds").getAsInt()).isEqualTo(30);
      bob.send("{\"chat\":{\"text\":\"one\"}}");
      bob.send("{\"chat\":{\"text\":\"two\"}}");
      assertThat(bob.next("error").get("message").getAsString()).contains("slow mode");
      assertThat(moderate(host, "{\"slowModeSeconds\":0}").status()).isEqualTo(200);

      assertThat(moderate(host, "{\"chatEnabled\":false}").status()).isEqualTo(200);
      assertThat(alice.next(f -> f.has("chatSettings") && f.getAsJsonObject("chatSettings").has("chatOff"))
          .toString()).contains("\"chatOff\":true");
      alice.send("{\"chat\":{\"text\":\"anyone?\"}}");
      assertThat(alice.next("error").get("message").getAsString()).contains("chat off");
      assertThat(moderate(host, "{\"chatEnabled\":true}").status()).isEqualTo(200);
    }
  }

  @Test
  void hostApi_lineupAndSaleChanges_reachViewers_onlyForTheStreamsHost() throws Exception {
    String saleId = launchSale("shop", 5);
    String productId = http.get("/api/streams/shop", null).body().getAsJsonArray("products").get(0)
        .getAsJsonObject().get("productId").getAsString();
    try (WsClient dan = viewer("dan", "shop")) {
      String added = http.post("/api/streams/shop/products", hostToken,
          "{\"name\":\"Tea\",\"priceCents\":500}").body().get("productId").getAsString();
      assertThat(dan.next("lineup").toString()).contains("Tea");
      Http.Answer reordered = http.post("/api/streams/shop/lineup", hostToken,
          "{\"productIds\":[\"" + added + "\",\"" + productId + "\"]}");
      assertThat(reordered.status()).as(reordered.body().toString()).isEqualTo(200);
      assertThat(dan.next("lineup").getAsJsonArray("products").get(0).getAsJsonObject().get("productId")
          .getAsString()).isEqualTo(added);
      assertThat(http.delete("/api/streams/shop/products/" + productId, hostToken).status())
          .as("a product on sale stays").isEqualTo(400);
      assertThat(http.delete("/api/streams/shop/products/" + added, http.token("dan", "viewer")).status())
          .isEqualTo(403);
      assertThat(http.delete("/api/streams/shop/products/" + added, hostToken).status()).isEqualTo(200);
      assertThat(dan.next("lineup").toString()).doesNotContain("Tea");

      String otherHost = http.token("other-host", "host", "elsewhere");
      http.post("/api/streams", otherHost, "{\"streamId\":\"elsewhere\",\"title\":\"Elsewhere\"}");
      String stop = "{\"action\":\"SALE_ACTION_STOP\"}";
      assertThat(http.post("/api/streams/elsewhere/sales/" + saleId, otherHost, stop).status())
          .as("a sale of another stream").isEqualTo(404);
      Http.Answer restocked = http.post("/api/streams/shop/sales/" + saleId, hostToken,
          "{\"action\":\"SALE_ACTION_RESTOCK\",\"quantity\":8}");
      assertThat(restocked.status()).as(restocked.body().toString()).isEqualTo(200);
      dan.next(f -> f.has("stock") && f.getAsJsonObject("stock").get("quantity").getAsInt() == 8);
      assertThat(http.post("/api/streams/shop/sales/" + saleId, hostToken, stop).status()).isEqualTo(200);
      dan.next(f -> f.has("stock") && f.getAsJsonObject("stock").get("saleId").getAsString().equals(saleId)
          && f.getAsJsonObject("stock").get("state").getAsString().equals("SALE_STATE_ENDED"));
    }
  }

  @Test
  void operability_readyAndMetered_shutdownTellsViewersToReconnect() throws Exception {
    GatewayServer second = GatewayServer.start(system.gatewayConfig());
    Http api = new Http(second.port());
    String host = api.token("ops-host", "host", "ops");
    api.post("/api/streams", host, "{\"streamId\":\"ops\",\"title\":\"Ops\"}");
    WsClient viewer = new WsClient(second.port(), api.token("olga", "viewer"));
    viewer.send("{\"join\":{\"streamId\":\"ops\"}}");
    viewer.next("welcome");
    viewer.send("{\"chat\":{\"text\":\"hello\"}}");
    viewer.next("chat");
    for (int i = 0; i < 50 && api.get("/readyz", null).status() != 200; i++) {
      Thread.sleep(100);
    }
    assertThat(api.get("/readyz", null).status()).isEqualTo(200);
    String metrics = api.text("/metrics");
    assertThat(metrics).contains("liveshop_gateway_connections 1.0").contains("liveshop_gateway_rooms 1.0")
        .contains("liveshop_gateway_bytes_out_total").contains("liveshop_gateway_order_latency_seconds_bucket");
    assertThat(counter(metrics, "liveshop_gateway_frames_in_total")).isGreaterThanOrEqualTo(2);
    assertThat(counter(metrics, "liveshop_gateway_frames_out_total")).isGreaterThanOrEqualTo(2);

    second.close();
    assertThat(viewer.closeCode.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
    viewer.close();
  }

  @Test
  void protoSubprotocol_binaryFramesEndToEnd_sameRoomAsJsonViewers() throws Exception {
    String saleId = launchSale("other", 5);
    BlockingQueue<dev.liveshop.proto.v1.ServerFrame> frames =
        new LinkedBlockingQueue<>();
    WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .subprotocols("liveshop.v1.proto")
        .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + "/ws?token=" + http.token("bin", "viewer")),
            new WebSocket.Listener() {
              private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

              @Override
              public CompletionStage<?> onBinary(WebSocket ws,
                  ByteBuffer data, boolean last) {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                partial.writeBytes(bytes);
                if (last) {
                  try {
                    frames.add(dev.liveshop.proto.v1.ServerFrame.parseFrom(partial.toByteArray()));
                  } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    throw new AssertionError(e);
                  }
                  partial.reset();
                }
                ws.request(1);
                return null;
              }
            }).join();
    try (WsClient json = viewer("jason", "other")) {
      assertThat(socket.getSubprotocol()).isEqualTo("liveshop.v1.proto");
      socket.sendBinary(ByteBuffer.wrap(dev.liveshop.proto.v1.ClientFrame.newBuilder()
          .setJoin(dev.liveshop.proto.v1.Join.newBuilder().setStreamId("other")).build().toByteArray()), true).join();
      assertThat(nextFrame(frames, f -> f.hasWelcome()).getWelcome().getViewerId()).isEqualTo("bin");
      socket.sendBinary(ByteBuffer.wrap(dev.liveshop.proto.v1.ClientFrame.newBuilder().setRequestId("b1")
          .setBuy(dev.liveshop.proto.v1.Buy.newBuilder().setSaleId(saleId).setQuantity(1).setClientOrderId("bin-1"))
          .build().toByteArray()), true).join();
      var ack = nextFrame(frames, f -> f.hasOrderAck()).getOrderAck();
      assertThat(ack.getResult()).isEqualTo(dev.liveshop.proto.v1.ReserveResult.RESERVE_RESULT_RESERVED);
      assertThat(ack.getRequestId()).isEqualTo("b1");
      // Both kinds of viewer get the same room broadcast, each in its own encoding.
      nextFrame(frames, f -> f.hasStock() && f.getStock().getSaleId().equals(saleId)
          && f.getStock().getAvailable() == 4);
      json.next(f -> f.has("stock") && f.getAsJsonObject("stock").get("available").getAsInt() == 4);
    } finally {
      socket.abort();
    }
  }

  private static dev.liveshop.proto.v1.ServerFrame nextFrame(
      BlockingQueue<dev.liveshop.proto.v1.ServerFrame> frames,
      Predicate<dev.liveshop.proto.v1.ServerFrame> matching) throws InterruptedException {
    // Frames that do not match stay queued for later calls (a stock update may overtake an ack).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<dev.liveshop.proto.v1.ServerFrame> skipped = new ArrayList<>();
    try {
      while (System.nanoTime() < deadline) {
        var frame = frames.poll(100, TimeUnit.MILLISECONDS);
        if (frame != null && matching.test(frame)) {
          return frame;
        } else if (frame != null) {
          skipped.add(frame);
        }
      }
      throw new AssertionError("no matching binary frame within 10 s; got " + skipped);
    } finally {
      List<dev.liveshop.proto.v1.ServerFrame> rest = new ArrayList<>();
      frames.drainTo(rest);
      frames.addAll(skipped);
      frames.addAll(rest);
    }
  }

  @Test
  void reconnect_withEpochAndSeq_getsExactlyWhatItMissed() throws Exception {
    String host = http.token("re-host", "host", "resume");
    http.post("/api/streams", host, "{\"streamId\":\"resume\",\"title\":\"Resume\"}");
    String epoch;
    long seen;
    try (WsClient before = viewer("rita", "resume")) {
      epoch = before.welcome.get("roomEpoch").getAsString();
      seen = before.welcome.has("roomSeq") ? before.welcome.get("roomSeq").getAsLong() : 0;
    }
    try (WsClient other = viewer("otto", "resume")) {
      other.send("{\"chat\":{\"text\":\"said while rita was away\"}}");
      other.next("chat");
      http.post("/api/streams/resume/products", host, "{\"name\":\"Kettle\",\"priceCents\":3000}");
      other.next("lineup");
    }
    try (WsClient back = new WsClient(gateway.port(), http.token("rita", "viewer"))) {
      back.send("{\"join\":{\"streamId\":\"resume\",\"resumeEpoch\":\"" + epoch + "\",\"resumeAfterSeq\":\""
          + seen + "\"}}");
      assertThat(back.next("resumed").get("roomEpoch").getAsString()).isEqualTo(epoch);
      JsonObject chat = back.next(f -> f.has("chat"));
      assertThat(chat.get("roomSeq").getAsLong()).isEqualTo(seen + 1);
      assertThat(chat.toString()).contains("said while rita was away");
      assertThat(back.next(f -> f.has("lineup")).get("roomSeq").getAsLong()).isEqualTo(seen + 2);
      assertThat(back.receives("welcome", 300)).isFalse();
    }
  }

  @Test
  void connectionsPerIp_pastTheLimitAreClosed_aFreedSlotIsReused() throws Exception {
    GatewayServer guarded = GatewayServer.start(system.gatewayConfig().withConnectionsPerIp(4));
    Http api = new Http(guarded.port());
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      tokens.add(api.token("crowd-" + i, "viewer"));
    }
    List<WsClient> open = new ArrayList<>();
    int refused = 0;
    try {
      for (String token : tokens) {
        try {
          open.add(new WsClient(guarded.port(), token));
        } catch (CompletionException e) {
          refused++;
        }
      }
      // The token requests' keep-alive connection counts too: at most 4 in all from 127.0.0.1.
      assertThat(open).hasSizeBetween(2, 4);
      assertThat(refused).isEqualTo(6 - open.size());
      open.remove(0).close();
      Thread.sleep(200);
      open.add(new WsClient(guarded.port(), tokens.get(5)));
    } finally {
      open.forEach(WsClient::close);
    }
    Thread.sleep(200);
    assertThat(counter(api.text("/metrics"), "liveshop_gateway_closes_total{reason=\"too-many-connections\"}"))
        .isGreaterThanOrEqualTo(2);
    guarded.close();
  }

  private static double counter(String metrics, String name) {
    return metrics.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
        .findFirst().orElseThrow(() -> new AssertionError(name + " not in /metrics"));
  }

  private static Http.Answer moderate(String token, String body) throws Exception {
    return http.post("/api/streams/mod/moderation", token, body);
  }

  private static WsClient viewer(String viewerId, String streamId) throws Exception {
    WsClient client = new WsClient(gateway.port(), http.token(viewerId, "viewer"));
    client.send("{\"join\":{\"streamId\":\"" + streamId + "\"}}");
    client.welcome = client.next("welcome");
    return client;
  }

  private static String launchSale(String streamId, int quantity) throws Exception {
    http.post("/api/streams", hostToken, "{\"streamId\":\"" + streamId + "\",\"title\":\"Test " + streamId + "\"}");
    Http.Answer product = http.post("/api/streams/" + streamId + "/products", hostToken,
        "{\"name\":\"Scarf\",\"priceCents\":\"2900\"}");
    String productId = product.body().get("productId").getAsString();
    assertThat(http.post("/api/streams/" + streamId + "/pin", hostToken, "{\"productId\":\"" + productId + "\"}")
        .status()).isEqualTo(200);
    Http.Answer sale = http.post("/api/streams/" + streamId + "/sales", hostToken, "{\"productId\":\"" + productId
        + "\",\"quantity\":" + quantity + ",\"perViewerLimit\":2,\"durationMs\":\"600000\"}");
    assertThat(sale.status()).as(sale.body().toString()).isEqualTo(200);
    return sale.body().get("saleId").getAsString();
  }

  private static int availableOf(JsonObject welcome, String saleId) {
    for (var sale : welcome.getAsJsonArray("sales")) {
      JsonObject s = sale.getAsJsonObject();
      if (s.getAsJsonObject("sale").get("saleId").getAsString().equals(saleId)) {
        return s.getAsJsonObject("stock").get("available").getAsInt();
      }
    }
    throw new AssertionError("sale " + saleId + " not in welcome");
  }
}
