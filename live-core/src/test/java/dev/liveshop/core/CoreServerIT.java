package dev.liveshop.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.liveshop.core.config.CoreConfig;
import dev.liveshop.core.grpc.StreamRecorder;
import dev.liveshop.proto.v1.AddProductRequest;
import dev.liveshop.proto.v1.CancelOrderRequest;
import dev.liveshop.proto.v1.CatalogServiceGrpc;
import dev.liveshop.proto.v1.CreateSaleRequest;
import dev.liveshop.proto.v1.CreateStreamRequest;
import dev.liveshop.proto.v1.FlashSale;
import dev.liveshop.proto.v1.FulfillOrderRequest;
import dev.liveshop.proto.v1.GetOrderRequest;
import dev.liveshop.proto.v1.GetStreamRequest;
import dev.liveshop.proto.v1.InventoryServiceGrpc;
import dev.liveshop.proto.v1.Lineup;
import dev.liveshop.proto.v1.ListOrdersResponse;
import dev.liveshop.proto.v1.ListStreamOrdersRequest;
import dev.liveshop.proto.v1.ListViewerOrdersRequest;
import dev.liveshop.proto.v1.OrderChangeResponse;
import dev.liveshop.proto.v1.OrderChangeResult;
import dev.liveshop.proto.v1.OrderServiceGrpc;
import dev.liveshop.proto.v1.OrderStatus;
import dev.liveshop.proto.v1.PinProductRequest;
import dev.liveshop.proto.v1.Product;
import dev.liveshop.proto.v1.RemoveProductRequest;
import dev.liveshop.proto.v1.ReorderLineupRequest;
import dev.liveshop.proto.v1.ReserveBatch;
import dev.liveshop.proto.v1.ReserveBatchResult;
import dev.liveshop.proto.v1.ReserveBundleRequest;
import dev.liveshop.proto.v1.ReserveBundleResponse;
import dev.liveshop.proto.v1.ReserveItem;
import dev.liveshop.proto.v1.ReserveRequest;
import dev.liveshop.proto.v1.ReserveResponse;
import dev.liveshop.proto.v1.ReserveResult;
import dev.liveshop.proto.v1.SettlePaymentRequest;
import dev.liveshop.proto.v1.Shipment;
import dev.liveshop.proto.v1.StartPaymentRequest;
import dev.liveshop.proto.v1.StockUpdate;
import dev.liveshop.proto.v1.StorePickup;
import dev.liveshop.proto.v1.WatchStockRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** live-core against a real Cassandra node, called over real gRPC on loopback. */
class CoreServerIT {

  private static CoreConfig config;
  private static CoreServer server;
  private static ManagedChannel channel;
  private static CatalogServiceGrpc.CatalogServiceBlockingStub catalog;
  private static InventoryServiceGrpc.InventoryServiceBlockingStub inventory;

  @BeforeAll
  static void start() {
    config = CoreFixture.config("core_it");
    server = CoreServer.start(config);
    channel = CoreFixture.channel(server);
    catalog = CatalogServiceGrpc.newBlockingStub(channel);
    inventory = InventoryServiceGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    CoreFixture.close(channel);
    server.close();
  }

