package dev.liveshop.core.catalog;

/**
 * A host's request to launch a flash sale; times are relative to live-core's clock so a
 * console's skewed clock cannot misplace the sale. {@code priceCents == 0} means the
 * product's list price, {@code holdTtlMillis == 0} the configured default.
 */
public record SaleRequest(
    String streamId,
    String productId,
    long priceCents,
    int quantity,
    int perViewerLimit,
    long countdownMillis,
    long durationMillis,
    long holdTtlMillis) {}
