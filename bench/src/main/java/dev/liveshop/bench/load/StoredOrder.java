package dev.liveshop.bench.load;

import com.google.gson.JsonObject;

/**
 * An order as the order store holds it, read back through the gateway's HTTP API (the proto3
 * JSON of {@code liveshop.v1.Order}, where a field at its default value is left out).
 */
record StoredOrder(String orderId, String saleId, String viewerId, String clientOrderId, int quantity,
    String status) {

  static final String CANCELLED = "ORDER_STATUS_CANCELLED";
  static final String EXPIRED = "ORDER_STATUS_EXPIRED";

  static StoredOrder fromJson(JsonObject order) {
    return new StoredOrder(text(order, "orderId"), text(order, "saleId"), text(order, "viewerId"),
        text(order, "clientOrderId"), order.has("quantity") ? order.get("quantity").getAsInt() : 0,
        order.has("status") ? order.get("status").getAsString() : "ORDER_STATUS_UNSPECIFIED");
  }

  /**
   * Whether its units still count against the sale's stock: every order but a cancelled or
   * lapsed one, whose units went back to stock and may have been sold again.
   */
  boolean holdsStock() {
    return !status.equals(CANCELLED) && !status.equals(EXPIRED);
  }

  private static String text(JsonObject order, String field) {
    return order.has(field) ? order.get(field).getAsString() : "";
  }
}
