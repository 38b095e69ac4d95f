package io.floorlink.collector.inventory;

import io.floorlink.sparkplug.Category;
import java.time.Duration;
import java.util.Objects;

/**
 * A point the equipment must deliver (台账 required point).
 *
 * @param id point id as published by the edge agent (Sparkplug metric name), never null
 * @param category what the point measures, never null
 * @param interval expected read interval, positive, never null
 */
public record PointRequirement(String id, Category category, Duration interval) {
    public PointRequirement {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id is required");
        }
        Objects.requireNonNull(
                category, "category is required (state, counter, process, quality, energy, alarm, safety)");
        if (interval == null) {
            throw new IllegalArgumentException("interval is required, e.g. 1s");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive but was " + interval);
        }
    }
}
