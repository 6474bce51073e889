package dev.liveshop.cassandra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Finds a JDK the node can run on. Cassandra 5.0 supports Java 11 and 17 and does not
 * start on 24+ (its security manager setup fails), so the parent's own JDK may not do.
 * Order: an explicit setting, the current JVM, {@code JAVA_HOME}, then the usual install
 * folders; 17 is preferred over 11.
 */
final class JavaHomeFinder {

  static final List<Path> INSTALL_ROOTS = List.of(Path.of("/usr/lib/jvm"), Path.of("/usr/java"),
      Path.of("/opt/java"), Path.of(System.getProperty("user.home"), ".sdkman/candidates/java"));

  private final List<Path> installRoots;
  private final List<String> looked = new ArrayList<>();

  JavaHomeFinder(List<Path> installRoots) {
    this.installRoots = installRoots;
  }

  /** The JDK to use, or a NodeStartException that lists what was tried and what to install. */
  Path find(Optional<Path> explicit, Path currentJavaHome, Map<String, String> env) {
    if (explicit.isPresent()) {
      Path home = explicit.get();
      int version = featureVersion(home);
      if (!isSupported(version)) {
        throw new NodeStartException("Cassandra 5.0 needs JDK 17 (or 11), but " + home + " is "
            + (version < 0 ? "not a JDK (no release file or bin/java)" : "JDK " + version)
            + ". Point " + NodeSettings.JAVA_HOME_ENV + " at a JDK 17.");
      }
      return home;
    }
    List<Path> candidates = new ArrayList<>();
    candidates.add(currentJavaHome);
    Optional.ofNullable(env.get("JAVA_HOME")).map(Path::of).ifPresent(candidates::add);
    for (Path root : installRoots) {
      candidates.addAll(children(root));
    }
    return candidates.stream()
        .filter(home -> isSupported(featureVersion(home)))
        .max(Comparator.comparingInt(JavaHomeFinder::featureVersion))
        .orElseThrow(() -> new NodeStartException("Cassandra 5.0 needs JDK 17 (it does not start on JDK 24+) "
            + "and none was found. Looked at: " + String.join(", ", looked) + ". Install one (Debian: "
            + "apt-get install openjdk-17-jdk-headless) or set " + NodeSettings.JAVA_HOME_ENV
            + " to its directory."));
  }

  private static boolean isSupported(int version) {
    return version == 11 || version == 17;
  }

  /** The JDK's feature version from its {@code release} file, or -1 if it is not a JDK. */
  static int featureVersion(Path home) {
    Path release = home.resolve("release");
    if (!Files.isRegularFile(release) || !Files.isRegularFile(home.resolve("bin/java"))) {
      return -1;
    }
    Properties props = new Properties();
    try (var in = Files.newInputStream(release)) {
      props.load(in);
    } catch (IOException e) {
      return -1;
    }
    String version = props.getProperty("JAVA_VERSION", "").replace("\"", "");
    String feature = version.startsWith("1.") ? version.substring(2) : version;
    try {
      return Integer.parseInt(feature.split("[.+-]")[0]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private List<Path> children(Path root) {
    looked.add(root + "/*");
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(root)) {
      return list.sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
