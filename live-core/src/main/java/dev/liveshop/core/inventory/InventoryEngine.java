package dev.liveshop.core.inventory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stock and reservations of every open flash sale, in memory.
 *
 * <p>Threads: {@code shards} single-writer threads named {@code inventory-shard-N}; a sale
 * belongs to the shard its id hashes to, for its whole life. Every method may be called
 * from any thread; it hands the work to the owning shard and answers with a future.
 */
public final class InventoryEngine implements AutoCloseable {

  /** Order writes in flight when none is configured. */
  public static final int DEFAULT_MAX_PENDING_WRITES = 10_000;
  /** How long an ended, settled sale stays in memory when none is configured. */
  public static final Duration DEFAULT_ENDED_SALE_RETENTION = Duration.ofMinutes(10);
  /** Refused intents remembered per sale when none is configured (~200 bytes each). */
  public static final int DEFAULT_MAX_REMEMBERED_REFUSALS = 1_000_000;

  private final SaleShard[] shards;
  /** Ids of the sales this engine holds (open, or ended and not yet dropped), for routing questions off the shards. */
  private final Set<String> held = ConcurrentHashMap.newKeySet();

  public InventoryEngine(int shardCount, Clock clock, OrderJournal journal, long tickerIntervalMillis) {
    this(shardCount, clock, journal, tickerIntervalMillis, DEFAULT_MAX_PENDING_WRITES);
  }

  /**
   * @param maxPendingWrites order writes allowed in flight across all shards; past it a
   *     reservation is refused with {@link ReserveResult#BUSY} instead of queuing without bound
   */
  public InventoryEngine(int shardCount, Clock clock, OrderJournal journal, long tickerIntervalMillis,
      int maxPendingWrites) {
    this(shardCount, clock, journal, tickerIntervalMillis, maxPendingWrites, DEFAULT_ENDED_SALE_RETENTION);
  }

  /**
   * @param endedSaleRetention how long a sale that ended, and whose holds are all settled,
   *     stays in memory before it is dropped (then it is answered as after a restart: a
   *     retry of a committed order gets it back from the journal, other taps UNKNOWN_SALE)
   */
  public InventoryEngine(int shardCount, Clock clock, OrderJournal journal, long tickerIntervalMillis,
      int maxPendingWrites, Duration endedSaleRetention) {
    this(shardCount, clock, journal, tickerIntervalMillis, maxPendingWrites, endedSaleRetention,
        DEFAULT_MAX_REMEMBERED_REFUSALS);
  }

  /**
   * @param maxRememberedRefusals refused intents (sold out, over the limit, ended) a sale
   *     remembers so that their retries get the same answer; past it, a retry of a refused
   *     tap is decided afresh, which can never make a second order: this bounds what a
   *     flood of new client order ids can make a sale keep
   */
  public InventoryEngine(int shardCount, Clock clock, OrderJournal journal, long tickerIntervalMillis,
      int maxPendingWrites, Duration endedSaleRetention, int maxRememberedRefusals) {
    if (shardCount < 1) {
      throw new IllegalArgumentException("shardCount must be >= 1, got " + shardCount);
    }
    if (maxPendingWrites < 1) {
      throw new IllegalArgumentException("maxPendingWrites must be >= 1, got " + maxPendingWrites);
    }
    if (maxRememberedRefusals < 0) {
      throw new IllegalArgumentException("maxRememberedRefusals must be >= 0, got " + maxRememberedRefusals);
    }
    WriteBudget budget = new WriteBudget(maxPendingWrites);
    AbsentSaleAnswers absentSales = new AbsentSaleAnswers(journal);
    shards = new SaleShard[shardCount];
    for (int i = 0; i < shardCount; i++) {
      shards[i] = new SaleShard(i, clock, journal, tickerIntervalMillis, budget, absentSales,
          endedSaleRetention.toMillis(), maxRememberedRefusals, held::remove);
    }
  }

  /** Starts taking reservations for {@code sale}, counting orders made before a restart. */
  public CompletableFuture<Void> open(FlashSale sale, List<RecoveredOrder> recovered) {
    return shardOf(sale.saleId()).open(sale, List.copyOf(recovered)).thenRun(() -> held.add(sale.saleId()));
  }

  /**
   * Whether this engine holds the sale (it may have ended); false after a hand-over, and
   * once an ended sale was settled for the retention and dropped.
   */
  public boolean holds(String saleId) {
    return held.contains(saleId);
  }

