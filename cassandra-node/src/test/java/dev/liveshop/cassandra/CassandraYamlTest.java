package dev.liveshop.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's generated files: cassandra.yaml, logback.xml, and the log tail of a failed start. */
class CassandraYamlTest {

  @TempDir
  Path dir;

  @Test
  void write_yaml_hasThePortsAndDirectoriesAsked() throws Exception {
    NodeSettings settings = NodeSettings.defaults(dir).withNativePort(19042).withStoragePort(17000);
    NodeFiles files = new NodeFiles(settings.dataDirectory());
    files.write(settings);
    Path root = dir.toAbsolutePath();
    assertThat(Files.readString(files.yaml()))
        .contains("cluster_name: 'liveshop'")
        .contains("listen_address: 127.0.0.1")
        .contains("rpc_address: 127.0.0.1")
        .contains("native_transport_port: 19042")
        .contains("storage_port: 17000")
        .contains("seeds: \"127.0.0.1:17000\"")
        .contains("start_native_transport: true")
        .contains("commitlog_sync: periodic")
        .contains("commitlog_sync_period: 10000ms")
        .contains("partitioner: org.apache.cassandra.dht.Murmur3Partitioner")
        .contains("endpoint_snitch: SimpleSnitch")
        .contains("num_tokens: 1")
        .contains("hinted_handoff_enabled: false")
        .contains("auto_snapshot: false")
        .contains("authenticator: AllowAllAuthenticator")
        .contains("  - '" + root.resolve("data") + "'")
        .contains("commitlog_directory: '" + root.resolve("commitlog") + "'")
        .contains("saved_caches_directory: '" + root.resolve("saved_caches") + "'")
        .contains("hints_directory: '" + root.resolve("hints") + "'")
        .contains("cdc_raw_directory: '" + root.resolve("cdc_raw") + "'");
    assertThat(root.resolve("triggers")).isDirectory();
  }

  @Test
  void write_logback_logsInfoToSystemLogOnly() throws Exception {
    NodeFiles files = new NodeFiles(dir.toAbsolutePath());
    files.write(NodeSettings.defaults(dir));
    assertThat(Files.readString(files.logback()))
        .contains("<file>" + dir.toAbsolutePath().resolve("logs") + "/system.log</file>")
        .contains("<root level=\"INFO\">")
        .doesNotContain("ConsoleAppender");
  }

  @Test
  void write_quoteInPath_isEscapedForYaml() throws Exception {
    Path odd = dir.resolve("it's here");
    NodeFiles files = new NodeFiles(odd.toAbsolutePath());
    files.write(NodeSettings.defaults(odd));
    assertThat(Files.readString(files.yaml())).contains("commitlog_directory: '" + odd.toAbsolutePath()
        .toString().replace("'", "''") + "/commitlog'");
  }

  @Test
  void tail_withoutLogs_saysSo() {
    assertThat(new NodeFiles(dir).tail(5)).contains("wrote no log");
  }

  @Test
  void tail_longLog_keepsTheLastLinesOfEachLog() throws Exception {
    NodeFiles files = new NodeFiles(dir);
    Files.createDirectories(files.logs());
    StringBuilder log = new StringBuilder();
    for (int i = 1; i <= 100; i++) {
      log.append("line ").append(i).append('\n');
    }
    Files.writeString(files.systemLog(), log);
    Files.writeString(files.stdout(), "Error: could not open\n");
    assertThat(files.tail(40))
        .contains("line 61\n", "line 100", "Error: could not open", files.stdout().toString())
        .doesNotContain("line 60\n");
  }
}
