package dev.liveshop.core.inventory;

import dev.liveshop.core.order.OrderStatus;

/**
 * An order read back from the store at start that still counts against its sale's stock:
 * a hold ({@code RESERVED}, inside its window), a hold being paid ({@code PAYING}), or
 * units sold ({@code PAID} or {@code FULFILLED}).
 */
public record RecoveredOrder(Hold hold, OrderStatus status) {}
