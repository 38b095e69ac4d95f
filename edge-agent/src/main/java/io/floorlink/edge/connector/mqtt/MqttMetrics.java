package io.floorlink.edge.connector.mqtt;

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
 * Meters of one MQTT connector, all tagged {@code connector=<name>}. The connector counts into the fields;
 * {@link #bindTo} exposes them, {@link #unbind} removes them when the connector closes.
 */
final class MqttMetrics implements MeterBinder {
    final AtomicInteger connected = new AtomicInteger();
    final AtomicInteger devicesUp = new AtomicInteger();
    final LongAdder connectionsLost = new LongAdder();
    final LongAdder dataMessages = new LongAdder();
    final LongAdder statusMessages = new LongAdder();
    final LongAdder unknownDevice = new LongAdder();
    final LongAdder readsOk = new LongAdder();
    final LongAdder readsFailed = new LongAdder();
    final LongAdder downSilence = new LongAdder();
    final LongAdder downOffline = new LongAdder();
    final LongAdder downBroker = new LongAdder();

    private final Tags tags;
    private final List<Meter> meters = new ArrayList<>();
    private MeterRegistry registry;

    MqttMetrics(String connector) {
        this.tags = Tags.of("connector", connector);
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        this.registry = registry;
        gauge(registry, "floorlink.edge.mqtt.connected", "connections", connected, "1 while connected to the broker");
        gauge(registry, "floorlink.edge.mqtt.devices.up", "devices", devicesUp, "devices currently up");
        counter(registry, "floorlink.edge.mqtt.connections.lost", "connections", connectionsLost, Tags.empty());
        counter(registry, "floorlink.edge.mqtt.messages", "messages", dataMessages, Tags.of("kind", "data"));
        counter(registry, "floorlink.edge.mqtt.messages", "messages", statusMessages, Tags.of("kind", "status"));
        counter(registry, "floorlink.edge.mqtt.messages.unknown_device", "messages", unknownDevice, Tags.empty());
        counter(registry, "floorlink.edge.mqtt.reads", "reads", readsOk, Tags.of("outcome", "ok"));
        counter(registry, "floorlink.edge.mqtt.reads", "reads", readsFailed, Tags.of("outcome", "failed"));
        counter(registry, "floorlink.edge.mqtt.device.downs", "transitions", downSilence, Tags.of("reason", "silence"));
        counter(registry, "floorlink.edge.mqtt.device.downs", "transitions", downOffline, Tags.of("reason", "offline"));
        counter(
                registry,
                "floorlink.edge.mqtt.device.downs",
                "transitions",
                downBroker,
                Tags.of("reason", "broker_lost"));
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
