package io.floorlink.collector.indicators;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Indicators of a scope over a window: scope figures keyed by indicator id ({@code networking_rate},
 * {@code networking_rate_digital}, {@code digitalization_rate}, {@code online_ratio}) and per-equipment figures.
 *
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
 */
public record IndicatorReport(
        ScopeRef scope,
        WindowRef window,
        ProfileRef profile,
        Thresholds parameters,
        Instant computedAt,
        Map<String, Figure> indicators,
        List<EquipmentIndicators> equipment,
        List<Finding> inventoryFindings,
        List<Uplink> uplinks,
        Assessment2024 assessment2024) {

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
