package dev.liveshop.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.liveshop.gateway.Http;
import dev.liveshop.gateway.WsClient;
import dev.liveshop.proto.v1.AdoptSaleRequest;
import dev.liveshop.proto.v1.HandOverSaleRequest;
import dev.liveshop.proto.v1.InventoryServiceGrpc;
import dev.liveshop.shard.ShardMap;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two live-core shards behind one gateway, each a process of its own (docker/loopback.sh),
 * on one Cassandra node: each stream's sales live on its home shard; a dead shard's sales
 * refuse in words while the other's go on; a restarted shard recovers its counters; a
 * sale handed over between shards mid-rush loses and doubles nothing.
 */
class ShardedCoreIT {

  /** Shard names as loopback.sh gives them; a stream's home depends on the names only. */
  private static final ShardMap SHARDS = ShardMap.parse("core-1=h:1,core-2=h:2");

  private static Loopback loopback;
  private static Http http;
  private static int port;
  private static String host;
  private static String onOne;
  private static String onTwo;

  @BeforeAll
  static void start() throws Exception {
    loopback = new Loopback("sharded", 2, 1, Map.of());
    loopback.up();
    port = loopback.gatewayPort(1);
    http = new Http(port);
    onOne = streamHomedOn("core-1", "one");
    onTwo = streamHomedOn("core-2", "two");
    host = http.token("host-1", "host", onOne, onTwo, onOne + "-rush", onOne + "-quiet");
  }

  @AfterAll
  static void stop() {
    if (loopback != null) {
      loopback.close();
    }
  }

  @Test
  void salesOnBothShards_fromOneGateway_deadShardRefusesInWords_otherGoesOn_restartRecoversCounters()
      throws Exception {
    String saleOne = launch(onOne, 20, "core-1");
    String saleTwo = launch(onTwo, 20, "core-2");
    try (WsClient ann = viewer(onOne, "ann"); WsClient ben = viewer(onTwo, "ben")) {
      JsonObject first = buy(ann, saleOne, "a-1", 1);
      assertThat(first.get("result").getAsString()).isEqualTo("RESERVE_RESULT_RESERVED");
      JsonObject firstTwo = buy(ben, saleTwo, "b-1", 2);
      assertThat(firstTwo.get("result").getAsString()).isEqualTo("RESERVE_RESULT_RESERVED");

      // Paying an order of core-2's sale: whichever shard the gateway asks forwards it to core-2.
      ben.send("{\"requestId\":\"pay\",\"pay\":{\"orderId\":\"" + firstTwo.get("orderId").getAsString() + "\"}}");
      assertThat(ben.next("orderUpdate").get("status").getAsString()).isEqualTo("ORDER_STATUS_PAYING");

      loopback.kill("core-2");
      ben.send("{\"requestId\":\"dead\",\"buy\":{\"saleId\":\"" + saleTwo
          + "\",\"quantity\":1,\"clientOrderId\":\"b-2\"}}");
      JsonObject refused = ben.next(f -> f.has("error") || f.has("orderAck"));
      assertThat(refused.has("error")).as(refused.toString()).isTrue();
      assertThat(refused.getAsJsonObject("error").get("code").getAsString()).isEqualTo("ERROR_CODE_UNAVAILABLE");
      assertThat(refused.getAsJsonObject("error").get("message").getAsString())
          .contains("retry with the same clientOrderId b-2");
      assertThat(buy(ann, saleOne, "a-2", 1).get("result").getAsString()).isEqualTo("RESERVE_RESULT_RESERVED");

      loopback.start("core-2");
      // The same tap again gets the first answer (same order id); the refused one now goes through.
      JsonObject again = buyUntilAnswered(ben, saleTwo, "b-1", 2);
      assertThat(again.get("orderId").getAsString()).isEqualTo(firstTwo.get("orderId").getAsString());
      assertThat(buyUntilAnswered(ben, saleTwo, "b-2", 1).get("result").getAsString())
          .isEqualTo("RESERVE_RESULT_OVER_LIMIT");
      // Recovered counters: 2 of 20 held (and paying); the room's stock says so after the restart.
      ben.next(f -> f.has("stock") && count(f, "available") == 18 && count(f, "held") == 2);
    }
  }

