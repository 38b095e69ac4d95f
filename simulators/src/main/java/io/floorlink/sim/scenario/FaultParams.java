package io.floorlink.sim.scenario;

import java.time.Duration;
import java.util.Map;

/** Reads the parameters of a {@code fault} scenario event; every error names the parameter. */
public final class FaultParams {
    private FaultParams() {}

    /** @throws IllegalArgumentException when the parameter is missing */
    public static String text(Map<String, String> params, String key) {
        String v = params.get(key);
        if (v == null) {
            throw new IllegalArgumentException(key + ": required");
        }
        return v;
    }

    /** @throws IllegalArgumentException when the parameter is missing or not a whole number */
    public static int integer(Map<String, String> params, String key) {
        String v = text(params, key);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": expected a whole number, was " + v);
        }
    }

    /** A duration such as {@code 500ms}, {@code -5m}; a leading minus makes it negative (clock skew). */
    public static Duration duration(Map<String, String> params, String key) {
        String v = text(params, key).trim();
        return v.startsWith("-") ? DurationText.parse(v.substring(1)).negated() : DurationText.parse(v);
    }

    /**
     * Runs a fault that happens once.
     *
     * @throws IllegalArgumentException for a {@code clear} of it
     */
    public static void once(String fault, boolean on, Runnable action) {
        if (!on) {
            throw new IllegalArgumentException("fault '" + fault + "' happens once and cannot be cleared");
        }
        action.run();
    }
}
