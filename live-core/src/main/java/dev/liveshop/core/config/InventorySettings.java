package dev.liveshop.core.config;

import static dev.liveshop.config.EnvVariables.badValue;

import com.typesafe.config.Config;
import java.time.Duration;

/** Sizing and timing of the in-memory inventory engine. */
public record InventorySettings(int shards, Duration defaultHoldTtl, Duration tickerInterval,
    Duration maxSaleDuration, Duration endedSaleRetention, int maxRememberedRefusals) {

  public InventorySettings {
    if (shards < 1 || shards > 64) {
      throw badValue("liveshop.core.inventory.shards", "must be 1..64", shards);
    }
    if (defaultHoldTtl.isNegative() || defaultHoldTtl.isZero()) {
      throw badValue("liveshop.core.inventory.default-hold-ttl", "must be positive", defaultHoldTtl);
    }
    if (tickerInterval.toMillis() < 1) {
      throw badValue("liveshop.core.inventory.ticker-interval", "must be at least 1ms", tickerInterval);
    }
    if (maxSaleDuration.toSeconds() < 1) {
      throw badValue("liveshop.core.inventory.max-sale-duration", "must be at least 1s", maxSaleDuration);
    }
    if (endedSaleRetention.isNegative()) {
      throw badValue("liveshop.core.inventory.ended-sale-retention", "must not be negative", endedSaleRetention);
    }
    if (maxRememberedRefusals < 0) {
      throw badValue("liveshop.core.inventory.max-remembered-refusals", "must not be negative", maxRememberedRefusals);
    }
  }

  static InventorySettings from(Config c) {
    return new InventorySettings(c.getInt("shards"), c.getDuration("default-hold-ttl"),
        c.getDuration("ticker-interval"), c.getDuration("max-sale-duration"), c.getDuration("ended-sale-retention"),
        c.getInt("max-remembered-refusals"));
  }
}
