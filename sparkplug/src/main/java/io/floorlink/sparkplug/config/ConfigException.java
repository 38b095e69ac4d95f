package io.floorlink.sparkplug.config;

/**
 * A configuration file that cannot be used. The message starts with the place, {@code file:line:column:
 * field.path:}, followed by what is wrong.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
