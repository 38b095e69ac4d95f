package io.floorlink.edge.connector.opcua;

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
 * Meters of one OPC UA connector, all tagged {@code connector=<name>}. The connector counts into the fields;
 * {@link #bindTo} exposes them, {@link #unbind} removes them when the connector closes.
 */
final class OpcUaMetrics implements MeterBinder {
    final AtomicInteger sessionActive = new AtomicInteger();
    final AtomicInteger devicesUp = new AtomicInteger();
    final AtomicInteger pointsPolled = new AtomicInteger();
    final LongAdder connectSucceeded = new LongAdder();
    final LongAdder connectFailed = new LongAdder();
    final LongAdder sessionsLost = new LongAdder();
    final LongAdder notifications = new LongAdder();
    final LongAdder pollRequests = new LongAdder();
    final LongAdder pollsSkipped = new LongAdder();
    final LongAdder readsOk = new LongAdder();
    final LongAdder readsFailed = new LongAdder();
    final LongAdder valuesRejected = new LongAdder();

    private final Tags tags;
    private final List<Meter> meters = new ArrayList<>();
    private MeterRegistry registry;

    OpcUaMetrics(String connector) {
        this.tags = Tags.of("connector", connector);
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        this.registry = registry;
        gauge(registry, "floorlink.edge.opcua.session.active", "sessions", sessionActive, "1 while a session is open");
        gauge(registry, "floorlink.edge.opcua.devices.up", "devices", devicesUp, "devices currently up");
        gauge(registry, "floorlink.edge.opcua.points.polled", "points", pointsPolled, "points read by polling");
        counter(registry, "floorlink.edge.opcua.connects", "attempts", connectSucceeded, Tags.of("outcome", "ok"));
        counter(registry, "floorlink.edge.opcua.connects", "attempts", connectFailed, Tags.of("outcome", "failed"));
        counter(registry, "floorlink.edge.opcua.sessions.lost", "sessions", sessionsLost, Tags.empty());
        counter(registry, "floorlink.edge.opcua.notifications", "notifications", notifications, Tags.empty());
        counter(registry, "floorlink.edge.opcua.poll.requests", "requests", pollRequests, Tags.empty());
        counter(registry, "floorlink.edge.opcua.poll.skipped", "requests", pollsSkipped, Tags.empty());
        counter(registry, "floorlink.edge.opcua.reads", "reads", readsOk, Tags.of("outcome", "ok"));
        counter(registry, "floorlink.edge.opcua.reads", "reads", readsFailed, Tags.of("outcome", "failed"));
        counter(registry, "floorlink.edge.opcua.values.rejected", "values", valuesRejected, Tags.empty());
    }

    synchronized void unbind() {
        if (registry != null) {
            meters.forEach(registry::remove);
            meters.clear();
        }
    }

    private void gauge(MeterRegistry registry, String name, String unit, AtomicInteger value, String description) {
        meters.add(Gauge.builder(name, value, AtomicInteger::get)
                .baseUnit(unit)
                .description(description)
                .tags(tags)
                .register(registry));
    }

    private void counter(MeterRegistry registry, String name, String unit, LongAdder value, Tags extra) {
        meters.add(FunctionCounter.builder(name, value, LongAdder::sum)
                .baseUnit(unit)
                .tags(tags.and(extra))
                .register(registry));
    }
}
