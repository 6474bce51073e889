package dev.liveshop.core.shard;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.liveshop.core.CoreFixture;
import dev.liveshop.core.WiredShard;
import dev.liveshop.core.config.CoreConfig;
import dev.liveshop.core.store.CassandraStore;
import dev.liveshop.core.store.FaultySession;
import dev.liveshop.shard.ShardMap;

/**
 * Shards A and B in one JVM over one keyspace of the real Cassandra node, A's store calls
 * going through a {@link FaultySession} that fails the chosen statement; A can reach B.
 */
final class TwoShards implements AutoCloseable {

  final CqlSession session;
  final FaultySession faulty;
  final WiredShard a;
  final WiredShard b;

  TwoShards(String keyspacePrefix) {
    CoreConfig config = CoreFixture.config(keyspacePrefix);
    session = CassandraStore.open(config.cassandra());
    faulty = new FaultySession(session);
    b = new WiredShard(config, session, "B", ShardMap.parse("A=127.0.0.1:1,B=127.0.0.1:1"));
    a = new WiredShard(config, faulty, "A", ShardMap.parse("A=127.0.0.1:1,B=" + b.target()));
  }

  @Override
  public void close() throws InterruptedException {
    a.close();
    b.close();
    session.close();
  }
}