  /**
   * Lets the sale go to another live-core: reservations answer MOVED at once; completes
   * when its order writes in flight are durable and the sale is gone from memory. Fails
   * with IllegalArgumentException when the sale is not held here.
   */
  public CompletableFuture<Void> release(String saleId) {
    return shardOf(saleId).release(saleId).thenRun(() -> held.remove(saleId));
  }

  /**
   * Decides a reservation in memory; when it is granted, the answer completes once the
   * order is durable. The same (viewer, client order id) always gets the first answer; once
   * the sale is no longer in memory, a granted one is read back from the journal.
   */
  public CompletableFuture<ReserveAnswer> reserve(ReserveCommand command) {
    if (!command.isWellFormed()) {
      return CompletableFuture.completedFuture(ReserveAnswer.rejected(ReserveResult.INVALID_REQUEST, command));
    }
    return shardOf(command.saleId()).reserve(command);
  }

  /**
   * Decides many reservations with one hand-off per shard instead of one per request: what
   * a gateway's batch of taps costs. Answers are in the order of {@code commands}, each as
   * {@link #reserve} would give it; the batch is decided well before its granted
   * reservations are durable, and a caller that bounds batches in flight can count it done
   * from then on.
   */
  public BatchAnswers reserveAll(List<ReserveCommand> commands) {
    List<CompletableFuture<ReserveAnswer>> answers = new ArrayList<>(commands.size());
    List<List<ReserveCommand>> perShard = new ArrayList<>(shards.length);
    List<List<CompletableFuture<ReserveAnswer>>> answersPerShard = new ArrayList<>(shards.length);
    for (int i = 0; i < shards.length; i++) {
      perShard.add(new ArrayList<>());
      answersPerShard.add(new ArrayList<>());
    }
    for (ReserveCommand command : commands) {
      if (!command.isWellFormed()) {
        answers.add(CompletableFuture.completedFuture(ReserveAnswer.rejected(ReserveResult.INVALID_REQUEST, command)));
        continue;
      }
      CompletableFuture<ReserveAnswer> answer = new CompletableFuture<>();
      int shard = shardIndex(command.saleId());
      perShard.get(shard).add(command);
      answersPerShard.get(shard).add(answer);
      answers.add(answer);
    }
    List<CompletableFuture<Void>> decided = new ArrayList<>(shards.length);
    for (int i = 0; i < shards.length; i++) {
      if (!perShard.get(i).isEmpty()) {
        decided.add(shards[i].reserveAll(perShard.get(i), answersPerShard.get(i)));
      }
    }
    return new BatchAnswers(answers, CompletableFuture.allOf(decided.toArray(CompletableFuture[]::new)));
  }

  /** The buyer starts paying: the hold stops lapsing until the payment is settled. */
  public CompletableFuture<OrderChange> startPayment(String saleId, UUID orderId, String viewerId) {
    return shardOf(saleId).startPayment(saleId, orderId, viewerId);
  }

  /** The payment's outcome: the units are sold, or released. */
  public CompletableFuture<OrderChange> settlePayment(String saleId, UUID orderId, boolean paid) {
    return shardOf(saleId).settle(saleId, orderId, paid);
  }

  /** The buyer cancels an unpaid order. */
  public CompletableFuture<OrderChange> cancel(String saleId, UUID orderId, String viewerId) {
    return shardOf(saleId).cancel(saleId, orderId, viewerId);
  }

  /** Pauses, resumes, stops or restocks an open sale. */
  public CompletableFuture<SaleChangeResult> change(String saleId, SaleChange change) {
    return shardOf(saleId).change(saleId, change);
  }

  /** Most items in one multi-item order. */
  public static final int MAX_BUNDLE_ITEMS = 20;

  private record BundleIntent(String viewerId, String clientOrderId) {}

  /** Bundles being decided, by purchase intent: a retry meanwhile shares the decision. */
  private final ConcurrentHashMap<BundleIntent, CompletableFuture<BundleAnswer>> bundlesDeciding =
      new ConcurrentHashMap<>();

