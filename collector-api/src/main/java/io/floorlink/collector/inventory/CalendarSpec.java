package io.floorlink.collector.inventory;

import io.floorlink.collector.calendar.Break;
import io.floorlink.collector.calendar.CalendarSyntax;
import io.floorlink.collector.calendar.MakeUpDay;
import io.floorlink.collector.calendar.Shift;
import io.floorlink.collector.calendar.ShiftCalendar;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A shift calendar as written in the inventory ({@code calendars:} in YAML, or the calendar sheets of CSV/XLSX):
 * text forms checked on construction. {@link #toCalendar} builds the {@link ShiftCalendar}.
 *
 * @param id calendar id, never null
 * @param timezone IANA zone of the shift times; null means the enterprise's
 * @param shifts weekly shifts, never null (may be empty)
 * @param holidays dates or inclusive ranges {@code 2026-10-01..2026-10-07}, never null
 * @param makeUpDays extra working days (调休), never null
 */
public record CalendarSpec(
        String id, String timezone, List<ShiftSpec> shifts, List<String> holidays, List<MakeUpDaySpec> makeUpDays) {

    /**
     * One weekly shift.
     *
     * @param name shift name; null means {@code start-end}
     * @param days weekdays it starts on, e.g. {@code mon-sat}, {@code mon,wed,fri}, {@code daily}
     * @param start local start {@code HH:mm}
     * @param end local end {@code HH:mm}; at or before start means the next day
     * @param breaks {@code HH:mm-HH:mm} breaks inside the shift, nullable
     */
    public record ShiftSpec(String name, String days, String start, String end, List<String> breaks) {
        public ShiftSpec {
            breaks = breaks == null ? List.of() : List.copyOf(breaks);
            toShift(name, days, start, end, breaks);
        }

        Shift toShift() {
            return toShift(name, days, start, end, breaks);
        }

        private static Shift toShift(String name, String days, String start, String end, List<String> breaks) {
            if (start == null || start.isBlank()) {
                throw new IllegalArgumentException("start is required, e.g. 08:00");
            }
            if (end == null || end.isBlank()) {
                throw new IllegalArgumentException("end is required, e.g. 17:30 (at or before start: the next day)");
            }
            return new Shift(
                    name,
                    CalendarSyntax.days(days),
                    CalendarSyntax.time("start", start),
                    CalendarSyntax.time("end", end),
                    breaks.stream().map(Break::parse).toList());
        }

        static ShiftSpec of(Shift s) {
            return new ShiftSpec(
                    s.name(),
                    CalendarSpec.dayList(s.days()),
                    s.start().toString(),
                    s.end().toString(),
                    s.breaks().stream().map(Break::toString).toList());
        }
    }

    /**
     * An extra working day.
     *
     * @param date the date {@code YYYY-MM-DD}
     * @param as the weekday whose shifts run, e.g. {@code mon}
     */
    public record MakeUpDaySpec(String date, String as) {
        public MakeUpDaySpec {
            toMakeUpDay(date, as);
        }

        MakeUpDay toMakeUpDay() {
            return toMakeUpDay(date, as);
        }

        private static MakeUpDay toMakeUpDay(String date, String as) {
            if (as == null || as.isBlank()) {
                throw new IllegalArgumentException(
                        "as is required: the weekday whose shifts run on the make-up day " + date + ", e.g. mon");
            }
            return new MakeUpDay(CalendarSyntax.date(date), CalendarSyntax.day(as));
        }
    }

    public CalendarSpec {
        Ids.require("id", id);
        timezone = timezone == null || timezone.isBlank() ? null : timezone.trim();
        shifts = shifts == null ? List.of() : List.copyOf(shifts);
        holidays = holidays == null ? List.of() : List.copyOf(holidays);
        makeUpDays = makeUpDays == null ? List.of() : List.copyOf(makeUpDays);
        build(id, timezone, shifts, holidays, makeUpDays, ZoneOffset.UTC);
    }

    /**
     * Builds the calendar.
     *
     * @param enterpriseZone zone used when the calendar names none
     * @throws IllegalArgumentException if a part is invalid (never for a spec that was constructed)
     */
    public ShiftCalendar toCalendar(ZoneId enterpriseZone) {
        return build(id, timezone, shifts, holidays, makeUpDays, enterpriseZone);
    }

    private static ShiftCalendar build(
            String id,
            String timezone,
            List<ShiftSpec> shifts,
            List<String> holidays,
            List<MakeUpDaySpec> makeUpDays,
            ZoneId enterpriseZone) {
        ZoneId zone = timezone == null ? enterpriseZone : CalendarSyntax.zone(timezone);
        Set<LocalDate> days = new LinkedHashSet<>();
        for (String h : holidays) {
            days.addAll(CalendarSyntax.dates(h));
        }
        List<MakeUpDay> extra = new ArrayList<>();
        for (MakeUpDaySpec m : makeUpDays) {
            extra.add(m.toMakeUpDay());
        }
        return new ShiftCalendar(
                id, zone, shifts.stream().map(ShiftSpec::toShift).toList(), days, extra);
    }

    /** The spec of a calendar, holidays listed one date each. */
    public static CalendarSpec of(ShiftCalendar c) {
        return new CalendarSpec(
                c.id(),
                c.zone().getId(),
                c.shifts().stream().map(ShiftSpec::of).toList(),
                c.holidays().stream().sorted().map(LocalDate::toString).toList(),
                c.makeUpDays().entrySet().stream()
                        .sorted(java.util.Map.Entry.comparingByKey())
                        .map(e -> new MakeUpDaySpec(e.getKey().toString(), shortName(e.getValue())))
                        .toList());
    }

    private static String dayList(Set<DayOfWeek> days) {
        return String.join(
                ",", days.stream().sorted().map(CalendarSpec::shortName).toList());
    }

    private static String shortName(DayOfWeek d) {
        return d.name().substring(0, 3).toLowerCase(Locale.ROOT);
    }
}
