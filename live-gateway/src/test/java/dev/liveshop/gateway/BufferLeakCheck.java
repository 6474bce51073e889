package dev.liveshop.gateway;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails the test that leaked a Netty buffer. Netty's leak detector only logs {@code LEAK:}
 * (at ERROR), which no test notices; this extension installs a detector that records each
 * report instead, and after each test collects the garbage, has the detector process what
 * the collection found (the detector reports only when it tracks a new buffer) and fails
 * the test with the leak's access records.
 *
 * <p>Registered for every unit test of the gateway by autodetection (Surefire's
 * configuration parameter, {@code META-INF/services}); it must be loaded before any
 * {@code ByteBuf} class, whose detector is made once, when that class initialises. A leak
 * the test still held in a field at its end shows up in a later test of the same class.
 *
 * <p>Threading: detectors report on whichever thread allocates (test, event loops, gRPC);
 * reports go to a concurrent queue, drained on the test's thread.
 */
public final class BufferLeakCheck implements BeforeEachCallback, AfterEachCallback {

  private static final Queue<String> REPORTS = new ConcurrentLinkedQueue<>();
  private static volatile boolean byteBufDetectorInstalled;

  static {
    // Every allocation tracked and every pending leak reported at the next allocation.
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
      @Override
      public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
          long maxActive) {
        return new RecordingDetector<>(resource, samplingInterval);
      }
    });
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    PooledByteBufAllocator.DEFAULT.directBuffer(1).release();
    if (!byteBufDetectorInstalled) {
      throw new IllegalStateException("ByteBuf's leak detector was made before " + BufferLeakCheck.class.getName()
          + " was loaded, so leaks cannot fail tests: register it by autodetection "
          + "(junit.jupiter.extensions.autodetection.enabled=true), not on a test class");
    }
    REPORTS.clear();
  }

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    List<String> leaks = collectLeaks();
    if (!leaks.isEmpty()) {
      throw new AssertionError(leaks.size() + " leaked buffer(s), released never (Netty's leak report):\n"
          + String.join("\n", leaks));
    }
  }

  /** The leaks reported once everything unreachable so far has been collected. */
  static List<String> collectLeaks() throws InterruptedException {
    // Two collections: the sentinel of the second is queued only after the Reference Handler
    // has queued every reference the first one found (it takes the pending lists in order).
    collectGarbage();
    collectGarbage();
    // At PARANOID each allocation first reports the leaks queued since the last one.
    PooledByteBufAllocator.DEFAULT.directBuffer(1).release();
    List<String> leaks = new ArrayList<>();
    String leak;
    while ((leak = REPORTS.poll()) != null) {
      leaks.add(leak);
    }
    return leaks;
  }

  private static void collectGarbage() throws InterruptedException {
    ReferenceQueue<Object> queue = new ReferenceQueue<>();
    WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
    System.gc();
    // A bound for a broken JVM setting (-XX:+DisableExplicitGC), not a wait the test relies on.
    if (queue.remove(60_000) == null) {
      throw new IllegalStateException("System.gc() collected nothing in 60 s: is -XX:+DisableExplicitGC set?");
    }
    Reference.reachabilityFence(sentinel);
  }

  /** Records leak reports (and still logs them) whatever the logging configuration. */
  private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {

    RecordingDetector(Class<?> resource, int samplingInterval) {
      super(resource, samplingInterval);
      if (resource == io.netty.buffer.ByteBuf.class) {
        byteBufDetectorInstalled = true;
      }
    }

    @Override
    protected boolean needReport() {
      return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      REPORTS.add(resourceType + ":" + records);
      super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      REPORTS.add(resourceType + " (no access records)");
      super.reportUntracedLeak(resourceType);
    }
  }
}
