package dev.liveshop.core.inventory;

/**
 * What became of a {@link SaleChange}: applied (with the sale and stock after it), refused
 * (with the reason, naming what to change), or aimed at a sale that is not open here.
 */
public record SaleChangeResult(Outcome outcome, FlashSale sale, StockSnapshot stock, String refusal) {

  public enum Outcome {
    APPLIED,
    REFUSED,
    UNKNOWN_SALE
  }

  static SaleChangeResult applied(FlashSale sale, StockSnapshot stock) {
    return new SaleChangeResult(Outcome.APPLIED, sale, stock, "");
  }

  static SaleChangeResult refused(String reason) {
    return new SaleChangeResult(Outcome.REFUSED, null, null, reason);
  }

  static SaleChangeResult unknownSale(String saleId) {
    return new SaleChangeResult(Outcome.UNKNOWN_SALE, null, null, "no open sale '" + saleId + "'");
  }
}
