package dev.liveshop.core.inventory;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/** Derives order ids, so the same purchase intent always maps to the same order. */
public final class OrderIds {

  /**
   * One MD5 and its buffers per thread: looking the algorithm up, and encoding each id into
   * a new array, cost more than hashing. Threads are the few shard threads and callers of
   * {@link #of}.
   */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static final class Scratch {
    final MessageDigest md5;
    final byte[] digest = new byte[16];
    byte[] name = new byte[128];

    Scratch() {
      try {
        md5 = MessageDigest.getInstance("MD5");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK has no MD5", e);
      }
    }
  }

  private OrderIds() {}

  /**
   * A name-based (version 3) UUID of (sale, viewer, client order id), the same value as
   * {@code UUID.nameUUIDFromBytes(utf8(sale + '\0' + viewer + '\0' + clientOrderId))}: stable
   * across retries, restarts and versions, since stored orders are found by it.
   */
  public static UUID of(String saleId, String viewerId, String clientOrderId) {
    Scratch scratch = SCRATCH.get();
    int length = saleId.length() + viewerId.length() + clientOrderId.length() + 2;
    if (scratch.name.length < length) {
      scratch.name = new byte[Math.max(length, scratch.name.length * 2)];
    }
    byte[] name = scratch.name;
    int n = ascii(saleId, name, 0);
    if (n >= 0) {
      name[n++] = 0;
      n = ascii(viewerId, name, n);
    }
    if (n >= 0) {
      name[n++] = 0;
      n = ascii(clientOrderId, name, n);
    }
    MessageDigest md5 = scratch.md5;
    if (n >= 0) {
      md5.update(name, 0, n);
    } else {
      // Not all ASCII: UTF-8 as UUID.nameUUIDFromBytes would get it.
      md5.update(saleId.getBytes(StandardCharsets.UTF_8));
      md5.update((byte) 0);
      md5.update(viewerId.getBytes(StandardCharsets.UTF_8));
      md5.update((byte) 0);
      md5.update(clientOrderId.getBytes(StandardCharsets.UTF_8));
    }
    byte[] hash = scratch.digest;
    try {
      md5.digest(hash, 0, hash.length);
    } catch (DigestException e) {
      throw new IllegalStateException("MD5 into 16 bytes failed", e);
    }
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

  /**
   * Copies {@code s} into {@code into} from {@code at} if it is all ASCII (then its UTF-8
   * bytes are its chars) and returns the index after it, else returns -1.
   */
  private static int ascii(String s, byte[] into, int at) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return -1;
      }
      into[at++] = (byte) c;
    }
    return at;
  }
}
