package dev.liveshop.core.inventory;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Derives order ids, so the same purchase intent always maps to the same order. */
public final class OrderIds {

  private OrderIds() {}

  /** A name-based UUID of (sale, viewer, client order id); stable across retries and restarts. */
  public static UUID of(String saleId, String viewerId, String clientOrderId) {
    String name = saleId + '\u0000' + viewerId + '\u0000' + clientOrderId;
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }
}
