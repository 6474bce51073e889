package dev.liveshop.core.inventory;

import java.util.List;

/**
 * The answer to a multi-item order: {@link ReserveResult#RESERVED} with every item's
 * answer, or the first refusal (in request order) with that item's answer alone, nothing
 * being held then.
 */
public record BundleAnswer(ReserveResult result, List<ReserveAnswer> items, String refusedSaleId) {

  static BundleAnswer invalid() {
    return new BundleAnswer(ReserveResult.INVALID_REQUEST, List.of(), "");
  }
}
