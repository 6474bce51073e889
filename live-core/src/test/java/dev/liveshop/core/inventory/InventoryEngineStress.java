package dev.liveshop.core.inventory;

import static dev.liveshop.core.Eventually.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.core.order.OrderStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Many threads race for a few sales while a tenth of the order writes fail and a host
 * keeps pausing, resuming and restocking. The assertion is the invariant, not a timing:
 * no oversell, stock conserved, no viewer over its limit, one order per purchase intent,
 * every RESERVED answer backed by a written order, and every lapsed hold back in stock.
 */
class InventoryEngineStress {

  private static final int THREADS = 8;
  private static final int REQUESTS_PER_THREAD = 20_000;
  private static final int SALES = 3;
  private static final int QUANTITY = 500;
  private static final int LIMIT = 3;

  @Test
  void reserve_manyThreadsWithFailingWrites_keepsTheInvariant() throws Exception {
    long now = 1_000_000;
    TestClock clock = new TestClock(now);
    RecordingJournal journal = new RecordingJournal(0.1);
    try (InventoryEngine engine = new InventoryEngine(2, clock, journal, 10)) {
      for (int s = 0; s < SALES; s++) {
        engine.open(new FlashSale("sale-" + s, "demo", "p", 100, QUANTITY, LIMIT, now - 1000, now + 600_000,
            60_000, false), List.of()).join();
      }
      ConcurrentLinkedQueue<ReserveAnswer> answers = new ConcurrentLinkedQueue<>();
      Map<UUID, String> viewerOf = new ConcurrentHashMap<>();
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        threads.add(new Thread(() -> {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          List<CompletableFuture<ReserveAnswer>> pending = new ArrayList<>();
          awaitQuietly(go);
          for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
            // 2,000 viewers, few intents each, so duplicates and limits are hit often.
            String viewer = "v" + random.nextInt(2000);
            ReserveCommand command = new ReserveCommand("sale-" + random.nextInt(SALES), viewer,
                1 + random.nextInt(LIMIT), "c" + random.nextInt(4));
            viewerOf.putIfAbsent(OrderIds.of(command.saleId(), viewer, command.clientOrderId()), viewer);
            pending.add(engine.reserve(command));
          }
          pending.forEach(f -> answers.add(f.join()));
          // While other buyers still race: pay, fail to pay, cancel, or leave each hold.
          for (CompletableFuture<ReserveAnswer> f : pending) {
            ReserveAnswer a = f.join();
            if (a.result() != ReserveResult.RESERVED) {
              continue;
            }
            String viewer = viewerOf.get(a.orderId());
            switch (random.nextInt(5)) {
              case 0 -> engine.startPayment(a.saleId(), a.orderId(), viewer).join();
              case 1 -> {
                engine.startPayment(a.saleId(), a.orderId(), viewer).join();
                engine.settlePayment(a.saleId(), a.orderId(), true).join();
              }
              case 2 -> engine.settlePayment(a.saleId(), a.orderId(), false).join();
              case 3 -> engine.cancel(a.saleId(), a.orderId(), viewer).join();
              default -> { }
            }
          }
        }));
      }
      Thread host = new Thread(() -> {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        awaitQuietly(go);
        for (int i = 0; i < 2_000; i++) {
          String saleId = "sale-" + random.nextInt(SALES);
          SaleChange change = switch (random.nextInt(3)) {
            case 0 -> new SaleChange(SaleChange.Action.PAUSE, 0);
            case 1 -> new SaleChange(SaleChange.Action.RESUME, 0);
            default -> new SaleChange(SaleChange.Action.RESTOCK, QUANTITY / 2 + random.nextInt(QUANTITY));
          };
          engine.change(saleId, change).join();
        }
      });
      threads.add(host);
      threads.forEach(Thread::start);
      go.countDown();
      for (Thread thread : threads) {
        thread.join();
      }

      Map<String, Integer> unitsByViewerAndSale = new HashMap<>();
      Set<String> intents = new HashSet<>();
      Set<UUID> written = new HashSet<>();
      journal.written().forEach(h -> written.add(h.orderId()));
      for (Hold hold : journal.written()) {
        assertThat(intents.add(hold.saleId() + "/" + hold.viewerId() + "/" + hold.clientOrderId())).as("one order per intent").isTrue();
        OrderStatus status = journal.statuses.getOrDefault(hold.orderId(), OrderStatus.RESERVED);
        if (status == OrderStatus.RESERVED || status == OrderStatus.PAYING || status == OrderStatus.PAID) {
          // Units a viewer still holds or bought; cancelled ones may be bought again.
          unitsByViewerAndSale.merge(hold.saleId() + "/" + hold.viewerId(), hold.quantity(), Integer::sum);
        }
      }
      assertThat(unitsByViewerAndSale.values()).allSatisfy(units -> assertThat(units).isLessThanOrEqualTo(LIMIT));
      answers.stream().filter(a -> a.result() == ReserveResult.RESERVED)
          .forEach(a -> assertThat(written).contains(a.orderId()));

      for (int s = 0; s < SALES; s++) {
        String saleId = "sale-" + s;
        StockSnapshot stock = engine.snapshot(saleId).join().orElseThrow();
        assertThat(stock.available()).isGreaterThanOrEqualTo(0);
        assertThat(stock.available() + stock.held() + stock.sold()).isEqualTo(stock.quantity());
        assertThat(stock.held()).isEqualTo(unitsOf(journal, saleId, OrderStatus.RESERVED, OrderStatus.PAYING));
        assertThat(stock.sold()).isEqualTo(unitsOf(journal, saleId, OrderStatus.PAID));
      }
      assertThat(journal.failed).isNotEmpty();

      assertThat(journal.statuses.values()).contains(OrderStatus.PAID, OrderStatus.PAYING, OrderStatus.CANCELLED);

      // Unpaid holds lapse: their units return and each is marked expired once; holds being
      // paid stay held until their payment settles; sold units stay sold.
      Set<UUID> unpaid = new HashSet<>();
      journal.written().stream().filter(h -> !journal.statuses.containsKey(h.orderId()))
          .forEach(h -> unpaid.add(h.orderId()));
      clock.advance(60_000);
      for (int s = 0; s < SALES; s++) {
        String saleId = "sale-" + s;
        int paying = unitsOf(journal, saleId, OrderStatus.PAYING);
        waitFor(() -> engine.snapshot(saleId).join().orElseThrow().held() <= paying, "unpaid holds of " + saleId
            + " lapsed");
        StockSnapshot stock = engine.snapshot(saleId).join().orElseThrow();
        assertThat(stock.held()).isEqualTo(paying);
        assertThat(stock.sold()).isEqualTo(unitsOf(journal, saleId, OrderStatus.PAID));
        assertThat(stock.available() + stock.held() + stock.sold()).isEqualTo(stock.quantity());
      }
      assertThat(journal.expired).extracting(Hold::orderId).containsExactlyInAnyOrderElementsOf(unpaid);
    }
  }

  /** Units of a sale's written orders whose last recorded status is one of {@code statuses}. */
  private static int unitsOf(RecordingJournal journal, String saleId, OrderStatus... statuses) {
    Set<OrderStatus> wanted = Set.of(statuses);
    return journal.written().stream()
        .filter(h -> h.saleId().equals(saleId))
        .filter(h -> wanted.contains(journal.statuses.getOrDefault(h.orderId(), OrderStatus.RESERVED)))
        .mapToInt(Hold::quantity)
        .sum();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
