package dev.liveshop.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaHomeFinderTest {

  @TempDir
  Path root;

  @Test
  void find_prefers17Over11And25() throws IOException {
    jdk("jdk-11", "11.0.20");
    Path jdk17 = jdk("jdk-17", "17.0.15");
    Path jdk25 = jdk("jdk-25", "25");
    assertThat(new JavaHomeFinder(List.of(root)).find(Optional.empty(), jdk25, Map.of())).isEqualTo(jdk17);
  }

  @Test
  void find_currentJvm17_isUsed() throws IOException {
    Path current = jdk("current", "17.0.2");
    assertThat(new JavaHomeFinder(List.of()).find(Optional.empty(), current, Map.of())).isEqualTo(current);
  }

  @Test
  void find_javaHomeEnv17_isUsed() throws IOException {
    Path env = jdk("env", "17");
    assertThat(new JavaHomeFinder(List.of()).find(Optional.empty(), jdk("jdk-25", "25"),
        Map.of("JAVA_HOME", env.toString()))).isEqualTo(env);
  }

  @Test
  void find_onlyJdk25_failsSayingWhatToInstall() throws IOException {
    Path jdk25 = jdk("jdk-25", "25");
    assertThatThrownBy(() -> new JavaHomeFinder(List.of(root)).find(Optional.empty(), jdk25, Map.of()))
        .isInstanceOf(NodeStartException.class)
        .hasMessageContaining("needs JDK 17")
        .hasMessageContaining("openjdk-17-jdk-headless")
        .hasMessageContaining(NodeSettings.JAVA_HOME_ENV)
        .hasMessageContaining(root.toString());
  }

  @Test
  void find_explicitJdk25_isRefused() throws IOException {
    Path jdk25 = jdk("jdk-25", "25");
    assertThatThrownBy(() -> new JavaHomeFinder(List.of()).find(Optional.of(jdk25), jdk25, Map.of()))
        .hasMessageContaining("is JDK 25");
  }

  @Test
  void featureVersion_notAJdk_isMinusOne() {
    assertThat(JavaHomeFinder.featureVersion(root.resolve("nothing"))).isEqualTo(-1);
  }

  private Path jdk(String name, String version) throws IOException {
    Path home = root.resolve(name);
    Files.createDirectories(home.resolve("bin"));
    Files.writeString(home.resolve("bin/java"), "");
    Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
    return home;
  }
}
