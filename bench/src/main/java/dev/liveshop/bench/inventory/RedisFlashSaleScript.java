package dev.liveshop.bench.inventory;

import java.util.List;

/** The Redis peer's script and keys, shared by its two clients ({@link RedisLua}, {@link RedisLuaPipelined}). */
final class RedisFlashSaleScript {

  private RedisFlashSaleScript() {}

  /** The usual Redis flash-sale script: idempotency, stock and per-viewer limit in one atomic step. */
  static final String LUA = """
      local previous = redis.call('HGET', KEYS[3], ARGV[2])
      if previous then return previous end
      local q = tonumber(ARGV[3])
      local answer
      if tonumber(redis.call('GET', KEYS[1]) or '0') < q then
        answer = 'SOLD_OUT'
      elseif tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0') + q > tonumber(ARGV[4]) then
        answer = 'OVER_LIMIT'
      else
        redis.call('DECRBY', KEYS[1], q)
        redis.call('HINCRBY', KEYS[2], ARGV[1], q)
        answer = 'RESERVED'
      end
      redis.call('HSET', KEYS[3], ARGV[2], answer)
      return answer
      """;

  /** The script's KEYS for a sale: its stock, units per buyer, answer per clientOrderId. */
  static List<String> keys(String saleId) {
    return List.of("stock:" + saleId, "bought:" + saleId, "answers:" + saleId);
  }
}