  @Test
  void reserve_untilSoldOut_writesEachOrderBeforeAnswering() {
    FlashSale sale = launchSale("sellout", 3, 2);
    ReserveResponse alice = inventory.reserve(reserve(sale, "alice", 2, "a-1"));
    assertThat(alice.getResult()).isEqualTo(ReserveResult.RESERVE_RESULT_RESERVED);
    assertThat(inventory.reserve(reserve(sale, "bob", 2, "b-1")).getResult())
        .isEqualTo(ReserveResult.RESERVE_RESULT_SOLD_OUT);
    assertThat(inventory.reserve(reserve(sale, "bob", 1, "b-2")).getResult())
        .isEqualTo(ReserveResult.RESERVE_RESULT_RESERVED);
    assertThat(inventory.reserve(reserve(sale, "alice", 1, "a-2")).getResult())
        .isEqualTo(ReserveResult.RESERVE_RESULT_SOLD_OUT);

    try (CqlSession cql = CoreFixture.cql(config)) {
      Row row = cql.execute("SELECT * FROM orders WHERE order_id = ?", UUID.fromString(alice.getOrderId())).one();
      assertThat(row).isNotNull();
      assertThat(row.getString("viewer_id")).isEqualTo("alice");
      assertThat(row.getInt("quantity")).isEqualTo(2);
      assertThat(row.getString("status")).isEqualTo("RESERVED");
    }
    assertThat(OrderServiceGrpc.newBlockingStub(channel)
        .listStreamOrders(ListStreamOrdersRequest.newBuilder().setStreamId("sellout").build()).getOrdersList())
        .hasSize(2);
  }

  @Test
  void reserve_retriedWithSameClientOrderId_returnsTheFirstAnswerByteForByte() {
    FlashSale sale = launchSale("retry", 10, 2);
    ReserveResponse first = inventory.reserve(reserve(sale, "carol", 1, "c-1"));
    for (int i = 0; i < 5; i++) {
      assertThat(inventory.reserve(reserve(sale, "carol", 1, "c-1")).toByteArray())
          .isEqualTo(first.toByteArray());
    }
    try (CqlSession cql = CoreFixture.cql(config)) {
      assertThat(cql.execute("SELECT count(*) FROM orders_by_viewer WHERE viewer_id = 'carol'").one().getLong(0))
          .isEqualTo(1);
    }
  }

  @Test
  void expiry_unpaidHoldReturnsStock_latePaymentIsRefused_unitsSoldOnce() throws InterruptedException {
    Product product = product("expiry");
    FlashSale sale = inventory.createSale(CreateSaleRequest.newBuilder().setStreamId("expiry")
        .setProductId(product.getProductId()).setQuantity(1).setPerViewerLimit(1).setDurationMs(600_000)
        .setHoldTtlMs(1000).build());
    var orders = OrderServiceGrpc.newBlockingStub(channel);
    String lapsed = inventory.reserve(reserve(sale, "kim", 1, "k-1")).getOrderId();
    assertThat(inventory.reserve(reserve(sale, "lou", 1, "l-1")).getResult())
        .isEqualTo(ReserveResult.RESERVE_RESULT_SOLD_OUT);

    Iterator<StockUpdate> stock = InventoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .watchStock(WatchStockRequest.newBuilder().setSaleId(sale.getSaleId()).build());
    StockUpdate update = stock.next();
    while (update.getAvailable() != 1) {
      update = stock.next();
    }
    assertThat(orders.startPayment(StartPaymentRequest.newBuilder().setOrderId(lapsed).setViewerId("kim").build())
        .getResult()).isEqualTo(OrderChangeResult.ORDER_CHANGE_RESULT_NOT_HELD);
    assertThat(orders.settlePayment(SettlePaymentRequest.newBuilder().setOrderId(lapsed).setPaid(true).build())
        .getResult()).isEqualTo(OrderChangeResult.ORDER_CHANGE_RESULT_NOT_HELD);

    String resold = inventory.reserve(reserve(sale, "lou", 1, "l-2")).getOrderId();
    orders.startPayment(StartPaymentRequest.newBuilder().setOrderId(resold).setViewerId("lou").build());
    assertThat(orders.settlePayment(SettlePaymentRequest.newBuilder().setOrderId(resold).setPaid(true).build())
        .getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_PAID);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    OrderStatus lapsedStatus;
    do {
      lapsedStatus = orders.getOrder(GetOrderRequest.newBuilder().setOrderId(lapsed).build()).getStatus();
    } while (lapsedStatus != OrderStatus.ORDER_STATUS_EXPIRED && System.nanoTime() < deadline);
    assertThat(lapsedStatus).isEqualTo(OrderStatus.ORDER_STATUS_EXPIRED);
    StockUpdate last = InventoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .watchStock(WatchStockRequest.newBuilder().setSaleId(sale.getSaleId()).build()).next();
    assertThat(last.getSold()).isEqualTo(1);
    assertThat(last.getHeld() + last.getAvailable()).isZero();
  }

