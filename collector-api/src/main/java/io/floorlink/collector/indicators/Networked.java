package io.floorlink.collector.indicators;

import java.util.List;
import java.util.Map;

/**
 * {@code networked.v1} (稳定联网) of one equipment: online_ratio >= θ_online AND point_coverage = 1 AND
 * completeness >= θ_complete. A FloorLink definition (not an official item), with its parameters.
 *
 * @param value true when every condition holds
 * @param formula {@code networked.v1}
 * @param parameters θ_online, θ_complete and the scheduled-time basis
 * @param official always false
 * @param conditions each condition with the value it was decided on, never null
 * @param reasons one sentence per failed condition, empty when networked, never null
 */
public record Networked(
        boolean value,
        String formula,
        Map<String, Object> parameters,
        boolean official,
        List<Condition> conditions,
        List<String> reasons) {

    public Networked {
        parameters = Map.copyOf(parameters);
        conditions = List.copyOf(conditions);
        reasons = List.copyOf(reasons);
    }

    /**
     * One condition of networked.
     *
     * @param indicator the indicator id, e.g. {@code online_ratio}
     * @param value its value, null when not measurable
     * @param requirement e.g. {@code >= 0.9}
     * @param passed whether it holds
     */
    public record Condition(String indicator, Double value, String requirement, boolean passed) {}
}
