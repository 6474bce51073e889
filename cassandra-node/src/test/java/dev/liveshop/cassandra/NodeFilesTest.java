package dev.liveshop.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeFilesTest {

  @TempDir
  Path dir;

  @Test
  void write_yamlHasThePortsAndDirectoriesAsked() throws Exception {
    NodeSettings settings = NodeSettings.defaults(dir).withNativePort(19042).withStoragePort(17000);
    NodeFiles files = new NodeFiles(settings.dataDirectory());
    files.write(settings);
    String yaml = Files.readString(files.yaml());
    assertThat(yaml)
        .contains("native_transport_port: 19042")
        .contains("storage_port: 17000")
        .contains("seeds: \"127.0.0.1:17000\"")
        .contains("commitlog_sync: periodic")
        .contains("endpoint_snitch: SimpleSnitch")
        .contains("  - " + dir.toAbsolutePath().resolve("data"));
    assertThat(Files.readString(files.logback())).contains(dir.toAbsolutePath().resolve("logs/system.log").toString());
  }

  @Test
  void tail_withoutLogs_saysSo() {
    assertThat(new NodeFiles(dir).tail(5)).contains("wrote no log");
  }

  @Test
  void fromEnvironment_overridesAndRejectsBadValues() {
    NodeSettings s = NodeSettings.fromEnvironment(dir, Map.of(NodeSettings.NATIVE_PORT_ENV, "19043",
        NodeSettings.HEAP_ENV, "512M"));
    assertThat(s.nativePort()).isEqualTo(19043);
    assertThat(s.maxHeap()).isEqualTo("512M");
    assertThatThrownBy(() -> NodeSettings.fromEnvironment(dir, Map.of(NodeSettings.NATIVE_PORT_ENV, "x")))
        .hasMessageContaining(NodeSettings.NATIVE_PORT_ENV);
    assertThatThrownBy(() -> NodeSettings.fromEnvironment(dir, Map.of(NodeSettings.HEAP_ENV, "lots")))
        .hasMessageContaining(NodeSettings.HEAP_ENV);
  }
}
