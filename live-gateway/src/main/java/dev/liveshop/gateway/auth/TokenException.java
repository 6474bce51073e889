package dev.liveshop.gateway.auth;

/** A token that is missing, malformed, forged or expired; the message says which. */
public final class TokenException extends Exception {

  private static final long serialVersionUID = 1L;

  public TokenException(String message) {
    super(message);
  }
}