  /**
   * Reserves several sales' units as one order, all or nothing. Items are decided on their
   * own shards in parallel; if any is refused, the ones granted are rolled back (their
   * units return; other buyers may briefly have seen them held) and the refusal is answered
   * once every rollback is durable. If a rollback certainly could not be written, the call
   * fails and that item stays held: a retry answers it RESERVED, as its row says, and
   * decides the others afresh, so the bundle is again all or nothing. Each item uses the
   * bundle's client order id, so a retry finds every item's first answer; a retry that
   * arrives while the bundle is being decided gets that decision's answer, since deciding
   * it twice at once could grant an item in one decision that the other rolls back.
   */
  public CompletableFuture<BundleAnswer> reserveBundle(String viewerId, String clientOrderId, List<BundleItem> items) {
    if (items.isEmpty() || items.size() > MAX_BUNDLE_ITEMS
        || items.stream().map(BundleItem::saleId).distinct().count() != items.size()) {
      return CompletableFuture.completedFuture(BundleAnswer.invalid());
    }
    BundleIntent intent = new BundleIntent(viewerId, clientOrderId);
    CompletableFuture<BundleAnswer> answer = new CompletableFuture<>();
    CompletableFuture<BundleAnswer> deciding = bundlesDeciding.putIfAbsent(intent, answer);
    if (deciding != null) {
      return deciding;
    }
    CompletableFuture<BundleAnswer> decision;
    try {
      decision = decideBundle(viewerId, clientOrderId, items);
    } catch (RuntimeException e) {
      decision = CompletableFuture.failedFuture(e); // a shard closed: shutting down
    }
    decision.whenComplete((decided, failure) -> {
      bundlesDeciding.remove(intent, answer);
      if (failure != null) {
        answer.completeExceptionally(failure);
      } else {
        answer.complete(decided);
      }
    });
    return answer;
  }

  private CompletableFuture<BundleAnswer> decideBundle(String viewerId, String clientOrderId, List<BundleItem> items) {
    List<CompletableFuture<ReserveAnswer>> parts = items.stream()
        .map(item -> reserve(new ReserveCommand(item.saleId(), viewerId, item.quantity(), clientOrderId)))
        .toList();
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenCompose(done -> {
      List<ReserveAnswer> answers = parts.stream().map(CompletableFuture::join).toList();
      ReserveAnswer refusal = answers.stream().filter(a -> a.result() != ReserveResult.RESERVED).findFirst()
          .orElse(null);
      if (refusal == null) {
        return CompletableFuture.completedFuture(new BundleAnswer(ReserveResult.RESERVED, answers, ""));
      }
      List<CompletableFuture<Void>> rollbacks = answers.stream()
          .filter(a -> a.result() == ReserveResult.RESERVED)
          .map(a -> shardOf(a.saleId()).rollback(a.saleId(), a.orderId(), viewerId, clientOrderId))
          .toList();
      return CompletableFuture.allOf(rollbacks.toArray(CompletableFuture[]::new))
          .thenApply(rolledBack -> new BundleAnswer(refusal.result(), List.of(refusal), refusal.saleId()));
    });
  }

  /**
   * The fewest ticks any shard has run: once it has grown by two since a change of the
   * clock, every shard has ticked wholly after it (tests wait on it instead of sleeping).
   */
  long ticks() {
    long fewest = Long.MAX_VALUE;
    for (SaleShard shard : shards) {
      fewest = Math.min(fewest, shard.ticks());
    }
    return fewest;
  }

  /** Subscribes to a sale's stock; {@code onUnknownSale} runs instead if there is no such sale. */
  public void watch(String saleId, StockWatcher watcher, Runnable onUnknownSale) {
    shardOf(saleId).watch(saleId, watcher, onUnknownSale);
  }

  /**
   * Ends every stock watch now and any asked for later ({@link StockWatcher#onClosing}), at
   * the start of a shutdown; reservations are still decided until {@link #close}.
   */
  public CompletableFuture<Void> endWatches() {
    CompletableFuture<?>[] ended = new CompletableFuture<?>[shards.length];
    for (int i = 0; i < shards.length; i++) {
      ended[i] = shards[i].endWatches();
    }
    return CompletableFuture.allOf(ended);
  }

  public CompletableFuture<Optional<StockSnapshot>> snapshot(String saleId) {
    return shardOf(saleId).snapshot(saleId);
  }

  private SaleShard shardOf(String saleId) {
    return shards[shardIndex(saleId)];
  }

  private int shardIndex(String saleId) {
    return Math.floorMod(saleId.hashCode(), shards.length);
  }

  @Override
  public void close() {
    for (SaleShard shard : shards) {
      shard.close();
    }
  }
}
