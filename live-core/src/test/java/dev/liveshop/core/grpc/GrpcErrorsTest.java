package dev.liveshop.core.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.liveshop.core.catalog.InvalidRequestException;
import dev.liveshop.core.catalog.NotFoundException;
import dev.liveshop.core.inventory.ChangeInFlightException;
import dev.liveshop.core.store.StoreUnavailableException;
import io.grpc.Status;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Each failure reaches the caller with the code it acts on: fix the request, look elsewhere, or retry. */
class GrpcErrorsTest {

  @Test
  void aChangeInFlight_isUnavailable_soTheCallerRetries() {
    Status status = GrpcErrors.toStatus(new CompletionException(new ChangeInFlightException("send it again")))
        .getStatus();
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getDescription()).isEqualTo("send it again");
  }

  @Test
  void requestAndStoreFailures_mapToTheirCodes() {
    assertThat(GrpcErrors.toStatus(new InvalidRequestException("bad")).getStatus().getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(GrpcErrors.toStatus(new NotFoundException("none")).getStatus().getCode())
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(GrpcErrors.toStatus(new StoreUnavailableException("down", null)).getStatus().getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void anythingElse_isInternal() {
    assertThat(GrpcErrors.toStatus(new IllegalStateException("bug")).getStatus().getCode())
        .isEqualTo(Status.Code.INTERNAL);
  }
}
