package io.floorlink.collector.indicators;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Indicators of a scope over a window: scope figures keyed by indicator id ({@code networking_rate},
 * {@code networking_rate_digital}, {@code digitalization_rate}, {@code online_ratio}) and per-equipment figures.
 *
 * @param enterprise whose figures these are: code (= Sparkplug group), name, time zone; never null
 * @param scope the resolved scope
 * @param window the window and the enterprise's local rendering of it
 * @param profile the acceptance profile whose parameters were used
 * @param parameters the thresholds used (from the profile)
 * @param computedAt when the figures were computed (also the "now" open sessions run to)
 * @param indicators scope figures in a stable order, never null
 * @param equipment per-equipment figures in inventory order, never null
 * @param inventoryFindings inventory errors revealed by the facts (e.g. networked but not declared digital)
 * @param uplinks uplink_availability per edge node that reported equipment of the scope, never null
 * @param assessment2024 the 2024 items device data evidences and their partial score
 * @param dataTrust the known gaps of the platform itself that overlap the window for equipment of the scope
 */
public record IndicatorReport(
        io.floorlink.collector.inventory.Enterprise enterprise,
        ScopeRef scope,
        WindowRef window,
        ProfileRef profile,
        Thresholds parameters,
        Instant computedAt,
        Map<String, Figure> indicators,
        List<EquipmentIndicators> equipment,
        List<Finding> inventoryFindings,
        List<Uplink> uplinks,
        Assessment2024 assessment2024,
        DataTrust dataTrust) {

    /** {@link DataTrust#status()} when no platform gap overlaps the window. */
    public static final String TRUST_COMPLETE = "complete";
    /** {@link DataTrust#status()} when one does: figures carry flags. */
    public static final String TRUST_FLAGGED = "flagged";

    /**
     * Whether the figures rest on facts without known gaps of the platform.
     *
     * @param status {@code complete} or {@code flagged}
     * @param summary one sentence for a reviewer, never null
     * @param notKnownSeconds scheduled time of the scope's equipment left out as not known, in seconds
     * @param gaps the gaps by start, each with how many equipment of the scope it concerns, never null
     * @param cut true when the window holds more stored gaps than one report reads ({@code gaps} is then partial)
     */
    public record DataTrust(String status, String summary, double notKnownSeconds, List<ReportGap> gaps, boolean cut) {}

    /**
     * A platform gap over the scope: an {@link EquipmentIndicators.GapFlag} with the equipment it concerns.
     *
     * @param fromLocal start in the enterprise's local time (ISO, with offset)
     * @param toLocal end in the enterprise's local time (ISO, with offset)
     * @param equipment equipment of the scope it concerns
     * @param notKnownSeconds scheduled time it left out as not known, summed over that equipment
     */
    public record ReportGap(
            String cause,
            String scope,
            String groupId,
            String edgeNodeId,
            String deviceId,
            Instant from,
            Instant to,
            String fromLocal,
            String toLocal,
            int intervals,
            long events,
            String detail,
            boolean notKnownTime,
            int equipment,
            double notKnownSeconds) {}

    /**
     * @param id profile id
     * @param version profile version
     * @param title profile title
     */
    public record ProfileRef(String id, String version, String title) {}

    /**
     * @param groupId Sparkplug group id
     * @param edgeNodeId edge node id
     * @param uplinkAvailability {@code uplink_availability.v1}: |edge sessions ∩ W| / |W|
     * @param equipment equipment of the scope it reported
     */
    public record Uplink(String groupId, String edgeNodeId, Figure uplinkAvailability, List<String> equipment) {}

    /**
     * @param kind scope level, e.g. {@code line}
     * @param id scope id ({@code pilot} for all)
     * @param name display name
     * @param expression the canonical scope parameter, e.g. {@code line:L1}
     */
    public record ScopeRef(String kind, String id, String name, String expression) {}

    /**
     * @param from inclusive start, UTC
     * @param to exclusive end, UTC
     * @param timezone enterprise time zone
     * @param fromLocal start in the enterprise's local time (ISO, with offset)
     * @param toLocal end in the enterprise's local time (ISO, with offset)
     * @param scheduledBasis how S(e, W) is derived ({@code window}: no calendar)
     */
    public record WindowRef(
            Instant from, Instant to, String timezone, String fromLocal, String toLocal, String scheduledBasis) {}

    /**
     * @param equipment equipment id
     * @param problem what the facts contradict in the inventory
     */
    public record Finding(String equipment, String problem) {}
}
