package dev.liveshop.core.inventory;

import java.util.UUID;

/**
 * The answer to a {@link ReserveCommand}. {@code orderId} and {@code holdExpiresAtMs} are
 * set only when {@link ReserveResult#RESERVED}.
 */
public record ReserveAnswer(
    ReserveResult result,
    UUID orderId,
    long holdExpiresAtMs,
    String saleId,
    String clientOrderId,
    int quantity) {

  static ReserveAnswer rejected(ReserveResult result, ReserveCommand command) {
    return rejected(result, command.saleId(), command.clientOrderId(), command.quantity());
  }

  static ReserveAnswer rejected(ReserveResult result, String saleId, String clientOrderId, int quantity) {
    return new ReserveAnswer(result, null, 0, saleId, clientOrderId, quantity);
  }

  static ReserveAnswer reserved(Hold hold) {
    return new ReserveAnswer(ReserveResult.RESERVED, hold.orderId(), hold.expiresAtMs(), hold.saleId(),
        hold.clientOrderId(), hold.quantity());
  }
}
