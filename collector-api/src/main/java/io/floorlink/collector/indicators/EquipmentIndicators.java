package io.floorlink.collector.indicators;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The per-equipment figures over S(e, W), and in a drill-down the facts they were computed from. JSON field
 * names are the indicator ids of INDICATORS.md.
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
 * @param readSuccess {@code read_success.v1}
 * @param latencyP50 {@code latency_percentile.v1} at 0.50, milliseconds
 * @param latencyP95 at 0.95, milliseconds
 * @param latencyP99 at 0.99, milliseconds
 * @param clockSkew {@code clock_skew.v1}
 * @param goodRatio {@code good_ratio.v1}
 * @param frozenRatio {@code frozen_ratio.v1}
 * @param powerOnRatio {@code power_on_ratio.v1} (开机率)
 * @param runRatio {@code run_ratio.v1} (作业率)
 * @param utilisation {@code utilisation.v1} (利用率)
 * @param faultRatio {@code fault_ratio.v1} (故障率)
 * @param oee {@code oee.iso22400.v1}
 * @param counters increments of the counter and energy points over S, never null
 * @param notKnownSeconds seconds of S inside platform gaps of a cause that leaves the time "not known" and
 *     without any fact of the equipment (no session, no reported minute); left out of online_ratio and completeness
 * @param dataTrust the known gaps of the platform itself that overlap S for this equipment, by start; empty when
 *     none, never null
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
        Figure readSuccess,
        Figure latencyP50,
        Figure latencyP95,
        Figure latencyP99,
        Flag clockSkew,
        Figure goodRatio,
        Figure frozenRatio,
        Figure powerOnRatio,
        Figure runRatio,
        Figure utilisation,
        Figure faultRatio,
        Oee oee,
        List<Counter> counters,
        double notKnownSeconds,
        List<GapFlag> dataTrust,
        @JsonInclude(JsonInclude.Include.NON_NULL) Evidence evidence) {

    /**
     * A known gap of the platform itself (gateway down, store unreachable, edge buffer loss, decode errors,
     * quarantined records) that overlaps the window for an equipment: the figures over the window may be affected.
     * Consecutive gaps of one cause and scope are merged.
     *
     * @param cause {@code gateway_down}, {@code store_unreachable}, {@code edge_buffer_loss}, {@code decode_errors}
     *     or {@code quarantine}
     * @param scope {@code platform} (every device of the gateway), {@code edge_node} or {@code device}
     * @param groupId group of the edge node, null for scope platform
     * @param edgeNodeId edge node, null for scope platform
     * @param deviceId device, only for scope device
     * @param from start, UTC, inclusive
     * @param to end, UTC, exclusive
     * @param intervals how many stored gaps were merged into this one
     * @param events messages or records concerned (0 where the cause has no count)
     * @param detail what happened, from the gateway; nullable
     * @param notKnownTime whether the cause leaves time "not known": such time without facts of the equipment is
     *     left out of online_ratio and completeness instead of counting as offline
     * @param notKnownSeconds seconds of S this gap left out for the equipment (0 when it is informational or the
     *     equipment has facts for the whole gap)
     */
    public record GapFlag(
            String cause,
            String scope,
            String groupId,
            String edgeNodeId,
            String deviceId,
            Instant from,
            Instant to,
            int intervals,
            long events,
            String detail,
            boolean notKnownTime,
            double notKnownSeconds) {

        /** This flag with the not-known seconds of one equipment. */
        public GapFlag withNotKnownSeconds(double seconds) {
            return new GapFlag(
                    cause,
                    scope,
                    groupId,
                    edgeNodeId,
                    deviceId,
                    from,
                    to,
                    intervals,
                    events,
                    detail,
                    notKnownTime,
                    seconds);
        }
    }

    /**
     * A yes/no finding with the figure it was decided on.
     *
     * @param value the finding
     * @param formula formula id
     * @param share the measured share (e.g. of samples at or below -2 s), null when not measurable
     * @param threshold the share above which the flag is raised
     * @param reason why, or why not measurable; nullable
     */
    public record Flag(boolean value, String formula, Double share, double threshold, String reason) {}

    /**
     * OEE = availability × performance × quality (ISO 22400-2). Every part is a figure; value is null with a
     * reason when the equipment lacks the points, the state map, the count mapping or the ideal cycle time.
     *
     * @param value the product, 0..1 (can exceed 1 when the ideal cycle time is too long), nullable
     * @param formula {@code oee.iso22400.v1}
     * @param availability running / (S - planned stops)
     * @param performance total count × ideal cycle time / running time
     * @param quality good count / total count
     * @param reason why not measurable, nullable
     */
    public record Oee(
            Double value, String formula, Figure availability, Figure performance, Figure quality, String reason) {}

    /**
     * A counter point's increment over S (resets already folded by the gateway: a reset adds the new value).
     *
     * @param point point id
     * @param category category wire name
     * @param increase increment, null when the facts hold no increase for the point
     */
    public record Counter(String point, String category, Double increase) {}

    /**
     * The facts an equipment's figures come from.
     *
     * @param scheduled the intervals of S(e, W)
     * @param rollups how S was read from the rollups (day, hour, minute ranges)
     * @param sessions device sessions overlapping the window
     * @param points required points with their facts in S
     * @param readsOk reads_ok inside S (edge minutes pro-rated)
     * @param readsFailed reads_failed inside S (edge minutes pro-rated)
     * @param expectedReads sum over required points of |S| / interval
     * @param stateSeconds seconds in S per machine state (off includes time without any state fact)
     * @param stateMap the state map applied, nullable
     * @param frozen the frozen intervals per point (static longer than max_static, inside S)
     * @param stateTimeline the machine state over the whole window (not only S), for the equipment page; null in
     *     reports
     */
    public record Evidence(
            List<Interval> scheduled,
            String rollups,
            List<Session> sessions,
            List<Point> points,
            double readsOk,
            double readsFailed,
            double expectedReads,
            Map<String, Double> stateSeconds,
            Object stateMap,
            Map<String, List<Interval>> frozen,
            @JsonInclude(JsonInclude.Include.NON_NULL) StateTimeline stateTimeline) {

        /** This evidence with a state timeline. */
        public Evidence withStateTimeline(StateTimeline timeline) {
            return new Evidence(
                    scheduled,
                    rollups,
                    sessions,
                    points,
                    readsOk,
                    readsFailed,
                    expectedReads,
                    stateSeconds,
                    stateMap,
                    frozen,
                    timeline);
        }
    }

    /**
     * The machine state (off, idle, running, fault, setup, as the profile's state map reads the state point) over a
     * window: in each rollup bucket the state held longest, adjacent buckets of one state merged.
     *
     * @param point the state point read; null when the equipment has none
     * @param resolution the rollup level read: {@code minute} (windows up to 2 days), {@code hour} (up to 62 days) or
     *     {@code day}; null when nothing was read
     * @param segments in time order; buckets without any state fact have none (no data), never null
     * @param reason why the timeline is empty or cut; null when it is whole
     */
    public record StateTimeline(String point, String resolution, List<StateSegment> segments, String reason) {}

    /**
     * One stretch of a machine state.
     *
     * @param from start, UTC, inclusive
     * @param to end, UTC, exclusive
     * @param state the machine state's wire name ({@code running}, {@code idle}, {@code fault}, {@code off}, {@code
     *     setup})
     */
    public record StateSegment(Instant from, Instant to, String state) {}

    /** These figures with other evidence. */
    public EquipmentIndicators withEvidence(Evidence newEvidence) {
        return new EquipmentIndicators(
                id,
                name,
                type,
                site,
                workshop,
                line,
                production,
                digital,
                key,
                scheduledSeconds,
                onlineRatio,
                pointCoverage,
                completeness,
                networked,
                readSuccess,
                latencyP50,
                latencyP95,
                latencyP99,
                clockSkew,
                goodRatio,
                frozenRatio,
                powerOnRatio,
                runRatio,
                utilisation,
                faultRatio,
                oee,
                counters,
                notKnownSeconds,
                dataTrust,
                newEvidence);
    }

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
     * @param goodSamples good samples in S
     * @param covered at least one good sample
     * @param expectedReads |S| / interval
     * @param samples all samples in S
     * @param bad bad-quality samples in S
     * @param outOfRangeBuckets rollup buckets whose min or max left the declared [eng_low, eng_high]
     * @param engLow declared eng_low, nullable
     * @param engHigh declared eng_high, nullable
     * @param frozenSeconds frozen time inside S (counters: only while running)
     * @param increase counter increment, nullable
     */
    public record Point(
            String id,
            String category,
            long intervalMs,
            double goodSamples,
            boolean covered,
            double expectedReads,
            double samples,
            double bad,
            double outOfRangeBuckets,
            Double engLow,
            Double engHigh,
            double frozenSeconds,
            Double increase) {}
}
