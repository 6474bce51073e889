package dev.liveshop.core.catalog;

import dev.liveshop.core.inventory.FlashSale;
import dev.liveshop.core.store.CatalogStore;
import dev.liveshop.core.store.StoreUnavailableException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Cassandra's copy of each sale's settings what the inventory engine applied. A host's
 * change runs under its sale's lock from the engine's decision to the write of the settings
 * it produced, so writes reach the store in the engine's order. A write that fails leaves
 * the settings owed: a catch-up task writes the sale's latest owed settings again, under
 * the same lock, until they are stored (the write is idempotent and whole, so a later one
 * supersedes an earlier one).
 *
 * <p>Threading: host calls on gRPC executor threads; the catch-up on one daemon thread,
 * {@code sale-settings-catch-up}. {@code owed} is a concurrent map; each sale's entry
 * changes only under that sale's lock.
 */
final class SaleSettingsWriter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SaleSettingsWriter.class);
  private static final int LOCK_STRIPES = 256;

  private final CatalogStore store;
  private final Duration catchUpPause;
  private final Object[] locks = new Object[LOCK_STRIPES];
  /** Settings the engine applied that the store may not hold yet, by sale id: the latest only. */
  private final ConcurrentHashMap<String, FlashSale> owed = new ConcurrentHashMap<>();
  private final ScheduledExecutorService catchUp = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "sale-settings-catch-up");
    thread.setDaemon(true);
    return thread;
  });
  private boolean catchUpScheduled;

  SaleSettingsWriter(CatalogStore store, Duration catchUpPause) {
    this.store = store;
    this.catchUpPause = catchUpPause;
    for (int i = 0; i < LOCK_STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  /** Runs {@code work} holding the sale's lock: no other change of the sale is decided or stored meanwhile. */
  <T> T underLock(String saleId, Supplier<T> work) {
    synchronized (lock(saleId)) {
      return work.get();
    }
  }

  /**
   * Stores the settings the engine just applied; the caller holds the sale's lock. On
   * failure they stay owed (the catch-up keeps writing them) and a
   * {@link StoreUnavailableException} says so.
   */
  void store(FlashSale applied) {
    owed.put(applied.saleId(), applied);
    write(applied, true);
  }

  /**
   * Stores the sale's owed settings now, if any; the caller holds the sale's lock. Throws
   * {@link StoreUnavailableException} when they could not be: they stay owed.
   */
  void flush(String saleId) {
    FlashSale pending = owed.get(saleId);
    if (pending != null) {
      write(pending, true);
    }
  }

  /** Settings the engine applied that may not be stored yet. */
  Optional<FlashSale> owed(String saleId) {
    return Optional.ofNullable(owed.get(saleId));
  }

  private void write(FlashSale settings, boolean forHost) {
    try {
      store.updateSale(settings);
    } catch (RuntimeException e) {
      scheduleCatchUp();
      if (!forHost) {
        throw e;
      }
      throw new StoreUnavailableException("sale " + settings.saleId() + " has the change in memory but its "
          + "settings are not stored yet (" + e.getMessage() + "); they are being written again: send the same "
          + "change again to learn when they are stored", e);
    }
    owed.remove(settings.saleId(), settings);
  }

  private synchronized void scheduleCatchUp() {
    if (!catchUpScheduled && !catchUp.isShutdown()) {
      catchUpScheduled = true;
      catchUp.schedule(this::catchUp, catchUpPause.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void catchUp() {
    synchronized (this) {
      catchUpScheduled = false;
    }
    for (String saleId : owed.keySet()) {
      synchronized (lock(saleId)) {
        FlashSale pending = owed.get(saleId);
        if (pending == null) {
          continue;
        }
        try {
          write(pending, false);
          log.info("settings of sale {} stored after an earlier failure", saleId);
        } catch (RuntimeException e) {
          log.warn("settings of sale {} still not stored ({}); trying again in {} ms", saleId, e.toString(),
              catchUpPause.toMillis());
        }
      }
    }
  }

  private Object lock(String saleId) {
    return locks[Math.floorMod(saleId.hashCode(), LOCK_STRIPES)];
  }

  @Override
  public void close() {
    catchUp.shutdownNow();
    if (!owed.isEmpty()) {
      log.warn("closing with the settings of sale(s) {} not stored: a restart reads the older ones", owed.keySet());
    }
  }
}