  @Test
  void restartAfterTheSaleEnded_aBuyerStillPaysWithinTheHold() throws Exception {
    CoreConfig own = CoreFixture.config("core_late_pay");
    String orderId;
    try (CoreServer first = CoreServer.start(own)) {
      ManagedChannel firstChannel = CoreFixture.channel(first);
      try {
        FlashSale sale = oneSecondSale(firstChannel, "late", 120_000);
        orderId = InventoryServiceGrpc.newBlockingStub(firstChannel).reserve(reserve(sale, "mia", 1, "m-1"))
            .getOrderId();
        Thread.sleep(Math.max(0, sale.getEndsAtMs() - System.currentTimeMillis()) + 200);
      } finally {
        CoreFixture.close(firstChannel);
      }
    }

    // Restarted after the end, within mia's hold: her payment goes through.
    try (CoreServer second = CoreServer.start(own)) {
      ManagedChannel secondChannel = CoreFixture.channel(second);
      try {
        var orders = OrderServiceGrpc.newBlockingStub(secondChannel);
        assertThat(orders.startPayment(StartPaymentRequest.newBuilder().setOrderId(orderId).setViewerId("mia")
            .build()).getResult()).isEqualTo(OrderChangeResult.ORDER_CHANGE_RESULT_APPLIED);
        assertThat(orders.settlePayment(SettlePaymentRequest.newBuilder().setOrderId(orderId).setPaid(true)
            .build()).getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_PAID);
      } finally {
        CoreFixture.close(secondChannel);
      }
    }
  }

  @Test
  void restartAfterTheSaleEndedAndSettled_aRetryGetsItsOrderBack() throws Exception {
    CoreConfig own = CoreFixture.config("core_late_retry");
    ReserveResponse first;
    FlashSale sale;
    try (CoreServer before = CoreServer.start(own)) {
      ManagedChannel beforeChannel = CoreFixture.channel(before);
      try {
        sale = oneSecondSale(beforeChannel, "retry", 1000);
        first = InventoryServiceGrpc.newBlockingStub(beforeChannel).reserve(reserve(sale, "noa", 1, "n-1"));
        assertThat(first.getResult()).isEqualTo(ReserveResult.RESERVE_RESULT_RESERVED);
        var orders = OrderServiceGrpc.newBlockingStub(beforeChannel);
        orders.startPayment(StartPaymentRequest.newBuilder().setOrderId(first.getOrderId()).setViewerId("noa").build());
        orders.settlePayment(SettlePaymentRequest.newBuilder().setOrderId(first.getOrderId()).setPaid(true).build());
      } finally {
        CoreFixture.close(beforeChannel);
      }
    }
    // Past the end and the hold window: the restarted live-core does not reopen the sale.
    Thread.sleep(Math.max(0, sale.getEndsAtMs() + 1000 - System.currentTimeMillis()) + 200);

    try (CoreServer after = CoreServer.start(own)) {
      ManagedChannel afterChannel = CoreFixture.channel(after);
      try {
        var inventoryAfter = InventoryServiceGrpc.newBlockingStub(afterChannel);
        // The buyer's app never heard the answer and taps again with the same client order id.
        assertThat(inventoryAfter.reserve(reserve(sale, "noa", 1, "n-1"))).isEqualTo(first);
        assertThat(inventoryAfter.reserve(reserve(sale, "noa", 1, "n-2")).getResult())
            .isEqualTo(ReserveResult.RESERVE_RESULT_UNKNOWN_SALE);
        assertThat(OrderServiceGrpc.newBlockingStub(afterChannel).getOrder(GetOrderRequest.newBuilder()
            .setOrderId(first.getOrderId()).build()).getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_PAID);
      } finally {
        CoreFixture.close(afterChannel);
      }
    }
  }

