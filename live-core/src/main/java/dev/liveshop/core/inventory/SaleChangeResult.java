package dev.liveshop.core.inventory;

/**
 * What became of a {@link SaleChange}: applied (with the sale and stock after it), refused
 * (with the reason, naming what to change), or aimed at a sale that is not open here.
 */
public record SaleChangeResult(Outcome outcome, FlashSale sale, StockSnapshot stock, String refusal) {

  public enum Outcome {
    APPLIED,
    REFUSED,
    UNKNOWN_SALE,
    /** The sale is leaving, or has left, this live-core for another shard: change it there. */
    MOVED
  }

  static SaleChangeResult applied(FlashSale sale, StockSnapshot stock) {
    return new SaleChangeResult(Outcome.APPLIED, sale, stock, "");
  }

  static SaleChangeResult refused(String reason) {
    return new SaleChangeResult(Outcome.REFUSED, null, null, reason);
  }

  static SaleChangeResult moved(String saleId) {
    return new SaleChangeResult(Outcome.MOVED, null, null, "sale '" + saleId + "' is moving to another live-core "
        + "shard; send the change again in a moment");
  }

  static SaleChangeResult unknownSale(String saleId) {
    return new SaleChangeResult(Outcome.UNKNOWN_SALE, null, null, "no open sale '" + saleId + "'");
  }
}
