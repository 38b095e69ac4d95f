package io.floorlink.collector.indicators;

import java.util.Map;

/**
 * One figure a reviewer reads, with everything needed to check it: the formula id (INDICATORS.md), numerator,
 * denominator and what the denominator counts, the parameters used, and whether it is an official MIIT item.
 *
 * @param value the ratio, 0..1, or a measure in {@code unit} (latency in ms); null when not measurable (then
 *     {@code reason} says why)
 * @param formula versioned formula id, e.g. {@code online_ratio.v1}, never null
 * @param numerator numerator in {@code unit}; null when not measurable
 * @param denominator denominator in {@code unit}; null when not measurable
 * @param denominatorLabel what the denominator counts, never null
 * @param unit unit of numerator and denominator: {@code s}, {@code points}, {@code reads}, {@code equipment}
 * @param parameters parameters of the formula (thresholds, scheduled-time basis), never null
 * @param official true for an official item of the MIIT 2024 table, false for a FloorLink definition
 * @param reason why the value is null or what limits it, nullable
 */
public record Figure(
        Double value,
        String formula,
        Number numerator,
        Number denominator,
        String denominatorLabel,
        String unit,
        Map<String, Object> parameters,
        boolean official,
        String reason) {

    public Figure {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }

    /** numerator.doubleValue() / denominator.doubleValue(), or a null value with the reason when the denominator is zero. */
    static Figure ratio(
            String formula,
            Number numerator,
            Number denominator,
            String denominatorLabel,
            String unit,
            Map<String, Object> parameters,
            boolean official,
            String reasonIfEmpty) {
        if (denominator.doubleValue() <= 0) {
            return new Figure(
                    null, formula, numerator, denominator, denominatorLabel, unit, parameters, official, reasonIfEmpty);
        }
        return new Figure(
                numerator.doubleValue() / denominator.doubleValue(),
                formula,
                numerator,
                denominator,
                denominatorLabel,
                unit,
                parameters,
                official,
                null);
    }

    /** A figure that cannot be computed, with the reason. */
    static Figure notMeasurable(
            String formula, String denominatorLabel, String unit, Map<String, Object> parameters, String reason) {
        return new Figure(null, formula, null, null, denominatorLabel, unit, parameters, false, reason);
    }

    Figure withReason(String newReason) {
        return new Figure(
                value, formula, numerator, denominator, denominatorLabel, unit, parameters, official, newReason);
    }
}
