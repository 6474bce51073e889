package dev.liveshop.bench.load;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The promises of a flash sale, checked after every run against what buyers were told and
 * what the system stored: never more units acknowledged than the quantity, no buyer over
 * the limit, one order per clientOrderId, every acknowledged order stored, and every
 * acknowledged unit still held or sold.
 */
final class Invariants {

  record Check(String name, boolean held, String detail) {}

  private Invariants() {}

  static List<Check> check(Map<String, List<Viewer.Purchase>> purchasesByViewer, JsonObject sale, GatewayApi api,
      String hostToken, String streamId) {
    int quantity = sale.get("quantity").getAsInt();
    int limit = sale.get("perViewerLimit").getAsInt();
    List<Check> checks = new ArrayList<>();
    List<Viewer.Purchase> acked = new ArrayList<>();
    Map<String, String> viewerOfOrder = new HashMap<>();
    int overLimit = 0;
    int sharedOrders = 0;
    for (var entry : purchasesByViewer.entrySet()) {
      int units = 0;
      for (Viewer.Purchase p : entry.getValue()) {
        if (p.result().equals("RESERVE_RESULT_RESERVED")) {
          acked.add(p);
          units += p.quantity();
          if (viewerOfOrder.put(p.orderId(), entry.getKey() + "/" + p.clientOrderId()) != null) {
            sharedOrders++;
          }
        }
      }
      if (units > limit) {
        overLimit++;
      }
    }
    int ackedUnits = acked.stream().mapToInt(Viewer.Purchase::quantity).sum();
    checks.add(new Check("units acknowledged <= quantity", ackedUnits <= quantity,
        ackedUnits + " acknowledged of " + quantity));
    checks.add(new Check("no buyer over the per-viewer limit", overLimit == 0,
        overLimit + " buyers over " + limit));
    checks.add(new Check("one order per clientOrderId", sharedOrders == 0,
        sharedOrders + " orders acknowledged to two purchase intents"));

    List<String> missing = missingOrders(acked, viewerOfOrder, api, hostToken);
    checks.add(new Check("every acknowledged order is stored", missing.isEmpty(),
        (acked.size() - missing.size()) + "/" + acked.size() + " found"
            + (missing.isEmpty() ? "" : "; missing e.g. " + missing.get(0))));

    JsonObject stock = saleStock(api, streamId, sale.get("saleId").getAsString());
    int heldOrSold = (stock.has("held") ? stock.get("held").getAsInt() : 0)
        + (stock.has("sold") ? stock.get("sold").getAsInt() : 0);
    checks.add(new Check("acknowledged units <= held + sold <= quantity",
        ackedUnits <= heldOrSold && heldOrSold <= quantity,
        "acknowledged " + ackedUnits + ", held + sold " + heldOrSold + ", quantity " + quantity));
    return checks;
  }

  private static List<String> missingOrders(List<Viewer.Purchase> acked, Map<String, String> viewerOfOrder,
      GatewayApi api, String hostToken) {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      Set<String> missing = ConcurrentHashMap.newKeySet();
      CompletableFuture.allOf(acked.stream().map(p -> CompletableFuture.runAsync(() -> {
        GatewayApi.Answer answer = api.call("GET", "/api/orders/" + p.orderId(), hostToken, null);
        String owner = viewerOfOrder.get(p.orderId());
        if (answer.status() != 200
            || !owner.startsWith(answer.body().get("viewerId").getAsString() + "/")
            || answer.body().get("quantity").getAsInt() != p.quantity()) {
          missing.add(p.orderId() + " (HTTP " + answer.status() + ")");
        }
      }, pool)).toArray(CompletableFuture[]::new)).join();
      return new ArrayList<>(new HashSet<>(missing));
    } finally {
      pool.shutdown();
    }
  }

  private static JsonObject saleStock(GatewayApi api, String streamId, String saleId) {
    for (var sale : api.ok("GET", "/api/streams/" + streamId, null, null).getAsJsonArray("sales")) {
      JsonObject status = sale.getAsJsonObject();
      if (status.getAsJsonObject("sale").get("saleId").getAsString().equals(saleId)) {
        return status.getAsJsonObject("stock");
      }
    }
    throw new IllegalStateException("sale " + saleId + " is not in stream " + streamId);
  }
}
