package dev.liveshop.core.shard;

import com.datastax.oss.driver.api.core.DriverException;
import dev.liveshop.core.catalog.Catalog;
import dev.liveshop.core.catalog.InvalidRequestException;
import dev.liveshop.core.catalog.NotFoundException;
import dev.liveshop.core.catalog.OwnedSale;
import dev.liveshop.core.catalog.SaleRequest;
import dev.liveshop.core.inventory.FlashSale;
import dev.liveshop.core.inventory.InventoryEngine;
import dev.liveshop.core.store.CatalogStore;
import dev.liveshop.core.store.OrderStore;
import dev.liveshop.core.store.StoreRetry;
import dev.liveshop.proto.v1.AdoptSaleRequest;
import dev.liveshop.proto.v1.InventoryServiceGrpc;
import dev.liveshop.proto.v1.SaleStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sales this live-core holds. Cassandra records each sale's owner shard; only the
 * owner decides the sale's reservations, from memory. At start the owner reopens its
 * sales from their orders; a hand-over drains the sale here (no order in flight is lost),
 * moves the record with a lightweight transaction (no two owners), and has the new owner
 * reopen it from Cassandra the same way (no order counted twice: holds are rebuilt from
 * the journal, and a retried client order id finds its first answer there).
 *
 * <p>Threading: called on gRPC executor threads and at start-up; blocks on Cassandra and
 * on the engine. Hand-overs are serialised by the object's monitor, adoptions (and start-up
 * recovery) by another, so that two shards handing sales to each other never deadlock.
 */
public final class SaleOwnership {

  private static final Logger log = LoggerFactory.getLogger(SaleOwnership.class);
  /** How long start-up keeps retrying recovery reads a quorum did not answer. */
  private static final Duration RECOVERY_PATIENCE = Duration.ofSeconds(60);
  /** How long a hand-over keeps reading back a sale's owner after its move failed. */
  private static final Duration OWNER_READ_PATIENCE = Duration.ofSeconds(10);

  private final String shard;
  private final CatalogStore store;
  private final OrderStore orders;
  private final InventoryEngine engine;
  private final Catalog catalog;
  private final ShardPeers peers;
  private final Clock clock;
  private final Duration callDeadline;
  private final Object adoptions = new Object();

  public SaleOwnership(String shard, CatalogStore store, OrderStore orders, InventoryEngine engine, Catalog catalog,
      ShardPeers peers, Clock clock, Duration callDeadline) {
    this.shard = shard;
    this.store = store;
    this.orders = orders;
    this.engine = engine;
    this.catalog = catalog;
    this.peers = peers;
    this.clock = clock;
    this.callDeadline = callDeadline;
  }

  public String shard() {
    return shard;
  }

  /**
   * Reopens every sale recorded as this shard's that is still open or may still have holds
   * awaiting payment (an ended sale's buyers pay until their holds lapse), with its orders
   * counted; a sale stored before shards is claimed first (only one live-core wins it).
   * Returns how many were reopened.
   */
  public int recoverAll() {
    synchronized (adoptions) {
      // A replica that just died is not yet known dead: a quorum read may time out until
      // gossip convicts it. The sales opened so far stay open; the rest follow.
      return StoreRetry.retry("recovery of this shard's sales", RECOVERY_PATIENCE, Duration.ofSeconds(1),
          StoreRetry::quorumMissed, this::reopen);
    }
  }

  /** Opens this shard's sales not open yet; safe to run again after a failure half-way. */
  private int reopen() {
    int reopened = 0;
    for (OwnedSale owned : store.salesLiveAfter(clock.millis())) {
      String owner = owned.ownerShard();
      if (owner.isEmpty() && store.claimSale(owned.sale().saleId(), shard)) {
        owner = shard;
      }
      if (owner.equals(shard) && !engine.holds(owned.sale().saleId())) {
        open(owned.sale());
        reopened++;
      }
    }
    return reopened;
  }

  /**
   * Launches a sale (see {@link Catalog#launchSale}). A retried launch whose sale is this
   * shard's but not open here (its first try stored it and failed before opening it, or it
   * ended and was dropped) opens it, orders counted. Under the adoptions' lock, so a retry
   * racing its first try never opens the sale twice, and the hand-overs' monitor: between a
   * hand-over's release of the sale and its move the sale is not open here yet still
   * recorded as ours, and reopening it then would leave it open on two shards. (The same
   * lock order as a hand-over taking a sale back: monitor, then adoptions.)
   */
  public synchronized OwnedSale launch(SaleRequest request) {
    synchronized (adoptions) {
      OwnedSale owned = catalog.launchSale(request);
      if (owned.ownerShard().equals(shard) && !engine.holds(owned.sale().saleId())) {
        open(owned.sale());
        log.info("opened sale {} of stream {} on a retry of its launch", owned.sale().saleId(),
            owned.sale().streamId());
      }
      return owned;
    }
  }

  /**
   * Opens a sale recorded as this shard's, if not open yet: the receiving half of a
   * hand-over. FAILED_PRECONDITION when Cassandra names another owner.
   */
  public OwnedSale adopt(String saleId) {
    // Its own lock, not the hand-over's: two shards handing sales to each other at once
    // must not wait on each other's monitor.
    synchronized (adoptions) {
      OwnedSale owned = store.findSale(saleId).orElseThrow(() -> new NotFoundException("no sale '" + saleId + "'"));
      if (!owned.ownerShard().equals(shard)) {
        throw Status.FAILED_PRECONDITION.withDescription("sale " + saleId + " is recorded as shard '"
            + owned.ownerShard() + "''s, not this one's ('" + shard + "'): hand it over from its owner")
            .asRuntimeException();
      }
      if (!engine.holds(saleId)) {
        open(owned.sale());
        log.info("adopted sale {} of stream {}", saleId, owned.sale().streamId());
      }
      catalog.invalidate(owned.sale().streamId());
      return owned;
    }
  }

