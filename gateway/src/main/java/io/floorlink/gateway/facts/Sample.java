package io.floorlink.gateway.facts;

import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.Quality;

/**
 * One accepted sample of a declared point, as the facts count it: after record-id deduplication and the checks of
 * its DBIRTH declaration, never a duplicate or a refused message. Handed to a {@link SampleSink}.
 *
 * @param group Sparkplug group id (the enterprise), never null
 * @param edgeNode edge node id, never null
 * @param deviceId device id, never null
 * @param point the point (metric) name, never null
 * @param category the {@code category} property of its DBIRTH declaration, null when it had none
 * @param type the datatype its DBIRTH declared, never null
 * @param value Integer, Long, Float, Double, Boolean or String as the datatype says; null for a sample refused
 *     for breaking its declaration (stored as bad) or a null value
 * @param quality the quality the facts count (after the engineering range check), never null
 * @param timestamp the sample's source timestamp, epoch ms
 * @param historical whether it came as historical (buffered) data
 */
public record Sample(
        String group,
        String edgeNode,
        String deviceId,
        String point,
        String category,
        DataType type,
        Object value,
        Quality quality,
        long timestamp,
        boolean historical) {}
