package dev.liveshop.core.catalog;

import java.util.List;

/** A stream with its lineup (in order) and its sales (oldest first). */
public record StreamView(LiveStream stream, List<LineupProduct> products, List<OwnedSale> sales) {}
