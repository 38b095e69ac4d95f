package io.floorlink.collector.indicators;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * S(e, W): the part of the window during which equipment e is scheduled to run. Every per-equipment indicator
 * is a ratio over S. Without a calendar S = W; a shift calendar yields several intervals.
 *
 * @param window the requested window W, never null
 * @param intervals disjoint, sorted intervals inside the window, never null (empty when W is empty)
 * @param basis how S was derived, e.g. {@code window} (no calendar); shown with every figure
 */
public record ScheduledTime(Interval window, List<Interval> intervals, String basis) {
    public static final String WHOLE_WINDOW = "window";

    public ScheduledTime {
        intervals = Interval.union(intervals);
        for (Interval i : intervals) {
            if (i.start().isBefore(window.start()) || i.end().isAfter(window.end())) {
                throw new IllegalArgumentException("scheduled interval " + i + " lies outside the window " + window);
            }
        }
    }

    /** S = W: no calendar. */
    public static ScheduledTime wholeWindow(Instant from, Instant to) {
        Interval w = new Interval(from, to);
        return new ScheduledTime(w, w.isEmpty() ? List.of() : List.of(w), WHOLE_WINDOW);
    }

    /** |S|. */
    public Duration length() {
        return intervals.stream().map(Interval::length).reduce(Duration.ZERO, Duration::plus);
    }

    public boolean isEmpty() {
        return intervals.isEmpty();
    }

    /** |S ∩ union(others)|; the others may overlap each other, shared time counts once. */
    public Duration overlap(List<Interval> others) {
        return Interval.overlap(intervals, Interval.union(others));
    }
}
