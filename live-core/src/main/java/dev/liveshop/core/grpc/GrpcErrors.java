package dev.liveshop.core.grpc;

import com.datastax.oss.driver.api.core.DriverException;
import dev.liveshop.core.catalog.InvalidRequestException;
import dev.liveshop.core.catalog.NotFoundException;
import dev.liveshop.core.inventory.ChangeInFlightException;
import dev.liveshop.core.store.StoreUnavailableException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a unary call and turns its exceptions into gRPC statuses with a readable description. */
final class GrpcErrors {

  private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);

  private GrpcErrors() {}

  /**
   * How a long-lived call (room bus, stock, reservation stream) ends when this live-core
   * shuts down: UNAVAILABLE is what a gateway resubscribes or retries on.
   */
  static Status shuttingDown() {
    return Status.UNAVAILABLE.withDescription("live-core is shutting down: subscribe again or retry (a restarted "
        + "live-core, or the shard that then holds the stream or sale)");
  }

  static <T> void answer(StreamObserver<T> observer, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      observer.onError(toStatus(e));
      return;
    }
    observer.onNext(result);
    observer.onCompleted();
  }

  static StatusRuntimeException toStatus(Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof StatusRuntimeException status) {
      return status;
    }
    if (cause instanceof InvalidRequestException) {
      return Status.INVALID_ARGUMENT.withDescription(cause.getMessage()).asRuntimeException();
    }
    if (cause instanceof NotFoundException) {
      return Status.NOT_FOUND.withDescription(cause.getMessage()).asRuntimeException();
    }
    if (cause instanceof ChangeInFlightException) {
      return Status.UNAVAILABLE.withDescription(cause.getMessage()).asRuntimeException();
    }
    if (cause instanceof StoreUnavailableException || cause instanceof DriverException) {
      log.warn("store call failed: {}", cause.toString());
      return Status.UNAVAILABLE.withDescription("order store unavailable, retry: " + cause.getMessage())
          .asRuntimeException();
    }
    log.error("unexpected failure in a gRPC call", cause);
    return Status.INTERNAL.withDescription(cause.toString()).asRuntimeException();
  }
}
