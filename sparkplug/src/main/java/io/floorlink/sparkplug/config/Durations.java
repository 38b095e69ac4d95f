package io.floorlink.sparkplug.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as written in FloorLink configuration: a number and a unit, {@code 500ms}, {@code 1.5s}, {@code 10m}. */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

    private Durations() {}

    /**
     * Parses a duration with one of the units ms, s, m, h, d (ISO-8601 {@code PT10S} is accepted too).
     *
     * @throws IllegalArgumentException for a missing unit or a malformed value, saying the expected form
     */
    public static Duration parse(String text) {
        String t = text.trim();
        if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
            return Duration.parse(t);
        }
        Matcher m = FORMAT.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a duration; write a number with a unit (ms, s, m, h, d), e.g. 500ms or 10s");
        }
        BigDecimal n = new BigDecimal(m.group(1));
        BigDecimal millisPerUnit =
                switch (m.group(2)) {
                    case "ms" -> BigDecimal.ONE;
                    case "s" -> BigDecimal.valueOf(1_000);
                    case "m" -> BigDecimal.valueOf(60_000);
                    case "h" -> BigDecimal.valueOf(3_600_000);
                    default -> BigDecimal.valueOf(86_400_000);
                };
        return Duration.ofMillis(n.multiply(millisPerUnit).longValueExact());
    }

    /** Formats the way configuration writes it: the largest unit that divides the value exactly. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms != 0 && ms % 1_000 == 0) {
            return ms / 1_000 + "s";
        }
        return ms + "ms";
    }
}
