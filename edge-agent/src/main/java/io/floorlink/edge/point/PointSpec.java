package io.floorlink.edge.point;

import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import java.time.Duration;
import java.util.Objects;

/**
 * The protocol-neutral contract of one point, as declared in DBIRTH properties.
 *
 * @param id point id, unique within its device; the Sparkplug metric name
 * @param type Sparkplug datatype of its values, never null (a connector resolves it before the device
 *     births)
 * @param category what the point measures, never null
 * @param unit engineering unit, nullable
 * @param interval configured read (sampling or polling) interval, positive, never null
 * @param engLow low end of the valid range, nullable
 * @param engHigh high end of the valid range, nullable
 */
public record PointSpec(
        String id, DataType type, Category category, String unit, Duration interval, Double engLow, Double engHigh) {
    public PointSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(interval, "interval");
    }
}
