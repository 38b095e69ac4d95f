package io.floorlink.edge.connector.modbus;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Meters of one Modbus connector, all tagged {@code connector=<name>}. The connector counts into the fields;
 * {@link #bindTo} exposes them, {@link #unbind} removes them when the connector closes.
 */
final class ModbusMetrics implements MeterBinder {
    final AtomicInteger connected = new AtomicInteger();
    final AtomicInteger devicesUp = new AtomicInteger();
    final LongAdder connectSucceeded = new LongAdder();
    final LongAdder connectFailed = new LongAdder();
    final LongAdder connectionsLost = new LongAdder();
    final LongAdder requestsOk = new LongAdder();
    final LongAdder requestsFailed = new LongAdder();
    final LongAdder cyclesSkipped = new LongAdder();
    final LongAdder readsOk = new LongAdder();
    final LongAdder readsFailed = new LongAdder();

    private final String connector;
    private final Tags tags;
    private final List<Meter> meters = new ArrayList<>();
    private MeterRegistry registry;
    private Timer cycleTimer;

    ModbusMetrics(String connector) {
        this.connector = connector;
        this.tags = Tags.of("connector", connector);
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        this.registry = registry;
        gauge("floorlink.edge.modbus.connection.active", "connections", connected, "1 while the TCP connection is up");
        gauge("floorlink.edge.modbus.devices.up", "devices", devicesUp, "devices currently answering");
        counter("floorlink.edge.modbus.connects", "attempts", connectSucceeded, Tags.of("outcome", "ok"));
        counter("floorlink.edge.modbus.connects", "attempts", connectFailed, Tags.of("outcome", "failed"));
        counter("floorlink.edge.modbus.connections.lost", "connections", connectionsLost, Tags.empty());
        counter("floorlink.edge.modbus.requests", "requests", requestsOk, Tags.of("outcome", "ok"));
        counter("floorlink.edge.modbus.requests", "requests", requestsFailed, Tags.of("outcome", "failed"));
        counter("floorlink.edge.modbus.cycles.skipped", "cycles", cyclesSkipped, Tags.empty());
        counter("floorlink.edge.modbus.reads", "reads", readsOk, Tags.of("outcome", "ok"));
        counter("floorlink.edge.modbus.reads", "reads", readsFailed, Tags.of("outcome", "failed"));
        cycleTimer = Timer.builder("floorlink.edge.modbus.cycle.duration")
                .description("time from the start of a device's poll cycle to its last response")
                .tags(tags)
                .register(registry);
        meters.add(cycleTimer);
    }

    /** Counts one Modbus exception response; {@code code} is the exception code 1..255 (bounded tag). */
    synchronized void exception(int code) {
        if (registry != null) {
            Counter c = Counter.builder("floorlink.edge.modbus.exceptions")
                    .baseUnit("responses")
                    .description("Modbus exception responses by exception code")
                    .tags(tags.and("code", Integer.toString(code & 0xff)))
                    .register(registry);
            if (!meters.contains(c)) {
                meters.add(c);
            }
            c.increment();
        }
    }

    synchronized void cycle(long nanos) {
        if (cycleTimer != null) {
            cycleTimer.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    synchronized void unbind() {
        if (registry != null) {
            meters.forEach(registry::remove);
            meters.clear();
            cycleTimer = null;
        }
    }

    String connector() {
        return connector;
    }

    private void gauge(String name, String unit, AtomicInteger value, String description) {
        meters.add(Gauge.builder(name, value, AtomicInteger::get)
                .baseUnit(unit)
                .description(description)
                .tags(tags)
                .register(registry));
    }

    private void counter(String name, String unit, LongAdder value, Tags extra) {
        meters.add(FunctionCounter.builder(name, value, LongAdder::sum)
                .baseUnit(unit)
                .tags(tags.and(extra))
                .register(registry));
    }
}
