package dev.liveshop.bench.inventory;

import java.util.concurrent.CompletionStage;

/** What {@link ReservePeerBench} drives: LiveShop's Reserve or a peer's equivalent. */
interface Reserver extends AutoCloseable {
  /** Opens a sale named {@code name} with the quantity the bench was given; returns its id. */
  String open(String name);

  /** The answer's name; the thread driver's targets complete it before returning. */
  CompletionStage<String> reserve(String saleId, String viewerId, String clientOrderId);

  @Override
  void close();
}
