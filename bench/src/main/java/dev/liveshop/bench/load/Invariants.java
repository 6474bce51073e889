package dev.liveshop.bench.load;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The promises of a flash sale, checked after every run against what buyers were told and
 * what the order store holds: never more units acknowledged or stored than the quantity, no
 * buyer over the limit, one order per clientOrderId, every acknowledged order stored as it
 * was acknowledged, every acknowledged unit still held or sold, and every tap answered once.
 *
 * <p>The stored orders are the judge, not the acknowledgements alone: an order stored
 * whose answer never reached its buyer (a lost frame, a tap that gave up, a connection
 * that closed) still takes stock, and only the store shows it. A pure function of a
 * {@link SaleEvidence}; fetching it is {@link SaleEvidence#gather}'s job.
 */
final class Invariants {

  record Check(String name, boolean held, String detail) {}

  /** A RESERVED answer and the viewer it went to. */
  private record Ack(String viewerId, Viewer.Purchase purchase) {

    int quantity() {
      return purchase.quantity();
    }
  }

  /** Order statuses an acknowledged reservation may have by the end of a run (EXPIRED: its hold lapsed). */
  private static final Set<String> ACKNOWLEDGED_STATUSES = Set.of("ORDER_STATUS_RESERVED", "ORDER_STATUS_PAID",
      "ORDER_STATUS_FULFILLED", StoredOrder.EXPIRED);

  private Invariants() {}

  /** Every invariant of one sale; names carry {@code evidence.label()} unless it is empty. */
  static List<Check> check(SaleEvidence evidence) {
    String prefix = evidence.label().isEmpty() ? "" : "[" + evidence.label() + "] ";
    List<Check> checks = new ArrayList<>();
    checks.add(unitsAcknowledged(evidence));
    checks.add(unitsStored(evidence));
    checks.add(perViewerLimit(evidence));
    checks.add(oneOrderPerClientOrderId(evidence));
    checks.add(acknowledgedOrdersStored(evidence));
    checks.add(heldOrSold(evidence));
    checks.add(everyTapAnswered(evidence));
    checks.add(oneAnswerPerClientOrderId(evidence));
    return checks.stream().map(c -> new Check(prefix + c.name(), c.held(), c.detail())).toList();
  }

  private static Check unitsAcknowledged(SaleEvidence e) {
    int units = acknowledged(e).stream().mapToInt(Ack::quantity).sum();
    return new Check("units acknowledged <= quantity", units <= e.quantity(),
        units + " acknowledged of " + e.quantity());
  }

  private static Check unitsStored(SaleEvidence e) {
    int units = e.stored().stream().filter(StoredOrder::holdsStock).mapToInt(StoredOrder::quantity).sum();
    long released = e.stored().stream().filter(o -> !o.holdsStock()).count();
    return new Check("units stored <= quantity", units <= e.quantity(), units + " in stored orders of "
        + e.quantity() + " (" + e.stored().size() + " orders, " + released + " cancelled or expired not counted)");
  }

  private static Check perViewerLimit(SaleEvidence e) {
    Map<String, Integer> acked = new HashMap<>();
    for (Ack a : acknowledged(e)) {
      acked.merge(a.viewerId(), a.quantity(), Integer::sum);
    }
    Map<String, Integer> stored = new HashMap<>();
    e.stored().stream().filter(StoredOrder::holdsStock).forEach(o -> stored.merge(o.viewerId(), o.quantity(),
        Integer::sum));
    long ackedOver = acked.values().stream().filter(units -> units > e.perViewerLimit()).count();
    long storedOver = stored.values().stream().filter(units -> units > e.perViewerLimit()).count();
    return new Check("no buyer over the per-viewer limit", ackedOver == 0 && storedOver == 0,
        "over " + e.perViewerLimit() + ": " + ackedOver + " buyers by acknowledgements, " + storedOver
            + " by stored orders" + example(stored, e.perViewerLimit()));
  }

  private static Check oneOrderPerClientOrderId(SaleEvidence e) {
    Map<String, Integer> ordersOfIntent = new HashMap<>();
    e.stored().forEach(o -> ordersOfIntent.merge(o.viewerId() + "/" + o.clientOrderId(), 1, Integer::sum));
    long doubled = ordersOfIntent.values().stream().filter(n -> n > 1).count();
    Map<String, Integer> intentsOfOrder = new HashMap<>();
    acknowledged(e).forEach(a -> intentsOfOrder.merge(a.purchase().orderId(), 1, Integer::sum));
    long shared = intentsOfOrder.values().stream().filter(n -> n > 1).count();
    return new Check("one order per clientOrderId", doubled == 0 && shared == 0,
        doubled + " clientOrderIds with two or more stored orders" + example(ordersOfIntent, 1) + ", " + shared
            + " orders acknowledged to two purchase intents");
  }

  /** Each RESERVED answer names a stored order of the same sale, buyer, clientOrderId and quantity. */
  private static Check acknowledgedOrdersStored(SaleEvidence e) {
    Map<String, StoredOrder> byId = new HashMap<>();
    e.stored().forEach(o -> byId.put(o.orderId(), o));
    List<Ack> acked = acknowledged(e);
    List<String> missing = new ArrayList<>();
    for (Ack a : acked) {
      Viewer.Purchase p = a.purchase();
      StoredOrder o = byId.get(p.orderId());
      if (o == null) {
        missing.add(p.orderId() + " (not stored for sale " + e.saleId() + ")");
      } else if (!o.saleId().equals(p.saleId()) || !o.viewerId().equals(a.viewerId())
          || !o.clientOrderId().equals(p.clientOrderId()) || o.quantity() != p.quantity()
          || !ACKNOWLEDGED_STATUSES.contains(o.status())) {
        missing.add(p.orderId() + " (acknowledged " + a.viewerId() + "/" + p.clientOrderId() + " x"
            + p.quantity() + ", stored " + o.viewerId() + "/" + o.clientOrderId() + " x" + o.quantity() + " "
            + o.status() + ")");
      }
    }
    return new Check("every acknowledged order is stored", missing.isEmpty(),
        (acked.size() - missing.size()) + "/" + acked.size() + " found as acknowledged"
            + (missing.isEmpty() ? "" : "; e.g. " + missing.get(0)));
  }

  /** The engine's own counters, next to what buyers were told. */
  private static Check heldOrSold(SaleEvidence e) {
    int units = acknowledged(e).stream().mapToInt(Ack::quantity).sum();
    return new Check("acknowledged units <= held + sold <= quantity",
        units <= e.heldOrSold() && e.heldOrSold() <= e.quantity(),
        "acknowledged " + units + ", held + sold " + e.heldOrSold() + ", quantity " + e.quantity());
  }

  /**
   * Every tap made got a final answer, and every tap scheduled was made. A tap whose
   * connection was gone at the end cannot get its answer: those are excused, and named,
   * because the server closing a connection (a slow consumer dropped) is its documented
   * policy, and the order the tap may have left is still judged by the stored-order checks.
   */
  private static Check everyTapAnswered(SaleEvidence e) {
    long made = 0;
    long gaveUp = 0;
    long noAnswer = 0;
    long lostWithConnection = 0;
    for (Viewer.Taps viewer : e.taps()) {
      for (Viewer.Purchase p : viewer.purchases()) {
        made++;
        if (p.result().equals(Viewer.GAVE_UP)) {
          gaveUp++;
        } else if (p.result().equals(Viewer.NO_ANSWER) && viewer.connectionLost()) {
          lostWithConnection++;
        } else if (p.result().equals(Viewer.NO_ANSWER)) {
          noAnswer++;
        }
      }
    }
    long notMade = Math.max(0, e.tapsScheduled() - made);
    String detail = (made - gaveUp - noAnswer - lostWithConnection) + "/" + e.tapsScheduled() + " taps answered; "
        + noAnswer + " without an answer, " + gaveUp + " gave up after their retries, " + notMade + " never made";
    if (lostWithConnection > 0) {
      detail += "; excused: " + lostWithConnection + " unanswered on connections the server closed";
    }
    return new Check("every tap got a final answer", noAnswer == 0 && gaveUp == 0 && notMade == 0, detail);
  }

  private static Check oneAnswerPerClientOrderId(SaleEvidence e) {
    long contradicted = 0;
    long toNoTap = 0;
    String example = "";
    for (Viewer.Taps viewer : e.taps()) {
      toNoTap += viewer.answersToNoTap().size();
      for (Viewer.Purchase p : viewer.purchases()) {
        if (!p.differentAnswer().isEmpty()) {
          contradicted++;
          example = "; e.g. " + p.clientOrderId() + ": " + p.result() + " " + p.orderId() + ", then "
              + p.differentAnswer();
        }
      }
    }
    return new Check("one answer per clientOrderId", contradicted == 0 && toNoTap == 0,
        contradicted + " clientOrderIds answered differently on a retry, " + toNoTap
            + " final answers for taps never made" + example);
  }

  private static List<Ack> acknowledged(SaleEvidence e) {
    return e.taps().stream().flatMap(t -> t.purchases().stream().filter(Viewer.Purchase::reserved)
        .map(p -> new Ack(t.viewerId(), p))).toList();
  }

  private static String example(Map<String, Integer> counts, int limit) {
    return counts.entrySet().stream().filter(en -> en.getValue() > limit).findFirst()
        .map(en -> " (e.g. " + en.getKey() + ": " + en.getValue() + ")").orElse("");
  }
}
