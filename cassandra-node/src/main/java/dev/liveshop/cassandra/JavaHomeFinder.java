package dev.liveshop.cassandra;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Finds a JDK the node can run on. Cassandra 5.0 supports Java 11 and 17 and does not start
 * on 24+ (installing its security manager fails), so the parent's own JDK may not do.
 *
 * <p>Order: the settings' Java home, {@code LIVESHOP_CASSANDRA_JAVA_HOME} (both must be a
 * supported JDK: an explicit choice that is wrong fails rather than being silently
 * replaced), the current JVM if it is 11 or 17, {@code JAVA_HOME} if it is 11 or 17, then the
 * usual install folders, where 17 wins over 11. A JDK's version comes from its
 * {@code release} file. Not thread-safe: one instance per search.
 */
final class JavaHomeFinder {

  /** Where Debian, RPM distributions, Docker images and SDKMAN put JDKs. */
  static final List<Path> INSTALL_ROOTS = List.of(Path.of("/usr/lib/jvm"), Path.of("/usr/java"),
      Path.of("/opt/java"), Path.of(System.getProperty("user.home"), ".sdkman/candidates/java"));

  private final List<Path> installRoots;
  /** What was looked at and what it was, for the message when nothing fits. */
  private final List<String> looked = new ArrayList<>();

  JavaHomeFinder(List<Path> installRoots) {
    this.installRoots = List.copyOf(installRoots);
  }

  /** Searches with this JVM as the current one and the process environment. */
  static Path find(Optional<Path> explicit) {
    return new JavaHomeFinder(INSTALL_ROOTS).find(explicit, Path.of(System.getProperty("java.home")),
        Runtime.version().feature(), System.getenv());
  }

  /**
   * The JDK to use.
   *
   * @param currentFeature the feature version of the JVM at {@code currentHome}
   * @throws NodeStartException listing what was looked at and what to install
   */
  Path find(Optional<Path> explicit, Path currentHome, int currentFeature, Map<String, String> env) {
    if (explicit.isPresent()) {
      return requireSupported(explicit.get(), "the configured Java home (NodeSettings.javaHome)");
    }
    String fromEnv = env.get(NodeSettings.JAVA_HOME_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return requireSupported(Path.of(fromEnv.strip()), NodeSettings.JAVA_HOME_ENV);
    }
    looked.add("the current JVM " + currentHome + " (JDK " + currentFeature + ")");
    if (isSupported(currentFeature) && Files.isRegularFile(currentHome.resolve("bin/java"))) {
      return currentHome;
    }
    String javaHome = env.get("JAVA_HOME");
    if (javaHome != null && !javaHome.isBlank()) {
      Path home = Path.of(javaHome.strip());
      if (isSupported(version(home, "JAVA_HOME"))) {
        return home;
      }
    } else {
      looked.add("JAVA_HOME (not set)");
    }
    Path jdk11 = null;
    for (Path root : installRoots) {
      for (Path home : children(root)) {
        int version = version(home, null);
        if (version == 17) {
          return home; // the first by name, so the choice is stable from run to run
        }
        if (version == 11 && jdk11 == null) {
          jdk11 = home;
        }
      }
    }
    if (jdk11 != null) {
      return jdk11;
    }
    throw new NodeStartException("Cassandra 5.0 needs JDK 17 (it does not start on JDK 24+). "
        + "Install one (Debian: apt-get install openjdk-17-jdk-headless) or set " + NodeSettings.JAVA_HOME_ENV
        + " to its directory. Looked at: " + String.join("; ", looked) + ".");
  }

  private static Path requireSupported(Path home, String source) {
    int version = featureVersion(home);
    if (!isSupported(version)) {
      throw new NodeStartException("Cassandra 5.0 needs JDK 17 (or 11), but " + source + " " + home + " is "
          + (version < 0 ? "not a JDK (it has no release file or no bin/java)" : "JDK " + version)
          + ". Point " + NodeSettings.JAVA_HOME_ENV + " at a JDK 17 (Debian: apt-get install "
          + "openjdk-17-jdk-headless, then /usr/lib/jvm/java-17-openjdk-amd64).");
    }
    return home;
  }

  /** The versions Cassandra 5.0 runs on. */
  static boolean isSupported(int featureVersion) {
    return featureVersion == 11 || featureVersion == 17;
  }

  private int version(Path home, String source) {
    int version = featureVersion(home);
    looked.add((source == null ? "" : source + " ") + home
        + (version < 0 ? " (not a JDK)" : " (JDK " + version + ")"));
    return version;
  }

  /** The JDK's feature version from its {@code release} file, or -1 if it is not a JDK. */
  static int featureVersion(Path home) {
    Path release = home.resolve("release");
    if (!Files.isRegularFile(release) || !Files.isRegularFile(home.resolve("bin/java"))) {
      return -1;
    }
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(release)) {
      props.load(in);
    } catch (IOException | IllegalArgumentException e) {
      return -1;
    }
    String version = props.getProperty("JAVA_VERSION", "").replace("\"", "").strip();
    // Java 8 and older spell it 1.8.0_392.
    String feature = version.startsWith("1.") ? version.substring(2) : version;
    try {
      return Integer.parseInt(feature.split("[.+_-]")[0]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private List<Path> children(Path root) {
    if (!Files.isDirectory(root)) {
      looked.add(root + " (missing)");
      return List.of();
    }
    try (Stream<Path> list = Files.list(root)) {
      return list.sorted().toList();
    } catch (IOException e) {
      looked.add(root + " (unreadable: " + e.getMessage() + ")");
      return List.of();
    }
  }
}
