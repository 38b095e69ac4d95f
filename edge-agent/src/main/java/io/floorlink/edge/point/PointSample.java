package io.floorlink.edge.point;

import io.floorlink.sparkplug.Quality;
import java.time.Instant;

/**
 * One value read from a device point, normalised by its connector.
 *
 * @param deviceId equipment id of the device
 * @param pointId point id within the device
 * @param value value in the Java type of the point's {@link io.floorlink.sparkplug.DataType} (Integer, Long,
 *     Float, Double, Boolean, String); null when the read gave no value (quality then BAD)
 * @param quality quality as reported by the device or decided by the connector, never null
 * @param sourceTime when the device produced the value (source timestamp), or the read time when the device
 *     gives none; never null
 * @param readTime when the edge agent received it, never null
 */
public record PointSample(
        String deviceId, String pointId, Object value, Quality quality, Instant sourceTime, Instant readTime) {}
