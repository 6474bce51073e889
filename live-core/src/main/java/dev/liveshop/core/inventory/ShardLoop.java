package dev.liveshop.core.inventory;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread of a shard: drains a multi-producer single-consumer queue of tasks in
 * batches and runs a periodic tick. It parks only when the queue is empty, and producers
 * unpark it only then, so under load a hand-off costs one lock-free queue offer instead
 * of a lock and a signal per task.
 *
 * <p>Threading: {@link #execute} from any thread; tasks and the tick run on this loop's
 * thread only, never concurrently.
 */
final class ShardLoop implements Executor, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ShardLoop.class);
  private static final int SPINS_BEFORE_PARK = 64;

  private final MpscUnboundedXaddArrayQueue<Runnable> tasks = new MpscUnboundedXaddArrayQueue<>(1024);
  private final Runnable tick;
  private final long tickNanos;
  private final Thread thread;
  private volatile boolean parked;
  private volatile boolean running = true;
  /** Ticks run so far; written by this loop's thread only. */
  private volatile long ticks;

  ShardLoop(String name, Runnable tick, long tickMillis) {
    this.tick = tick;
    this.tickNanos = TimeUnit.MILLISECONDS.toNanos(tickMillis);
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void execute(Runnable task) {
    if (!running) {
      throw new RejectedExecutionException(thread.getName() + " is closed");
    }
    tasks.offer(task);
    if (parked) {
      LockSupport.unpark(thread);
    }
  }

  private void run() {
    long nextTick = System.nanoTime() + tickNanos;
    int idle = 0;
    while (running) {
      int drained = tasks.drain(ShardLoop::runQuietly, 4096);
      long now = System.nanoTime();
      if (now - nextTick >= 0) {
        runQuietly(tick);
        ticks++;
        nextTick = now + tickNanos;
      }
      if (drained > 0) {
        idle = 0;
      } else if (++idle > SPINS_BEFORE_PARK) {
        parked = true;
        // Re-check after announcing the park: a producer that offered before seeing
        // parked == true is caught here; one that offered after will unpark us.
        if (tasks.isEmpty() && running) {
          LockSupport.parkNanos(this, Math.max(1, nextTick - System.nanoTime()));
        }
        parked = false;
      } else {
        Thread.onSpinWait();
      }
    }
  }

  /** Ticks this loop has run (each after draining the tasks queued before it). */
  long ticks() {
    return ticks;
  }

  private static void runQuietly(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      // A task's failure must not end the loop that owns every sale of this shard.
      log.error("inventory task failed on {}", Thread.currentThread().getName(), e);
    }
  }

  /** Stops after the current batch; waits up to 5 s for the thread to end. */
  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
