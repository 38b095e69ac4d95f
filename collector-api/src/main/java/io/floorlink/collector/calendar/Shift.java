package io.floorlink.collector.calendar;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A weekly shift in the calendar's local time. It starts on each of its days at {@code start}; an {@code end} at
 * or before {@code start} means it ends the next day (overnight; {@code end == start} is a 24-hour shift).
 *
 * @param name shift name, e.g. {@code day}; never null (defaults to {@code start-end})
 * @param days the weekdays the shift starts on, non-empty
 * @param start local start time, never null
 * @param end local end time, never null
 * @param breaks unscheduled parts inside the shift, never null (may be empty); they must lie inside the shift
 *     and not overlap
 */
public record Shift(String name, Set<DayOfWeek> days, LocalTime start, LocalTime end, List<Break> breaks) {
    public Shift {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (days == null || days.isEmpty()) {
            throw new IllegalArgumentException("days are required, e.g. mon-fri");
        }
        days = Set.copyOf(EnumSet.copyOf(days));
        name = name == null || name.isBlank() ? start + "-" + end : name;
        breaks = breaks == null ? List.of() : List.copyOf(breaks);
        Duration length = offset(start, end, true);
        List<Break> sorted = new ArrayList<>(breaks);
        sorted.sort(Comparator.comparing(b -> offset(start, b.start(), false)));
        Duration previousEnd = Duration.ZERO;
        for (Break b : sorted) {
            Duration bs = offset(start, b.start(), false);
            Duration be = offset(start, b.end(), true);
            if (be.compareTo(bs) <= 0 || be.compareTo(length) > 0) {
                throw new IllegalArgumentException(
                        "break " + b + " is not inside shift " + name + " (" + start + "-" + end + ")");
            }
            if (bs.compareTo(previousEnd) < 0) {
                throw new IllegalArgumentException("break " + b + " overlaps another break of shift " + name);
            }
            previousEnd = be;
        }
    }

    /** True if the shift ends on the day after it starts. */
    public boolean overnight() {
        return !end.isAfter(start);
    }

    /** Local time from the shift start to {@code t}, 0 to 24 h; {@code t == start} is 24 h when {@code atEnd}. */
    static Duration offset(LocalTime shiftStart, LocalTime t, boolean atEnd) {
        Duration d = Duration.between(shiftStart, t);
        if (d.isNegative() || (atEnd && d.isZero())) {
            d = d.plusDays(1);
        }
        return d;
    }
}
