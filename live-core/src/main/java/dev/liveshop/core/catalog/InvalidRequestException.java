package dev.liveshop.core.catalog;

/** A request field out of range; the message names the field and the accepted values. */
public final class InvalidRequestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(message);
  }
}
