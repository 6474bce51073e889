package dev.liveshop.core.inventory;

import java.util.UUID;

/**
 * Units of a sale held for one viewer: what an order row records and what recovery reads
 * back. The order id is derived from (sale, viewer, client order id), so every retry and
 * every restart names the same order.
 */
public record Hold(
    UUID orderId,
    String saleId,
    String streamId,
    String productId,
    String viewerId,
    String clientOrderId,
    int quantity,
    long priceCents,
    long createdAtMs,
    long expiresAtMs) {
}
