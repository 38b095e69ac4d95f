package io.floorlink.collector.calendar;

import java.time.LocalTime;
import java.util.Objects;

/**
 * A break inside a shift, in the calendar's local time. An end at or before the start crosses midnight, which
 * only an overnight shift can hold.
 *
 * @param start local start time, inclusive, never null
 * @param end local end time, exclusive, never null
 */
public record Break(LocalTime start, LocalTime end) {
    public Break {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (start.equals(end)) {
            throw new IllegalArgumentException("break " + start + "-" + end + " is empty");
        }
    }

    /** Parses {@code HH:mm-HH:mm}, e.g. {@code 12:00-13:00}. */
    public static Break parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("\\s*-\\s*");
        if (parts.length != 2) {
            throw new IllegalArgumentException(
                    "break '" + text + "' is not HH:mm-HH:mm (local start and end, e.g. 12:00-13:00)");
        }
        return new Break(CalendarSyntax.time("break start", parts[0]), CalendarSyntax.time("break end", parts[1]));
    }

    @Override
    public String toString() {
        return start + "-" + end;
    }
}
