package dev.liveshop.cassandra;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;

/**
 * Main class of the forked node JVM (not for direct use). It starts Cassandra, and exits
 * through Cassandra's own shutdown hook, which drains the node, as soon as its stdin closes:
 * the parent holds the other end of that pipe and never writes to it, so end of stream means
 * the parent is gone, even after a SIGKILL that ran none of its shutdown hooks.
 *
 * <p>JDK-only code: Cassandra is on the child's classpath, not on this module's, so it is
 * started by reflection. Threads: {@code main} starts Cassandra (whose own threads keep the
 * JVM alive); the daemon thread {@code parent-watchdog} blocks on stdin.
 */
public final class NodeMain {

  private static final String DAEMON = "org.apache.cassandra.service.CassandraDaemon";

  private NodeMain() {}

  public static void main(String[] args) {
    Thread watchdog = new Thread(NodeMain::exitWhenParentGone, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    try {
      Class.forName(DAEMON).getMethod("main", String[].class).invoke(null, (Object) args);
    } catch (ReflectiveOperationException | RuntimeException | Error e) {
      // Cassandra reports its own start failures and exits; this is for a failure before that
      // (a broken classpath). Exit now so the parent sees a dead node, not a silent one at its
      // timeout; stderr goes to logs/node-stdout.log.
      Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
      Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), cause);
      System.exit(3);
    }
  }

  private static void exitWhenParentGone() {
    try {
      while (System.in.read() >= 0) {
        // The parent never writes; we only wait for the end of the stream.
      }
    } catch (IOException e) {
      // A broken pipe means the same as end of stream: the parent is gone.
    }
    System.exit(0);
  }
}
