package dev.liveshop.core.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import dev.liveshop.core.WiredShard;
import dev.liveshop.core.catalog.InvalidRequestException;
import dev.liveshop.core.catalog.OwnedSale;
import dev.liveshop.core.catalog.SaleRequest;
import dev.liveshop.core.inventory.ReserveCommand;
import dev.liveshop.core.inventory.ReserveResult;
import dev.liveshop.core.store.FaultySession;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Launches retried with their launch key against a real Cassandra node: a host's retry
 * after a timeout never makes a second sale, whatever the first try came to. Shard A's
 * store calls go through a {@link FaultySession}.
 */
class SaleLaunchIT {

  private static final String INSERT_SALE = "INSERT INTO flash_sales";
  private static final String STREAM = "launches";

  private static TwoShards shards;
  private static FaultySession faulty;
  private static WiredShard a;
  private static WiredShard b;
  private static String mug;
  private static String scarf;

  @BeforeAll
  static void start() {
    shards = new TwoShards("launch_it");
    faulty = shards.faulty;
    a = shards.a;
    b = shards.b;
    a.catalog.createStream(STREAM, "Launches", "host-1", "");
    mug = a.catalog.addProduct(STREAM, "Mug", "", 1500).productId();
    scarf = a.catalog.addProduct(STREAM, "Scarf", "", 2900).productId();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    shards.close();
  }

  @AfterEach
  void noFaultLeft() {
    faulty.failNext(INSERT_SALE, 0, FaultySession.When.BEFORE);
  }

  @Test
  void retry_afterTheFirstAnswerWasLost_answersTheSameSale_andKeepsItsStock() {
    String key = UUID.randomUUID().toString();
    OwnedSale first = a.ownership.launch(request(mug, key));
    assertThat(reserve(a, first, "alice")).isEqualTo(ReserveResult.RESERVED);

    OwnedSale retry = a.ownership.launch(request(mug, key));

    assertThat(retry.sale()).isEqualTo(first.sale());
    assertThat(retry.ownerShard()).isEqualTo("A");
    assertThat(salesLaunchedWith(first)).isEqualTo(1);
    assertThat(a.engine.snapshot(first.sale().saleId()).join().orElseThrow().held()).isEqualTo(1);
  }

  @Test
  void retry_afterTheStoredSaleWasNeverOpened_opensIt() {
    String key = UUID.randomUUID().toString();
    faulty.failNext(INSERT_SALE, 1, FaultySession.When.AFTER);
    assertThatThrownBy(() -> a.ownership.launch(request(mug, key))).isInstanceOf(WriteTimeoutException.class);

    OwnedSale retry = a.ownership.launch(request(mug, key));

    assertThat(a.engine.holds(retry.sale().saleId())).isTrue();
    assertThat(reserve(a, retry, "alice")).isEqualTo(ReserveResult.RESERVED);
    assertThat(salesLaunchedWith(retry)).isEqualTo(1);
  }

  @Test
  void retry_afterTheFirstWriteNeverLanded_launchesTheSale() {
    String key = UUID.randomUUID().toString();
    faulty.failNext(INSERT_SALE, 1, FaultySession.When.BEFORE);
    assertThatThrownBy(() -> a.ownership.launch(request(mug, key))).isInstanceOf(WriteTimeoutException.class);

    OwnedSale retry = a.ownership.launch(request(mug, key));

    assertThat(a.store.findSale(retry.sale().saleId())).contains(retry);
    assertThat(reserve(a, retry, "alice")).isEqualTo(ReserveResult.RESERVED);
  }

  @Test
  void retry_afterTheStreamIndexWriteFailed_showsTheSaleInTheStream() {
    String key = UUID.randomUUID().toString();
    a.catalog.getStream(STREAM); // cached, as rooms and the host API read it
    faulty.failNext("INSERT INTO flash_sales_by_stream", 1, FaultySession.When.BEFORE);
    assertThatThrownBy(() -> a.ownership.launch(request(mug, key))).isInstanceOf(WriteTimeoutException.class);

    OwnedSale retry = a.ownership.launch(request(mug, key));

    assertThat(a.catalog.getStream(STREAM).sales()).contains(retry);
  }

