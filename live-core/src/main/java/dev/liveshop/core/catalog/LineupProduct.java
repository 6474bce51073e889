package dev.liveshop.core.catalog;

/** A product of a stream's lineup, at {@code position} (0 first). */
public record LineupProduct(
    String streamId, String productId, String name, String imageUrl, long priceCents, int position) {}
