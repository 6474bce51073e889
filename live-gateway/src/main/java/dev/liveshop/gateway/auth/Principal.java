package dev.liveshop.gateway.auth;

import java.util.Set;

/** Who a verified token names: a viewer, a host with the streams it may run, or an operator. */
public record Principal(String viewerId, Role role, Set<String> streams, long expiresAtEpochSeconds) {

  public enum Role {
    VIEWER,
    HOST,
    /** Runs the deployment: may move sales between live-core shards. */
    OPERATOR
  }

  public Principal {
    streams = Set.copyOf(streams);
  }

  /** Whether this principal may pin, launch sales and read orders of {@code streamId}. */
  public boolean hosts(String streamId) {
    return role == Role.HOST && streams.contains(streamId);
  }
}
