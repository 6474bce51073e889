package dev.liveshop.bench.inventory;

import static dev.liveshop.bench.inventory.RedisFlashSaleScript.LUA;
import static dev.liveshop.bench.inventory.RedisFlashSaleScript.keys;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.concurrent.CompletionStage;

/**
 * The peer for the async driver: EVALSHA of {@link RedisFlashSaleScript#LUA} through Lettuce's asynchronous
 * API on one connection, as Lettuce is meant to be used (commands in flight are pipelined;
 * answers complete on its event loop).
 */
final class RedisLuaPipelined implements Reserver {
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final String sha;
  private final int quantity;

  RedisLuaPipelined(String address, int quantity) {
    String[] hostPort = address.split(":");
    this.client = RedisClient.create(RedisURI.create(hostPort[0], Integer.parseInt(hostPort[1])));
    this.connection = client.connect();
    this.sha = connection.sync().scriptLoad(LUA);
    this.quantity = quantity;
  }

  @Override
  public String open(String name) {
    String saleId = name + "-" + System.nanoTime();
    connection.sync().set("stock:" + saleId, String.valueOf(quantity));
    return saleId;
  }

  @Override
  public CompletionStage<String> reserve(String saleId, String viewerId, String clientOrderId) {
    return connection.async().evalsha(sha, ScriptOutputType.VALUE, keys(saleId).toArray(String[]::new),
        viewerId, clientOrderId, "1", "1");
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown();
  }
}
