package io.floorlink.edge.config;

/**
 * A validation failure of a configuration record that knows the field it is about, as a JSON pointer such as
 * {@code /connectors/1/devices/0/id}; {@link EdgeConfig#load} turns the pointer into the file line of that field.
 */
public final class ConfigPlaceException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String pointer;

    /**
     * @param pointer JSON pointer of the offending field, never null
     * @param message what is wrong; it should start with the field path ({@code connectors[1].devices[0].id:})
     */
    public ConfigPlaceException(String pointer, String message) {
        super(message);
        this.pointer = pointer;
    }

    /** JSON pointer of the offending field. */
    public String pointer() {
        return pointer;
    }
}
