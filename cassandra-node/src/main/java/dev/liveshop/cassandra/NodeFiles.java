package dev.liveshop.cassandra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * The node's files under its data directory: the generated {@code conf/cassandra.yaml} and
 * {@code conf/logback.xml}, the data folders, and the logs whose tail a failed start shows.
 */
final class NodeFiles {

  private final Path root;

  NodeFiles(Path root) {
    this.root = root;
  }

  Path yaml() {
    return root.resolve("conf/cassandra.yaml");
  }

  Path logback() {
    return root.resolve("conf/logback.xml");
  }

  Path logs() {
    return root.resolve("logs");
  }

  Path stdout() {
    return logs().resolve("node-stdout.log");
  }

  Path triggers() {
    return root.resolve("triggers");
  }

  Path data() {
    return root.resolve("data");
  }

  Path systemLog() {
    return logs().resolve("system.log");
  }

  /** Writes the configuration for {@code settings}; run before every start (ports may change). */
  void write(NodeSettings s) {
    try {
      for (Path dir : List.of(root.resolve("conf"), logs(), triggers(), data(),
          root.resolve("commitlog"), root.resolve("saved_caches"), root.resolve("hints"), root.resolve("cdc_raw"))) {
        Files.createDirectories(dir);
      }
      Files.writeString(yaml(), yaml(s), StandardCharsets.UTF_8);
      Files.writeString(logback(), logbackXml(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new NodeStartException("cannot write the node's configuration under " + root + ": " + e.getMessage()
          + ". Check that the directory is writable or set " + NodeSettings.DATA_DIR_ENV + ".", e);
    }
  }

  /** The node's cassandra.yaml: the keys a single loopback node needs, sized for a small machine. */
  String yaml(NodeSettings s) {
    return String.join("\n",
        "cluster_name: " + quoted(s.clusterName()),
        "num_tokens: 1",
        "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
        // SimpleSnitch puts the node in datacenter1, which clients name as their local datacenter.
        "endpoint_snitch: SimpleSnitch",
        "seed_provider:",
        "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
        "    parameters:",
        "      - seeds: \"" + s.seedList() + "\"",
        "listen_address: " + s.listenAddress(),
        "rpc_address: " + s.listenAddress(),
        "storage_port: " + s.storagePort(),
        "native_transport_port: " + s.nativePort(),
        "start_native_transport: true",
        "authenticator: AllowAllAuthenticator",
        "authorizer: AllowAllAuthorizer",
        "data_file_directories:",
        "  - " + quoted(data()),
        "commitlog_directory: " + quoted(root.resolve("commitlog")),
        "saved_caches_directory: " + quoted(root.resolve("saved_caches")),
        "hints_directory: " + quoted(root.resolve("hints")),
        "cdc_raw_directory: " + quoted(root.resolve("cdc_raw")),
        "commitlog_sync: periodic",
        "commitlog_sync_period: 10000ms",
        // One node: there is nobody to hand hints to.
        "hinted_handoff_enabled: false",
        // Tests drop and truncate a lot; a snapshot on each would fill the disk.
        "auto_snapshot: false",
        "memtable_heap_space: 128MiB",
        "memtable_offheap_space: 128MiB",
        "key_cache_size: 16MiB",
        // Two cores: the defaults (32 each) only add contention.
        "concurrent_reads: 8",
        "concurrent_writes: 16",
        "");
  }

  private String logbackXml() {
    // Rolling, so a node that runs every day on a laptop does not grow one log without bound.
    return """
        <configuration>
          <appender name="FILE" class="ch.qos.logback.core.rolling.RollingFileAppender">
            <file>%1$s/system.log</file>
            <rollingPolicy class="ch.qos.logback.core.rolling.FixedWindowRollingPolicy">
              <fileNamePattern>%1$s/system.log.%%i</fileNamePattern>
              <minIndex>1</minIndex>
              <maxIndex>3</maxIndex>
            </rollingPolicy>
            <triggeringPolicy class="ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy">
              <maxFileSize>20MB</maxFileSize>
            </triggeringPolicy>
            <encoder><pattern>%%d{HH:mm:ss.SSS} %%-5level [%%thread] %%logger{36} - %%msg%%n</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="FILE"/></root>
        </configuration>
        """.formatted(xmlText(logs()));
  }

  /** A YAML single-quoted scalar: only the quote itself needs escaping. */
  private static String quoted(Object value) {
    return "'" + value.toString().replace("'", "''") + "'";
  }

  private static String xmlText(Path path) {
    return path.toString().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** The last {@code lines} lines of the node's logs, for an error message. */
  String tail(int lines) {
    StringBuilder out = new StringBuilder();
    for (Path log : List.of(systemLog(), stdout())) {
      if (!Files.isRegularFile(log)) {
        continue;
      }
      Deque<String> last = new ArrayDeque<>();
      try (Stream<String> all = Files.lines(log, StandardCharsets.UTF_8)) {
        all.forEach(line -> {
          last.addLast(line);
          if (last.size() > lines) {
            last.removeFirst();
          }
        });
      } catch (IOException | UncheckedIOException e) {
        continue;
      }
      out.append("\n--- last lines of ").append(log).append(" ---\n").append(String.join("\n", last));
    }
    return out.length() == 0 ? " (the node wrote no log under " + logs() + ")" : out.toString();
  }
}
