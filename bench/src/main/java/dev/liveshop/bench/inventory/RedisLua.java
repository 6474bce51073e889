package dev.liveshop.bench.inventory;

import static dev.liveshop.bench.inventory.RedisFlashSaleScript.LUA;
import static dev.liveshop.bench.inventory.RedisFlashSaleScript.keys;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * The Redis peer for the thread driver: EVALSHA of {@link RedisFlashSaleScript#LUA} through
 * a pool of one connection per caller (JedisPool).
 */
final class RedisLua implements Reserver {
  private final JedisPool pool;
  private final String sha;
  private final int quantity;

  RedisLua(String address, int threads, int quantity) {
    String[] hostPort = address.split(":");
    GenericObjectPoolConfig<Jedis> config = new GenericObjectPoolConfig<>();
    config.setMaxTotal(threads);
    config.setMaxIdle(threads);
    this.pool = new JedisPool(config, hostPort[0], Integer.parseInt(hostPort[1]));
    try (Jedis jedis = pool.getResource()) {
      this.sha = jedis.scriptLoad(LUA);
    }
    this.quantity = quantity;
  }

  @Override
  public String open(String name) {
    String saleId = name + "-" + System.nanoTime();
    try (Jedis jedis = pool.getResource()) {
      jedis.set("stock:" + saleId, String.valueOf(quantity));
    }
    return saleId;
  }

  @Override
  public CompletionStage<String> reserve(String saleId, String viewerId, String clientOrderId) {
    try (Jedis jedis = pool.getResource()) {
      return CompletableFuture.completedFuture((String) jedis.evalsha(sha, keys(saleId),
          List.of(viewerId, clientOrderId, "1", "1")));
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
