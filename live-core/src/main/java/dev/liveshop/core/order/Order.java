package dev.liveshop.core.order;

import java.util.UUID;

/** An order as stored. */
public record Order(
    UUID orderId,
    String saleId,
    String streamId,
    String productId,
    String viewerId,
    String clientOrderId,
    int quantity,
    long priceCents,
    OrderStatus status,
    long createdAtMs,
    long holdExpiresAtMs,
    String fulfillment) {}
