package dev.liveshop.core.inventory;

/** One sale's units in a multi-item order. */
public record BundleItem(String saleId, int quantity) {}
