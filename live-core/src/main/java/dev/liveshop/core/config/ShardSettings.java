package dev.liveshop.core.config;

import static dev.liveshop.config.EnvVariables.badValue;
import static dev.liveshop.config.EnvVariables.describe;

import com.typesafe.config.Config;
import dev.liveshop.shard.ShardMap;

/**
 * This live-core's place among the shards: its name (the sales it launches or adopts are
 * recorded as its) and every shard's address (empty for a single live-core).
 */
public record ShardSettings(String name, ShardMap peers) {

  public ShardSettings {
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw badValue("liveshop.core.shard.name", "must be 1..64 of [A-Za-z0-9._-]", "'" + name + "'");
    }
    if (!peers.isEmpty() && !peers.contains(name)) {
      throw badValue("liveshop.core.shard.peers", "must include this shard, '" + name + "', the name set by "
          + describe("liveshop.core.shard.name"), peers);
    }
  }

  static ShardSettings from(Config c) {
    return new ShardSettings(c.getString("name"), peers(c.getString("peers")));
  }

  private static ShardMap peers(String spec) {
    try {
      return ShardMap.parse(spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(describe("liveshop.core.shard.peers") + ": " + e.getMessage(), e);
    }
  }
}
