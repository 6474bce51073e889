package dev.liveshop.core.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.liveshop.core.WiredShard;
import dev.liveshop.core.catalog.SaleRequest;
import dev.liveshop.core.inventory.FlashSale;
import dev.liveshop.core.inventory.ReserveCommand;
import dev.liveshop.core.inventory.ReserveResult;
import dev.liveshop.core.inventory.SaleChange;
import dev.liveshop.core.store.FaultySession;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hand-overs between two shards in one JVM against a real Cassandra node, shard A's store
 * calls going through a {@link FaultySession} that fails the chosen statement.
 */
class SaleOwnershipIT {

  private static final String MOVE = "IF owner_shard = ?";
  private static final String UPDATE_SETTINGS = "UPDATE flash_sales SET stream_id";

  private static TwoShards shards;
  private static FaultySession faulty;
  private static WiredShard a;
  private static WiredShard b;

  @BeforeAll
  static void start() {
    shards = new TwoShards("ownership_it");
    faulty = shards.faulty;
    a = shards.a;
    b = shards.b;
    a.catalog.createStream("moves", "Moves", "host-1", "");
  }

  @AfterAll
  static void stop() throws InterruptedException {
    shards.close();
  }

  @AfterEach
  void noFaultLeft() {
    faulty.failNext(MOVE, 0, FaultySession.When.BEFORE);
  }

  @Test
  void handOver_moveWriteFails_saleIsHeldHereAgain_andARetryMovesIt() {
    FlashSale sale = launch();
    assertThat(reserve(a, sale, "alice")).isEqualTo(ReserveResult.RESERVED);

    faulty.failNext(MOVE, 1, FaultySession.When.BEFORE);
    assertThatThrownBy(() -> a.ownership.handOver(sale.saleId(), "B"))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(faulty.injected).hasPositiveValue();

    assertThat(a.engine.holds(sale.saleId())).isTrue();
    assertThat(a.store.findSale(sale.saleId()).orElseThrow().ownerShard()).isEqualTo("A");
    assertThat(reserve(a, sale, "bob")).isEqualTo(ReserveResult.RESERVED);

    a.ownership.handOver(sale.saleId(), "B");
    assertThat(a.engine.holds(sale.saleId())).isFalse();
    assertThat(b.engine.holds(sale.saleId())).isTrue();
    assertThat(b.store.findSale(sale.saleId()).orElseThrow().ownerShard()).isEqualTo("B");
    assertThat(b.engine.snapshot(sale.saleId()).join().orElseThrow().held()).isEqualTo(2);
    assertThat(reserve(b, sale, "carol")).isEqualTo(ReserveResult.RESERVED);
  }

  @Test
  void handOver_moveLandedButItsAnswerWasLost_completes() {
    FlashSale sale = launch();
    assertThat(reserve(a, sale, "alice")).isEqualTo(ReserveResult.RESERVED);

    faulty.failNext(MOVE, 1, FaultySession.When.AFTER);
    a.ownership.handOver(sale.saleId(), "B");

    assertThat(a.engine.holds(sale.saleId())).isFalse();
    assertThat(b.engine.holds(sale.saleId())).isTrue();
    assertThat(reserve(b, sale, "bob")).isEqualTo(ReserveResult.RESERVED);
  }

  @Test
  void handOver_ofASaleRecordedHereButNotInMemory_reopensAndMovesIt() {
    FlashSale sale = launch();
    assertThat(reserve(a, sale, "alice")).isEqualTo(ReserveResult.RESERVED);
    a.engine.release(sale.saleId()).join(); // what a failed move used to leave behind

    a.ownership.handOver(sale.saleId(), "B");

    assertThat(b.engine.holds(sale.saleId())).isTrue();
    assertThat(b.engine.snapshot(sale.saleId()).join().orElseThrow().held()).isEqualTo(1);
  }

  @Test
  void handOver_settingsNotStoredYet_takesTheSaleBackWithThem_thenMovesThemAlong() {
    FlashSale sale = launch();
    faulty.failNext(UPDATE_SETTINGS, 1_000, FaultySession.When.BEFORE);
    assertThatThrownBy(() -> a.catalog.updateSale(sale.saleId(), new SaleChange(SaleChange.Action.PAUSE, 0)))
        .hasMessageContaining("not stored yet");

    assertThatThrownBy(() -> a.ownership.handOver(sale.saleId(), "B"))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(reserve(a, sale, "alice")).isEqualTo(ReserveResult.PAUSED);

    faulty.failNext(UPDATE_SETTINGS, 0, FaultySession.When.BEFORE);
    a.ownership.handOver(sale.saleId(), "B");
    assertThat(reserve(b, sale, "alice")).isEqualTo(ReserveResult.PAUSED);
  }

  private static FlashSale launch() {
    String productId = a.catalog.addProduct("moves", "Mug", "", 1500).productId();
    return a.catalog.launchSale(new SaleRequest("moves", productId, 0, 10, 2, 0, 600_000, 0, "")).sale();
  }

  private static ReserveResult reserve(WiredShard shard, FlashSale sale, String viewer) {
    return shard.engine.reserve(new ReserveCommand(sale.saleId(), viewer, 1, UUID.randomUUID().toString()))
        .join().result();
  }
}
