package dev.liveshop.core.catalog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Ids of sales launched with a launch key: the same stream and key always name the same sale. */
final class SaleIds {

  /** 80 bits of the digest: no two keys of any streams meet in practice. */
  private static final int ID_BYTES = 10;

  private SaleIds() {}

  static String ofLaunch(String streamId, String launchKey) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((streamId + '\n' + launchKey).getBytes(StandardCharsets.UTF_8));
      return "s-" + HexFormat.of().formatHex(digest, 0, ID_BYTES);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
