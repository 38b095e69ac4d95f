package io.floorlink.collector.calendar;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Objects;

/**
 * An extra working day (调休): on {@code date} the shifts of weekday {@code as} run, e.g. a Saturday worked like
 * a Monday.
 *
 * @param date the local date, never null
 * @param as the weekday whose shifts run that day, never null
 */
public record MakeUpDay(LocalDate date, DayOfWeek as) {
    public MakeUpDay {
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(as, "as is required: the weekday whose shifts run on the make-up day, e.g. mon");
    }
}
