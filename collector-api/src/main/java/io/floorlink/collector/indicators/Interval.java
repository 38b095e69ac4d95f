package io.floorlink.collector.indicators;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A half-open time interval {@code [start, end)} of UTC instants.
 *
 * @param start inclusive start, never null
 * @param end exclusive end, never before start
 */
public record Interval(Instant start, Instant end) {
    public Interval {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("interval end " + end + " is before its start " + start);
        }
    }

    public Duration length() {
        return Duration.between(start, end);
    }

    @JsonIgnore
    public boolean isEmpty() {
        return start.equals(end);
    }

    /** Sorts and merges overlapping or touching intervals, so that no time is counted twice. */
    static List<Interval> union(List<Interval> intervals) {
        List<Interval> sorted = new ArrayList<>(intervals);
        sorted.sort(Comparator.comparing(Interval::start));
        List<Interval> merged = new ArrayList<>();
        for (Interval i : sorted) {
            if (i.isEmpty()) {
                continue;
            }
            if (!merged.isEmpty()
                    && !i.start().isAfter(merged.get(merged.size() - 1).end())) {
                Interval last = merged.remove(merged.size() - 1);
                merged.add(new Interval(last.start(), max(last.end(), i.end())));
            } else {
                merged.add(i);
            }
        }
        return merged;
    }

    /** Total length of the intersection of two sets of disjoint, sorted intervals. */
    static Duration overlap(List<Interval> a, List<Interval> b) {
        Duration total = Duration.ZERO;
        int i = 0;
        int j = 0;
        while (i < a.size() && j < b.size()) {
            Instant s = max(a.get(i).start(), b.get(j).start());
            Instant e = min(a.get(i).end(), b.get(j).end());
            if (s.isBefore(e)) {
                total = total.plus(Duration.between(s, e));
            }
            if (a.get(i).end().isBefore(b.get(j).end())) {
                i++;
            } else {
                j++;
            }
        }
        return total;
    }

    /** {@code a} minus {@code b}; both disjoint and sorted (as {@link #union} returns them). */
    static List<Interval> subtract(List<Interval> a, List<Interval> b) {
        List<Interval> out = new ArrayList<>();
        int j = 0;
        for (Interval i : a) {
            Instant cursor = i.start();
            while (j < b.size() && !b.get(j).end().isAfter(cursor)) {
                j++;
            }
            int k = j;
            while (k < b.size() && b.get(k).start().isBefore(i.end())) {
                if (b.get(k).start().isAfter(cursor)) {
                    out.add(new Interval(cursor, b.get(k).start()));
                }
                cursor = max(cursor, b.get(k).end());
                k++;
            }
            if (cursor.isBefore(i.end())) {
                out.add(new Interval(cursor, i.end()));
            }
        }
        return out;
    }

    static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
