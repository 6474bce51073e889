package dev.liveshop.core.bus;

import dev.liveshop.proto.v1.ModerationRequest;

/**
 * Where the room bus keeps each stream's chat rules so that they outlive a live-core
 * restart. Both calls block the caller (a gRPC executor thread).
 */
public interface RoomRulesStore {

  /** The stream's rules, or {@link RoomRules#NONE} when its host never set any. */
  RoomRules load(String streamId);

  /** Records a rule change (mute, unmute, slow mode, chat on/off); deletions change no rule. */
  void record(String streamId, ModerationRequest action);
}
