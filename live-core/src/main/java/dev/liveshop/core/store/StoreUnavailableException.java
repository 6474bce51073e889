package dev.liveshop.core.store;

/** Cassandra cannot be reached or refused to serve; the message says what to check. */
public final class StoreUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
