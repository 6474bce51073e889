package dev.liveshop.core.bus;

import dev.liveshop.proto.v1.ChatSettings;
import dev.liveshop.proto.v1.ModerationRequest;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chat rules kept in memory, for tests of the bus and of gateways on an in-process bus
 * (the Cassandra store is exercised by the *IT tests). Can be told to fail, as a store that
 * is down does.
 */
public final class MemoryRoomRules implements RoomRulesStore {

  private final Map<String, RoomRules> rules = new ConcurrentHashMap<>();
  public volatile boolean down;

  @Override
  public RoomRules load(String streamId) {
    return rules.getOrDefault(streamId, RoomRules.NONE);
  }

  @Override
  public synchronized void record(String streamId, ModerationRequest action) {
    if (down) {
      throw new IllegalStateException("store down");
    }
    RoomRules now = load(streamId);
    ChatSettings.Builder settings = now.settings().toBuilder();
    Set<String> muted = new HashSet<>(now.muted());
    switch (action.getActionCase()) {
      case MUTE_VIEWER_ID -> muted.add(action.getMuteViewerId());
      case UNMUTE_VIEWER_ID -> muted.remove(action.getUnmuteViewerId());
      case SLOW_MODE_SECONDS -> settings.setSlowModeSeconds(action.getSlowModeSeconds());
      case CHAT_ENABLED -> settings.setChatOff(!action.getChatEnabled());
      default -> {
        return;
      }
    }
    rules.put(streamId, new RoomRules(settings.build(), muted));
  }
}
