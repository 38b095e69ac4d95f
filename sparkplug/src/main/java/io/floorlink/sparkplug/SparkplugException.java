package io.floorlink.sparkplug;

/** A topic or payload that breaks the Sparkplug B 3.0 rules; the message says which rule and where. */
public class SparkplugException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SparkplugException(String message) {
        super(message);
    }

    public SparkplugException(String message, Throwable cause) {
        super(message, cause);
    }
}
