package dev.liveshop.core.catalog;

/**
 * A host's request to launch a flash sale; times are relative to live-core's clock so a
 * console's skewed clock cannot misplace the sale. {@code priceCents == 0} means the
 * product's list price, {@code holdTtlMillis == 0} the configured default. A non-empty
 * {@code launchKey}, chosen by the host's client per launch, makes a retry answer the sale
 * the first call launched.
 */
public record SaleRequest(
    String streamId,
    String productId,
    long priceCents,
    int quantity,
    int perViewerLimit,
    long countdownMillis,
    long durationMillis,
    long holdTtlMillis,
    String launchKey) {}
