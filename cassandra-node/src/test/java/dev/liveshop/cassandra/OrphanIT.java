package dev.liveshop.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A SIGKILLed parent runs no shutdown hook; its node must still exit by itself. */
class OrphanIT {

  private static final Logger log = LoggerFactory.getLogger(OrphanIT.class);

  @Test
  void parentKilled_nodeExitsByItself() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "cassandra-it"));
    Path pidFile = dir.resolve("orphan-" + ProcessHandle.current().pid() + ".pid");
    Files.deleteIfExists(pidFile);
    Path parentLog = dir.resolve("orphan-parent-" + ProcessHandle.current().pid() + ".log");
    Process parent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), KillableParent.class.getName(), pidFile.toString())
        .redirectErrorStream(true)
        .redirectOutput(parentLog.toFile())
        .start();
    Optional<ProcessHandle> node = Optional.empty();
    try {
      long nodePid = awaitPid(pidFile, parent, parentLog);
      node = ProcessHandle.of(nodePid);
      assertThat(node).as("node pid %d", nodePid).isPresent();

      parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no hooks run
      long killed = System.nanoTime();
      try {
        node.get().onExit().get(60, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        fail("the node (pid %d) is still running 60 s after its parent was killed", nodePid);
      }
      log.info("node pid {} exited {} ms after its parent was SIGKILLed", nodePid,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
    } finally {
      parent.destroyForcibly();
      node.ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private static long awaitPid(Path pidFile, Process parent, Path parentLog) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(pidFile)) {
      if (!parent.isAlive() || System.nanoTime() > deadline) {
        fail("the parent JVM did not start a node; its output:%n%s", read(parentLog));
      }
      Thread.sleep(100);
    }
    return Long.parseLong(Files.readString(pidFile).strip());
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "(none)";
  }
}
