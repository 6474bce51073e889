package dev.liveshop.core.config;

import static dev.liveshop.config.EnvVariables.badValue;

import com.typesafe.config.Config;
import java.time.Duration;

/** Sizing of the room bus (see {@code liveshop.core.bus} in reference.conf). */
public record BusSettings(int replayEvents, int recentChat, int maxSubscriberBacklog,
    Duration idleEvict) {

  public BusSettings {
    if (replayEvents < 1) {
      throw badValue("liveshop.core.bus.replay-events", "must be at least 1", replayEvents);
    }
    if (recentChat < 0) {
      throw badValue("liveshop.core.bus.recent-chat", "must be 0 or more", recentChat);
    }
    if (maxSubscriberBacklog < 1) {
      throw badValue("liveshop.core.bus.max-subscriber-backlog", "must be at least 1", maxSubscriberBacklog);
    }
    if (idleEvict.isNegative()) {
      throw badValue("liveshop.core.bus.idle-evict", "must not be negative", idleEvict);
    }
  }

  static BusSettings from(Config c) {
    return new BusSettings(c.getInt("replay-events"), c.getInt("recent-chat"), c.getInt("max-subscriber-backlog"),
        c.getDuration("idle-evict"));
  }
}
