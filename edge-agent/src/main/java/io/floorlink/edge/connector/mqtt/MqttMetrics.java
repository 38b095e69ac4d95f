package io.floorlink.edge.connector.mqtt;

import io.floorlink.edge.connector.ConnectorMeters;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The meters of one MQTT connector; see {@link ConnectorMeters}. */
final class MqttMetrics extends ConnectorMeters {
    final AtomicInteger connected = new AtomicInteger();
    final AtomicInteger devicesUp = new AtomicInteger();
    final LongAdder connectionsLost = new LongAdder();
    final LongAdder dataMessages = new LongAdder();
    final LongAdder statusMessages = new LongAdder();
    final LongAdder unknownDevice = new LongAdder();
    final LongAdder oversized = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder readsOk = new LongAdder();
    final LongAdder readsFailed = new LongAdder();
    final LongAdder downSilence = new LongAdder();
    final LongAdder downOffline = new LongAdder();
    final LongAdder downBroker = new LongAdder();

    MqttMetrics(String connector) {
        super(connector);
    }

    @Override
    protected void register() {
        gauge("floorlink.edge.mqtt.connected", "connections", connected, "1 while connected to the broker");
        gauge("floorlink.edge.mqtt.devices.up", "devices", devicesUp, "devices currently up");
        counter("floorlink.edge.mqtt.connections.lost", "connections", connectionsLost, Tags.empty());
        counter("floorlink.edge.mqtt.messages", "messages", dataMessages, Tags.of("kind", "data"));
        counter("floorlink.edge.mqtt.messages", "messages", statusMessages, Tags.of("kind", "status"));
        counter("floorlink.edge.mqtt.messages.unknown_device", "messages", unknownDevice, Tags.empty());
        counter("floorlink.edge.mqtt.messages.oversized", "messages", oversized, Tags.empty());
        counter("floorlink.edge.mqtt.errors", "errors", errors, Tags.empty());
        counter("floorlink.edge.mqtt.reads", "reads", readsOk, Tags.of("outcome", "ok"));
        counter("floorlink.edge.mqtt.reads", "reads", readsFailed, Tags.of("outcome", "failed"));
        counter("floorlink.edge.mqtt.device.downs", "transitions", downSilence, Tags.of("reason", "silence"));
        counter("floorlink.edge.mqtt.device.downs", "transitions", downOffline, Tags.of("reason", "offline"));
        counter("floorlink.edge.mqtt.device.downs", "transitions", downBroker, Tags.of("reason", "broker_lost"));
    }
}