  /**
   * Moves a sale held here to shard {@code to} and answers it as the new owner holds it.
   * A retry after the new owner could not be reached (the record already names it) asks
   * it to adopt again; a retry after the move itself failed (the record still names this
   * shard) hands it over afresh.
   */
  public synchronized SaleStatus handOver(String saleId, String to) {
    if (!peers.knows(to)) {
      throw new InvalidRequestException("to_shard '" + to + "' is not a shard of liveshop.core.shard.peers");
    }
    if (to.equals(shard)) {
      throw new InvalidRequestException("to_shard '" + to + "' is this live-core: nothing to hand over");
    }
    OwnedSale owned = store.findSale(saleId).orElseThrow(() -> new NotFoundException("no sale '" + saleId + "'"));
    if (!engine.holds(saleId) && owned.ownerShard().equals(shard)) {
      // Recorded as ours, not in memory: a move that failed half-way, or a sale dropped
      // after it ended and settled. Take it back, then hand it over as any other.
      takeBack(owned.sale());
    }
    if (engine.holds(saleId)) {
      move(saleId, to);
      log.info("sale {} drained and recorded as shard {}'s; asking it to adopt", saleId, to);
    } else if (!owned.ownerShard().equals(to)) {
      throw new NotFoundException("sale " + saleId + " is not held by this live-core ('" + shard
          + "'); its owner is '" + owned.ownerShard() + "'");
    }
    catalog.invalidate(owned.sale().streamId());
    try {
      return InventoryServiceGrpc.newBlockingStub(peers.channel(to))
          .withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS)
          .adoptSale(AdoptSaleRequest.newBuilder().setSaleId(saleId).build());
    } catch (StatusRuntimeException e) {
      throw Status.UNAVAILABLE.withDescription("sale " + saleId + " is now recorded as shard '" + to
          + "''s but it could not adopt it yet (" + e.getStatus().getCode() + ": " + e.getStatus().getDescription()
          + "); it will when it starts, or retry this call").asRuntimeException();
    }
  }

  /**
   * Drains the sale here and records {@code to} as its owner. When the record cannot be
   * written, reads back what it holds: if it still names this shard the sale is taken back
   * at once (UNAVAILABLE: retry the hand-over); if it names {@code to} the move landed.
   */
  private void move(String saleId, String to) {
    engine.release(saleId).join();
    boolean moved;
    try {
      catalog.storeOwedSettings(saleId); // the new owner reads the settings from Cassandra
      moved = store.moveSale(saleId, shard, to);
    } catch (RuntimeException e) {
      OwnedSale stored = readBackAfter(saleId, to, e);
      if (stored.ownerShard().equals(to)) {
        log.info("sale {}: the move to shard {} landed although its answer was lost ({})", saleId, to, e.toString());
        return;
      }
      if (stored.ownerShard().equals(shard)) {
        takeBack(stored.sale());
        throw Status.UNAVAILABLE.withDescription("sale " + saleId + " could not be recorded as shard '" + to
            + "''s (" + e.getMessage() + "); it is held by this shard again: retry the hand-over")
            .withCause(e).asRuntimeException();
      }
      moved = false;
    }
    if (!moved) {
      // Cassandra names another owner than us: someone moved it meanwhile, so we may not
      // take it back.
      throw Status.ABORTED.withDescription("sale " + saleId + " is no longer recorded as this shard's; "
          + "read its owner again").asRuntimeException();
    }
  }

  /** The stored sale after a failed move, read serially (retried while a quorum misses). */
  private OwnedSale readBackAfter(String saleId, String to, RuntimeException failure) {
    try {
      return StoreRetry.retry("reading back the owner of sale " + saleId, OWNER_READ_PATIENCE,
          Duration.ofMillis(200), e -> e instanceof DriverException, () -> store.findSaleSerially(saleId)
              .orElseThrow(() -> new IllegalStateException("sale " + saleId + " vanished from Cassandra")));
    } catch (RuntimeException e) {
      log.warn("sale {}: moving it to shard {} failed ({}) and its owner cannot be read back ({}); it is held "
          + "nowhere until the hand-over is retried", saleId, to, failure.toString(), e.toString());
      throw Status.UNAVAILABLE.withDescription("sale " + saleId + ": whether it is recorded as shard '" + to
          + "''s is unknown (" + failure.getMessage() + "; reading it back: " + e.getMessage()
          + "): retry the hand-over").withCause(failure).asRuntimeException();
    }
  }

  /** Reopens here a sale recorded as this shard's that the engine let go, with its orders. */
  private void takeBack(FlashSale stored) {
    synchronized (adoptions) {
      if (!engine.holds(stored.saleId())) {
        // Settings a host changed that did not reach Cassandra are newer than the stored ones.
        open(catalog.owedSettings(stored.saleId()).orElse(stored));
        log.info("sale {} taken back by shard {}", stored.saleId(), shard);
      }
    }
    catalog.invalidate(stored.streamId());
  }

  /** The shard Cassandra names as the sale's owner, or "" when none (or no such sale). */
  public String ownerOf(String saleId) {
    return store.findSale(saleId).map(OwnedSale::ownerShard).orElse("");
  }

  private void open(FlashSale sale) {
    engine.open(sale, orders.recover(sale.saleId(), clock.millis())).join();
  }
}
