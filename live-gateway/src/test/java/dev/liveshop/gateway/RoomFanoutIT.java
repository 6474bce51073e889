package dev.liveshop.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.typesafe.config.ConfigFactory;
import dev.liveshop.core.CoreFixture;
import dev.liveshop.core.CoreServer;
import dev.liveshop.gateway.config.GatewayConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of real WebSocket viewers in one room on loopback, the whole system behind
 * them: every viewer gets every chat batch in order, and stock updates in increasing
 * sequence up to the sale's final value (conflation may skip steps, never go back).
 */
class RoomFanoutIT {

  private static final int VIEWERS = 300;
  private static CoreServer core;
  private static GatewayServer gateway;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    core = CoreServer.start(CoreFixture.config("fanout"));
    gateway = GatewayServer.start(GatewayConfig.from(ConfigFactory.load()).withHttpPort(0)
        .withCoreTarget("127.0.0.1:" + core.grpcPort()));
    http = new Http(gateway.port());
  }

  @AfterAll
  static void stop() {
    gateway.close();
    core.close();
  }

  @Test
  void hundredsOfViewers_everyoneGetsEveryChatInOrder_andStockOnlyMovesForward() throws Exception {
    String host = http.token("fan-host", "host", "fan");
    http.post("/api/streams", host, "{\"streamId\":\"fan\",\"title\":\"Fan-out\"}");
    String product = http.post("/api/streams/fan/products", host, "{\"name\":\"Cap\",\"priceCents\":1500}")
        .body().get("productId").getAsString();
    String saleId = http.post("/api/streams/fan/sales", host, "{\"productId\":\"" + product
        + "\",\"quantity\":40,\"perViewerLimit\":1,\"durationMs\":600000}").body().get("saleId").getAsString();

    List<WsClient> viewers = new ArrayList<>();
    try {
      for (int i = 0; i < VIEWERS; i++) {
        WsClient viewer = new WsClient(gateway.port(), http.token("fan-" + i, "viewer"));
        viewer.send("{\"join\":{\"streamId\":\"fan\"}}");
        viewers.add(viewer);
      }
      for (WsClient viewer : viewers) {
        viewer.welcome = viewer.next("welcome");
      }
      // 50 buyers race for 40 units while one viewer chats 30 numbered messages.
      for (int i = 0; i < 50; i++) {
        viewers.get(i).send("{\"buy\":{\"saleId\":\"" + saleId + "\",\"quantity\":1,\"clientOrderId\":\"t\"}}");
      }
      for (int m = 0; m < 30; m++) {
        viewers.get(VIEWERS - 1).send("{\"chat\":{\"text\":\"message " + m + "\"}}");
        Thread.sleep(5);
      }

      int reserved = 0;
      for (int i = 0; i < 50; i++) {
        reserved += viewers.get(i).next("orderAck").get("result").getAsString().equals("RESERVE_RESULT_RESERVED")
            ? 1 : 0;
      }
      assertThat(reserved).isEqualTo(40);
      Thread.sleep(2000); // the last chat tick and stock update reach everyone
      for (WsClient viewer : viewers) {
        List<JsonObject> frames = viewer.drain(20);
        List<String> chat = new ArrayList<>();
        long lastSequence = viewer.welcome.getAsJsonArray("sales").get(0).getAsJsonObject()
            .getAsJsonObject("stock").get("sequence").getAsLong();
        int lastAvailable = -1;
        for (JsonObject frame : frames) {
          if (frame.has("chat")) {
            frame.getAsJsonObject("chat").getAsJsonArray("messages")
                .forEach(m -> chat.add(m.getAsJsonObject().get("text").getAsString()));
          } else if (frame.has("stock")) {
            long sequence = frame.getAsJsonObject("stock").get("sequence").getAsLong();
            assertThat(sequence).as("stock sequence moves forward").isGreaterThan(lastSequence);
            lastSequence = sequence;
            lastAvailable = frame.getAsJsonObject("stock").has("available")
                ? frame.getAsJsonObject("stock").get("available").getAsInt() : 0;
          }
        }
        List<String> expected = new ArrayList<>();
        for (int m = 0; m < 30; m++) {
          expected.add("message " + m);
        }
        assertThat(chat).as("chat of a writable viewer: all of it, in order").isEqualTo(expected);
        assertThat(lastAvailable).as("the last stock every viewer sees is the final one").isZero();
      }
    } finally {
      viewers.forEach(WsClient::close);
    }
  }
}
