package io.floorlink.edge.connector.modbus;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.config.Reconnect;
import io.floorlink.edge.node.EdgeNode;
import io.floorlink.edge.testing.SparkplugRecorder;
import io.floorlink.edge.testing.SparkplugRecorder.Received;
import io.floorlink.sim.modbus.MachineEndpoint;
import io.floorlink.sim.modbus.MoldingMachineSimulator;
import io.floorlink.sim.modbus.WordOrder;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.floorlink.testing.TestBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Molding machine -> Modbus connector -> edge node -> embedded HiveMQ broker, observed by a Sparkplug subscriber. */
class ModbusToSparkplugIT {
    private static final String DEV = "IMM-01";

    @TempDir
    Path brokerDir;

    private static Object value(Received r, String name) {
        Metric m = r.metric(name).orElseThrow();
        return Metrics.value(m, DataType.fromCode(m.getDatatype()));
    }

    @Test
    void machineBirthsWithTypedPointsPublishesHealthAndDiesWhileItsServerIsDown() throws Exception {
        String points = """
                - { id: cycle_counter, address: "holding:2", type: uint32, category: counter }
                - { id: mold_temp_1, address: "holding:10", type: float32, unit: degC, category: process }
                - { id: running, address: "holding:26", type: bool, bit: 0, category: state }
                """;
        try (TestBroker broker = TestBroker.start(brokerDir);
                SparkplugRecorder recorder = new SparkplugRecorder(broker.url(), "IT");
                var sim = MoldingMachineSimulator.start(new MoldingMachineSimulator.Options(
                        "127.0.0.1", 0, 1, List.of(WordOrder.CDAB), 2, Duration.ofMillis(100), null))) {
            MachineEndpoint e = sim.endpoints().get(0);
            EdgeConfig.Uplink uplink = new EdgeConfig.Uplink(
                    broker.url(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    new Reconnect(Duration.ofMillis(100), Duration.ofMillis(500)),
                    null);
            var registry = new SimpleMeterRegistry();
            try (EdgeNode node = new EdgeNode(
                            new EdgeConfig.Edge("IT", "edge-modbus"),
                            uplink,
                            EdgeConfig.Buffer.at(brokerDir.resolve("buffer.db")),
                            Duration.ofSeconds(1),
                            registry);
                    ModbusConnector connector = new ModbusConnector(
                            ModbusConnectorIT.config(DEV, e.port(), "CDAB", "200ms", points), registry)) {
                node.declareDevices(List.of(DEV));
                node.start();
                connector.start(node);

                Received birth = recorder.await(
                        r -> r.type() == MessageType.DBIRTH
                                && r.topic().deviceId().equals(DEV),
                        Duration.ofSeconds(15));
                assertThat(birth.metric("cycle_counter").orElseThrow().getDatatype())
                        .isEqualTo(DataType.UINT32.code());
                assertThat(birth.metric("mold_temp_1").orElseThrow().getDatatype())
                        .isEqualTo(DataType.FLOAT.code());
                assertThat(birth.metric("running").orElseThrow().getDatatype()).isEqualTo(DataType.BOOLEAN.code());

                Received health = recorder.await(
                        r -> r.type() == MessageType.DDATA
                                && r.topic().deviceId().equals(DEV)
                                && r.metric(MetricNames.HEALTH_READS_OK).isPresent()
                                && ((Number) value(r, MetricNames.HEALTH_READS_OK)).longValue() >= 6,
                        Duration.ofSeconds(10));
                assertThat(value(health, MetricNames.HEALTH_READS_FAILED)).isEqualTo(0L);
                Received temp = recorder.await(
                        r -> r.type() == MessageType.DDATA
                                && r.metric("mold_temp_1").isPresent(),
                        Duration.ofSeconds(10));
                assertThat((Float) value(temp, "mold_temp_1")).isBetween(195f, 235f);

                e.stop();
                recorder.await(
                        r -> r.type() == MessageType.DDEATH
                                && r.topic().deviceId().equals(DEV),
                        Duration.ofSeconds(10));
                e.start();
                recorder.await(
                        r -> r.type() == MessageType.DBIRTH
                                && r.topic().deviceId().equals(DEV)
                                && r.arrivedMillis() > birth.arrivedMillis(),
                        Duration.ofSeconds(10));
                assertThat(recorder.of(MessageType.DBIRTH, DEV)).hasSize(2);
            }
        }
    }
}