  @Test
  void saleHandedOverMidRush_noOrderLostOrDoubled_noUnitOversold_stockFollowsTheNewOwner() throws Exception {
    String stream = onOne + "-rush";
    String from = SHARDS.home(stream);
    String to = from.equals("core-1") ? "core-2" : "core-1";
    int quantity = 10;
    String saleId = launch(stream, quantity, from);
    String operator = http.token("ops", "operator");
    assertThat(http.post("/api/streams/" + stream + "/sales/" + saleId + "/handover", host,
        "{\"toShard\":\"" + to + "\"}").status()).as("a host may not move sales").isEqualTo(403);
    // Bad hand-overs are refused in words and move nothing.
    Http.Answer nowhere = http.post("/api/streams/" + stream + "/sales/" + saleId + "/handover", operator,
        "{\"toShard\":\"core-9\"}");
    assertThat(nowhere.status()).isEqualTo(400);
    assertThat(nowhere.body().get("message").getAsString()).contains("core-9");
    assertThat(http.post("/api/streams/" + stream + "/sales/" + saleId + "/handover", operator,
        "{\"toShard\":\"" + from + "\"}").status()).as("to its own owner").isEqualTo(400);
    assertThat(http.post("/api/streams/" + stream + "/sales/s-none/handover", operator,
        "{\"toShard\":\"" + to + "\"}").status()).isEqualTo(404);
    assertThat(http.post("/api/dev/token", null, "{\"viewerId\":\"x\",\"role\":\"admin\"}").status())
        .as("no such role").isEqualTo(400);

    int buyers = 8;
    Map<String, String> orderIdsByTap = new ConcurrentHashMap<>();
    List<WsClient> viewers = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(buyers);
    try {
      for (int i = 0; i < buyers; i++) {
        viewers.add(viewer(stream, "rush-" + i));
      }
      List<Future<?>> taps = new ArrayList<>();
      for (int i = 0; i < buyers; i++) {
        WsClient viewer = viewers.get(i);
        String buyer = "rush-" + i;
        taps.add(pool.submit(() -> {
          for (int k = 0; k < 2; k++) {
            String tap = buyer + "-" + k;
            JsonObject answer = buyUntilAnswered(viewer, saleId, tap, 1);
            if (answer.get("result").getAsString().equals("RESERVE_RESULT_RESERVED")) {
              orderIdsByTap.put(tap, answer.get("orderId").getAsString());
            }
            Thread.sleep(50);
          }
          return null;
        }));
      }
      Thread.sleep(150);
      Http.Answer moved = http.post("/api/streams/" + stream + "/sales/" + saleId + "/handover", operator,
          "{\"toShard\":\"" + to + "\"}");
      assertThat(moved.status()).as(moved.body().toString()).isEqualTo(200);
      assertThat(moved.body().getAsJsonObject("sale").get("ownerShard").getAsString()).isEqualTo(to);
      for (Future<?> tap : taps) {
        tap.get(60, TimeUnit.SECONDS);
      }

      // Every acknowledged order is stored once; none beyond the quantity.
      assertThat(orderIdsByTap.size()).isLessThanOrEqualTo(quantity);
      Set<String> stored = new HashSet<>();
      for (JsonElement order : http.get("/api/streams/" + stream + "/orders?limit=1000", host).body()
          .getAsJsonArray("orders")) {
        assertThat(stored.add(order.getAsJsonObject().get("orderId").getAsString())).isTrue();
      }
      assertThat(stored).containsExactlyInAnyOrderElementsOf(orderIdsByTap.values());
      // The room now follows the new owner's stock: held matches what was acknowledged.
      int held = orderIdsByTap.size();
      viewers.get(0).next(f -> f.has("stock") && count(f, "held") == held && count(f, "available") == quantity - held);
      // The stream's home (the old owner) answers the sale with its new owner's live stock.
      JsonObject listed = http.get("/api/streams/" + stream, null).body().getAsJsonArray("sales").asList().stream()
          .map(JsonElement::getAsJsonObject)
          .filter(sale -> sale.getAsJsonObject("sale").get("saleId").getAsString().equals(saleId))
          .findFirst().orElseThrow();
      assertThat(listed.getAsJsonObject("sale").get("ownerShard").getAsString()).isEqualTo(to);
      assertThat(count(listed, "held")).isEqualTo(held);
      // A retried tap finds its first answer at the new owner.
      String anyTap = orderIdsByTap.keySet().iterator().next();
      WsClient retrier = viewers.get(Integer.parseInt(anyTap.split("-")[1]));
      assertThat(buyUntilAnswered(retrier, saleId, anyTap, 1).get("orderId").getAsString())
          .isEqualTo(orderIdsByTap.get(anyTap));
    } finally {
      viewers.forEach(WsClient::close);
      pool.shutdownNow();
    }
  }

