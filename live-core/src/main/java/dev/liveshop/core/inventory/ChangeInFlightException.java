package dev.liveshop.core.inventory;

/**
 * An order could not be changed because another change of it is being written (a cancel, a
 * payment, a bundle's rollback): the caller sends the same request again in a moment.
 */
public final class ChangeInFlightException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ChangeInFlightException(String message) {
    super(message);
  }
}
