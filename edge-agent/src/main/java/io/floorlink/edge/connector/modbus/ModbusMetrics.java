package io.floorlink.edge.connector.modbus;

import io.floorlink.edge.connector.ConnectorMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The meters of one Modbus connector; see {@link ConnectorMeters}. */
final class ModbusMetrics extends ConnectorMeters {
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

    private Timer cycleTimer;

    ModbusMetrics(String connector) {
        super(connector);
    }

    @Override
    protected void register() {
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
        cycleTimer = track(Timer.builder("floorlink.edge.modbus.cycle.duration")
                .description("time from the start of a device's poll cycle to its last response")
                .tags(tags())
                .register(registry()));
    }

    /** Counts one Modbus exception response; {@code code} is the exception code 1..255 (bounded tag). */
    synchronized void exception(int code) {
        if (registry() != null) {
            track(Counter.builder("floorlink.edge.modbus.exceptions")
                            .baseUnit("responses")
                            .description("Modbus exception responses by exception code")
                            .tags(tags().and("code", Integer.toString(code & 0xff)))
                            .register(registry()))
                    .increment();
        }
    }

    synchronized void cycle(long nanos) {
        if (cycleTimer != null) {
            cycleTimer.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public synchronized void unbind() {
        super.unbind();
        cycleTimer = null;
    }
}
