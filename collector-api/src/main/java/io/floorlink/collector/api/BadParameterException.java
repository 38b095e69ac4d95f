package io.floorlink.collector.api;

/** A request parameter that cannot be used; answered with HTTP 400 naming the parameter and why. */
public class BadParameterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String parameter;

    public BadParameterException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    /** The query or path parameter at fault, e.g. {@code from}. */
    public String parameter() {
        return parameter;
    }
}
