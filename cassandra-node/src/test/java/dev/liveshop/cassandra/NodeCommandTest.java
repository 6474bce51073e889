package dev.liveshop.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeCommandTest {

  @TempDir
  Path dir;

  @Test
  void of_defaults_hasHeapJdk17OptionsAndProperties() {
    NodeSettings s = NodeSettings.defaults(dir).withNativePort(19042);
    NodeFiles files = new NodeFiles(s.dataDirectory());
    List<String> cmd = NodeCommand.of(s, Path.of("/jdk17"), files, "a.jar:b.jar");
    assertThat(cmd.get(0)).isEqualTo("/jdk17/bin/java");
    assertThat(cmd).contains("-Xms256M", "-Xmx1G", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
        "-XX:MaxDirectMemorySize=512M", "-Djava.net.preferIPv4Stack=true", "-Djdk.attach.allowAttachSelf=true",
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "-Dcassandra-foreground=yes", "-Dcassandra.config=" + files.yaml().toUri(),
        "-Dcassandra.storagedir=" + s.dataDirectory(), "-Dcassandra.logdir=" + files.logs(),
        "-Dcassandra.triggers_dir=" + files.triggers(), "-Dlogback.configurationFile=" + files.logback(),
        "-Dcassandra.ring_delay_ms=1000", "-Dcassandra.skip_wait_for_gossip_to_settle=0",
        "-Dcassandra.superuser_setup_delay_ms=0");
    assertThat(cmd.subList(cmd.size() - 3, cmd.size())).containsExactly("-cp", "a.jar:b.jar", NodeMain.class.getName());
    assertThat(files.yaml().toUri().toString()).startsWith("file:/");
  }

  @Test
  void inOwnSession_withSetsid_prefixesIt_withoutItLeavesTheCommand() {
    List<String> java = List.of("/jdk/bin/java", "-cp", "x", "Main");
    assertThat(NodeCommand.inOwnSession(java, Optional.of(Path.of("/usr/bin/setsid"))))
        .containsExactly("/usr/bin/setsid", "/jdk/bin/java", "-cp", "x", "Main");
    assertThat(NodeCommand.inOwnSession(java, Optional.empty())).isEqualTo(java);
  }

  @Test
  void of_defaults_opensNoJmxPort() {
    NodeSettings s = NodeSettings.defaults(dir);
    assertThat(NodeCommand.of(s, Path.of("/jdk17"), new NodeFiles(s.dataDirectory()), "x.jar"))
        .noneMatch(arg -> arg.contains("jmx.local.port") || arg.contains("jmx.remote.port")
            || arg.contains("jmxremote"));
  }

  @Test
  void classpath_recordedByTheBuild_startsWithOurClassesAndListsExistingJars() {
    String[] entries = NodeCommand.classpath().split(File.pathSeparator);
    assertThat(Path.of(entries[0]).resolve("dev/liveshop/cassandra/NodeMain.class")).exists();
    assertThat(Arrays.stream(entries).skip(1).map(Path::of)).allMatch(Files::isRegularFile);
    assertThat(entries).anyMatch(e -> e.matches(".*/cassandra-all-5\\.0\\.\\d+\\.jar"));
    // The server's own versions, not our parent's managed ones (Netty 4.2, see cassandra-server/pom.xml).
    assertThat(entries).anyMatch(e -> e.matches(".*/netty-common-4\\.1\\.\\d+\\.Final\\.jar"));
  }
}
