package io.floorlink.gateway.facts;

/**
 * The segment a state point is in for one stream (live or historical): a good value holds from its sample until
 * the next sample of the stream or the end of the device session; a bad or non-numeric sample holds nothing. Time
 * is credited to a {@link StateTime} as segments close, and an open segment can be credited up to a moment (a
 * flush) without ever crediting the same millisecond twice. Credits never reach before {@code floor} (the live
 * session start) nor beyond {@code limit} (for the historical stream: where the live one starts).
 */
public final class StateTracker {
    private final String groupId;
    private final String deviceId;
    private final String pointId;
    private final long floor;
    private final long limit;
    private boolean open;
    private double value;
    private long from;

    public StateTracker(String groupId, String deviceId, String pointId, long floor, long limit) {
        this.groupId = groupId;
        this.deviceId = deviceId;
        this.pointId = pointId;
        this.floor = floor;
        this.limit = limit;
        this.from = floor;
    }

    /** A sample at {@code ts}: ends the open segment there and opens one for {@code value} (NaN: none). */
    public void sample(double value, long ts, StateTime out) {
        creditUpTo(ts, out);
        this.open = !Double.isNaN(value);
        this.value = value;
        this.from = Math.max(from, Math.min(Math.max(ts, floor), limit));
    }

    /** Credits the open segment up to {@code t} and continues it from there. */
    public void creditUpTo(long t, StateTime out) {
        long to = Math.min(t, limit);
        if (open && to > from) {
            out.add(groupId, deviceId, pointId, value, from, to);
        }
        from = Math.max(from, to);
    }

    /** The session (or the historical stream) ended at {@code t}: credits the open segment up to it and closes it. */
    public void close(long t, StateTime out) {
        creditUpTo(t, out);
        open = false;
    }

    /** Whether a value currently holds. */
    public boolean isOpen() {
        return open;
    }
}
