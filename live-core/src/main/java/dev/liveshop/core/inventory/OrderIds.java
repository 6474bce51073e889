package dev.liveshop.core.inventory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/** Derives order ids, so the same purchase intent always maps to the same order. */
public final class OrderIds {

  /**
   * One MD5 per thread: looking the algorithm up for every order costs more than hashing.
   * Threads are the few shard threads and callers of {@link #of}.
   */
  private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no MD5", e);
    }
  });

  private OrderIds() {}

  /**
   * A name-based (version 3) UUID of (sale, viewer, client order id), the same value as
   * {@code UUID.nameUUIDFromBytes(utf8(sale + '\0' + viewer + '\0' + clientOrderId))}: stable
   * across retries, restarts and versions, since stored orders are found by it.
   */
  public static UUID of(String saleId, String viewerId, String clientOrderId) {
    MessageDigest md5 = MD5.get();
    md5.update(saleId.getBytes(StandardCharsets.UTF_8));
    md5.update((byte) 0);
    md5.update(viewerId.getBytes(StandardCharsets.UTF_8));
    md5.update((byte) 0);
    md5.update(clientOrderId.getBytes(StandardCharsets.UTF_8));
    byte[] hash = md5.digest();
    hash[6] = (byte) ((hash[6] & 0x0f) | 0x30);
    hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
    long most = 0;
    long least = 0;
    for (int i = 0; i < 8; i++) {
      most = (most << 8) | (hash[i] & 0xff);
      least = (least << 8) | (hash[i + 8] & 0xff);
    }
    return new UUID(most, least);
  }
}
