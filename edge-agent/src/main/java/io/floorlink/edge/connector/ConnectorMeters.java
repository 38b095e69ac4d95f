package io.floorlink.edge.connector;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The meters of one connector, all tagged {@code connector=<name>}: the connector counts into its subclass's
 * fields, {@link #bindTo} registers them, {@link #unbind} removes them when the connector closes (a connector
 * recreated with the same name then starts from zero).
 */
public abstract class ConnectorMeters implements MeterBinder {
    private final Tags tags;
    private final List<Meter> meters = new ArrayList<>();
    private MeterRegistry registry;

    protected ConnectorMeters(String connector) {
        this.tags = Tags.of("connector", connector);
    }

    @Override
    public final synchronized void bindTo(MeterRegistry registry) {
        this.registry = registry;
        register();
    }

    /** Registers the subclass's meters with {@link #gauge}, {@link #counter} and {@link #track}. */
    protected abstract void register();

    /** Removes every meter registered so far. */
    public synchronized void unbind() {
        if (registry != null) {
            meters.forEach(registry::remove);
            meters.clear();
        }
    }

    /** The {@code connector} tag. */
    protected final Tags tags() {
        return tags;
    }

    /** The registry bound to, or null before {@link #bindTo}. */
    protected final MeterRegistry registry() {
        return registry;
    }

    protected final void gauge(String name, String unit, AtomicInteger value, String description) {
        track(Gauge.builder(name, value, AtomicInteger::get)
                .baseUnit(unit)
                .description(description)
                .tags(tags)
                .register(registry));
    }

    protected final void counter(String name, String unit, LongAdder value, Tags extra) {
        track(FunctionCounter.builder(name, value, LongAdder::sum)
                .baseUnit(unit)
                .tags(tags.and(extra))
                .register(registry));
    }

    /** Remembers a meter for {@link #unbind}, once. */
    protected final <M extends Meter> M track(M meter) {
        if (!meters.contains(meter)) {
            meters.add(meter);
        }
        return meter;
    }
}
