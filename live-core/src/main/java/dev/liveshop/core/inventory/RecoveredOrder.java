package dev.liveshop.core.inventory;

/** An order read back from the store at start: a live hold, or units already paid for. */
public record RecoveredOrder(Hold hold, boolean paid) {}
