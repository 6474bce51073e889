package dev.liveshop.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * The naive baseline: every sale's counters, per-viewer counts and idempotency answers in
 * plain maps behind one lock, as a first implementation would do it. Same checks as the
 * engine's decision (idempotency, clock state left out, stock, viewer limit).
 */
final class SynchronizedReservations {

  private final Map<String, int[]> availableBySale = new HashMap<>();
  private final Map<String, Integer> unitsByViewer = new HashMap<>();
  private final Map<String, Boolean> answers = new HashMap<>();
  private final int limit;

  SynchronizedReservations(int limit) {
    this.limit = limit;
  }

  synchronized void open(String saleId, int quantity) {
    availableBySale.put(saleId, new int[] {quantity});
  }

  /** True when reserved, false when refused. */
  synchronized boolean reserve(String saleId, String viewerId, int quantity, String clientOrderId) {
    String intent = saleId + '\u0000' + viewerId + '\u0000' + clientOrderId;
    Boolean first = answers.get(intent);
    if (first != null) {
      return first;
    }
    int[] available = availableBySale.get(saleId);
    String viewerKey = saleId + '\u0000' + viewerId;
    int units = unitsByViewer.getOrDefault(viewerKey, 0);
    boolean granted = available != null && quantity <= available[0] && units + quantity <= limit;
    if (granted) {
      available[0] -= quantity;
      unitsByViewer.put(viewerKey, units + quantity);
    }
    answers.put(intent, granted);
    return granted;
  }
}
