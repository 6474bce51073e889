package dev.liveshop.core.config;

import com.typesafe.config.Config;
import dev.liveshop.shard.ShardMap;

/**
 * This live-core's place among the shards: its name (the sales it launches or adopts are
 * recorded as its) and every shard's address (empty for a single live-core).
 */
public record ShardSettings(String name, ShardMap peers) {

  public ShardSettings {
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException("liveshop.core.shard.name must be 1..64 of [A-Za-z0-9._-], got '" + name
          + "'");
    }
    if (!peers.isEmpty() && !peers.contains(name)) {
      throw new IllegalArgumentException("liveshop.core.shard.peers (" + peers + ") must include this shard, '"
          + name + "'");
    }
  }

  static ShardSettings from(Config c) {
    return new ShardSettings(c.getString("name"), ShardMap.parse(c.getString("peers")));
  }
}
