package dev.liveshop.core.inventory;

import dev.liveshop.core.order.OrderStatus;

/**
 * An order read back from the store at start: one that still counts against its sale's
 * stock (a hold {@code RESERVED} inside its window, a hold being paid {@code PAYING}, units
 * sold {@code PAID} or {@code FULFILLED}), or one that lapsed ({@code EXPIRED}) or that its
 * buyer cancelled or whose payment failed ({@code CANCELLED}), which counts nothing but
 * whose retries get their first answer, as they did before the restart. A rolled-back
 * bundle item is never recovered.
 */
public record RecoveredOrder(Hold hold, OrderStatus status) {}
