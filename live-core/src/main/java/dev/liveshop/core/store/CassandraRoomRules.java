package dev.liveshop.core.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.liveshop.core.bus.RoomRules;
import dev.liveshop.core.bus.RoomRulesStore;
import dev.liveshop.proto.v1.ChatSettings;
import dev.liveshop.proto.v1.ModerationRequest;
import java.util.Set;

/**
 * Chat rules in Cassandra, one row per stream; each change is one idempotent update (a set
 * add or remove for mutes), so a retried write never undoes a later one of another kind.
 */
public final class CassandraRoomRules implements RoomRulesStore {

  private final CqlSession session;
  private final PreparedStatement select;
  private final PreparedStatement mute;
  private final PreparedStatement unmute;
  private final PreparedStatement slowMode;
  private final PreparedStatement chatOff;

  public CassandraRoomRules(CqlSession session) {
    this.session = session;
    select = session.prepare("SELECT chat_off, slow_mode_seconds, muted FROM room_rules WHERE stream_id = ?");
    mute = session.prepare("UPDATE room_rules SET muted = muted + ? WHERE stream_id = ?");
    unmute = session.prepare("UPDATE room_rules SET muted = muted - ? WHERE stream_id = ?");
    slowMode = session.prepare("UPDATE room_rules SET slow_mode_seconds = ? WHERE stream_id = ?");
    chatOff = session.prepare("UPDATE room_rules SET chat_off = ? WHERE stream_id = ?");
  }

  @Override
  public RoomRules load(String streamId) {
    Row row = session.execute(select.bind(streamId)).one();
    if (row == null) {
      return RoomRules.NONE;
    }
    return new RoomRules(ChatSettings.newBuilder().setChatOff(row.getBoolean("chat_off"))
        .setSlowModeSeconds(row.getInt("slow_mode_seconds")).build(), row.getSet("muted", String.class));
  }

  @Override
  public void record(String streamId, ModerationRequest action) {
    switch (action.getActionCase()) {
      case MUTE_VIEWER_ID -> session.execute(mute.bind(Set.of(action.getMuteViewerId()), streamId).setIdempotent(true));
      case UNMUTE_VIEWER_ID -> session.execute(unmute.bind(Set.of(action.getUnmuteViewerId()), streamId)
          .setIdempotent(true));
      case SLOW_MODE_SECONDS -> session.execute(slowMode.bind(action.getSlowModeSeconds(), streamId)
          .setIdempotent(true));
      case CHAT_ENABLED -> session.execute(chatOff.bind(!action.getChatEnabled(), streamId).setIdempotent(true));
      case DELETE_MESSAGE_ID, ACTION_NOT_SET -> {
        // A deleted message is gone from the bus's memory; nothing to keep.
      }
    }
  }
}
