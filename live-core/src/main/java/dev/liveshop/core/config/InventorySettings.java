package dev.liveshop.core.config;

import com.typesafe.config.Config;
import java.time.Duration;

/** Sizing and timing of the in-memory inventory engine. */
public record InventorySettings(int shards, Duration defaultHoldTtl, Duration tickerInterval,
    Duration maxSaleDuration, Duration endedSaleRetention, int maxRememberedRefusals) {

  public InventorySettings {
    if (shards < 1 || shards > 64) {
      throw new IllegalArgumentException("liveshop.core.inventory.shards must be 1..64, got " + shards);
    }
    if (defaultHoldTtl.isNegative() || defaultHoldTtl.isZero()) {
      throw new IllegalArgumentException("liveshop.core.inventory.default-hold-ttl must be positive");
    }
    if (tickerInterval.toMillis() < 1) {
      throw new IllegalArgumentException("liveshop.core.inventory.ticker-interval must be at least 1ms");
    }
    if (maxSaleDuration.toSeconds() < 1) {
      throw new IllegalArgumentException("liveshop.core.inventory.max-sale-duration must be at least 1s");
    }
    if (endedSaleRetention.isNegative()) {
      throw new IllegalArgumentException("liveshop.core.inventory.ended-sale-retention must not be negative");
    }
    if (maxRememberedRefusals < 0) {
      throw new IllegalArgumentException("liveshop.core.inventory.max-remembered-refusals must not be negative, got "
          + maxRememberedRefusals);
    }
  }

  static InventorySettings from(Config c) {
    return new InventorySettings(c.getInt("shards"), c.getDuration("default-hold-ttl"),
        c.getDuration("ticker-interval"), c.getDuration("max-sale-duration"), c.getDuration("ended-sale-retention"),
        c.getInt("max-remembered-refusals"));
  }
}
