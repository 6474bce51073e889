package dev.liveshop.gateway.core;

import dev.liveshop.shard.ShardMap;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The live-core shards this gateway talks to, one channel and client each. A stream's
 * home shard (rendezvous hashing, the same on every gateway and live-core) serves its
 * catalogue, its room bus and the sales launched in it; a sale's reserves and stock go to
 * the owner recorded with the sale, which a hand-over may have changed. With a single
 * shard every call goes to it, whatever names the sales carry.
 *
 * <p>Thread-safe: immutable after construction; channels and stubs are thread-safe.
 */
public final class CoreShards implements AutoCloseable {

  /** One live-core shard. */
  public record Shard(String name, ManagedChannel channel, CoreClient client) {}

  private final ShardMap map;
  private final Map<String, Shard> shards = new LinkedHashMap<>();

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
   * Null while at least one shard's connection is up, else why not. One dead shard does not
   * make the gateway unready: the other shards' streams still work, and the dead shard's
   * sales answer "retry" on every gateway alike.
   */
  public String unready() {
    StringBuilder states = new StringBuilder();
    for (Shard shard : shards.values()) {
      ConnectivityState state = shard.channel().getState(true);
      if (state == ConnectivityState.READY) {
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
