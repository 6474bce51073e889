package dev.liveshop.gateway.room;

import dev.liveshop.proto.v1.ChatSettings;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A room's chat rules as its host set them: chat on or off, slow mode, muted viewers.
 * Decides whether one viewer's message may go out now.
 *
 * <p>Threading: not thread-safe; the owning {@link Room} calls it under its monitor.
 */
final class ChatRules {

  static final int MAX_SLOW_MODE_SECONDS = 3600;
  private static final int MIN_PRUNE_SIZE = 1024;

  private boolean enabled = true;
  private int slowModeSeconds;
  private final Set<String> muted = new HashSet<>();
  /**
   * Last accepted message per viewer, kept only while slow mode is on; entries whose wait
   * is over are pruned once the map doubles, so a long broadcast's churn of chatters does
   * not pile up.
   */
  private final Map<String, Long> lastSentMs = new HashMap<>();
  private int pruneAtSize = MIN_PRUNE_SIZE;

  /**
   * Null if {@code viewerId} may send a message at {@code nowMs} (and records it), else the
   * reason in words.
   */
  String refusal(String viewerId, long nowMs) {
    if (!enabled) {
      return "the host turned chat off";
    }
    if (muted.contains(viewerId)) {
      return "the host muted you in this stream";
    }
    if (slowModeSeconds > 0) {
      Long last = lastSentMs.get(viewerId);
      long waitMs = last == null ? 0 : last + slowModeSeconds * 1000L - nowMs;
      if (waitMs > 0) {
        return "slow mode: one message per " + slowModeSeconds + " s; wait " + (waitMs + 999) / 1000 + " s";
      }
      lastSentMs.put(viewerId, nowMs);
      if (lastSentMs.size() >= pruneAtSize) {
        long windowMs = slowModeSeconds * 1000L;
        lastSentMs.values().removeIf(sentMs -> sentMs + windowMs <= nowMs);
        pruneAtSize = Math.max(MIN_PRUNE_SIZE, lastSentMs.size() * 2);
      }
    }
    return null;
  }

  /**
   * The message {@code viewerId} was let send at {@code sentMs} did not go out (the bus
   * refused it or could not be reached): it no longer counts for slow mode, so the viewer's
   * retry is not refused. A later message's record stays.
   */
  void notSent(String viewerId, long sentMs) {
    lastSentMs.remove(viewerId, sentMs);
  }

  /** Takes the rules the bus knows (a new room, or a room catching up after a bus reset). */
  void reset(ChatSettings settings, Collection<String> mutedViewers) {
    enabled = !settings.getChatOff();
    slowMode(settings.getSlowModeSeconds());
    muted.clear();
    muted.addAll(mutedViewers);
  }

  void mute(String viewerId) {
    muted.add(viewerId);
  }

  void unmute(String viewerId) {
    muted.remove(viewerId);
  }

  void slowMode(int seconds) {
    if (seconds < 0 || seconds > MAX_SLOW_MODE_SECONDS) {
      throw new IllegalArgumentException("slowModeSeconds must be 0.." + MAX_SLOW_MODE_SECONDS);
    }
    slowModeSeconds = seconds;
    if (seconds == 0) {
      lastSentMs.clear();
    }
  }

  void enabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** Viewers whose slow-mode wait is remembered. */
  int slowModeEntries() {
    return lastSentMs.size();
  }

  ChatSettings settings() {
    return ChatSettings.newBuilder().setChatOff(!enabled).setSlowModeSeconds(slowModeSeconds).build();
  }
}
