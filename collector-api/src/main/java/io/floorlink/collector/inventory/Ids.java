package io.floorlink.collector.inventory;

import java.util.regex.Pattern;

/** Identifier rules shared by every inventory level and calendars; ids travel as Sparkplug ids and URL path segments. */
public final class Ids {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private Ids() {}

    /** Returns {@code id} if valid; otherwise throws {@link IllegalArgumentException} naming {@code field}. */
    public static String require(String field, String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    field + " '" + id
                            + "' must be 1-128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return id;
    }
}
