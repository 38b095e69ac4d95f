package io.floorlink.gateway.facts;

/**
 * Runs of an unchanged good value of one point in one stream (live or historical), per the {@code
 * point_static_run} semantics in V4__state_static_counters.sql. Refreshes of the same value extend the run; a
 * different value or a bad sample ends it at that sample's time. Only runs of at least {@link #MIN_RUN_MS} are
 * reported. Runs never start before {@code floor} (the live session start), so a run of an earlier session is
 * never rewritten.
 */
public final class StaticRunTracker {
    /** Shortest run written to the store. */
    public static final long MIN_RUN_MS = 60_000;

    private final String groupId;
    private final String deviceId;
    private final String pointId;
    private final long floor;
    private boolean open;
    private double value;
    private long startedAt;
    private long lastTs;
    private boolean changed;

    public StaticRunTracker(String groupId, String deviceId, String pointId, long floor) {
        this.groupId = groupId;
        this.deviceId = deviceId;
        this.pointId = pointId;
        this.floor = floor;
    }

    /**
     * A sample at {@code ts}; {@code value} NaN for a bad or non-numeric sample.
     *
     * @return the run this sample ended, when it lasted long enough; else null
     */
    public StaticRun sample(double value, long ts) {
        if (open && !Double.isNaN(value) && Double.compare(value, this.value) == 0) {
            if (ts > lastTs) {
                lastTs = ts;
                changed = true;
            }
            return null;
        }
        StaticRun ended = close(ts);
        if (!Double.isNaN(value)) {
            open = true;
            this.value = value;
            startedAt = Math.max(ts, floor);
            lastTs = startedAt;
            changed = true;
        }
        return ended;
    }

    /** Ends the open run at {@code at} (session end); returns it when it lasted long enough, else null. */
    public StaticRun close(long at) {
        if (!open) {
            return null;
        }
        open = false;
        long end = Math.max(at, lastTs);
        return end - startedAt >= MIN_RUN_MS
                ? new StaticRun(groupId, deviceId, pointId, startedAt, end, value, false)
                : null;
    }

    /** Ends the open run at its latest sample (the stream ended without saying when the value stopped). */
    public StaticRun closeAtLast() {
        return open ? close(lastTs) : null;
    }

    /**
     * The open run as it stands, when it already lasted long enough and got a sample since the last call; else
     * null.
     */
    public StaticRun openRunIfChanged() {
        if (!open || !changed || lastTs - startedAt < MIN_RUN_MS) {
            return null;
        }
        changed = false;
        return new StaticRun(groupId, deviceId, pointId, startedAt, lastTs, value, true);
    }
}
