package io.floorlink.edge.point;

import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.Limits;
import io.floorlink.sparkplug.MetricNames;

/**
 * The checks every connector applies to the protocol-neutral part of a configured point (the {@link PointSpec}
 * contract), with the same messages everywhere. Each throws {@link IllegalArgumentException}; the configuration
 * loader places it at the point's line.
 */
public final class PointChecks {
    private PointChecks() {}

    /**
     * Checks the point id: present, at most {@link Limits#MAX_METRIC_NAME_LENGTH} characters (the host refuses longer
     * metric names), and not a health metric name.
     *
     * @return the message prefix naming the point, {@code point '<id>': }
     */
    public static String id(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("points[].id: required");
        }
        if (id.length() > Limits.MAX_METRIC_NAME_LENGTH) {
            throw new IllegalArgumentException("point '" + id.substring(0, 32) + "...': id: at most "
                    + Limits.MAX_METRIC_NAME_LENGTH + " characters (has " + id.length() + ")");
        }
        String where = "point '" + id + "': ";
        if (MetricNames.isHealthMetric(id)) {
            throw new IllegalArgumentException(where + "id: must not start with " + MetricNames.HEALTH_PREFIX);
        }
        if (MetricNames.BUFFER_LOST.equals(id)) {
            throw new IllegalArgumentException(where + "id: reserved for the buffer's loss records");
        }
        return where;
    }

    /** Checks that the category is given. */
    public static void category(String where, Category category) {
        if (category == null) {
            throw new IllegalArgumentException(
                    where + "category: required (state, counter, process, quality, energy, alarm, safety)");
        }
    }

    /** Checks that the valid range, where both ends are given, is not reversed. */
    public static void range(String where, Double engLow, Double engHigh) {
        if (engLow != null && engHigh != null && engLow > engHigh) {
            throw new IllegalArgumentException(where + "eng_low: must not be above eng_high");
        }
    }
}
