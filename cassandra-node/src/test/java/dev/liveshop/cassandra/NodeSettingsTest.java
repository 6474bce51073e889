package dev.liveshop.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeSettingsTest {

  @TempDir
  Path dir;

  @Test
  void defaults_areTheDocumentedOnes() {
    NodeSettings s = NodeSettings.defaults(Path.of("data", "cassandra"));
    assertThat(s.dataDirectory()).isEqualTo(Path.of("data", "cassandra").toAbsolutePath());
    assertThat(s.listenAddress()).isEqualTo("127.0.0.1");
    assertThat(s.nativePort()).isEqualTo(9042);
    assertThat(s.storagePort()).isEqualTo(7000);
    assertThat(s.maxHeap()).isEqualTo("1G");
    assertThat(s.initialHeap()).isEqualTo("256M");
    assertThat(s.javaHome()).isEmpty();
    assertThat(s.startTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(s.clusterName()).isEqualTo("liveshop");
  }

  @Test
  void fromEnvironment_noVariables_givesDefaultsOnTheGivenDirectory() {
    assertThat(NodeSettings.fromEnvironment(dir, Map.of())).isEqualTo(NodeSettings.defaults(dir));
  }

  @Test
  void fromEnvironment_everyVariable_overrides() throws Exception {
    Path jdk = dir.resolve("jdk");
    Files.createDirectories(jdk.resolve("bin"));
    Files.writeString(jdk.resolve("bin/java"), "");
    NodeSettings s = NodeSettings.fromEnvironment(dir, Map.of(
        NodeSettings.DATA_DIR_ENV, dir.resolve("other").toString(),
        NodeSettings.NATIVE_PORT_ENV, "19043",
        NodeSettings.STORAGE_PORT_ENV, " 17001 ",
        NodeSettings.HEAP_ENV, "2G",
        NodeSettings.JAVA_HOME_ENV, jdk.toString(),
        NodeSettings.LISTEN_ADDRESS_ENV, "127.0.0.2",
        NodeSettings.SEEDS_ENV, "127.0.0.1:17001"));
    assertThat(s.dataDirectory()).isEqualTo(dir.resolve("other").toAbsolutePath());
    assertThat(s.nativePort()).isEqualTo(19043);
    assertThat(s.storagePort()).isEqualTo(17001);
    assertThat(s.maxHeap()).isEqualTo("2G");
    assertThat(s.javaHome()).contains(jdk);
    assertThat(s.listenAddress()).isEqualTo("127.0.0.2");
    assertThat(s.seedList()).isEqualTo("127.0.0.1:17001");
  }

  @Test
  void seeds_defaultToTheNodeItself_andBadListsAreRefusedNamingTheVariable() {
    assertThat(NodeSettings.defaults(dir).withStoragePort(17000).seedList()).isEqualTo("127.0.0.1:17000");
    assertThat(NodeSettings.defaults(dir).withSeeds("127.0.0.1:7000,127.0.0.2:7000").seedList())
        .isEqualTo("127.0.0.1:7000,127.0.0.2:7000");
    assertThatThrownBy(() -> NodeSettings.fromEnvironment(dir, Map.of(NodeSettings.SEEDS_ENV, "127.0.0.1")))
        .hasMessageContaining(NodeSettings.SEEDS_ENV);
    assertThat(NodeSettings.defaults(dir).withSeeds("127.0.0.1:7000").joinsOthers()).isFalse();
    assertThat(NodeSettings.defaults(dir).withListenAddress("127.0.0.2").withSeeds("127.0.0.1:7000").joinsOthers())
        .isTrue();
  }

  @Test
  void fromEnvironment_heapBelowInitial_lowersTheInitialHeap() {
    NodeSettings s = NodeSettings.fromEnvironment(dir, Map.of(NodeSettings.HEAP_ENV, "128M"));
    assertThat(s.maxHeap()).isEqualTo("128M");
    assertThat(s.initialHeap()).isEqualTo("128M");
  }

  @Test
  void fromEnvironment_badValues_failNamingTheVariable() {
    assertBad(NodeSettings.NATIVE_PORT_ENV, "x");
    assertBad(NodeSettings.NATIVE_PORT_ENV, "70000");
    assertBad(NodeSettings.STORAGE_PORT_ENV, "0");
    assertBad(NodeSettings.STORAGE_PORT_ENV, "9042"); // the same as the native port
    assertBad(NodeSettings.HEAP_ENV, "lots");
    assertBad(NodeSettings.HEAP_ENV, "1024");
    assertBad(NodeSettings.JAVA_HOME_ENV, dir.resolve("no-jdk-here").toString());
    assertBad(NodeSettings.DATA_DIR_ENV, "bad\0path");
  }

  @Test
  void fromEnvironment_blankVariable_meansDefault() {
    assertThat(NodeSettings.fromEnvironment(dir, Map.of(NodeSettings.NATIVE_PORT_ENV, " ")).nativePort())
        .isEqualTo(9042);
  }

  @Test
  void withInitialHeap_aboveMax_isRefused() {
    assertThatThrownBy(() -> NodeSettings.defaults(dir).withInitialHeap("2G"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exceeds the maximum heap 1G");
  }

  private void assertBad(String variable, String value) {
    assertThatThrownBy(() -> NodeSettings.fromEnvironment(dir, Map.of(variable, value)))
        .as("%s=%s", variable, value)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(variable);
  }

  @Test
  void readme_listsEveryVariable_inATableRow() throws Exception {
    List<String> variables = Arrays.stream(NodeSettings.class.getFields())
        .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getName().endsWith("_ENV"))
        .map(NodeSettingsTest::value).toList();
    assertThat(variables).hasSize(7);
    assertThat(Path.of("README.md")).as("cassandra-node/README.md, the list of its variables").isRegularFile();
    List<String> rows = Files.readAllLines(Path.of("README.md")).stream().filter(l -> l.startsWith("| `")).toList();
    assertThat(variables).allSatisfy(v -> assertThat(rows).anyMatch(row -> row.startsWith("| `" + v + "` |")));
  }

  private static String value(Field field) {
    try {
      return (String) field.get(null);
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }
}
