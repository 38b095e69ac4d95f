package io.floorlink.gateway.facts;

import java.util.HashMap;
import java.util.Map;

/**
 * Milliseconds spent in each raw value of state points, per minute bucket by source time ({@code
 * point_state_minute} rows). Additive. Mutable and confined to one thread at a time, like {@link PointAgg}.
 */
public final class StateTime {
    private final Map<Keys.StateKey, Long> millis = new HashMap<>();

    /** Credits {@code [from, to)} (epoch ms) to {@code value}, split at minute boundaries; nothing when empty. */
    public void add(String groupId, String deviceId, String pointId, double value, long from, long to) {
        long t = from;
        while (t < to) {
            long bucket = Keys.minute(t);
            long end = Math.min(to, bucket + 60_000L);
            millis.merge(new Keys.StateKey(groupId, deviceId, pointId, bucket, value), end - t, Long::sum);
            t = end;
        }
    }

    /** The credited millis per row key; live view. */
    public Map<Keys.StateKey, Long> millis() {
        return millis;
    }

    public boolean isEmpty() {
        return millis.isEmpty();
    }
}
