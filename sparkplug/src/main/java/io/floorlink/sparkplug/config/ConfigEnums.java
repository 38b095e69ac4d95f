package io.floorlink.sparkplug.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Enums written in configuration by their lowercase constant names ({@code sign_and_encrypt}, {@code epoch_ms}). */
public final class ConfigEnums {
    private ConfigEnums() {}

    /** The configuration name of a constant: its name in lowercase. */
    public static String name(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The constant named {@code text}, ignoring case and surrounding blanks.
     *
     * @param what what the value is, for the message, e.g. {@code "security mode"}
     * @throws IllegalArgumentException {@code unknown <what> '<text>' (allowed: a, b, c)}
     */
    public static <E extends Enum<E>> E parse(Class<E> type, String text, String what) {
        for (E e : type.getEnumConstants()) {
            if (name(e).equalsIgnoreCase(text.trim())) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + text + "' (allowed: "
                + Arrays.stream(type.getEnumConstants()).map(ConfigEnums::name).collect(Collectors.joining(", "))
                + ")");
    }
}
