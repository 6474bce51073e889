package dev.liveshop.cassandra;

import dev.liveshop.cassandra.testing.SharedCassandra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A parent JVM for {@link OrphanIT} to SIGKILL: starts a node on its own ports, writes the
 * node's pid to the file named by {@code args[0]}, and sleeps.
 */
public final class KillableParent {

  private KillableParent() {}

  public static void main(String[] args) throws Exception {
    CassandraNode node = CassandraNode.start(SharedCassandra.freshSettings("orphan"));
    Path pidFile = Path.of(args[0]);
    Path partial = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
    Files.writeString(partial, Long.toString(node.pid()));
    Files.move(partial, pidFile, StandardCopyOption.ATOMIC_MOVE);
    Thread.sleep(Long.MAX_VALUE);
  }
}
