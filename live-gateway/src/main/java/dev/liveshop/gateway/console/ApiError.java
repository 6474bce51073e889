package dev.liveshop.gateway.console;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A host API request refused before it reaches live-core (no token, not the stream's host,
 * a body that does not parse): thrown on the event loop, answered by {@link HostApiHandler}
 * as {@code {"error": code, "message": ...}} with {@link #status}.
 */
final class ApiError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  final HttpResponseStatus status;
  final String code;

  ApiError(HttpResponseStatus status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  static ApiError notFound(String message) {
    return new ApiError(HttpResponseStatus.NOT_FOUND, "NOT_FOUND", message);
  }

  static ApiError invalid(String message) {
    return new ApiError(HttpResponseStatus.BAD_REQUEST, "INVALID_ARGUMENT", message);
  }
}
