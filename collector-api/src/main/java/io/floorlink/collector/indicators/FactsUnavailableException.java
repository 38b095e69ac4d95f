package io.floorlink.collector.indicators;

/** The facts store could not be read (connection refused, query failed); indicators cannot be computed. */
public class FactsUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FactsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