  @Test
  void listViewerOrders_pagesNewestFirst_badTokenIsInvalid() {
    FlashSale sale = launchSale("pages", 10, 5);
    for (int i = 0; i < 5; i++) {
      inventory.reserve(reserve(sale, "pager", 1, "p-" + i));
    }
    var orders = OrderServiceGrpc.newBlockingStub(channel);
    List<dev.liveshop.proto.v1.Order> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      ListOrdersResponse page = orders.listViewerOrders(ListViewerOrdersRequest.newBuilder().setViewerId("pager")
          .setPageSize(2).setPageToken(token).build());
      assertThat(page.getOrdersCount()).isLessThanOrEqualTo(2);
      seen.addAll(page.getOrdersList());
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty() && pages < 10);
    assertThat(seen).hasSize(5);
    assertThat(seen).extracting(dev.liveshop.proto.v1.Order::getOrderId).doesNotHaveDuplicates();
    assertThat(seen).extracting(dev.liveshop.proto.v1.Order::getCreatedAtMs).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    assertThatThrownBy(() -> orders.listViewerOrders(ListViewerOrdersRequest.newBuilder().setViewerId("pager")
        .setPageToken("!!not-a-token").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void reserveBundle_allOrNothingAcrossSales() {
    FlashSale scarf = launchSale("bundle", 5, 2);
    FlashSale mug = launchSale("bundle", 1, 1);
    inventory.reserve(reserve(mug, "first", 1, "m-1"));
    ReserveBundleResponse refused = inventory.reserveBundle(ReserveBundleRequest.newBuilder().setViewerId("jo")
        .setClientOrderId("cart-1")
        .addItems(ReserveItem.newBuilder().setSaleId(scarf.getSaleId()).setQuantity(2))
        .addItems(ReserveItem.newBuilder().setSaleId(mug.getSaleId()).setQuantity(1)).build());
    assertThat(refused.getResult()).isEqualTo(ReserveResult.RESERVE_RESULT_SOLD_OUT);
    assertThat(refused.getRefusedSaleId()).isEqualTo(mug.getSaleId());
    StockUpdate scarfStock = InventoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .watchStock(WatchStockRequest.newBuilder().setSaleId(scarf.getSaleId()).build()).next();
    assertThat(scarfStock.getAvailable()).isEqualTo(5);

    ReserveBundleResponse granted = inventory.reserveBundle(ReserveBundleRequest.newBuilder().setViewerId("jo")
        .setClientOrderId("cart-2")
        .addItems(ReserveItem.newBuilder().setSaleId(scarf.getSaleId()).setQuantity(2)).build());
    assertThat(granted.getResult()).isEqualTo(ReserveResult.RESERVE_RESULT_RESERVED);
    assertThat(granted.getItemsCount()).isEqualTo(1);
  }

  @Test
  void reserveStream_answersEveryRequestThenCloses() throws Exception {
    FlashSale sale = launchSale("stream", 30, 1);
    StreamRecorder<ReserveResponse> answers = new StreamRecorder<>();
    var requests = InventoryServiceGrpc.newStub(channel).reserveStream(answers);
    for (int i = 0; i < 40; i++) {
      requests.onNext(reserve(sale, "streamer-" + i, 1, "s-" + i));
    }
    requests.onCompleted();
    assertThat(answers.awaitEnd(20)).isTrue();
    assertThat(answers.values).hasSize(40);
    assertThat(answers.values.stream().filter(a -> a.getResult() == ReserveResult.RESERVE_RESULT_RESERVED)).hasSize(30);
    assertThat(answers.values.stream().filter(a -> a.getResult() == ReserveResult.RESERVE_RESULT_SOLD_OUT)).hasSize(10);
  }

  @Test
  void reserveBatches_answersEachBatchInRequestOrder_andRefusesOversizedOnes() throws Exception {
    FlashSale sale = launchSale("batches", 25, 1);
    StreamRecorder<ReserveBatchResult> results = new StreamRecorder<>();
    var batches = InventoryServiceGrpc.newStub(channel).reserveBatches(results);
    for (int b = 0; b < 3; b++) {
      ReserveBatch.Builder batch = ReserveBatch.newBuilder().setBatchId(b);
      for (int i = 0; i < 10; i++) {
        batch.addRequests(reserve(sale, "batcher-" + (b * 10 + i), 1, "tap"));
      }
      batches.onNext(batch.build());
    }
    batches.onCompleted();
    assertThat(results.awaitEnd(20)).isTrue();

    // A batch is answered whole, or in parts whose positions cover each request exactly once.
    Map<Long, ReserveResponse[]> byBatch = new HashMap<>();
    for (ReserveBatchResult r : results.values) {
      ReserveResponse[] answers = byBatch.computeIfAbsent(r.getBatchId(), id -> new ReserveResponse[10]);
      for (int i = 0; i < r.getResponsesCount(); i++) {
        int position = r.getPositionsCount() == 0 ? i : r.getPositions(i);
        assertThat(answers[position]).as("answered twice").isNull();
        answers[position] = r.getResponses(i);
      }
    }
    assertThat(byBatch.keySet()).containsExactlyInAnyOrder(0L, 1L, 2L);
    for (var entry : byBatch.entrySet()) {
      for (int i = 0; i < 10; i++) {
        ReserveResponse answer = entry.getValue()[i];
        assertThat(answer).as("batch %d position %d", entry.getKey(), i).isNotNull();
        assertThat(answer.getSaleId()).isEqualTo(sale.getSaleId());
      }
    }
    assertThat(byBatch.values().stream().flatMap(Arrays::stream)
        .filter(a -> a.getResult() == ReserveResult.RESERVE_RESULT_RESERVED)).hasSize(25);
    StockUpdate stock = InventoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .watchStock(WatchStockRequest.newBuilder().setSaleId(sale.getSaleId()).build()).next();
    assertThat(stock.getAvailable()).isZero();
    assertThat(stock.getHeld()).isEqualTo(25);

    ReserveBatch.Builder oversized = ReserveBatch.newBuilder();
    for (int i = 0; i < 1001; i++) {
      oversized.addRequests(reserve(sale, "big-" + i, 1, "tap"));
    }
    StreamRecorder<ReserveBatchResult> refused = new StreamRecorder<>();
    var call = InventoryServiceGrpc.newStub(channel).reserveBatches(refused);
    call.onNext(oversized.build());
    assertThat(refused.awaitEnd(20)).isTrue();
    assertThat(refused.error())
        .isInstanceOf(io.grpc.StatusRuntimeException.class)
        .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("at most 1000");
    call.onCompleted();
  }

  @Test
  void watchStock_sendsCurrentValueThenEveryChange() {
    FlashSale sale = launchSale("watch", 5, 5);
    Iterator<StockUpdate> updates = InventoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .watchStock(WatchStockRequest.newBuilder().setSaleId(sale.getSaleId()).build());
    StockUpdate first = updates.next();
    assertThat(first.getAvailable()).isEqualTo(5);
    inventory.reserve(reserve(sale, "dave", 3, "d-1"));
    StockUpdate next = updates.next();
    while (next.getAvailable() != 2) {
      next = updates.next();
    }
    assertThat(next.getHeld()).isEqualTo(3);
    assertThat(next.getSequence()).isGreaterThan(first.getSequence());
  }

  @Test
  void getStream_afterChanges_showsThemAtOnce() {
    Product first = product("cached");
    GetStreamRequest get = GetStreamRequest.newBuilder().setStreamId("cached").build();
    assertThat(catalog.getStream(get).getProductsCount()).isEqualTo(1);
    Product second = catalog.addProduct(AddProductRequest.newBuilder().setStreamId("cached").setName("Mug")
        .setPriceCents(900).build());
    catalog.pinProduct(PinProductRequest.newBuilder().setStreamId("cached").setProductId(second.getProductId())
        .build());
    var snapshot = catalog.getStream(get);
    assertThat(snapshot.getProductsList()).extracting(Product::getProductId)
        .containsExactly(first.getProductId(), second.getProductId());
    assertThat(snapshot.getStream().getPinnedProductId()).isEqualTo(second.getProductId());
    assertThat(snapshot.getSalesCount()).isZero();
    inventory.createSale(CreateSaleRequest.newBuilder().setStreamId("cached").setProductId(first.getProductId())
        .setQuantity(3).setPerViewerLimit(1).setDurationMs(60_000).build());
    assertThat(catalog.getStream(get).getSalesCount()).isEqualTo(1);
  }

  @Test
  void lineup_reorderAndRemove_pinnedProductIsUnpinned_productOnSaleStays() {
    Product first = product("lineup");
    Product second = catalog.addProduct(AddProductRequest.newBuilder().setStreamId("lineup").setName("Mug")
        .setPriceCents(900).build());
    Lineup reordered = catalog.reorderLineup(ReorderLineupRequest.newBuilder().setStreamId("lineup")
        .addProductIds(second.getProductId()).addProductIds(first.getProductId()).build());
    assertThat(reordered.getProductsList()).extracting(Product::getProductId)
        .containsExactly(second.getProductId(), first.getProductId());
    assertThatThrownBy(() -> catalog.reorderLineup(ReorderLineupRequest.newBuilder().setStreamId("lineup")
        .addProductIds(second.getProductId()).addProductIds(second.getProductId()).build()))
        .hasMessageContaining("product_ids");

    catalog.pinProduct(PinProductRequest.newBuilder().setStreamId("lineup").setProductId(second.getProductId())
        .build());
    inventory.createSale(CreateSaleRequest.newBuilder().setStreamId("lineup").setProductId(first.getProductId())
        .setQuantity(3).setPerViewerLimit(1).setDurationMs(60_000).build());
    assertThatThrownBy(() -> catalog.removeProduct(RemoveProductRequest.newBuilder().setStreamId("lineup")
        .setProductId(first.getProductId()).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("stop it first");
        });
    Lineup left = catalog.removeProduct(RemoveProductRequest.newBuilder().setStreamId("lineup")
        .setProductId(second.getProductId()).build());
    assertThat(left.getProductsList()).extracting(Product::getProductId).containsExactly(first.getProductId());
    var snapshot = catalog.getStream(GetStreamRequest.newBuilder().setStreamId("lineup").build());
    assertThat(snapshot.getStream().getPinnedProductId()).isEmpty();
    assertThat(snapshot.getProductsCount()).isEqualTo(1);
  }

  @Test
  void createSale_longerThanTheStreamAllows_isInvalidArgument() {
    Product product = product("longsale");
    assertThatThrownBy(() -> inventory.createSale(CreateSaleRequest.newBuilder().setStreamId("longsale")
        .setProductId(product.getProductId()).setQuantity(5).setPerViewerLimit(1)
        .setDurationMs(Duration.ofHours(5).toMillis()).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("duration_ms").contains("max-sale-duration");
        });
  }

  @Test
  void createSale_badFields_isInvalidArgumentNamingTheField() {
    Product product = product("badsale");
    assertThatThrownBy(() -> inventory.createSale(CreateSaleRequest.newBuilder().setStreamId("badsale")
        .setProductId(product.getProductId()).setQuantity(-1).setPerViewerLimit(1).setDurationMs(60_000).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("quantity");
        });
    // Past the bound price x quantity could overflow the payment amount check.
    assertThatThrownBy(() -> inventory.createSale(CreateSaleRequest.newBuilder().setStreamId("badsale")
        .setProductId(product.getProductId()).setPriceCents(Long.MAX_VALUE / 2).setQuantity(5).setPerViewerLimit(5)
        .setDurationMs(60_000).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("price_cents");
        });
    assertThatThrownBy(() -> inventory.createSale(CreateSaleRequest.newBuilder().setStreamId("badsale")
        .setProductId("p-nope").setQuantity(5).setPerViewerLimit(1).setDurationMs(60_000).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void reserve_unknownSaleOrBadQuantity_isARejectionValue() {
    assertThat(inventory.reserve(ReserveRequest.newBuilder().setSaleId("s-nope").setViewerId("v")
        .setQuantity(1).setClientOrderId("x").build()).getResult())
        .isEqualTo(ReserveResult.RESERVE_RESULT_UNKNOWN_SALE);
    FlashSale sale = launchSale("badqty", 5, 2);
    for (int quantity : new int[] {0, -3, 3, Integer.MAX_VALUE}) {
      assertThat(inventory.reserve(reserve(sale, "eve", quantity, "e-" + quantity)).getResult())
          .isEqualTo(ReserveResult.RESERVE_RESULT_INVALID_REQUEST);
    }
  }

  @Test
  void restart_reopensSalesWithTheirOrdersCounted() throws InterruptedException {
    FlashSale sale = launchSale("restart", 10, 3);
    ReserveResponse before = inventory.reserve(reserve(sale, "frank", 3, "f-1"));
    CoreServer second = CoreServer.start(config);
    ManagedChannel secondChannel = CoreFixture.channel(second);
    try {
      var secondInventory = InventoryServiceGrpc.newBlockingStub(secondChannel);
      StockUpdate stock = CatalogServiceGrpc.newBlockingStub(secondChannel)
          .getStream(GetStreamRequest.newBuilder().setStreamId("restart").build()).getSales(0).getStock();
      assertThat(stock.getHeld()).isEqualTo(3);
      assertThat(stock.getAvailable()).isEqualTo(7);
      assertThat(secondInventory.reserve(reserve(sale, "frank", 3, "f-1")).toByteArray())
          .isEqualTo(before.toByteArray());
      assertThat(secondInventory.reserve(reserve(sale, "frank", 1, "f-2")).getResult())
          .isEqualTo(ReserveResult.RESERVE_RESULT_OVER_LIMIT);
    } finally {
      CoreFixture.close(secondChannel);
      second.close();
    }
  }

  @Test
  void payment_payingThenPaid_isDurableAndRecovered_cancelReturnsUnits() throws InterruptedException {
    FlashSale sale = launchSale("pay", 5, 2);
    var orders = OrderServiceGrpc.newBlockingStub(channel);
    String paidId = inventory.reserve(reserve(sale, "gina", 2, "g-1")).getOrderId();
    String cancelledId = inventory.reserve(reserve(sale, "hank", 2, "h-1")).getOrderId();

    assertThat(orders.startPayment(StartPaymentRequest.newBuilder().setOrderId(paidId).setViewerId("hank").build())
        .getResult()).isEqualTo(OrderChangeResult.ORDER_CHANGE_RESULT_NOT_YOURS);
    OrderChangeResponse paying = orders.startPayment(StartPaymentRequest.newBuilder().setOrderId(paidId)
        .setViewerId("gina").build());
    assertThat(paying.getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_PAYING);
    assertThat(orders.getOrder(GetOrderRequest.newBuilder().setOrderId(paidId).build()).getStatus())
        .isEqualTo(OrderStatus.ORDER_STATUS_PAYING);
    SettlePaymentRequest settle = SettlePaymentRequest.newBuilder().setOrderId(paidId).setPaid(true)
        .setPaymentId("pay-1").build();
    assertThat(orders.settlePayment(settle).getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_PAID);
    assertThat(orders.settlePayment(settle).getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_PAID);

    FulfillOrderRequest ship = FulfillOrderRequest.newBuilder().setOrderId(paidId)
        .setShipment(Shipment.newBuilder().setCarrier("SF Express").setTrackingNumber("SF1234567")).build();
    dev.liveshop.proto.v1.Order shipped = orders.fulfillOrder(ship);
    assertThat(shipped.getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_FULFILLED);
    assertThat(shipped.getFulfillment()).isEqualTo("shipped: SF Express, SF1234567");
    assertThat(orders.fulfillOrder(ship).getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_FULFILLED);
    assertThatThrownBy(() -> orders.fulfillOrder(FulfillOrderRequest.newBuilder().setOrderId(cancelledId)
        .setPickup(StorePickup.newBuilder().setStore("Jing'an store")).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    assertThatThrownBy(() -> orders.fulfillOrder(FulfillOrderRequest.newBuilder().setOrderId(paidId).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));

    assertThat(orders.cancelOrder(CancelOrderRequest.newBuilder().setOrderId(cancelledId).setViewerId("hank")
        .build()).getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CANCELLED);
    assertThat(orders.getOrder(GetOrderRequest.newBuilder().setOrderId(cancelledId).build()).getStatus())
        .isEqualTo(OrderStatus.ORDER_STATUS_CANCELLED);

    CoreServer second = CoreServer.start(config);
    ManagedChannel secondChannel = CoreFixture.channel(second);
    try {
      StockUpdate stock = CatalogServiceGrpc.newBlockingStub(secondChannel)
          .getStream(GetStreamRequest.newBuilder().setStreamId("pay").build()).getSales(0).getStock();
      assertThat(stock.getSold()).isEqualTo(2);
      assertThat(stock.getHeld()).isZero();
      assertThat(stock.getAvailable()).isEqualTo(3);
    } finally {
      CoreFixture.close(secondChannel);
      second.close();
    }
  }

  private static FlashSale launchSale(String streamId, int quantity, int limit) {
    Product product = product(streamId);
    catalog.pinProduct(PinProductRequest.newBuilder().setStreamId(streamId).setProductId(product.getProductId())
        .build());
    return inventory.createSale(CreateSaleRequest.newBuilder().setStreamId(streamId)
        .setProductId(product.getProductId()).setQuantity(quantity).setPerViewerLimit(limit)
        .setDurationMs(600_000).build());
  }

  private static Product product(String streamId) {
    catalog.createStream(CreateStreamRequest.newBuilder().setStreamId(streamId).setTitle("Test " + streamId)
        .setHostId("host-1").build());
    return catalog.addProduct(AddProductRequest.newBuilder().setStreamId(streamId).setName("Scarf")
        .setPriceCents(2900).build());
  }

  /** A new stream on its own live-core with a one-unit sale that starts now and lasts a second. */
  private static FlashSale oneSecondSale(ManagedChannel channel, String streamId, long holdTtlMs) {
    var catalogThere = CatalogServiceGrpc.newBlockingStub(channel);
    catalogThere.createStream(CreateStreamRequest.newBuilder().setStreamId(streamId).setTitle("Stream " + streamId)
        .setHostId("host-1").build());
    Product product = catalogThere.addProduct(AddProductRequest.newBuilder().setStreamId(streamId)
        .setName("Scarf").setPriceCents(2900).build());
    return InventoryServiceGrpc.newBlockingStub(channel).createSale(CreateSaleRequest.newBuilder()
        .setStreamId(streamId).setProductId(product.getProductId()).setQuantity(1).setPerViewerLimit(1)
        .setDurationMs(1000).setHoldTtlMs(holdTtlMs).build());
  }

  private static ReserveRequest reserve(FlashSale sale, String viewer, int quantity, String clientOrderId) {
    return ReserveRequest.newBuilder().setSaleId(sale.getSaleId()).setViewerId(viewer).setQuantity(quantity)
        .setClientOrderId(clientOrderId).build();
  }
}
