package io.floorlink.collector.indicators;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * How a set of disjoint intervals is read from the rollups: day buckets for the whole UTC days inside it, hour
 * buckets for the whole hours at the edges, minute buckets for the rest, and the minutes only partly inside.
 *
 * @param days ranges of whole day buckets (bucket start in [start, end))
 * @param hours ranges of whole hour buckets
 * @param minutes ranges of whole minute buckets
 * @param partial minute buckets only partly inside, each with the part inside
 */
record Buckets(List<Interval> days, List<Interval> hours, List<Interval> minutes, List<Partial> partial) {
    static final Duration MINUTE = Duration.ofMinutes(1);

    /** A minute bucket partly inside: its start and the part of it inside the intervals. */
    record Partial(Instant bucket, Interval part) {
        double fraction() {
            return (double) part.length().toNanos() / MINUTE.toNanos();
        }
    }

    static Buckets of(List<Interval> intervals) {
        List<Interval> days = new ArrayList<>();
        List<Interval> hours = new ArrayList<>();
        List<Interval> minutes = new ArrayList<>();
        List<Partial> partial = new ArrayList<>();
        for (Interval i : Interval.union(intervals)) {
            for (Interval rest : split(i, ChronoUnit.DAYS, days)) {
                for (Interval r2 : split(rest, ChronoUnit.HOURS, hours)) {
                    for (Interval r3 : split(r2, ChronoUnit.MINUTES, minutes)) {
                        partial.add(new Partial(r3.start().truncatedTo(ChronoUnit.MINUTES), r3));
                    }
                }
            }
        }
        return new Buckets(Interval.union(days), Interval.union(hours), Interval.union(minutes), partial);
    }

    /** Whole units of i go to {@code whole}; returns the remaining pieces (at most two). */
    private static List<Interval> split(Interval i, ChronoUnit unit, List<Interval> whole) {
        Instant a = ceil(i.start(), unit);
        Instant b = i.end().truncatedTo(unit);
        if (!a.isBefore(b)) {
            // No whole unit inside, but it may still straddle one boundary: each side is a different bucket.
            if (a.equals(b) && i.start().isBefore(a) && a.isBefore(i.end())) {
                return List.of(new Interval(i.start(), a), new Interval(a, i.end()));
            }
            return List.of(i);
        }
        whole.add(new Interval(a, b));
        List<Interval> rest = new ArrayList<>(2);
        if (i.start().isBefore(a)) {
            rest.add(new Interval(i.start(), a));
        }
        if (b.isBefore(i.end())) {
            rest.add(new Interval(b, i.end()));
        }
        return rest;
    }

    /** The first start of a {@code unit} at or after t. */
    static Instant ceil(Instant t, ChronoUnit unit) {
        Instant floor = t.truncatedTo(unit);
        return floor.equals(t) ? t : floor.plus(unit.getDuration());
    }

    /** Rows read: a rough count used in evidence, (days, hours, minutes, partial) ranges. */
    String describe() {
        return days.size() + " day range(s), " + hours.size() + " hour range(s), " + minutes.size()
                + " minute range(s), " + partial.size() + " partial minute(s)";
    }
}
