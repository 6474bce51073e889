package dev.liveshop.core.inventory;

/**
 * One sale's stock at one moment. {@code available + held + sold == quantity} always;
 * {@code sequence} grows with every change, so a reader keeps only the newest.
 */
public record StockSnapshot(
    String saleId,
    String streamId,
    long sequence,
    SaleState state,
    int quantity,
    int available,
    int held,
    int sold,
    long startsAtMs,
    long endsAtMs) {}
