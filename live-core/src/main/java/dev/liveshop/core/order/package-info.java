/**
 * The life of an order ({@link dev.liveshop.core.order.OrderStatus}): shared by the inventory,
 * which moves holds through it, and the store, which records it. Immutable; any thread.
 */
package dev.liveshop.core.order;
