package io.floorlink.collector.calendar;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text forms of calendar parts, shared by the YAML, CSV and XLSX inventory readers. Every parser throws
 * {@link IllegalArgumentException} with a message that shows the expected form.
 */
public final class CalendarSyntax {
    private static final Pattern TIME = Pattern.compile("(\\d{1,2}):(\\d{2})(?::(\\d{2}))?");
    private static final Map<String, DayOfWeek> DAYS = Map.of(
            "mon", DayOfWeek.MONDAY,
            "tue", DayOfWeek.TUESDAY,
            "wed", DayOfWeek.WEDNESDAY,
            "thu", DayOfWeek.THURSDAY,
            "fri", DayOfWeek.FRIDAY,
            "sat", DayOfWeek.SATURDAY,
            "sun", DayOfWeek.SUNDAY);
    /** Longest holiday range one entry may span; a typo in a year would otherwise create thousands of dates. */
    private static final int MAX_RANGE_DAYS = 366;

    private CalendarSyntax() {}

    /**
     * A local time {@code HH:mm} or {@code HH:mm:ss}; {@code 24:00} means midnight at the end of the day.
     *
     * @param what what the time is, for the message (e.g. {@code shift start})
     */
    public static LocalTime time(String what, String text) {
        Matcher m = text == null ? null : TIME.matcher(text.trim());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException(what + " '" + text + "' is not a local time HH:mm (e.g. 08:00, 22:30)");
        }
        int h = Integer.parseInt(m.group(1));
        int min = Integer.parseInt(m.group(2));
        int s = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        if (h == 24 && min == 0 && s == 0) {
            return LocalTime.MIDNIGHT;
        }
        if (h > 23 || min > 59 || s > 59) {
            throw new IllegalArgumentException(what + " '" + text + "' is not a time of day (00:00 to 24:00)");
        }
        return LocalTime.of(h, min, s);
    }

    /** One weekday: {@code mon} .. {@code sun} (full English names accepted, any case). */
    public static DayOfWeek day(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        DayOfWeek d = t.length() >= 3 ? DAYS.get(t.substring(0, 3)) : null;
        if (d == null || !(t.length() == 3 || d.name().toLowerCase(Locale.ROOT).equals(t))) {
            throw new IllegalArgumentException("'" + text + "' is not a weekday (mon, tue, wed, thu, fri, sat, sun)");
        }
        return d;
    }

    /**
     * Weekdays as a comma-separated list of days and ranges, e.g. {@code mon-sat}, {@code mon-fri,sun}, {@code
     * fri-mon} (wrapping over the week end), {@code daily}.
     */
    public static Set<DayOfWeek> days(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("days are required, e.g. mon-fri, mon-sat, daily or mon,wed,fri");
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("daily") || t.equals("all")) {
            return EnumSet.allOf(DayOfWeek.class);
        }
        Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
        for (String part : t.split("\\s*,\\s*")) {
            String[] range = part.split("\\s*-\\s*");
            if (range.length == 1) {
                out.add(day(range[0]));
            } else if (range.length == 2) {
                DayOfWeek d = day(range[0]);
                DayOfWeek last = day(range[1]);
                out.add(d);
                while (d != last) {
                    d = d.plus(1);
                    out.add(d);
                }
            } else {
                throw new IllegalArgumentException(
                        "days '" + text + "': '" + part + "' is not a day or a range mon-fri");
            }
        }
        return out;
    }

    /** An ISO date {@code 2026-10-01}. */
    public static LocalDate date(String text) {
        try {
            return LocalDate.parse(text == null ? "" : text.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a date YYYY-MM-DD (e.g. 2026-10-01)");
        }
    }

    /** A date {@code 2026-10-01} or an inclusive range {@code 2026-10-01..2026-10-07}. */
    public static List<LocalDate> dates(String text) {
        String t = text == null ? "" : text.trim();
        int dots = t.indexOf("..");
        if (dots < 0) {
            return List.of(date(t));
        }
        LocalDate first = date(t.substring(0, dots));
        LocalDate last = date(t.substring(dots + 2));
        if (last.isBefore(first)) {
            throw new IllegalArgumentException("date range '" + text + "' ends before it starts");
        }
        if (first.plusDays(MAX_RANGE_DAYS).isBefore(last)) {
            throw new IllegalArgumentException(
                    "date range '" + text + "' is longer than " + MAX_RANGE_DAYS + " days; check the years");
        }
        List<LocalDate> out = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            out.add(d);
        }
        return out;
    }

    /** An IANA time zone id such as {@code Asia/Shanghai} or {@code Europe/Berlin}. */
    public static ZoneId zone(String text) {
        try {
            return ZoneId.of(text == null ? "" : text.trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(
                    "timezone '" + text + "' is not a time zone id (e.g. Asia/Shanghai, Europe/Berlin, UTC)");
        }
    }
}
