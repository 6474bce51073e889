package dev.liveshop.core.inventory;

/**
 * A viewer's request for units of a sale. {@code clientOrderId} names the purchase
 * intent: every retry carries the same one.
 */
public record ReserveCommand(String saleId, String viewerId, int quantity, String clientOrderId) {

  /** Longest accepted viewer id or client order id. */
  public static final int MAX_ID_LENGTH = 64;

  /** True when the ids are present and short enough and the quantity is positive. */
  public boolean isWellFormed() {
    return isId(saleId) && isId(viewerId) && isId(clientOrderId) && quantity >= 1;
  }

  private static boolean isId(String s) {
    return s != null && !s.isEmpty() && s.length() <= MAX_ID_LENGTH;
  }
}
