package io.floorlink.collector.calendar;

import io.floorlink.collector.inventory.Ids;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A shift calendar: weekly shifts with breaks in a local time zone, holidays and make-up working days (调休). It
 * gives the scheduled time S(e, W) of the equipment using it. Immutable and thread-safe.
 *
 * <p>Rules, all in the calendar's local time:
 *
 * <ul>
 *   <li>A shift runs on each of its weekdays from {@code start}; an end at or before the start ends the next day
 *       (overnight). Overlapping shifts count once.
 *   <li>On a holiday no shift <em>starts</em>; an overnight shift that started the day before runs on into the
 *       holiday until its end (the night shift before a holiday is worked, as on a shop floor).
 *   <li>On a make-up day the shifts of the given weekday start, whatever weekday the date is.
 *   <li>Local times are mapped to instants per day with {@link ZonedDateTime}: a shift on a DST change day is
 *       one hour shorter or longer; a local time inside a spring-forward gap moves forward by the gap.
 * </ul>
 */
public final class ShiftCalendar {
    /**
     * A part of scheduled time, a UTC half-open interval {@code [start, end)}.
     *
     * @param start inclusive start, never null
     * @param end exclusive end, after {@code start}, never null
     */
    public record Span(Instant start, Instant end) {
        public Span {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            if (!end.isAfter(start)) {
                throw new IllegalArgumentException("span end " + end + " is not after its start " + start);
            }
        }

        public Duration length() {
            return Duration.between(start, end);
        }
    }

    private final String id;
    private final ZoneId zone;
    private final List<Shift> shifts;
    private final Set<LocalDate> holidays;
    private final Map<LocalDate, DayOfWeek> makeUpDays;

    /**
     * @param id calendar id, referenced by {@code calendar:} in the inventory; never null
     * @param zone the local time zone of the shifts, never null
     * @param shifts weekly shifts, never null (empty: nothing is ever scheduled)
     * @param holidays dates on which no shift starts, never null
     * @param makeUpDays extra working days, never null; none may be a holiday
     * @throws IllegalArgumentException for a bad id, a make-up day that is also a holiday or listed twice
     */
    public ShiftCalendar(
            String id, ZoneId zone, List<Shift> shifts, Set<LocalDate> holidays, List<MakeUpDay> makeUpDays) {
        this.id = Ids.require("id", id);
        this.zone = Objects.requireNonNull(zone, "zone");
        this.shifts = List.copyOf(Objects.requireNonNull(shifts, "shifts"));
        this.holidays = Set.copyOf(new TreeSet<>(Objects.requireNonNull(holidays, "holidays")));
        Map<LocalDate, DayOfWeek> extra = new TreeMap<>();
        for (MakeUpDay m : Objects.requireNonNull(makeUpDays, "makeUpDays")) {
            if (this.holidays.contains(m.date())) {
                throw new IllegalArgumentException("make-up day " + m.date() + " is also a holiday");
            }
            if (extra.put(m.date(), m.as()) != null) {
                throw new IllegalArgumentException("make-up day " + m.date() + " is listed twice");
            }
        }
        this.makeUpDays = Map.copyOf(extra);
    }

    /** The calendar id. */
    public String id() {
        return id;
    }

    /** The local time zone of the shifts. */
    public ZoneId zone() {
        return zone;
    }

    public List<Shift> shifts() {
        return shifts;
    }

    /** Holidays, sorted. */
    public Set<LocalDate> holidays() {
        return holidays;
    }

    /** Make-up days by date. */
    public Map<LocalDate, DayOfWeek> makeUpDays() {
        return makeUpDays;
    }

    /** How scheduled time was derived, shown as the basis of figures, e.g. {@code calendar two-shift (Asia/Shanghai)}. */
    public String describe() {
        return "calendar " + id + " (" + zone.getId() + ")";
    }

    /**
     * Scheduled time inside {@code [from, to)}: shifts minus breaks minus holidays, clipped to the window.
     * Pure computation, no I/O.
     *
     * @param from inclusive window start, never null
     * @param to exclusive window end, never null; {@code to <= from} gives an empty list
     * @return sorted, disjoint, non-adjacent UTC spans inside the window, never null
     */
    public List<Span> scheduled(Instant from, Instant to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!to.isAfter(from) || shifts.isEmpty()) {
            return List.of();
        }
        // A shift lasts at most 24 h, so one starting the local day before `from` can still reach into it.
        LocalDate first = from.atZone(zone).toLocalDate().minusDays(1);
        LocalDate last = to.atZone(zone).toLocalDate();
        List<Span> raw = new ArrayList<>();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            DayOfWeek works = worksAs(day);
            if (works == null) {
                continue;
            }
            for (Shift s : shifts) {
                if (s.days().contains(works)) {
                    addShift(raw, day, s, from, to);
                }
            }
        }
        return union(raw);
    }

    /** The weekday whose shifts start on {@code day}, or null on a holiday. */
    private DayOfWeek worksAs(LocalDate day) {
        DayOfWeek as = makeUpDays.get(day);
        if (as != null) {
            return as;
        }
        return holidays.contains(day) ? null : day.getDayOfWeek();
    }

    private void addShift(List<Span> out, LocalDate day, Shift s, Instant from, Instant to) {
        LocalDateTime localStart = day.atTime(s.start());
        Duration length = Shift.offset(s.start(), s.end(), true);
        Instant cursor = instant(localStart);
        List<Break> breaks = new ArrayList<>(s.breaks());
        breaks.sort(Comparator.comparing(b -> Shift.offset(s.start(), b.start(), false)));
        for (Break b : breaks) {
            Instant breakStart = instant(localStart.plus(Shift.offset(s.start(), b.start(), false)));
            addClipped(out, cursor, breakStart, from, to);
            cursor = instant(localStart.plus(Shift.offset(s.start(), b.end(), true)));
        }
        addClipped(out, cursor, instant(localStart.plus(length)), from, to);
    }

    private Instant instant(LocalDateTime local) {
        return ZonedDateTime.of(local, zone).toInstant();
    }

    private static void addClipped(List<Span> out, Instant start, Instant end, Instant from, Instant to) {
        Instant s = start.isBefore(from) ? from : start;
        Instant e = end.isAfter(to) ? to : end;
        if (e.isAfter(s)) {
            out.add(new Span(s, e));
        }
    }

    private static List<Span> union(List<Span> spans) {
        if (spans.size() <= 1) {
            return List.copyOf(spans);
        }
        List<Span> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.comparing(Span::start));
        List<Span> out = new ArrayList<>();
        Span current = sorted.get(0);
        for (int i = 1; i < sorted.size(); i++) {
            Span next = sorted.get(i);
            if (!next.start().isAfter(current.end())) {
                current = new Span(current.start(), next.end().isAfter(current.end()) ? next.end() : current.end());
            } else {
                out.add(current);
                current = next;
            }
        }
        out.add(current);
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return describe();
    }
}
