package io.floorlink.sim.scenario;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations of simulator configuration and scenarios: a number and a unit, e.g. "500ms", "10s", "1.5m". */
public final class DurationText {

    private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private DurationText() {}

    /**
     * Parses a duration written as a non-negative number followed by one of the units {@code ms}, {@code s},
     * {@code m} or {@code h}.
     *
     * @param text the text, not null
     * @return the duration, rounded down to whole milliseconds
     * @throws IllegalArgumentException if the text is not of that form; the message says what is expected
     */
    public static Duration parse(String text) {
        Matcher matcher = FORMAT.matcher(text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(
                    "invalid duration '" + text + "': expected a number and a unit ms, s, m or h, e.g. 500ms, 10s, 2m");
        }
        BigDecimal amount = new BigDecimal(matcher.group(1));
        long millisPerUnit =
                switch (matcher.group(2)) {
                    case "ms" -> 1L;
                    case "s" -> 1_000L;
                    case "m" -> 60_000L;
                    default -> 3_600_000L;
                };
        return Duration.ofMillis(
                amount.multiply(BigDecimal.valueOf(millisPerUnit)).longValue());
    }
}
