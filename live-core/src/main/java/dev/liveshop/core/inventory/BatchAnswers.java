package dev.liveshop.core.inventory;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The answers to a batch of reservations, in the order of its commands, and the moment the
 * whole batch is decided: {@code decided} completes once every command has been through
 * its shard, when refusals are answered and the answers still pending are reservations
 * whose orders are being written (or duplicates waiting for such a first answer).
 */
public record BatchAnswers(List<CompletableFuture<ReserveAnswer>> answers, CompletableFuture<Void> decided) {}
