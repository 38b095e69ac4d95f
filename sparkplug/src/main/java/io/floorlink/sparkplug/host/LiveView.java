package io.floorlink.sparkplug.host;

import io.floorlink.sparkplug.Quality;
import java.util.List;

/**
 * Immutable snapshots of what a primary host knows live about its edge nodes: the latest value of every metric a
 * birth declared, and whether it is stale (its node or device died since).
 */
public final class LiveView {
    private LiveView() {}

    /**
     * One edge node.
     *
     * @param bdSeq the bdSeq of the current or last accepted NBIRTH, null before the first
     * @param lastBirth epoch milliseconds of the last accepted NBIRTH (host clock), null before the first
     * @param lastDeath epoch milliseconds of the last NDEATH that matched a session, null when none
     * @param metrics node-level metrics in birth order
     * @param devices devices in birth order
     */
    public record Node(
            String groupId,
            String edgeNodeId,
            boolean online,
            Long bdSeq,
            Long lastBirth,
            Long lastDeath,
            List<Metric> metrics,
            List<Device> devices) {}

    /**
     * One device of an edge node.
     *
     * @param online whether a DBIRTH was seen since the last DDEATH (and the node is online)
     * @param stale whether its metrics are stale (after DDEATH or the node's NDEATH)
     */
    public record Device(String deviceId, boolean online, boolean stale, List<Metric> metrics) {}

    /**
     * One metric's latest live value.
     *
     * @param value Java value as {@link io.floorlink.sparkplug.Metrics#value} gives it; null when none yet or is_null
     * @param quality quality of the latest value ({@link Quality#GOOD} when the metric carries none)
     * @param timestamp epoch milliseconds of the latest value (metric timestamp, else payload timestamp)
     * @param stale true after the owner's death until the next birth
     */
    public record Metric(String name, String datatype, Object value, Quality quality, long timestamp, boolean stale) {}
}
