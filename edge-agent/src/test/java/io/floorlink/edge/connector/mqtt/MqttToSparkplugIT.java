package io.floorlink.edge.connector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.config.Reconnect;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Device;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Point;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Status;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.TimeFormat;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Timestamp;
import io.floorlink.edge.node.EdgeNode;
import io.floorlink.edge.testing.SparkplugRecorder;
import io.floorlink.edge.testing.SparkplugRecorder.Received;
import io.floorlink.sim.mqtt.AssemblyLineOptions;
import io.floorlink.sim.mqtt.AssemblyLineSimulator;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.testing.TestBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulator -> HiveMQ CE -> MQTT connector -> edge node -> Sparkplug B on the same broker, observed by a real
 * subscriber: the skewed station clock reaches the wire as the metric timestamp (what the gateway's latency buckets
 * and the collector's clock_skew read), and a station's last will becomes a DDEATH.
 */
class MqttToSparkplugIT {
    @TempDir
    Path dir;

    @Test
    void skewedSourceTimeReachesSparkplugAndLastWillBecomesDeath() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
                SparkplugRecorder recorder = new SparkplugRecorder(broker.url(), "MQTTIT");
                AssemblyLineSimulator sim = AssemblyLineSimulator.start(AssemblyLineOptions.defaults(broker.url())
                        .withStations(2)
                        .withInterval(Duration.ofMillis(200))
                        .withClockSkew(Map.of("ST-02", Duration.ofMinutes(-5))))) {
            Point state = new Point(
                    "state",
                    "/state",
                    null,
                    Map.of("IDLE", 0.0, "RUNNING", 1.0, "BLOCKED", 2.0, "FAULT", 3.0),
                    Category.STATE,
                    Duration.ofMillis(200),
                    null,
                    null,
                    null);
            Point ok = new Point(
                    "ok_count",
                    "/counts/ok",
                    DataType.INT64,
                    null,
                    Category.COUNTER,
                    Duration.ofMillis(200),
                    null,
                    null,
                    null);
            MqttConnectorConfig config = new MqttConnectorConfig(
                    "asm1",
                    broker.url(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    new Reconnect(Duration.ofMillis(200), Duration.ofSeconds(1)),
                    null,
                    List.of(new Device(
                            null,
                            List.of("ST-01", "ST-02"),
                            "plant/asm1/+/data",
                            3,
                            1,
                            new Timestamp("/ts", TimeFormat.EPOCH_MS),
                            null,
                            new Status("plant/asm1/+/status", null, null, null),
                            List.of(state, ok))));
            EdgeNode node = new EdgeNode(
                    new EdgeConfig.Edge("MQTTIT", "edge-1"),
                    new EdgeConfig.Uplink(
                            broker.url(),
                            null,
                            null,
                            null,
                            null,
                            null,
                            new Reconnect(Duration.ofMillis(100), Duration.ofMillis(500)),
                            null),
                    EdgeConfig.Buffer.at(dir.resolve("buffer.db")),
                    Duration.ofSeconds(1),
                    new SimpleMeterRegistry());
            try (node;
                    MqttConnector connector = new MqttConnector(config, new SimpleMeterRegistry())) {
                node.declareDevices(connector.deviceIds());
                node.start();
                connector.start(node);

                Received birth = recorder.await(r ->
                        r.type() == MessageType.DBIRTH && r.topic().deviceId().equals("ST-02"));
                assertThat(birth.metric("state")).isPresent();
                Received data = recorder.await(r -> r.type() == MessageType.DDATA
                        && r.topic().deviceId().equals("ST-02")
                        && r.metric("state").isPresent());
                long lagMs = data.arrivedMillis() - data.metric("state").get().getTimestamp();
                assertThat(lagMs).isBetween(295_000L, 305_000L);
                Received straight = recorder.await(r -> r.type() == MessageType.DDATA
                        && r.topic().deviceId().equals("ST-01")
                        && r.metric("state").isPresent());
                assertThat(straight.arrivedMillis()
                                - straight.metric("state").get().getTimestamp())
                        .isBetween(-2_000L, 5_000L);
                Received health = recorder.await(r -> r.type() == MessageType.DDATA
                        && r.topic().deviceId().equals("ST-01")
                        && r.metric(MetricNames.HEALTH_READS_OK).isPresent());
                assertThat((Long) Metrics.value(
                                health.metric(MetricNames.HEALTH_READS_OK).get(), DataType.UINT64))
                        .isPositive();

                sim.setStationPower("ST-01", false);
                recorder.await(r ->
                        r.type() == MessageType.DDEATH && r.topic().deviceId().equals("ST-01"));
            }
        }
    }
}
