package io.floorlink.sparkplug.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.NamingConvention;
import java.util.Arrays;
import java.util.Objects;

/**
 * FloorLink's names in a registry whose convention appends the base unit (Prometheus): the unit is appended only when
 * the name does not already hold it as one of its words, so {@code floorlink.gateway.messages.received} (unit
 * {@code messages}) is exposed as {@code floorlink_gateway_messages_received_total}, not {@code
 * floorlink_gateway_messages_received_messages_total}. Meters not prefixed {@code floorlink.} (Micrometer's standard
 * JVM, process, HTTP and pool meters) keep the delegate's names exactly, so dashboards written for any JVM work.
 */
public final class UnitOnceNamingConvention implements NamingConvention {
    private static final String PREFIX = "floorlink.";

    private final NamingConvention delegate;

    /** @param delegate the registry's own convention (not null); it still renders case, separators and suffixes */
    public UnitOnceNamingConvention(NamingConvention delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * Wraps the registry's current naming convention. Call once, right after creating the registry and before any
     * meter is scraped. Returns the registry.
     */
    public static <R extends MeterRegistry> R install(R registry) {
        NamingConvention current = registry.config().namingConvention();
        if (!(current instanceof UnitOnceNamingConvention)) {
            registry.config().namingConvention(new UnitOnceNamingConvention(current));
        }
        return registry;
    }

    @Override
    public String name(String name, Meter.Type type, String baseUnit) {
        if (baseUnit != null
                && name.startsWith(PREFIX)
                && Arrays.asList(name.split("\\.")).contains(baseUnit)) {
            return delegate.name(name, type, null);
        }
        return delegate.name(name, type, baseUnit);
    }

    @Override
    public String tagKey(String key) {
        return delegate.tagKey(key);
    }

    @Override
    public String tagValue(String value) {
        return delegate.tagValue(value);
    }
}
