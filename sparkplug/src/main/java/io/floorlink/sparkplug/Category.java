package io.floorlink.sparkplug;

import java.util.Locale;

/**
 * What a point measures (INDICATORS.md, inventory): carried as the {@link MetricNames#PROP_CATEGORY}
 * property in DBIRTH, lowercase on the wire and in configuration.
 */
public enum Category {
    STATE,
    COUNTER,
    PROCESS,
    QUALITY,
    ENERGY,
    ALARM,
    SAFETY;

    /** The lowercase wire and configuration name. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire or configuration name, case-insensitive.
     *
     * @throws SparkplugException listing the allowed names
     */
    public static Category parse(String name) {
        for (Category c : values()) {
            if (c.name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        throw new SparkplugException(
                "unknown category '" + name + "' (allowed: state, counter, process, quality, energy, alarm, safety)");
    }
}
