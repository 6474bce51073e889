package dev.liveshop.core.store;

import dev.liveshop.core.inventory.Hold;
import dev.liveshop.core.order.OrderStatus;

/**
 * An order as stored: the hold it was made from (who, what, how many, when), its status,
 * and how it left once fulfilled ({@code ""} before).
 */
public record Order(Hold hold, OrderStatus status, String fulfillment) {}
