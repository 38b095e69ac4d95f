package io.floorlink.gateway.facts;

/**
 * One {@code point_static_run} row: a run of an unchanged good value lasting at least {@link
 * StaticRunTracker#MIN_RUN_MS}. Times are epoch ms; upserted by (group, device, point, started_at).
 *
 * @param endedAt when it ended, or while {@code open}, the latest sample with the value
 */
public record StaticRun(
        String groupId, String deviceId, String pointId, long startedAt, long endedAt, double value, boolean open) {}
