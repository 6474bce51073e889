package dev.liveshop.cassandra;

import java.io.IOException;

/**
 * Main class of the forked node JVM: starts Cassandra and exits (through Cassandra's own
 * shutdown hook, which drains) as soon as its stdin closes, that is as soon as the parent
 * is gone, even after a SIGKILL. This class uses the JDK only; Cassandra is on the child's
 * classpath, not on ours, so it is started by reflection.
 */
public final class NodeMain {

  private NodeMain() {}

  public static void main(String[] args) throws Exception {
    Thread watchdog = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // The parent never writes; we only wait for end of stream.
        }
      } catch (IOException e) {
        // A broken pipe means the same as end of stream: the parent is gone.
      }
      System.exit(0);
    }, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    Class.forName("org.apache.cassandra.service.CassandraDaemon").getMethod("main", String[].class)
        .invoke(null, (Object) args);
  }
}
