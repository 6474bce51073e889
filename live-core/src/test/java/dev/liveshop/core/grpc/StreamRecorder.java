package dev.liveshop.core.grpc;

import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Records what a response stream sends until it ends (completed or failed). */
public final class StreamRecorder<T> implements StreamObserver<T> {

  public final List<T> values = new CopyOnWriteArrayList<>();
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile Throwable error;

  @Override
  public void onNext(T value) {
    values.add(value);
  }

  @Override
  public void onError(Throwable t) {
    error = t;
    ended.countDown();
  }

  @Override
  public void onCompleted() {
    ended.countDown();
  }

  /** How the stream failed, or null (not ended, or completed). */
  public Throwable error() {
    return error;
  }

  /** Whether the stream ended within {@code seconds}. */
  public boolean awaitEnd(long seconds) throws InterruptedException {
    return ended.await(seconds, TimeUnit.SECONDS);
  }
}
