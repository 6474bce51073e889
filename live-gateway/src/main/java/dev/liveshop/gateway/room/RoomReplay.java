package dev.liveshop.gateway.room;

import dev.liveshop.proto.v1.ServerFrame;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A room's numbering of its broadcasts and the last of them, for viewers that reconnect:
 * a viewer names the epoch and the last sequence it saw, and gets what it missed while
 * that is still here (else a fresh welcome).
 *
 * <p>Threading: none of its own; used under its {@link Room}'s monitor.
 */
final class RoomReplay {

  /** This room instance's name: sequences count from 1 in it, so a resume names it. */
  private final String epoch = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
  private final int capacity;
  /** The last broadcasts, oldest first. */
  private final ArrayDeque<ServerFrame> frames = new ArrayDeque<>();
  private long seq;

  RoomReplay(int capacity) {
    this.capacity = capacity;
  }

  String epoch() {
    return epoch;
  }

  /** The sequence of the last broadcast (0 before the first). */
  long seq() {
    return seq;
  }

  /** The frame with the room's next sequence number, kept for viewers that reconnect. */
  ServerFrame number(ServerFrame frame) {
    ServerFrame numbered = frame.toBuilder().setRoomSeq(++seq).build();
    frames.addLast(numbered);
    if (frames.size() > capacity) {
      frames.removeFirst();
    }
    return numbered;
  }

  /**
   * The broadcasts after {@code afterSeq} of epoch {@code resumeEpoch}, oldest first (empty
   * when none was missed), or null when they cannot be replayed: another epoch (the room was
   * opened again), a sequence this room never reached, or older than what is kept.
   */
  List<ServerFrame> missedSince(String resumeEpoch, long afterSeq) {
    if (!resumeEpoch.equals(epoch) || afterSeq > seq) {
      return null;
    }
    if (afterSeq == seq) {
      return List.of();
    }
    if (frames.isEmpty() || frames.peekFirst().getRoomSeq() > afterSeq + 1) {
      return null;
    }
    return frames.stream().filter(frame -> frame.getRoomSeq() > afterSeq).toList();
  }
}
