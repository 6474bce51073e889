package dev.liveshop.shard;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The live-core shards of a deployment by name, each with its gRPC address, parsed from
 * {@code "core-1=10.0.0.5:7070,core-2=10.0.0.6:7070"}. A stream's home shard (its room
 * bus, its catalogue calls, and the owner of the sales launched in it) is chosen by
 * rendezvous hashing: adding or removing a shard moves only the streams it wins or held.
 * Immutable and thread-safe.
 */
public final class ShardMap {

  private final Map<String, String> targets;

  private ShardMap(Map<String, String> targets) {
    this.targets = Collections.unmodifiableMap(targets);
  }

  /**
   * Parses {@code name=host:port} entries separated by commas (spaces allowed).
   *
   * @throws IllegalArgumentException naming the entry that is not {@code name=host:port}, or a repeated name
   */
  public static ShardMap parse(String spec) {
    Map<String, String> targets = new LinkedHashMap<>();
    for (String entry : spec.split(",")) {
      String trimmed = entry.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int eq = trimmed.indexOf('=');
      String name = eq < 0 ? "" : trimmed.substring(0, eq).trim();
      String target = eq < 0 ? "" : trimmed.substring(eq + 1).trim();
      if (name.isEmpty() || !target.matches("[^\\s:]+:\\d{1,5}")) {
        throw new IllegalArgumentException("shard map entry '" + trimmed + "' is not name=host:port "
            + "(example: core-1=127.0.0.1:7070,core-2=127.0.0.1:7071)");
      }
      if (targets.put(name, target) != null) {
        throw new IllegalArgumentException("shard '" + name + "' appears twice in the shard map");
      }
    }
    return new ShardMap(targets);
  }

  /** A map of one shard. */
  public static ShardMap single(String name, String target) {
    return parse(name + "=" + target);
  }

  public boolean isEmpty() {
    return targets.isEmpty();
  }

  public Set<String> names() {
    return targets.keySet();
  }

  public boolean contains(String name) {
    return targets.containsKey(name);
  }

  /** host:port of the shard, or null when it is not in the map. */
  public String target(String name) {
    return targets.get(name);
  }

  /** The stream's home: the shard with the highest hash of (shard, stream). */
  public String home(String streamId) {
    String best = null;
    long bestScore = 0;
    for (String name : targets.keySet()) {
      long score = score(name, streamId);
      if (best == null || Long.compareUnsigned(score, bestScore) > 0) {
        best = name;
        bestScore = score;
      }
    }
    if (best == null) {
      throw new IllegalStateException("the shard map is empty");
    }
    return best;
  }

  /** FNV-1a over "shard/stream", then the SplitMix64 finaliser to spread similar names. */
  private static long score(String shard, String streamId) {
    long h = 0xcbf29ce484222325L;
    for (byte b : (shard + "/" + streamId).getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }

  @Override
  public String toString() {
    return targets.toString();
  }
}
