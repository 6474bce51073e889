package dev.liveshop.core.config;

import static dev.liveshop.config.EnvVariables.badValue;

import com.typesafe.config.Config;

/**
 * How orders are written to Cassandra: the bound on writes in flight past which buyers hear
 * BUSY, and the shape of group commit (orders per group, groups in flight).
 */
public record OrderWriteSettings(int maxPendingWrites, int maxGroupSize, int maxGroupsInFlight) {

  public OrderWriteSettings {
    requireAtLeastOne("max-pending-writes", maxPendingWrites);
    requireAtLeastOne("max-group-size", maxGroupSize);
    requireAtLeastOne("max-groups-in-flight", maxGroupsInFlight);
  }

  static OrderWriteSettings from(Config c) {
    return new OrderWriteSettings(c.getInt("max-pending-writes"), c.getInt("max-group-size"),
        c.getInt("max-groups-in-flight"));
  }

  private static void requireAtLeastOne(String key, int value) {
    if (value < 1) {
      throw badValue("liveshop.core.orders." + key, "must be >= 1", value);
    }
  }
}
