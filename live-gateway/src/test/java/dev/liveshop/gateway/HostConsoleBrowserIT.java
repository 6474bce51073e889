package dev.liveshop.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.gateway.auth.Principal;
import dev.liveshop.gateway.auth.TokenService;
import dev.liveshop.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The host console and the viewer page in real headless Chromium, against the whole system
 * on loopback (a Cassandra node, live-core over gRPC, the gateway). Screenshots land in
 * {@code live-gateway/target/screenshots/}.
 */
class HostConsoleBrowserIT {

  private static final int PHONE_WIDTH = 412;
  private static final int PHONE_HEIGHT = 915;
  /** Gateways started with it accept each other's tokens, as behind a load balancer. */
  private static final String SHARED_SECRET = "browser-it-shared-signing-key-0123456789";
  private static LiveSystem system;
  private static GatewayServer gateway;
  private static Http http;

  @BeforeAll
  static void start() {
    system = LiveSystem.start("browser");
    gateway = system.gateway;
    http = system.http;
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  @Test
  void hostPinsAndLaunches_viewersSeeItAndBuy_hostSeesOrderAndGmv_deletedChatDisappears() throws Exception {
    try (Browser host = new Browser(gateway.port(), 1100, 1400);
        Browser alice = new Browser(gateway.port(), PHONE_WIDTH, PHONE_HEIGHT);
        Browser bob = new Browser(gateway.port(), PHONE_WIDTH, PHONE_HEIGHT)) {
      signIn(host, "show", http.token("show-host", "host", "show"), "Evening show");
      host.type("#product-name", "Silk scarf");
      // An image on loopback: no test sends traffic anywhere else.
      host.type("#product-image", "http://127.0.0.1:" + gateway.port() + "/static/product.svg");
      host.type("#product-price", "29.00");
      host.click("#product-form button[type=submit]");
      host.waitForText("#lineup", "Silk scarf");

      for (Browser viewer : new Browser[] {alice, bob}) {
        viewer.open("/watch/show").waitForText("#status", "live");
        viewer.waitForText("#title", "Evening show");
      }
      host.waitForText("#stat-viewers", "3");

      host.click("#lineup li .pin");
      for (Browser viewer : new Browser[] {alice, bob}) {
        viewer.waitForText("#pinned-name", "Silk scarf");
        viewer.waitForText("#pinned-price", "29.00");
      }

      host.type("#sale-quantity", "5");
      host.type("#sale-limit", "1");
      host.type("#sale-countdown", "4");
      host.type("#sale-duration", "2");
      host.click("#sale-launch");
      host.waitForText("#notice", "Flash sale launched");
      for (Browser viewer : new Browser[] {alice, bob}) {
        viewer.waitForText("#sales .sale-clock", "starts in");
        viewer.waitForText("#sales .sale-stock", "5/5 left");
      }
      alice.screenshot("watch-countdown");
      alice.waitForText("#sales .sale-clock", "ends in");
      alice.click("#sales .buy");
      alice.waitForText("#outcome", "Order placed");
      for (Browser viewer : new Browser[] {alice, bob}) {
        viewer.waitForText("#sales .sale-stock", "4/5 left");
      }

      String aliceId = (String) alice.script("return localStorage.getItem('liveshop.viewerId')");
      host.waitForText("#orders", aliceId);
      host.waitForText("#stat-gmv", "29.00");
      host.waitForText("#stat-sold", "1");
      host.waitForText("#sales", "left 4/5");

      bob.type("#chat-text", "is it real silk?");
      bob.click("#chat-form button[type=submit]");
      host.waitForText("#chat", "is it real silk?");
      alice.waitForText("#chat-list", "is it real silk?");
      String messageId = host.find("#chat li:last-child").getAttribute("data-message-id");
      host.screenshot("console-live-sale");
      alice.screenshot("watch-after-buying");
      host.click("#chat li:last-child .delete");
      for (Browser viewer : new Browser[] {alice, bob}) {
        viewer.waitUntilGone("#chat-list [data-message-id='" + messageId + "']");
      }
      host.waitUntilGone("#chat [data-message-id='" + messageId + "']");
    }
  }

  @Test
  void chatWithHtml_isShownAsText_noScriptRuns() throws Exception {
    http.post("/api/streams", http.token("xss-host", "host", "xss"), "{\"streamId\":\"xss\",\"title\":\"XSS\"}");
    String attack = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>";
    try (Browser host = new Browser(gateway.port(), 1100, 1400);
        Browser viewer = new Browser(gateway.port(), PHONE_WIDTH, PHONE_HEIGHT)) {
      signIn(host, "xss", http.token("xss-host", "host", "xss"), "");
      viewer.open("/watch/xss").waitForText("#status", "live");
      viewer.type("#chat-text", attack);
      viewer.click("#chat-form button[type=submit]");
      viewer.waitForText("#chat-list", attack);
      host.waitForText("#chat", attack);
      for (Browser page : new Browser[] {host, viewer}) {
        assertThat(page.script("return window.__xss === undefined")).isEqualTo(true);
        assertThat(page.script("return document.querySelectorAll('#chat-list img, #chat img, li script').length"))
            .isEqualTo(0L);
      }
      viewer.screenshot("watch-html-chat-as-text");
    }
  }

  @Test
  void console_refusesBadInput_andSaysWhy() throws Exception {
    http.post("/api/streams", http.token("bad-host", "host", "bad"), "{\"streamId\":\"bad\",\"title\":\"Bad\"}");
    try (Browser host = new Browser(gateway.port(), PHONE_WIDTH, PHONE_HEIGHT)) {
      host.open("/console?stream=bad");
      host.type("#signin-token", http.token("mallory", "viewer"));
      host.click("#signin-submit");
      host.waitForText("#error", "This is a viewer token");
      host.screenshot("console-viewer-token-refused");
      host.type("#signin-token", http.token("bad-host", "host", "elsewhere"));
      host.click("#signin-submit");
      host.waitForText("#error", "does not name stream bad");
      host.type("#signin-token", "forged." + http.token("bad-host", "host", "bad"));
      host.click("#signin-submit");
      assertThat(host.waitForText("#error", "token")).isNotBlank();
      assertThat(host.find("#signin").isDisplayed()).isTrue();

      signIn(host, "bad", http.token("bad-host", "host", "bad"), "");
      host.type("#product-price", "10");
      host.click("#product-form button[type=submit]");
      host.waitForText("#error", "needs a name");
      host.type("#product-name", "Mug");
      host.type("#product-price", "-3");
      host.click("#product-form button[type=submit]");
      host.waitForText("#error", "not negative");
      host.type("#product-price", "12.50");
      host.click("#product-form button[type=submit]");
      host.waitForText("#lineup", "Mug");

      host.type("#sale-quantity", "-5");
      host.click("#sale-launch");
      host.waitForText("#error", "Quantity must be a whole number of at least 1");
      host.type("#sale-quantity", "10");
      host.type("#sale-duration", "600");
      host.click("#sale-launch");
      host.waitForText("#error", "the longest this stream allows");
      host.screenshot("console-sale-too-long-refused");
      assertThat(http.get("/api/streams/bad", null).body().has("sales")).isFalse();
    }
  }

  @Test
  void launchPressedTwiceAtOnce_launchesOneSale_andTheChangedFormAnother() throws Exception {
    String token = http.token("twice-host", "host", "twice");
    http.post("/api/streams", token, "{\"streamId\":\"twice\",\"title\":\"Twice\"}");
    http.post("/api/streams/twice/products", token, "{\"name\":\"Teapot\",\"priceCents\":2500}");
    try (Browser host = new Browser(gateway.port(), 1100, 1400)) {
      signIn(host, "twice", token, "");
      host.script("window.launchAnswers = 0; const fetchOnce = window.fetch;"
          + "window.fetch = (path, init) => fetchOnce(path, init).finally(() => {"
          + "  if (String(path).endsWith('/sales')) window.launchAnswers++; });");
      host.type("#sale-quantity", "7");
      // A double click: the second press leaves before the first is answered.
      host.script("const launch = document.querySelector('#sale-launch'); launch.click(); launch.click();");
      host.until(driver -> host.script("return window.launchAnswers === 2").equals(true), "both launches answered");
      assertThat(salesOf("twice", token)).isEqualTo(1);
      host.waitForText("#sales", "left 7/7");

      host.type("#sale-quantity", "8");
      host.click("#sale-launch");
      host.until(driver -> host.script("return window.launchAnswers === 3").equals(true), "the next launch answered");
      assertThat(salesOf("twice", token)).isEqualTo(2);
    }
  }

  @Test
  void viewerPage_reconnectsByItself_afterTheGatewayRestarts() throws Exception {
    String host = http.token("re-host", "host", "again");
    http.post("/api/streams", host, "{\"streamId\":\"again\",\"title\":\"Again\"}");
    String product = http.post("/api/streams/again/products", host, "{\"name\":\"Lamp\",\"priceCents\":4500}")
        .body().get("productId").getAsString();
    int port;
    try (var socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    GatewayConfig config = system.gatewayConfig().withHttpPort(port);
    GatewayServer first = GatewayServer.start(config);
    try (Browser viewer = new Browser(port, PHONE_WIDTH, PHONE_HEIGHT)) {
      viewer.open("/watch/again").waitForText("#status", "live");
      first.close();
      viewer.waitForText("#status", "reconnecting");
      GatewayServer second = GatewayServer.start(config);
      try {
        viewer.waitForText("#status", "live");
        // Each gateway process signs with its own development key: ask this one for the token.
        Http again = new Http(port);
        assertThat(again.post("/api/streams/again/pin", again.token("re-host", "host", "again"),
            "{\"productId\":\"" + product + "\"}").status()).isEqualTo(200);
        viewer.waitForText("#pinned-name", "Lamp");
      } finally {
        second.close();
      }
    }
  }

  @Test
  void console_afterItsGatewayRestarts_showsWhy_andASaleStoppedMeanwhileAsEnded() throws Exception {
    int port = freePort();
    GatewayConfig config = system.gatewayConfig().withHttpPort(port).with("auth.secret", SHARED_SECRET);
    GatewayServer first = GatewayServer.start(config);
    boolean firstOpen = true;
    GatewayServer second = null;
    try (Browser host = new Browser(port, 1100, 1400)) {
      Http local = new Http(port);
      String token = local.token("away-host", "host", "away");
      local.post("/api/streams", token, "{\"streamId\":\"away\",\"title\":\"Away\"}");
      local.post("/api/streams/away/products", token, "{\"name\":\"Kettle\",\"priceCents\":3900}");
      signIn(host, "away", token, "");
      host.type("#sale-quantity", "5");
      host.type("#sale-countdown", "0");
      host.click("#sale-launch");
      host.waitForText("#sales", "left 5/5");
      String saleId = host.find("#sales li").getAttribute("data-sale-id");
      String sale = "#sales li[data-sale-id='" + saleId + "']";
      host.find(sale + " .stop");

      first.close();
      firstOpen = false;
      // Why the connection ended stays readable while the console reconnects: the gateway's
      // close reason ("this gateway is shutting down") or, when the close frame is lost with
      // the connection (the gateway closes right after sending it), "connection lost".
      host.waitForText("#status", "reconnecting (");
      // Stopped through another gateway while this console is away: no frame of it reaches the console.
      assertThat(http.post("/api/streams/away/sales/" + saleId, http.token("away-host", "host", "away"),
          "{\"action\":\"SALE_ACTION_STOP\"}").status()).isEqualTo(200);
      second = GatewayServer.start(config);
      // A fresh room (another instance): the welcome lists only the sales that have not ended.
      host.waitForText("#status", "live");
      host.waitForText(sale + " .sale-clock", "ended");
      assertThat(host.script("return document.querySelector(\"" + sale + " .actions\").hidden")).isEqualTo(true);
      host.waitForText("#stat-left", "0");
      host.screenshot("console-sale-stopped-while-away");
    } finally {
      if (firstOpen) {
        first.close();
      }
      if (second != null) {
        second.close();
      }
    }
  }

  @Test
  void viewerPage_isNotLive_untilTheRoomOpens_andJoinsAgainByItself() throws Exception {
    String hostToken = http.token("later-host", "host", "later");
    http.post("/api/streams", hostToken, "{\"streamId\":\"later\",\"title\":\"Later\"}");
    int corePort = freePort();
    // A gateway whose live-core is not there yet: joins are refused with "join again in a moment".
    GatewayConfig config = system.gatewayConfig().withCoreTarget("127.0.0.1:" + corePort);
    try (GatewayServer gateway = GatewayServer.start(config);
        Browser viewer = new Browser(gateway.port(), PHONE_WIDTH, PHONE_HEIGHT)) {
      viewer.open("/watch/later");
      String refused = viewer.waitForText("#status", "joining (cannot open the room now");
      assertThat(refused).doesNotContain("live");
      assertThat(viewer.find("#title").getText()).isEqualTo("Connecting…");
      try (Relay core = new Relay(corePort, system.core.grpcPort())) {
        viewer.waitForText("#status", "live", Duration.ofSeconds(60));
        viewer.waitForText("#title", "Later");
      }
    }
  }

  @Test
  void viewerPage_takesItsTokenFromTheLink_andSaysSoWhenThereIsNone() throws Exception {
    GatewayConfig production = system.gatewayConfig().with("auth.secret", SHARED_SECRET).with("auth.dev-mode", false);
    http.post("/api/streams", http.token("link-host", "host", "link"), "{\"streamId\":\"link\",\"title\":\"Link\"}");
    String token = new TokenService(SHARED_SECRET, Clock.systemUTC()).issue("linked-viewer", Principal.Role.VIEWER,
        Set.of(), Duration.ofHours(1));
    try (GatewayServer gateway = GatewayServer.start(production);
        Browser viewer = new Browser(gateway.port(), PHONE_WIDTH, PHONE_HEIGHT)) {
      viewer.open("/watch/link");
      viewer.waitForText("#status", "offline (this page needs a viewer token");
      viewer.waitForText("#outcome", "open this stream from the shop");
      // Another address (a fragment alone would not load the page again), as the shop's link would be.
      viewer.open("/watch/link?from=shop#token=" + token);
      viewer.waitForText("#status", "live");
      viewer.waitForText("#title", "Link");
      assertThat(viewer.script("return location.hash")).isEqualTo("");
      viewer.open("/watch/link?from=elsewhere#token=forged." + token);
      viewer.waitForText("#status", "offline (your viewing link has expired or is not valid");
    }
  }

  private static int salesOf(String streamId, String token) throws IOException, InterruptedException {
    return http.get("/api/streams/" + streamId, token).body().getAsJsonArray("sales").size();
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A TCP relay from {@code port} to a loopback port: until it is made, {@code port} refuses connections. */
  private static final class Relay implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    Relay(int port, int targetPort) throws IOException {
      server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
      daemon("relay-accept", () -> {
        while (!server.isClosed()) {
          try {
            Socket in = server.accept();
            Socket out = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            sockets.addAll(List.of(in, out));
            pump(in, out);
            pump(out, in);
          } catch (IOException e) {
            return; // closed
          }
        }
      });
    }

    private static void pump(Socket from, Socket to) {
      daemon("relay-pump", () -> {
        try (InputStream input = from.getInputStream(); OutputStream output = to.getOutputStream()) {
          input.transferTo(output);
        } catch (IOException e) {
          // One side closed: the other pump ends on its own.
        }
      });
    }

    private static void daemon(String name, Runnable task) {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  private static void signIn(Browser browser, String streamId, String token, String title) {
    browser.open("/console?stream=" + streamId);
    browser.type("#signin-token", token);
    if (!title.isEmpty()) {
      browser.type("#signin-title", title);
    }
    browser.click("#signin-submit");
    browser.waitForText("#status", "live");
    browser.find("#product-name");
  }
}
