package dev.liveshop.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Invariants over synthetic answers and stored orders: a sale of {@value #QUANTITY} units,
 * {@value #LIMIT} per viewer, one tap per viewer unless a test says otherwise.
 */
class InvariantsTest {

  private static final String SALE = "sale-1";
  private static final int QUANTITY = 2;
  private static final int LIMIT = 1;
  private static final String RESERVED = "ORDER_STATUS_RESERVED";

  private final List<Viewer.Taps> taps = new ArrayList<>();
  private final List<StoredOrder> stored = new ArrayList<>();
  private long tapsScheduled;
  private int heldOrSold;

  /** Viewer {@code viewer} tapped once and was told RESERVED, and the order is stored as told. */
  private void reservedAndStored(String viewer, String orderId) {
    tapped(viewer, new Viewer.Purchase(SALE, viewer + "-t1", Viewer.RESERVED, orderId, 1));
    stored.add(new StoredOrder(orderId, SALE, viewer, viewer + "-t1", 1, RESERVED));
    heldOrSold++;
  }

  private void tapped(String viewer, Viewer.Purchase... purchases) {
    taps.add(new Viewer.Taps(viewer, false, List.of(purchases), List.of()));
    tapsScheduled += purchases.length;
  }

  private Map<String, Invariants.Check> check() {
    return Invariants.check(new SaleEvidence("", SALE, QUANTITY, LIMIT, tapsScheduled, taps, stored, heldOrSold))
        .stream().collect(Collectors.toMap(Invariants.Check::name, c -> c));
  }

  private List<String> broken() {
    return check().values().stream().filter(c -> !c.held()).map(Invariants.Check::name).sorted().toList();
  }

  @Test
  void check_saleAsAcknowledgedAndStored_holdsEveryInvariant() {
    reservedAndStored("v1", "o1");
    reservedAndStored("v2", "o2");
    tapped("v3", new Viewer.Purchase(SALE, "v3-t1", "RESERVE_RESULT_SOLD_OUT", "", 0));

    assertThat(broken()).isEmpty();
    assertThat(check()).containsKeys("units acknowledged <= quantity", "units stored <= quantity",
        "no buyer over the per-viewer limit", "one order per clientOrderId", "every acknowledged order is stored",
        "acknowledged units <= held + sold <= quantity", "every tap got a final answer",
        "one answer per clientOrderId");
    assertThat(check().get("every tap got a final answer").detail()).startsWith("3/3 taps answered");
  }

  @Test
  void check_twoStoredOrdersForOneClientOrderId_breaksOneOrderPerClientOrderId() {
    reservedAndStored("v1", "o1");
    stored.add(new StoredOrder("o1-again", SALE, "v1", "v1-t1", 1, RESERVED));

    assertThat(broken()).contains("one order per clientOrderId");
    assertThat(check().get("one order per clientOrderId").detail())
        .startsWith("1 clientOrderIds with two or more stored orders (e.g. v1/v1-t1: 2)");
  }

  @Test
  void check_sameClientOrderIdOfTwoViewers_isTwoIntents() {
    reservedAndStored("v1", "o1");
    stored.add(new StoredOrder("o2", SALE, "v2", "v1-t1", 1, RESERVED));
    tapped("v2", new Viewer.Purchase(SALE, "v1-t1", Viewer.RESERVED, "o2", 1));
    heldOrSold++;

    assertThat(broken()).doesNotContain("one order per clientOrderId");
  }

  @Test
  void check_storedOrdersNoBuyerWasToldOf_breakUnitsStoredAndLimit() {
    reservedAndStored("v1", "o1");
    reservedAndStored("v2", "o2");
    // Stored, but the answer never reached v3 (it gave up) nor v2's second intent.
    tapped("v3", new Viewer.Purchase(SALE, "v3-t1", Viewer.GAVE_UP, "", 0));
    stored.add(new StoredOrder("o3", SALE, "v3", "v3-t1", 1, RESERVED));
    stored.add(new StoredOrder("o4", SALE, "v2", "v2-t2", 1, RESERVED));

    assertThat(broken()).contains("units stored <= quantity", "no buyer over the per-viewer limit");
    assertThat(check().get("units acknowledged <= quantity").held()).isTrue();
    assertThat(check().get("units stored <= quantity").detail()).startsWith("4 in stored orders of 2");
    assertThat(check().get("no buyer over the per-viewer limit").detail())
        .isEqualTo("over 1: 0 buyers by acknowledgements, 1 by stored orders (e.g. v2: 2)");
  }

  @Test
  void check_cancelledAndExpiredOrders_doNotCountAgainstStock() {
    reservedAndStored("v1", "o1");
    reservedAndStored("v2", "o2");
    stored.add(new StoredOrder("o0", SALE, "v1", "v1-t0", 1, StoredOrder.CANCELLED));
    stored.add(new StoredOrder("o00", SALE, "v2", "v2-t0", 1, StoredOrder.EXPIRED));

    assertThat(broken()).isEmpty();
    assertThat(check().get("units stored <= quantity").detail())
        .isEqualTo("2 in stored orders of 2 (4 orders, 2 cancelled or expired not counted)");
  }

  @Test
  void check_ackOfAnotherSalesOrder_breaksEveryAcknowledgedOrderStored() {
    // Only the sale differs: the ack names an order of another sale (its rehearsal).
    tapped("v1", new Viewer.Purchase(SALE, "v1-t1", Viewer.RESERVED, "rehearsal-order", 1));
    stored.add(new StoredOrder("rehearsal-order", "rehearsal-sale", "v1", "v1-t1", 1, RESERVED));
    heldOrSold = 1;

    assertThat(broken()).contains("every acknowledged order is stored");
  }

  @Test
  void check_ackOfSameViewersOtherIntent_breaksEveryAcknowledgedOrderStored() {
    tapped("v1", new Viewer.Purchase(SALE, "v1-t1", Viewer.RESERVED, "o1", 1),
        new Viewer.Purchase(SALE, "v1-t2", Viewer.RESERVED, "o1", 1));
    stored.add(new StoredOrder("o1", SALE, "v1", "v1-t1", 1, RESERVED));
    heldOrSold = 1;

    assertThat(check().get("every acknowledged order is stored").detail())
        .startsWith("1/2 found as acknowledged; e.g. o1 (acknowledged v1/v1-t2 x1, stored v1/v1-t1 x1");
  }

  @Test
  void check_acknowledgedOrderStoredCancelled_breaksEveryAcknowledgedOrderStored() {
    reservedAndStored("v1", "o1");
    stored.set(0, new StoredOrder("o1", SALE, "v1", "v1-t1", 1, StoredOrder.CANCELLED));

    assertThat(broken()).containsExactly("every acknowledged order is stored");
  }

  @Test
  void check_acknowledgedOrderNotStored_breaksEveryAcknowledgedOrderStored() {
    reservedAndStored("v1", "o1");
    stored.clear();

    assertThat(check().get("every acknowledged order is stored").detail())
        .isEqualTo("0/1 found as acknowledged; e.g. o1 (not stored for sale sale-1)");
  }

  @Test
  void check_tapWithoutAnswer_breaksEveryTapAnswered() {
    reservedAndStored("v1", "o1");
    tapped("v2", new Viewer.Purchase(SALE, "v2-t1", Viewer.NO_ANSWER, "", 0));

    assertThat(broken()).containsExactly("every tap got a final answer");
    assertThat(check().get("every tap got a final answer").detail())
        .isEqualTo("1/2 taps answered; 1 without an answer, 0 gave up after their retries, 0 never made");
  }

  @Test
  void check_tapThatGaveUp_breaksEveryTapAnswered() {
    tapped("v1", new Viewer.Purchase(SALE, "v1-t1", Viewer.GAVE_UP, "", 0));

    assertThat(broken()).containsExactly("every tap got a final answer");
  }

  @Test
  void check_tapsScheduledButNeverMade_breakEveryTapAnswered() {
    reservedAndStored("v1", "o1");
    tapsScheduled = 3;

    assertThat(check().get("every tap got a final answer").detail()).endsWith("2 never made");
    assertThat(broken()).containsExactly("every tap got a final answer");
  }

  @Test
  void check_tapUnansweredOnAClosedConnection_isExcusedByName() {
    reservedAndStored("v1", "o1");
    taps.add(new Viewer.Taps("v2", true, List.of(new Viewer.Purchase(SALE, "v2-t1", Viewer.NO_ANSWER, "", 0)),
        List.of()));
    tapsScheduled++;

    assertThat(broken()).isEmpty();
    assertThat(check().get("every tap got a final answer").detail())
        .endsWith("; excused: 1 unanswered on connections the server closed");
  }

  @Test
  void check_differentAnswerOnRetry_breaksOneAnswerPerClientOrderId() {
    tapped("v1", new Viewer.Purchase(SALE, "v1-t1", "RESERVE_RESULT_SOLD_OUT", "", 0,
        "RESERVE_RESULT_RESERVED o9"));

    assertThat(broken()).containsExactly("one answer per clientOrderId");
    assertThat(check().get("one answer per clientOrderId").detail()).contains("1 clientOrderIds answered "
        + "differently on a retry", "v1-t1: RESERVE_RESULT_SOLD_OUT , then RESERVE_RESULT_RESERVED o9");
  }

  @Test
  void check_answerForATapNeverMade_breaksOneAnswerPerClientOrderId() {
    taps.add(new Viewer.Taps("v1", false, List.of(), List.of(SALE)));

    assertThat(broken()).containsExactly("one answer per clientOrderId");
  }

  @Test
  void check_engineCountersBelowAcknowledged_breakHeldOrSold() {
    reservedAndStored("v1", "o1");
    heldOrSold = 0;

    assertThat(broken()).containsExactly("acknowledged units <= held + sold <= quantity");
  }

  @Test
  void evidenceOf_keepsOnlyTheSalesOwnTapsAndOrders_andLabelsItsChecks() {
    JsonObject rehearsal = new JsonObject();
    rehearsal.addProperty("saleId", "rehearsal-sale");
    rehearsal.addProperty("quantity", 1);
    rehearsal.addProperty("perViewerLimit", 1);
    List<Viewer.Taps> run = List.of(new Viewer.Taps("v1", false, List.of(
        new Viewer.Purchase("rehearsal-sale", "v1-t1", Viewer.RESERVED, "r1", 1),
        new Viewer.Purchase(SALE, "v1-t2", Viewer.RESERVED, "o1", 1)), List.of()));
    List<StoredOrder> storedOfStream = List.of(
        new StoredOrder("r1", "rehearsal-sale", "v1", "v1-t1", 1, RESERVED),
        new StoredOrder("r2", "rehearsal-sale", "v2", "v2-t1", 1, RESERVED),
        new StoredOrder("o1", SALE, "v1", "v1-t2", 1, RESERVED));

    SaleEvidence evidence = SaleEvidence.of("rehearsal 1", rehearsal, 1, run, storedOfStream, 2);
    List<Invariants.Check> checks = Invariants.check(evidence);

    assertThat(evidence.taps().get(0).purchases()).extracting(Viewer.Purchase::orderId).containsExactly("r1");
    assertThat(evidence.stored()).extracting(StoredOrder::orderId).containsExactly("r1", "r2");
    assertThat(checks).allMatch(c -> c.name().startsWith("[rehearsal 1] "));
    assertThat(checks).filteredOn(c -> !c.held()).extracting(Invariants.Check::name)
        .containsExactlyInAnyOrder("[rehearsal 1] units stored <= quantity",
            "[rehearsal 1] acknowledged units <= held + sold <= quantity");
  }
}
