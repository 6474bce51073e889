package dev.liveshop.core.bus;

import dev.liveshop.proto.v1.ChatSettings;
import java.util.Set;

/** A stream's chat rules as the host set them: chat on or off, slow mode, muted viewers. */
public record RoomRules(ChatSettings settings, Set<String> muted) {

  public static final RoomRules NONE = new RoomRules(ChatSettings.getDefaultInstance(), Set.of());

  public RoomRules {
    muted = Set.copyOf(muted);
  }
}
