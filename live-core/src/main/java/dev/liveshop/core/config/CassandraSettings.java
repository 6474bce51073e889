package dev.liveshop.core.config;

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

  public CassandraSettings {
    if (contactPoints.isEmpty()) {
      throw new IllegalArgumentException(
          "liveshop.core.cassandra.contact-points is empty: give host:port of at least one node");
    }
    if (!KEYSPACE.matcher(keyspace).matches()) {
      throw new IllegalArgumentException("liveshop.core.cassandra.keyspace '" + keyspace
          + "' is not a valid keyspace name: use lower-case letters, digits and _, starting with a letter");
    }
    if (maxConcurrentRequests < 1 || maxQueuedRequests < 0) {
      throw new IllegalArgumentException("liveshop.core.cassandra.max-concurrent-requests must be >= 1 and "
          + "max-queued-requests >= 0, got " + maxConcurrentRequests + " and " + maxQueuedRequests);
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
        throw new IllegalArgumentException("liveshop.core.cassandra.contact-points: '" + s
            + "' is not host:port (LIVESHOP_CASSANDRA_CONTACT_POINTS takes e.g. 10.0.0.1:9042,10.0.0.2:9042)");
      }
    }
    return points;
  }
}
