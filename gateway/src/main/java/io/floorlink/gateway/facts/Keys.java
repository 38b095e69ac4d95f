package io.floorlink.gateway.facts;

/**
 * Row keys of the rollup tables; buckets are epoch milliseconds at the start of the bucket (UTC). Every key leads
 * with the Sparkplug group: device ids are unique within a group (an enterprise) only (V8).
 */
public final class Keys {
    private Keys() {}

    /** Key of a point rollup row. */
    public record PointKey(String groupId, String deviceId, String pointId, long bucket) {}

    /** Key of a state time row ({@code point_state_minute} and coarser). */
    public record StateKey(String groupId, String deviceId, String pointId, long bucket, double value) {}

    /** Key of a device rollup row. */
    public record DeviceKey(String groupId, String deviceId, long bucket) {}

    /** Start of the UTC minute containing {@code epochMs}. */
    public static long minute(long epochMs) {
        return epochMs - Math.floorMod(epochMs, 60_000L);
    }

    static long hour(long epochMs) {
        return epochMs - Math.floorMod(epochMs, 3_600_000L);
    }

    static long day(long epochMs) {
        return epochMs - Math.floorMod(epochMs, 86_400_000L);
    }
}
