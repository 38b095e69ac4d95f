package io.floorlink.collector.indicators;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * The per-equipment figures over S(e, W), and in a drill-down the facts they were computed from.
 *
 * @param id equipment id
 * @param name display name
 * @param type equipment type, nullable
 * @param site site id
 * @param workshop workshop id
 * @param line line id
 * @param production production equipment flag from the inventory
 * @param digital digital equipment flag from the inventory
 * @param key key equipment flag from the inventory
 * @param scheduledSeconds |S(e, W)| in seconds
 * @param onlineRatio {@code online_ratio.v1}
 * @param pointCoverage {@code point_coverage.v1}
 * @param completeness {@code completeness.v1}
 * @param networked {@code networked.v1} with the conditions that decided it
 * @param evidence the facts behind the figures; only in a drill-down, otherwise null (omitted from JSON)
 */
public record EquipmentIndicators(
        String id,
        String name,
        String type,
        String site,
        String workshop,
        String line,
        boolean production,
        boolean digital,
        boolean key,
        double scheduledSeconds,
        Figure onlineRatio,
        Figure pointCoverage,
        Figure completeness,
        Networked networked,
        @JsonInclude(JsonInclude.Include.NON_NULL) Evidence evidence) {

    /**
     * The facts an equipment's figures come from.
     *
     * @param scheduled the intervals of S(e, W)
     * @param sessions device sessions overlapping the window, with the seconds each added inside S
     * @param points required points with their good samples in S
     * @param readsOk reads_ok inside S (edge minutes pro-rated)
     * @param readsFailed reads_failed inside S (edge minutes pro-rated)
     * @param expectedReads sum over required points of |S| / interval
     */
    public record Evidence(
            List<Interval> scheduled,
            List<Session> sessions,
            List<Point> points,
            double readsOk,
            double readsFailed,
            double expectedReads) {}

    /**
     * A device_session row.
     *
     * @param edgeNodeId the edge node that reported it
     * @param connectedAt start
     * @param disconnectedAt end, null while open
     * @param endReason why it ended, null while open
     * @param historical reconstructed from buffered (historical) data
     * @param countedEnd where it was counted to (disconnect, or min(now, to) while open)
     */
    public record Session(
            String edgeNodeId,
            Instant connectedAt,
            Instant disconnectedAt,
            String endReason,
            boolean historical,
            Instant countedEnd) {}

    /**
     * A required point.
     *
     * @param id point id
     * @param category category wire name
     * @param intervalMs expected read interval in milliseconds
     * @param goodSamples good samples in the minute buckets overlapping S
     * @param covered at least one good sample
     * @param expectedReads |S| / interval
     */
    public record Point(
            String id, String category, long intervalMs, long goodSamples, boolean covered, double expectedReads) {}
}
