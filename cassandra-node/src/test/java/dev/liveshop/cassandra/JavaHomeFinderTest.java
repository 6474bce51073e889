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

/** The search on fake JDK folders: a {@code release} file and an empty {@code bin/java}. */
class JavaHomeFinderTest {

  @TempDir
  Path root;

  @Test
  void find_installed11And17And25_prefers17() throws IOException {
    jdk("jdk-11", "11.0.20");
    Path jdk17 = jdk("jdk-17", "17.0.15");
    Path jdk25 = jdk("jdk-25", "25");
    assertThat(finder().find(Optional.empty(), jdk25, 25, Map.of())).isEqualTo(jdk17);
  }

  @Test
  void find_only11Installed_uses11() throws IOException {
    Path jdk11 = jdk("jdk-11", "11.0.20");
    Path jdk25 = jdk("jdk-25", "25.0.1");
    assertThat(finder().find(Optional.empty(), jdk25, 25, Map.of())).isEqualTo(jdk11);
  }

  @Test
  void find_currentJvm17_isUsedBeforeTheInstallFolders() throws IOException {
    jdk("jdk-17", "17.0.15");
    Path current = jdk("current", "17.0.2");
    assertThat(finder().find(Optional.empty(), current, 17, Map.of())).isEqualTo(current);
  }

  @Test
  void find_javaHome17_isUsedWhenTheCurrentJvmIs25() throws IOException {
    Path env = jdk("env", "17");
    assertThat(new JavaHomeFinder(List.of()).find(Optional.empty(), jdk("jdk-25", "25"), 25,
        Map.of("JAVA_HOME", env.toString()))).isEqualTo(env);
  }

  @Test
  void find_liveshopVariable_winsOverTheCurrentJvm() throws IOException {
    Path chosen = jdk("chosen", "17.0.1");
    Path current = jdk("current", "17.0.2");
    assertThat(finder().find(Optional.empty(), current, 17, Map.of(NodeSettings.JAVA_HOME_ENV, chosen.toString())))
        .isEqualTo(chosen);
  }

  @Test
  void find_liveshopVariableAtJdk25_isRefusedNamingTheVariable() throws IOException {
    Path jdk25 = jdk("jdk-25", "25");
    jdk("jdk-17", "17");
    assertThatThrownBy(() -> finder().find(Optional.empty(), jdk25, 25,
        Map.of(NodeSettings.JAVA_HOME_ENV, jdk25.toString())))
        .isInstanceOf(NodeStartException.class)
        .hasMessageContaining(NodeSettings.JAVA_HOME_ENV)
        .hasMessageContaining("is JDK 25");
  }

  @Test
  void find_explicitJdk25_isRefused() throws IOException {
    Path jdk25 = jdk("jdk-25", "25");
    assertThatThrownBy(() -> finder().find(Optional.of(jdk25), jdk25, 25, Map.of()))
        .isInstanceOf(NodeStartException.class)
        .hasMessageContaining("is JDK 25");
  }

  @Test
  void find_explicitFolderWithoutJava_isRefused() {
    assertThatThrownBy(() -> finder().find(Optional.of(root), root, 17, Map.of()))
        .isInstanceOf(NodeStartException.class)
        .hasMessageContaining("not a JDK");
  }

  @Test
  void find_onlyJdk25_failsSayingWhatToInstallAndWhatWasSeen() throws IOException {
    Path jdk25 = jdk("jdk-25", "25");
    Files.createDirectories(root.resolve("not-a-jdk"));
    assertThatThrownBy(() -> finder().find(Optional.empty(), jdk25, 25, Map.of()))
        .isInstanceOf(NodeStartException.class)
        .hasMessageContaining("Cassandra 5.0 needs JDK 17 (it does not start on JDK 24+)")
        .hasMessageContaining("apt-get install openjdk-17-jdk-headless")
        .hasMessageContaining(NodeSettings.JAVA_HOME_ENV)
        .hasMessageContaining(jdk25 + " (JDK 25)")
        .hasMessageContaining(root.resolve("not-a-jdk") + " (not a JDK)")
        .hasMessageContaining("JAVA_HOME (not set)");
  }

  @Test
  void featureVersion_releaseFileSpellings_areParsed() throws IOException {
    assertThat(JavaHomeFinder.featureVersion(jdk("a", "17.0.15"))).isEqualTo(17);
    assertThat(JavaHomeFinder.featureVersion(jdk("b", "11"))).isEqualTo(11);
    assertThat(JavaHomeFinder.featureVersion(jdk("c", "1.8.0_392"))).isEqualTo(8);
    assertThat(JavaHomeFinder.featureVersion(jdk("d", "25-ea"))).isEqualTo(25);
    assertThat(JavaHomeFinder.featureVersion(jdk("e", "soon"))).isEqualTo(-1);
  }

  @Test
  void featureVersion_noJavaBinary_isMinusOne() throws IOException {
    Path home = root.resolve("jre-without-bin");
    Files.createDirectories(home);
    Files.writeString(home.resolve("release"), "JAVA_VERSION=\"17.0.1\"\n");
    assertThat(JavaHomeFinder.featureVersion(home)).isEqualTo(-1);
    assertThat(JavaHomeFinder.featureVersion(root.resolve("nothing"))).isEqualTo(-1);
  }

  private JavaHomeFinder finder() {
    return new JavaHomeFinder(List.of(root, root.resolve("missing")));
  }

  private Path jdk(String name, String version) throws IOException {
    Path home = root.resolve(name);
    Files.createDirectories(home.resolve("bin"));
    Files.writeString(home.resolve("bin/java"), "");
    Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
    return home;
  }
}
