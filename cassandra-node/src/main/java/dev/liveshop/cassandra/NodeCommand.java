package dev.liveshop.cassandra;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The command line of the node's JVM: JDK 17 options, heap, system properties, and the
 * classpath, which is cassandra-all's own dependency tree (recorded at build time by the
 * {@code cassandra-server} module) plus this module's classes for {@link NodeMain}. Stateless.
 */
final class NodeCommand {

  /** Written by cassandra-server's build (maven-dependency-plugin:build-classpath); on our classpath. */
  static final String SERVER_CLASSPATH = "dev/liveshop/cassandra/cassandra-server.classpath";

  /** From Cassandra's conf/jvm17-server.options (not in the jar): without them it dies at once on JDK 17. */
  private static final List<String> JDK17_OPTIONS = List.of(
      "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
      "--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
      "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
      "--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED",
      "--add-exports=java.sql/java.sql=ALL-UNNAMED",
      "--add-exports=java.base/java.lang.ref=ALL-UNNAMED",
      "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
      "--add-exports=jdk.attach/sun.tools.attach=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.module=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.math=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.module=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
      "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
      "-Djdk.attach.allowAttachSelf=true");

  private NodeCommand() {}

  /**
   * The full command. No JMX option on purpose: Cassandra 5.0 opens a JMX port only when
   * {@code cassandra.jmx.local.port} or {@code cassandra.jmx.remote.port} is set (its
   * {@code cassandra-env.sh} sets 7199, we do not run that script), so two nodes on one
   * machine never fight over 7199 and there is no third port to reserve.
   */
  static List<String> of(NodeSettings s, Path javaHome, NodeFiles files, String classpath) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaHome.resolve("bin/java").toString());
    cmd.addAll(List.of("-Xms" + s.initialHeap(), "-Xmx" + s.maxHeap(), "-XX:+UseG1GC",
        "-XX:+ExitOnOutOfMemoryError", "-XX:MaxDirectMemorySize=512M", "-Djava.net.preferIPv4Stack=true"));
    cmd.addAll(JDK17_OPTIONS);
    cmd.addAll(List.of(
        "-Dcassandra-foreground=yes",
        "-Dcassandra.config=" + files.yaml().toUri(),
        "-Dcassandra.storagedir=" + s.dataDirectory(),
        "-Dcassandra.logdir=" + files.logs(),
        "-Dcassandra.triggers_dir=" + files.triggers(),
        "-Dlogback.configurationFile=" + files.logback(),
        // The default 30 s ring delay makes a first start of one node take over 40 s. A node
        // joining others needs longer: its gossip shadow round with the seeds must finish
        // within the delay, which 1 s does not always allow on two busy cores.
        "-Dcassandra.ring_delay_ms=" + (s.joinsOthers() ? 5000 : 1000),
        "-Dcassandra.skip_wait_for_gossip_to_settle=0",
        "-Dcassandra.superuser_setup_delay_ms=0"));
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(NodeMain.class.getName());
    return cmd;
  }

  /** Where Debian and most Linux distributions install util-linux's setsid. */
  private static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

  /**
   * The command run through {@code setsid} where it exists, so that the node is in a session
   * (and process group) of its own: a terminal's Ctrl-C signals the foreground process group,
   * and would otherwise stop the node at once, while its parent still drains writes into it.
   * The parent stops it in its turn, and its stdin still ends with the parent. A child of a
   * JVM is no process group leader, so setsid execs in place: the process's pid stays the
   * node JVM's, which is what {@link CassandraNode#pid} and {@code destroy} act on.
   */
  static List<String> inOwnSession(List<String> command) {
    return inOwnSession(command, SETSID.stream().filter(Files::isExecutable).findFirst());
  }

  static List<String> inOwnSession(List<String> command, Optional<Path> setsid) {
    if (setsid.isEmpty()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(command.size() + 1);
    wrapped.add(setsid.get().toString());
    wrapped.addAll(command);
    return wrapped;
  }

  /**
   * This module's classes (for NodeMain) followed by the server's recorded classpath. Fails when
   * the record is missing or points at jars that are gone (a cleaned local Maven repository).
   */
  static String classpath() {
    String server;
    try (InputStream in = NodeCommand.class.getClassLoader().getResourceAsStream(SERVER_CLASSPATH)) {
      if (in == null) {
        throw new NodeStartException(SERVER_CLASSPATH + " is not on the classpath. It comes from the "
            + "cassandra-server module: build it (./mvnw -q install -DskipTests -pl cassandra-server) and keep "
            + "dev.liveshop:cassandra-server on the classpath (cassandra-node depends on it).");
      }
      server = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new NodeStartException("cannot read " + SERVER_CLASSPATH + ": " + e.getMessage()
          + ". Rebuild cassandra-server (./mvnw -q install -DskipTests -pl cassandra-server).", e);
    }
    List<String> missing = Arrays.stream(server.split(File.pathSeparator))
        .filter(entry -> !Files.exists(Path.of(entry)))
        .limit(3)
        .toList();
    if (server.isEmpty() || !missing.isEmpty()) {
      throw new NodeStartException("the Cassandra server's recorded classpath points at jars that are not there "
          + (server.isEmpty() ? "(it is empty)" : missing.toString()) + ". Download them again by rebuilding "
          + "cassandra-server (./mvnw -q install -DskipTests -pl cassandra-server).");
    }
    return self() + File.pathSeparator + server;
  }

  /**
   * Where the node's JVM finds NodeMain: the jar or classes directory it was loaded from, or,
   * when that is a fat jar (the benchmarks' shaded jar, whose Guava would shadow Cassandra's),
   * a directory holding NodeMain alone. NodeMain uses nothing but the JDK, so it runs alone.
   */
  private static Path self() {
    Path location;
    try {
      location = Path.of(NodeMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      throw new NodeStartException("cannot locate the cassandra-node classes for the node's JVM (" + e
          + "); run from a normal jar or classes directory, not a nested jar.", e);
    }
    if (Files.isDirectory(location) || location.getFileName().toString().startsWith("cassandra-node")) {
      return location;
    }
    return nodeMainAlone();
  }

  private static Path nodeMainAlone() {
    String resource = NodeMain.class.getName().replace('.', '/') + ".class";
    try (InputStream in = NodeCommand.class.getClassLoader().getResourceAsStream(resource)) {
      Path dir = Files.createTempDirectory("liveshop-node-main");
      Path file = dir.resolve(resource);
      Files.createDirectories(file.getParent());
      Files.copy(in, file);
      return dir;
    } catch (IOException | RuntimeException e) {
      throw new NodeStartException("cannot copy NodeMain out of " + NodeMain.class.getProtectionDomain()
          .getCodeSource().getLocation() + " for the node's JVM: " + e, e);
    }
  }
}
