package dev.liveshop.core.catalog;

import dev.liveshop.core.inventory.FlashSale;

/**
 * A sale's settings and the live-core shard that holds it ({@code ""} for a sale stored
 * before shards existed, until a live-core claims it).
 */
public record OwnedSale(FlashSale sale, String ownerShard) {}
