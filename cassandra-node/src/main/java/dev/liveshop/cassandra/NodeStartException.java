package dev.liveshop.cassandra;

/** The node could not start; the message says why and what to do about it. */
public final class NodeStartException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public NodeStartException(String message) {
    super(message);
  }

  public NodeStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
