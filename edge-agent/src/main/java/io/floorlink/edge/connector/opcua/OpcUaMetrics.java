package io.floorlink.edge.connector.opcua;

import io.floorlink.edge.connector.ConnectorMeters;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The meters of one OPC UA connector; see {@link ConnectorMeters}. */
final class OpcUaMetrics extends ConnectorMeters {
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

    OpcUaMetrics(String connector) {
        super(connector);
    }

    @Override
    protected void register() {
        gauge("floorlink.edge.opcua.session.active", "sessions", sessionActive, "1 while a session is open");
        gauge("floorlink.edge.opcua.devices.up", "devices", devicesUp, "devices currently up");
        gauge("floorlink.edge.opcua.points.polled", "points", pointsPolled, "points read by polling");
        counter("floorlink.edge.opcua.connects", "attempts", connectSucceeded, Tags.of("outcome", "ok"));
        counter("floorlink.edge.opcua.connects", "attempts", connectFailed, Tags.of("outcome", "failed"));
        counter("floorlink.edge.opcua.sessions.lost", "sessions", sessionsLost, Tags.empty());
        counter("floorlink.edge.opcua.notifications", "notifications", notifications, Tags.empty());
        counter("floorlink.edge.opcua.poll.requests", "requests", pollRequests, Tags.empty());
        counter("floorlink.edge.opcua.poll.skipped", "requests", pollsSkipped, Tags.empty());
        counter("floorlink.edge.opcua.reads", "reads", readsOk, Tags.of("outcome", "ok"));
        counter("floorlink.edge.opcua.reads", "reads", readsFailed, Tags.of("outcome", "failed"));
        counter("floorlink.edge.opcua.values.rejected", "values", valuesRejected, Tags.empty());
    }
}