  @Test
  void saleMovedBehindTheGatewaysBack_tapsBounceOnce_thenTheGatewayFindsTheNewOwner() throws Exception {
    String stream = onOne + "-quiet";
    String saleId = launch(stream, 10, "core-1");
    try (WsClient cleo = viewer(stream, "cleo")) {
      assertThat(buy(cleo, saleId, "c-1", 1).get("result").getAsString()).isEqualTo("RESERVE_RESULT_RESERVED");
      // An operator moves the sale with live-core's own API: no gateway hears of it.
      ManagedChannel coreOne = NettyChannelBuilder.forAddress("127.0.0.1", loopback.coreBasePort).usePlaintext()
          .build();
      ManagedChannel coreTwo = NettyChannelBuilder.forAddress("127.0.0.1", loopback.coreBasePort + 1)
          .usePlaintext().build();
      try {
        // A shard may not adopt a sale recorded as another's.
        assertThatThrownBy(() -> InventoryServiceGrpc.newBlockingStub(coreTwo).withDeadlineAfter(30, TimeUnit.SECONDS)
            .adoptSale(AdoptSaleRequest.newBuilder().setSaleId(saleId).build()))
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
        assertThat(InventoryServiceGrpc.newBlockingStub(coreOne).withDeadlineAfter(30, TimeUnit.SECONDS)
            .handOverSale(HandOverSaleRequest.newBuilder().setSaleId(saleId).setToShard("core-2").build())
            .getSale().getOwnerShard()).isEqualTo("core-2");
      } finally {
        coreOne.shutdownNow();
        coreTwo.shutdownNow();
      }
      // The first tap meets the old owner (MOVED, retried); the gateway reads the new owner.
      assertThat(buyUntilAnswered(cleo, saleId, "c-2", 1).get("result").getAsString())
          .isEqualTo("RESERVE_RESULT_RESERVED");
      cleo.next(f -> f.has("stock") && count(f, "held") == 2 && count(f, "available") == 8);
    }
  }

  /** A count of a stock frame; proto3 JSON leaves zeros out. */
  private static int count(JsonObject frame, String field) {
    JsonElement value = frame.getAsJsonObject("stock").get(field);
    return value == null ? 0 : value.getAsInt();
  }

  /** A stream id whose home shard is {@code shard}. */
  private static String streamHomedOn(String shard, String prefix) {
    for (int i = 0; ; i++) {
      String id = prefix + "-" + i;
      if (SHARDS.home(id).equals(shard) && SHARDS.home(id + "-rush").equals(shard)
          && SHARDS.home(id + "-quiet").equals(shard)) {
        return id;
      }
    }
  }

  /** A stream with a product and a sale of it; the sale is recorded on the stream's home shard. */
  private static String launch(String streamId, int quantity, String expectedOwner) throws Exception {
    http.post("/api/streams", host, "{\"streamId\":\"" + streamId + "\",\"title\":\"Sharded\"}");
    Http.Answer product = http.post("/api/streams/" + streamId + "/products", host,
        "{\"name\":\"Lamp\",\"priceCents\":\"4900\"}");
    assertThat(product.status()).as(product.body().toString()).isEqualTo(200);
    Http.Answer sale = http.post("/api/streams/" + streamId + "/sales", host, "{\"productId\":\""
        + product.body().get("productId").getAsString() + "\",\"quantity\":" + quantity
        + ",\"perViewerLimit\":2,\"durationMs\":\"600000\"}");
    assertThat(sale.status()).as(sale.body().toString()).isEqualTo(200);
    assertThat(sale.body().get("ownerShard").getAsString()).isEqualTo(expectedOwner);
    return sale.body().get("saleId").getAsString();
  }

  private static WsClient viewer(String streamId, String viewerId) throws Exception {
    WsClient client = new WsClient(port, http.token(viewerId, "viewer"));
    client.send("{\"join\":{\"streamId\":\"" + streamId + "\"}}");
    client.welcome = client.next("welcome");
    return client;
  }

  private static JsonObject buy(WsClient viewer, String saleId, String tap, int quantity) throws Exception {
    viewer.send("{\"requestId\":\"" + tap + "\",\"buy\":{\"saleId\":\"" + saleId + "\",\"quantity\":" + quantity
        + ",\"clientOrderId\":\"" + tap + "\"}}");
    return viewer.next(f -> f.has("orderAck") && f.getAsJsonObject("orderAck").get("clientOrderId").getAsString()
        .equals(tap)).getAsJsonObject("orderAck");
  }

  /**
   * Taps until a decided answer: "unavailable" errors (a shard restarting) and MOVED (a
   * hand-over) are retried with the same client order id, as the app does.
   */
  private static JsonObject buyUntilAnswered(WsClient viewer, String saleId, String tap, int quantity)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
    while (System.nanoTime() < deadline) {
      viewer.send("{\"requestId\":\"" + tap + "\",\"buy\":{\"saleId\":\"" + saleId + "\",\"quantity\":" + quantity
          + ",\"clientOrderId\":\"" + tap + "\"}}");
      JsonObject frame = viewer.next(f -> (f.has("orderAck") && f.getAsJsonObject("orderAck").get("clientOrderId")
          .getAsString().equals(tap)) || (f.has("error") && f.getAsJsonObject("error").get("requestId")
          .getAsString().equals(tap)));
      if (frame.has("orderAck")) {
        String result = frame.getAsJsonObject("orderAck").get("result").getAsString();
        if (!result.equals("RESERVE_RESULT_MOVED") && !result.equals("RESERVE_RESULT_BUSY")
            && !result.equals("RESERVE_RESULT_STORE_UNAVAILABLE") && !result.equals("RESERVE_RESULT_UNKNOWN_SALE")) {
          return frame.getAsJsonObject("orderAck");
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("tap " + tap + " got no decided answer within 45 s");
  }
}
