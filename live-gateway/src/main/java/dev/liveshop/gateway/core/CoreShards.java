package dev.liveshop.gateway.core;

import dev.liveshop.shard.ShardMap;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The live-core shards this gateway talks to, one channel and client each. A stream's
 * home shard (rendezvous hashing, the same on every gateway and live-core) serves its
 * catalogue, its room bus and the sales launched in it; a sale's reserves and stock go to
 * the owner recorded with the sale, which a hand-over may have changed. With a single
 * shard every call goes to it, whatever names the sales carry.
 *
 * <p>Readiness follows each channel's state as it changes ({@link #follow}), not as it is at
 * the moment of asking: a channel is IDLE before its first call and again after 30 minutes
 * without one (gRPC's idle mode), which says nothing about whether live-core is up.
 *
 * <p>Thread-safe: the shards are immutable after construction; channels and stubs are
 * thread-safe; {@code reachable} is written on gRPC's threads and read on any.
 */
public final class CoreShards implements AutoCloseable {

  /** One live-core shard. */
  public record Shard(String name, ManagedChannel channel, CoreClient client) {}

  private final ShardMap map;
  private final Map<String, Shard> shards = new LinkedHashMap<>();
  /** Per shard: whether its channel's last state that said anything about live-core was READY. */
  private final Map<String, Boolean> reachable = new ConcurrentHashMap<>();

  /** Shards over the given channels (tests pass in-process ones); takes ownership of them. */
  public CoreShards(ShardMap map, Map<String, ManagedChannel> channels, Duration callDeadline) {
    if (map.isEmpty()) {
      throw new IllegalArgumentException("at least one live-core shard is needed");
    }
    this.map = map;
    for (String name : map.names()) {
      ManagedChannel channel = channels.get(name);
      if (channel == null) {
        throw new IllegalArgumentException("no channel for shard " + name);
      }
      shards.put(name, new Shard(name, channel, new CoreClient(channel, callDeadline)));
      reachable.put(name, false);
    }
    // Connect now rather than on the first call: a fresh gateway is ready as soon as live-core is.
    shards.values().forEach(this::follow);
  }

  /**
   * Keeps {@code reachable} for the shard from its channel's states: READY means reachable,
   * TRANSIENT_FAILURE not; IDLE (unused for a while, or the connection was closed) asks the
   * channel to connect again, and it and CONNECTING keep the last verdict until the attempt
   * ends one way or the other. Runs again on every change until the channel shuts down.
   */
  private void follow(Shard shard) {
    ConnectivityState state = shard.channel().getState(true);
    switch (state) {
      case READY -> reachable.put(shard.name(), true);
      case TRANSIENT_FAILURE, SHUTDOWN -> reachable.put(shard.name(), false);
      case IDLE, CONNECTING -> {
        // Says nothing about live-core: the last verdict stands until this attempt ends.
      }
    }
    if (state != ConnectivityState.SHUTDOWN) {
      shard.channel().notifyWhenStateChanged(state, () -> follow(shard));
    }
  }

  /** Plaintext gRPC channels to every shard of the map. */
  public static CoreShards connect(ShardMap map, Duration callDeadline) {
    Map<String, ManagedChannel> channels = new LinkedHashMap<>();
    for (String name : map.names()) {
      // Keepalive pings: a live-core host that vanishes without closing its connections
      // (power loss, a moved container) fails the room, stock and reservation streams in
      // ~40 s, so they resubscribe elsewhere, instead of after TCP's ~15 min. live-core
      // permits pings this often (CoreServer).
      channels.put(name, NettyChannelBuilder.forTarget(map.target(name)).usePlaintext()
          .keepAliveTime(30, TimeUnit.SECONDS).keepAliveTimeout(10, TimeUnit.SECONDS).keepAliveWithoutCalls(true)
          .build());
    }
    return new CoreShards(map, channels, callDeadline);
  }

  /** The stream's home shard: its catalogue, room bus and new sales. */
  public CoreClient home(String streamId) {
    return homeShard(streamId).client();
  }

  public Shard homeShard(String streamId) {
    return shards.size() == 1 ? first() : shards.get(map.home(streamId));
  }

  /** The shard that holds a sale: its recorded owner if this gateway knows that shard, else the stream's home. */
  public Shard owner(String ownerShard, String streamId) {
    if (shards.size() == 1) {
      return first();
    }
    Shard owner = shards.get(ownerShard);
    return owner != null ? owner : homeShard(streamId);
  }

  /** A shard for calls any shard can answer (order reads; order changes, which live-core forwards to the owner). */
  public CoreClient any() {
    for (Shard shard : shards.values()) {
      if (shard.channel().getState(false) == ConnectivityState.READY) {
        return shard.client();
      }
    }
    return first().client();
  }

  public Collection<Shard> all() {
    return shards.values();
  }

  /**
   * Null while at least one shard is reachable (its connection was last seen up, and no
   * attempt since has failed), else why not. One dead shard does not make the gateway
   * unready: the other shards' streams still work, and the dead shard's sales answer
   * "retry" on every gateway alike.
   */
  public String unready() {
    StringBuilder states = new StringBuilder();
    for (Shard shard : shards.values()) {
      // true: an idle channel starts connecting (follow() also does so as it goes idle).
      ConnectivityState state = shard.channel().getState(true);
      if (state == ConnectivityState.READY) {
        // Seen here before follow()'s callback (another thread) may have run: record it too.
        reachable.put(shard.name(), true);
        return null;
      }
      if (reachable.get(shard.name())) {
        return null;
      }
      states.append(states.length() == 0 ? "" : ", ").append(shard.name()).append(' ').append(state);
    }
    return "no live-core shard is reachable (" + states + ")";
  }

  private Shard first() {
    return shards.values().iterator().next();
  }

  @Override
  public void close() {
    for (Shard shard : shards.values()) {
      shard.channel().shutdown();
    }
    for (Shard shard : shards.values()) {
      try {
        if (!shard.channel().awaitTermination(5, TimeUnit.SECONDS)) {
          shard.channel().shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        shard.channel().shutdownNow();
      }
    }
  }
}
