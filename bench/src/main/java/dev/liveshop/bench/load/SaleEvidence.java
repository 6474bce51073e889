package dev.liveshop.bench.load;

import com.google.gson.JsonObject;
import java.util.List;

/**
 * What {@link Invariants} judges one sale by: its terms, every viewer's taps on it as they
 * were answered, the sale's orders as the store holds them, and the engine's held + sold.
 *
 * @param label "" for the measured sale, "rehearsal N" for a warm-up one
 * @param tapsScheduled taps the load generator scheduled on the sale (viewers times --taps)
 */
record SaleEvidence(String label, String saleId, int quantity, int perViewerLimit, long tapsScheduled,
    List<Viewer.Taps> taps, List<StoredOrder> stored, int heldOrSold) {

  /**
   * The evidence of {@code sale} (as the API answered its creation) out of a whole run's:
   * the taps and stored orders of every sale of the stream, kept for this one only.
   */
  static SaleEvidence of(String label, JsonObject sale, long tapsScheduled, List<Viewer.Taps> allTaps,
      List<StoredOrder> storedOfStream, int heldOrSold) {
    String saleId = sale.get("saleId").getAsString();
    return new SaleEvidence(label, saleId, sale.get("quantity").getAsInt(), sale.get("perViewerLimit").getAsInt(),
        tapsScheduled, allTaps.stream().map(t -> t.ofSale(saleId)).toList(),
        storedOfStream.stream().filter(o -> o.saleId().equals(saleId)).toList(), heldOrSold);
  }
}
