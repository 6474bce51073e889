package dev.liveshop.core.catalog;

/** A stream, product, sale or order id that names nothing. */
public final class NotFoundException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(message);
  }
}
