package dev.liveshop.core.config;

import static dev.liveshop.config.EnvVariables.badValue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Where the order store lives and how live-core talks to it. */
public record CassandraSettings(
    List<InetSocketAddress> contactPoints,
    String localDatacenter,
    String keyspace,
    String replication,
    String consistency,
    Duration requestTimeout,
    Duration connectTimeout,
    int maxConcurrentRequests,
    int maxQueuedRequests) {

  private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");

  /**
   * The levels every read and write may use. Not ANY (writes only), SERIAL or LOCAL_SERIAL
   * (the Paxos phase of lightweight transactions only): Cassandra refuses them for the rest.
   */
  static final List<String> CONSISTENCY_LEVELS = List.of("ONE", "TWO", "THREE", "QUORUM", "ALL", "LOCAL_ONE",
      "LOCAL_QUORUM", "EACH_QUORUM");

  public CassandraSettings {
    if (contactPoints.isEmpty()) {
      throw badValue("liveshop.core.cassandra.contact-points", "must give host:port of at least one node",
          "nothing");
    }
    if (!KEYSPACE.matcher(keyspace).matches()) {
      throw badValue("liveshop.core.cassandra.keyspace", "must be a keyspace name: up to 48 lower-case letters, "
          + "digits and _, starting with a letter", "'" + keyspace + "'");
    }
    if (maxConcurrentRequests < 1) {
      throw badValue("liveshop.core.cassandra.max-concurrent-requests", "must be >= 1", maxConcurrentRequests);
    }
    if (maxQueuedRequests < 0) {
      throw badValue("liveshop.core.cassandra.max-queued-requests", "must be >= 0", maxQueuedRequests);
    }
    if (!CONSISTENCY_LEVELS.contains(consistency)) {
      throw badValue("liveshop.core.cassandra.consistency", "must be one of " + String.join(", ", CONSISTENCY_LEVELS)
          + " (LOCAL_QUORUM on a cluster, LOCAL_ONE on a single node)", "'" + consistency + "'");
    }
    contactPoints = List.copyOf(contactPoints);
  }

  static CassandraSettings from(Config c) {
    return new CassandraSettings(
        parseContactPoints(c),
        c.getString("local-datacenter"),
        c.getString("keyspace"),
        c.getString("replication"),
        c.getString("consistency"),
        c.getDuration("request-timeout"),
        c.getDuration("connect-timeout"),
        c.getInt("max-concurrent-requests"),
        c.getInt("max-queued-requests"));
  }

  /** Settings for one node at {@code contactPoint}, keeping every other value. */
  public CassandraSettings withContactPoint(InetSocketAddress contactPoint, String datacenter) {
    return new CassandraSettings(List.of(contactPoint), datacenter, keyspace, replication, consistency,
        requestTimeout, connectTimeout, maxConcurrentRequests, maxQueuedRequests);
  }

  public CassandraSettings withKeyspace(String name) {
    return new CassandraSettings(contactPoints, localDatacenter, name, replication, consistency,
        requestTimeout, connectTimeout, maxConcurrentRequests, maxQueuedRequests);
  }

  /** A keyspace replicated as {@code replication} (CQL map), read and written at {@code consistency}. */
  public CassandraSettings withReplication(String replication, String consistency) {
    return new CassandraSettings(contactPoints, localDatacenter, keyspace, replication, consistency,
        requestTimeout, connectTimeout, maxConcurrentRequests, maxQueuedRequests);
  }

  public CassandraSettings withConnectTimeout(Duration timeout) {
    return new CassandraSettings(contactPoints, localDatacenter, keyspace, replication, consistency,
        requestTimeout, timeout, maxConcurrentRequests, maxQueuedRequests);
  }

  /** Accepts a HOCON list or, from the environment, one comma-separated string. */
  private static List<InetSocketAddress> parseContactPoints(Config c) {
    List<String> raw = c.getValue("contact-points").valueType() == ConfigValueType.LIST
        ? c.getStringList("contact-points")
        : List.of(c.getString("contact-points").split(","));
    List<InetSocketAddress> points = new ArrayList<>();
    for (String entry : raw) {
      String s = entry.trim();
      if (s.isEmpty()) {
        continue;
      }
      int colon = s.lastIndexOf(':');
      try {
        String host = colon < 0 ? s : s.substring(0, colon);
        int port = colon < 0 ? 9042 : Integer.parseInt(s.substring(colon + 1));
        points.add(InetSocketAddress.createUnresolved(host, port));
      } catch (NumberFormatException e) {
        throw badValue("liveshop.core.cassandra.contact-points", "must be host:port[,host:port...], e.g. "
            + "10.0.0.1:9042,10.0.0.2:9042", "'" + s + "'");
      }
    }
    return points;
  }
}