  @Test
  void retries_racingTheFirstTry_allAnswerOneSaleOpenedOnce() {
    String key = UUID.randomUUID().toString();
    CyclicBarrier start = new CyclicBarrier(4);
    List<CompletableFuture<OwnedSale>> launches = java.util.stream.IntStream.range(0, 4)
        .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
          await(start);
          return a.ownership.launch(request(mug, key));
        }))
        .toList();

    List<OwnedSale> answers = launches.stream().map(CompletableFuture::join).toList();

    assertThat(answers).allMatch(answer -> answer.equals(answers.get(0)));
    assertThat(salesLaunchedWith(answers.get(0))).isEqualTo(1);
  }

  @Test
  void retry_onAnotherShard_answersTheSaleWhereItIs() {
    String key = UUID.randomUUID().toString();
    OwnedSale first = a.ownership.launch(request(mug, key));

    OwnedSale retry = b.ownership.launch(request(mug, key));

    assertThat(retry).isEqualTo(first);
    assertThat(b.engine.holds(first.sale().saleId())).isFalse();
  }

  @Test
  void retry_whileTheSaleIsBeingHandedOver_neverOpensItOnTwoShards() throws Exception {
    String key = UUID.randomUUID().toString();
    String saleId = a.ownership.launch(request(mug, key)).sale().saleId();
    CountDownLatch released = new CountDownLatch(1);
    CountDownLatch move = new CountDownLatch(1);
    faulty.pauseNext("IF owner_shard = ?", released, move);
    CompletableFuture<?> handOver = CompletableFuture.runAsync(() -> a.ownership.handOver(saleId, "B"));
    assertThat(released.await(30, TimeUnit.SECONDS)).isTrue(); // released here, not yet recorded as B's

    CompletableFuture<OwnedSale> retry = CompletableFuture.supplyAsync(() -> a.ownership.launch(request(mug, key)));
    try {
      retry.get(2, TimeUnit.SECONDS); // the defect: the retry reopened it here meanwhile
    } catch (TimeoutException waitsForTheHandOver) {
      // as it should
    }
    move.countDown();
    handOver.join();

    assertThat(retry.join().ownerShard()).isEqualTo("B");
    assertThat(a.engine.holds(saleId)).isFalse();
    assertThat(b.engine.holds(saleId)).isTrue();
  }

  @Test
  void sameKey_forAnotherProduct_isRefused_andLaunchesNothing() {
    String key = UUID.randomUUID().toString();
    OwnedSale first = a.ownership.launch(request(mug, key));

    assertThatThrownBy(() -> a.ownership.launch(request(scarf, key)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(first.sale().saleId())
        .hasMessageContaining("use a new key");
    assertThat(salesLaunchedWith(first)).isEqualTo(1);
  }

  @Test
  void noKey_everyCallLaunchesASale() {
    OwnedSale first = a.ownership.launch(request(mug, ""));
    OwnedSale second = a.ownership.launch(request(mug, ""));

    assertThat(second.sale().saleId()).isNotEqualTo(first.sale().saleId());
  }

  @Test
  void malformedKey_isRefused() {
    assertThatThrownBy(() -> a.ownership.launch(request(mug, "no spaces allowed")))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("launch_key");
    assertThatThrownBy(() -> a.ownership.launch(request(mug, "k".repeat(65))))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("launch_key");
  }

  private static SaleRequest request(String productId, String launchKey) {
    return new SaleRequest(STREAM, productId, 0, 10, 2, 0, 600_000, 0, launchKey);
  }

  /** How many of the stream's stored sales have the sale's product and start: one per launch. */
  private static long salesLaunchedWith(OwnedSale sale) {
    return a.store.salesOfStream(STREAM).stream()
        .filter(stored -> stored.sale().saleId().equals(sale.sale().saleId())
            || stored.sale().startsAtMs() == sale.sale().startsAtMs()
            && stored.sale().productId().equals(sale.sale().productId()))
        .count();
  }

  private static ReserveResult reserve(WiredShard shard, OwnedSale sale, String viewer) {
    return shard.engine.reserve(new ReserveCommand(sale.sale().saleId(), viewer, 1, UUID.randomUUID().toString()))
        .join().result();
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
