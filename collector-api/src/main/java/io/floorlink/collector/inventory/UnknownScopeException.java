package io.floorlink.collector.inventory;

/** A scope parameter that names nothing in the inventory, or more than one thing; the message says which. */
public class UnknownScopeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UnknownScopeException(String message) {
        super(message);
    }
}
