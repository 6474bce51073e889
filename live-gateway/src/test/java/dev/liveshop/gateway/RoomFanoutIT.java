package dev.liveshop.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
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
  private static LiveSystem system;
  private static GatewayServer gateway;
  private static Http http;

  @BeforeAll
  static void start() {
    system = LiveSystem.start("fanout");
    gateway = system.gateway;
    http = system.http;
  }

  @AfterAll
  static void stop() {
    system.close();
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

  @Test
  void viewerThatStopsReading_isDisconnected_theRoomGoesOn() throws Exception {
    GatewayServer strict = GatewayServer.start(system.gatewayConfig().withViewerBuffers(131_072, 16_384));
    Http api = new Http(strict.port());
    String host = api.token("slow-host", "host", "slow");
    api.post("/api/streams", host, "{\"streamId\":\"slow\",\"title\":\"Slow\"}");
    try (Socket slow = new Socket();
        WsClient fast = new WsClient(strict.port(), api.token("fast", "viewer"))) {
      slow.setReceiveBufferSize(4096);
      slow.connect(new InetSocketAddress("127.0.0.1", strict.port()));
      handshakeAndJoin(slow, api.token("sloth", "viewer"), "slow");
      fast.send("{\"join\":{\"streamId\":\"slow\"}}");
      fast.next("welcome");

      // Lineup frames go to every viewer, writable or not: 40 products, then 30 reorders
      // of the whole lineup (~10 KB each), far past the slow viewer's 128 KiB allowance.
      List<String> ids = new ArrayList<>();
      String name = "Silk scarf, sakura print, hand-rolled edges ".repeat(4);
      for (int i = 0; i < 40; i++) {
        ids.add(api.post("/api/streams/slow/products", host, "{\"name\":\"" + name + i + "\",\"priceCents\":100}")
            .body().get("productId").getAsString());
      }
      for (int r = 0; r < 30; r++) {
        Collections.rotate(ids, 1);
        assertThat(api.post("/api/streams/slow/lineup", host, "{\"productIds\":" + new com.google.gson.Gson()
            .toJson(ids) + "}").status()).isEqualTo(200);
        String first = ids.get(0);
        fast.next(f -> f.has("lineup") && f.getAsJsonObject("lineup").getAsJsonArray("products").get(0)
            .getAsJsonObject().get("productId").getAsString().equals(first));
      }

      // The slow viewer was cut off: what it can still read ends in end-of-stream.
      slow.setSoTimeout(15_000);
      boolean ended = false;
      try (var in = slow.getInputStream()) {
        byte[] buffer = new byte[65536];
        while (!ended) {
          ended = in.read(buffer) < 0;
        }
      } catch (SocketException reset) {
        ended = true;
      }
      assertThat(ended).isTrue();
      assertThat(api.text("/metrics")).contains("liveshop_gateway_closes_total{reason=\"slow-viewer\"} 1.0");
    } finally {
      strict.close();
    }
  }

  /** A WebSocket handshake and a join written by hand, so that the socket can then stop reading. */
  private static void handshakeAndJoin(Socket socket, String token, String streamId) throws Exception {
    var out = socket.getOutputStream();
    String key = Base64.getEncoder().encodeToString(new byte[16]);
    out.write(("GET /ws?token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Protocol: liveshop.v1.json\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    var in = socket.getInputStream();
    StringBuilder headers = new StringBuilder();
    while (!headers.toString().endsWith("\r\n\r\n")) {
      headers.append((char) in.read());
    }
    assertThat(headers.toString()).startsWith("HTTP/1.1 101");
    byte[] join = ("{\"join\":{\"streamId\":\"" + streamId + "\"}}").getBytes(StandardCharsets.UTF_8);
    byte[] mask = {1, 2, 3, 4};
    var frame = new ByteArrayOutputStream();
    frame.write(0x81);
    frame.write(0x80 | join.length);
    frame.write(mask);
    for (int i = 0; i < join.length; i++) {
      frame.write(join[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }
}
