package dev.liveshop.core.inventory;

/**
 * A host's change to an open sale. {@code quantity} is the new total for
 * {@link Action#RESTOCK} and ignored otherwise.
 */
public record SaleChange(Action action, int quantity) {

  public enum Action {
    PAUSE,
    RESUME,
    /** End the sale now; holds already made stay valid until paid or lapsed. */
    STOP,
    RESTOCK
  }
}
