package dev.liveshop.core.config;

import com.typesafe.config.Config;
import java.time.Duration;

/** Sizing of the room bus (see {@code liveshop.core.bus} in reference.conf). */
public record BusSettings(int replayEvents, int recentChat, int maxSubscriberBacklog,
    Duration idleEvict) {

  public BusSettings {
    if (replayEvents < 1) {
      throw new IllegalArgumentException("liveshop.core.bus.replay-events must be at least 1, got " + replayEvents);
    }
    if (recentChat < 0) {
      throw new IllegalArgumentException("liveshop.core.bus.recent-chat must be 0 or more, got " + recentChat);
    }
    if (maxSubscriberBacklog < 1) {
      throw new IllegalArgumentException("liveshop.core.bus.max-subscriber-backlog must be at least 1, got "
          + maxSubscriberBacklog);
    }
    if (idleEvict.isNegative()) {
      throw new IllegalArgumentException("liveshop.core.bus.idle-evict must not be negative, got " + idleEvict);
    }
  }

  static BusSettings from(Config c) {
    return new BusSettings(c.getInt("replay-events"), c.getInt("recent-chat"), c.getInt("max-subscriber-backlog"),
        c.getDuration("idle-evict"));
  }
}
