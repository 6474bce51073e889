package dev.liveshop.core.shard;

import dev.liveshop.shard.ShardMap;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * gRPC channels to the other live-core shards, opened on first use and kept.
 * Thread-safe.
 */
public final class ShardPeers implements AutoCloseable {

  private final ShardMap shards;
  private final ConcurrentHashMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  public ShardPeers(ShardMap shards) {
    this.shards = shards;
  }

  public boolean knows(String shard) {
    return shards.contains(shard);
  }

  /**
   * The channel to {@code shard}.
   *
   * @throws IllegalArgumentException when the shard is not in liveshop.core.shard.peers
   */
  public ManagedChannel channel(String shard) {
    String target = shards.target(shard);
    if (target == null) {
      throw new IllegalArgumentException("no shard '" + shard + "' in liveshop.core.shard.peers " + shards.names());
    }
    // Keepalive as the gateways' (CoreShards): a vanished peer fails its calls in ~40 s.
    return channels.computeIfAbsent(shard, name -> NettyChannelBuilder.forTarget(target).usePlaintext()
        .keepAliveTime(30, TimeUnit.SECONDS).keepAliveTimeout(10, TimeUnit.SECONDS).keepAliveWithoutCalls(true)
        .build());
  }

  @Override
  public void close() {
    for (ManagedChannel channel : channels.values()) {
      channel.shutdownNow();
      try {
        channel.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
