package io.floorlink.edge.connector.modbus;

import static io.floorlink.sim.modbus.MoldingMachine.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.edge.config.ConnectorConfig;
import io.floorlink.edge.point.PointSample;
import io.floorlink.edge.point.PointSpec;
import io.floorlink.sim.modbus.MachineEndpoint;
import io.floorlink.sim.modbus.MoldingMachineSimulator;
import io.floorlink.sim.modbus.WordOrder;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.Quality;
import io.floorlink.sparkplug.config.YamlConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ModbusConnectorIT {

    record Snippet(List<ConnectorConfig> connectors) {}

    private static final String TEST_POINTS = """
                  - { id: int16, address: "holding:200", type: int16, category: process }
                  - { id: uint16, address: "holding:201", type: uint16, category: process }
                  - { id: int32, address: "holding:202", type: int32, category: process }
                  - { id: uint32, address: "holding:204", type: uint32, category: counter }
                  - { id: int64, address: "holding:206", type: int64, category: process }
                  - { id: uint64, address: "holding:210", type: uint64, category: counter }
                  - { id: float32, address: "holding:214", type: float32, category: process }
                  - { id: float64, address: "holding:216", type: float64, category: process }
                  - { id: bit0, address: "holding:220", type: bool, bit: 0, category: state }
                  - { id: bit1, address: "holding:220", type: bool, bit: 1, category: state }
                  - { id: bit15, address: "holding:220", type: bool, bit: 15, category: state }
                  - { id: text, address: "holding:221", type: string, length: 8, category: state }
                  - { id: scaled, address: "holding:229", type: uint16, scale: 0.1, offset: -20, unit: bar, category: process }
                  - { id: input_float, address: "input:214", type: float32, category: process }
                  - { id: running, address: "coil:0", type: bool, category: state }
                  - { id: alarm, address: "coil:1", type: bool, category: alarm }
                  - { id: door, address: "discrete:1", type: bool, category: safety }
            """;

    static ModbusConnectorConfig config(String name, int port, String byteOrder, String interval, String points) {
        return config(name, port, byteOrder, interval, points, "");
    }

    /** With {@code deviceKeys} (e.g. {@code "max_gap: 8"}) added to the device. */
    static ModbusConnectorConfig config(
            String name, int port, String byteOrder, String interval, String points, String deviceKeys) {
        String yaml = """
                connectors:
                  - type: modbus
                    name: %s
                    host: 127.0.0.1
                    port: %d
                    addressing: zero_based
                    connect_timeout: 1s
                    request_timeout: 500ms
                    reconnect: { initial_delay: 200ms, max_delay: 1s }
                    devices:
                      - id: %s
                        unit: 1
                        interval: %s
                        byte_order: %s
                        %s
                        points:
                %s""".formatted(
                        name,
                        port,
                        name,
                        interval,
                        byteOrder,
                        deviceKeys,
                        points.stripIndent().indent(10));
        return (ModbusConnectorConfig) YamlConfig.parse("it.yaml", yaml, k -> null, Snippet.class)
                .connectors()
                .get(0);
    }

    private static MoldingMachineSimulator simulator(WordOrder... orders) throws Exception {
        return MoldingMachineSimulator.start(new MoldingMachineSimulator.Options(
                "127.0.0.1", 0, orders.length, List.of(orders), 3, Duration.ofMillis(100), null));
    }

    @Test
    void everyDataTypeInEveryByteOrderScalingBitsAndStringsDecode() throws Exception {
        WordOrder[] orders = WordOrder.values();
        try (var sim = simulator(orders)) {
            List<ModbusConnector> connectors = new java.util.ArrayList<>();
            RecordingSink sink = new RecordingSink();
            try {
                for (int i = 0; i < orders.length; i++) {
                    MachineEndpoint e = sim.endpoints().get(i);
                    String order = i % 2 == 0
                            ? orders[i].name()
                            : ByteOrder.parse(orders[i].name()).name64();
                    var c = new ModbusConnector(
                            config(e.machine().name(), e.port(), order, "200ms", TEST_POINTS),
                            new SimpleMeterRegistry());
                    connectors.add(c);
                    c.start(sink);
                }
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> sim.machineIds().stream().allMatch(id -> sink.sample(id, "door") != null));
                for (int i = 0; i < orders.length; i++) {
                    String id = sim.endpoints().get(i).machine().name();
                    Function<String, Object> v = point -> {
                        PointSample s = sink.sample(id, point);
                        assertThat(s.quality()).as(id + " " + point).isEqualTo(Quality.GOOD);
                        return s.value();
                    };
                    String as = id + " in " + orders[i];
                    assertThat(v.apply("int16")).as(as).isEqualTo((int) TEST_INT16_VALUE);
                    assertThat(v.apply("uint16")).as(as).isEqualTo(TEST_UINT16_VALUE);
                    assertThat(v.apply("int32")).as(as).isEqualTo(TEST_INT32_VALUE);
                    assertThat(v.apply("uint32")).as(as).isEqualTo(TEST_UINT32_VALUE);
                    assertThat(v.apply("int64")).as(as).isEqualTo(TEST_INT64_VALUE);
                    assertThat(v.apply("uint64")).as(as).isEqualTo(TEST_UINT64_VALUE);
                    assertThat(v.apply("float32")).as(as).isEqualTo(TEST_FLOAT32_VALUE);
                    assertThat(v.apply("float64")).as(as).isEqualTo(TEST_FLOAT64_VALUE);
                    assertThat(v.apply("bit0")).as(as).isEqualTo(true);
                    assertThat(v.apply("bit1")).as(as).isEqualTo(false);
                    assertThat(v.apply("bit15")).as(as).isEqualTo(true);
                    assertThat(v.apply("text")).as(as).isEqualTo(TEST_STRING_VALUE);
                    assertThat((Double) v.apply("scaled"))
                            .as(as)
                            .isCloseTo(103.4, org.assertj.core.data.Offset.offset(1e-9));
                    assertThat(v.apply("input_float")).as(as).isEqualTo(TEST_FLOAT32_VALUE);
                    assertThat(v.apply("running")).as(as).isEqualTo(true);
                    assertThat(v.apply("alarm")).as(as).isEqualTo(false);
                    assertThat(v.apply("door")).as(as).isEqualTo(true);
                    Map<String, DataType> types =
                            sink.births.get(id).stream().collect(Collectors.toMap(PointSpec::id, PointSpec::type));
                    assertThat(types)
                            .containsEntry("int16", DataType.INT16)
                            .containsEntry("uint32", DataType.UINT32)
                            .containsEntry("uint64", DataType.UINT64)
                            .containsEntry("float32", DataType.FLOAT)
                            .containsEntry("float64", DataType.DOUBLE)
                            .containsEntry("scaled", DataType.DOUBLE)
                            .containsEntry("text", DataType.STRING)
                            .containsEntry("bit0", DataType.BOOLEAN);
                }
            } finally {
                connectors.forEach(ModbusConnector::close);
            }
        }
    }

    @Test
    void wrongByteOrderGivesADifferentValueSoTheOrderReallyMatters() throws Exception {
        try (var sim = simulator(WordOrder.CDAB)) {
            MachineEndpoint e = sim.endpoints().get(0);
            RecordingSink sink = new RecordingSink();
            String points = """
                    - { id: right, address: "holding:214", type: float32, category: process, byte_order: CDAB }
                    - { id: wrong, address: "holding:214", type: float32, category: process }
                    """;
            try (var c = new ModbusConnector(
                    config("IMM-01", e.port(), "ABCD", "200ms", points), new SimpleMeterRegistry())) {
                c.start(sink);
                await().atMost(Duration.ofSeconds(10)).until(() -> sink.sample("IMM-01", "wrong") != null);
                assertThat(sink.sample("IMM-01", "right").value()).isEqualTo(TEST_FLOAT32_VALUE);
                assertThat(sink.sample("IMM-01", "wrong").value()).isNotEqualTo(TEST_FLOAT32_VALUE);
            }
        }
    }

    @Test
    void exceptionResponseGivesBadQualityKeepsTheCodeAndTheDeviceUp() throws Exception {
        try (var sim = simulator(WordOrder.ABCD)) {
            MachineEndpoint e = sim.endpoints().get(0);
            e.setExceptionRange(200, 209, 2);
            RecordingSink sink = new RecordingSink();
            String points = """
                    - { id: status, address: "holding:1", type: uint16, category: state }
                    - { id: int32, address: "holding:202", type: int32, category: process }
                    """;
            try (var c = new ModbusConnector(
                    config("IMM-01", e.port(), "ABCD", "200ms", points), new SimpleMeterRegistry())) {
                c.start(sink);
                await().atMost(Duration.ofSeconds(10)).until(() -> sink.failed("IMM-01") >= 5);
                PointSample bad = sink.sample("IMM-01", "int32");
                assertThat(bad.quality()).isEqualTo(Quality.BAD);
                assertThat(bad.value()).isNull();
                assertThat(c.lastExceptionCode("IMM-01", "int32")).hasValue(2);
                assertThat(sink.sample("IMM-01", "status").quality()).isEqualTo(Quality.GOOD);
                assertThat(sink.sample("IMM-01", "status").value()).isEqualTo(4);
                assertThat(sink.events).containsExactly("up IMM-01");
                assertThat(sink.ok("IMM-01")).isCloseTo(sink.failed("IMM-01"), org.assertj.core.data.Offset.offset(2L));

                e.setExceptionRange(0, 0, 0);
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> sink.sample("IMM-01", "int32").quality() == Quality.GOOD);
                assertThat(sink.sample("IMM-01", "int32").value()).isEqualTo(TEST_INT32_VALUE);
                assertThat(c.lastExceptionCode("IMM-01", "int32")).isEmpty();
            }
        }
    }

    /**
     * {@code max_gap}: the points of 200..228 with gaps of 13 and 5 unmapped registers are one request and decode as
     * read apart; when the machine answers a read of its gap with exception 2 (Modbus Application Protocol v1.1b3
     * section 7: illegal data address) the device is read without gaps from the next cycle on, all points good.
     */
    @Test
    void maxGapReadsAcrossGapsInOneRequestAndFallsBackWhenTheDeviceRefusesAGap() throws Exception {
        try (var sim = simulator(WordOrder.ABCD)) {
            MachineEndpoint e = sim.endpoints().get(0);
            RecordingSink sink = new RecordingSink();
            var registry = new SimpleMeterRegistry();
            String points = """
                    - { id: int16, address: "holding:200", type: int16, category: process }
                    - { id: float32, address: "holding:214", type: float32, category: process }
                    - { id: text, address: "holding:221", type: string, length: 8, category: state }
                    """;
            java.util.function.DoubleSupplier requestsOk = () -> registry.get("floorlink.edge.modbus.requests")
                    .tag("outcome", "ok")
                    .functionCounter()
                    .count();
            try (var c =
                    new ModbusConnector(config("IMM-01", e.port(), "ABCD", "100ms", points, "max_gap: 13"), registry)) {
                c.start(sink);
                await().atMost(Duration.ofSeconds(10)).until(() -> sink.ok("IMM-01") >= 9);
                assertThat(sink.sample("IMM-01", "int16").value()).isEqualTo((int) TEST_INT16_VALUE);
                assertThat(sink.sample("IMM-01", "float32").value()).isEqualTo(TEST_FLOAT32_VALUE);
                assertThat(sink.sample("IMM-01", "text").value()).isEqualTo(TEST_STRING_VALUE);
                // one request a cycle: requests ok = good reads / 3 points
                assertThat(requestsOk.getAsDouble() * 3)
                        .isCloseTo(sink.ok("IMM-01"), org.assertj.core.data.Offset.offset(3.0));
                assertThat(sink.failed("IMM-01")).isZero();

                e.setExceptionRange(205, 209, 2);
                await().atMost(Duration.ofSeconds(5)).until(() -> sink.failed("IMM-01") > 0);
                long failed = sink.failed("IMM-01");
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> sink.sample("IMM-01", "int16").quality() == Quality.GOOD);
                double requests0 = requestsOk.getAsDouble();
                long ok0 = sink.ok("IMM-01");
                await().atMost(Duration.ofSeconds(10)).until(() -> sink.ok("IMM-01") >= ok0 + 15);
                // one failed cycle (the three points bad once), then three requests a cycle, every point good
                assertThat(failed).isEqualTo(3);
                assertThat(sink.failed("IMM-01")).isEqualTo(3);
                assertThat(requestsOk.getAsDouble() - requests0)
                        .isCloseTo(sink.ok("IMM-01") - ok0, org.assertj.core.data.Offset.offset(3.0));
                assertThat(sink.sample("IMM-01", "float32").value()).isEqualTo(TEST_FLOAT32_VALUE);
                assertThat(sink.sample("IMM-01", "text").value()).isEqualTo(TEST_STRING_VALUE);
                assertThat(c.lastExceptionCode("IMM-01", "int16")).isEmpty();
                assertThat(sink.events).containsExactly("up IMM-01");
            }
        }
    }

    @Test
    void unreachableAtStartIsRetriedAndATcpDropReconnects() throws Exception {
        try (var sim = simulator(WordOrder.ABCD)) {
            MachineEndpoint e = sim.endpoints().get(0);
            e.stop();
            RecordingSink sink = new RecordingSink();
            var registry = new SimpleMeterRegistry();
            String points = "- { id: cycles, address: \"holding:2\", type: uint32, category: counter }\n";
            try (var c = new ModbusConnector(config("IMM-01", e.port(), "ABCD", "200ms", points), registry)) {
                c.start(sink);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> registry.get("floorlink.edge.modbus.connects")
                                        .tag("outcome", "failed")
                                        .functionCounter()
                                        .count()
                                >= 2);
                assertThat(sink.events).isEmpty();
                assertThat(sink.failed("IMM-01")).isGreaterThanOrEqualTo(2);

                e.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> sink.events.contains("up IMM-01"));
                long before = sink.ok("IMM-01");
                await().atMost(Duration.ofSeconds(5)).until(() -> sink.ok("IMM-01") > before + 2);

                e.dropConnections();
                await().atMost(Duration.ofSeconds(10)).until(() -> sink.events.size() >= 3);
                assertThat(sink.events).containsExactly("up IMM-01", "down IMM-01 connection_lost", "up IMM-01");
                long after = sink.ok("IMM-01");
                await().atMost(Duration.ofSeconds(5)).until(() -> sink.ok("IMM-01") > after + 2);
            }
        }
    }

    @Test
    void aMachineThatAcceptsAndClosesEveryConnectionIsDownUntilItAnswersAgain() throws Exception {
        // A switched-off machine behind a serial server, or one at its client limit, accepts TCP and closes at once;
        // the close can overtake the connect completion.
        try (var sim = simulator(WordOrder.ABCD)) {
            MachineEndpoint e = sim.endpoints().get(0);
            RecordingSink sink = new RecordingSink();
            String points = "- { id: cycles, address: \"holding:2\", type: uint32, category: counter }\n";
            try (var c = new ModbusConnector(
                    config("IMM-01", e.port(), "ABCD", "200ms", points), new SimpleMeterRegistry())) {
                c.start(sink);
                await().atMost(Duration.ofSeconds(10)).until(() -> sink.events.contains("up IMM-01"));

                e.setRefuseConnections(true);
                await().atMost(Duration.ofSeconds(10)).until(() -> sink.events.size() >= 2);
                long failedBefore = sink.failed("IMM-01");
                Thread.sleep(3_000);
                assertThat(sink.failed("IMM-01")).as("reads while refused").isGreaterThan(failedBefore);

                e.setRefuseConnections(false);
                await().atMost(Duration.ofSeconds(10)).until(() -> sink.events.size() >= 3);
                assertThat(sink.events.get(2)).isEqualTo("up IMM-01");
                long after = sink.ok("IMM-01");
                await().atMost(Duration.ofSeconds(5)).until(() -> sink.ok("IMM-01") > after + 2);
            }
        }
    }

    @Test
    void aHealthyDeviceCountsOneReadPerPointPerInterval() throws Exception {
        try (var sim = simulator(WordOrder.ABCD)) {
            MachineEndpoint e = sim.endpoints().get(0);
            RecordingSink sink = new RecordingSink();
            String points = """
                    - { id: status, address: "holding:1", type: uint16, category: state }
                    - { id: cycles, address: "holding:2", type: uint32, category: counter }
                    - { id: far, address: "holding:100", type: uint16, category: state }
                    """;
            try (var c = new ModbusConnector(
                    config("IMM-01", e.port(), "ABCD", "100ms", points), new SimpleMeterRegistry())) {
                c.start(sink);
                await().atMost(Duration.ofSeconds(10)).until(() -> sink.ok("IMM-01") >= 3);
                long start = sink.ok("IMM-01");
                long t0 = System.nanoTime();
                Thread.sleep(2000);
                long reads = sink.ok("IMM-01") - start;
                double cycles = (System.nanoTime() - t0) / 1e8;
                assertThat(reads % 3).isZero();
                assertThat((double) reads).isCloseTo(3 * cycles, org.assertj.core.data.Offset.offset(6.0));
                assertThat(sink.failed("IMM-01")).isZero();
            }
        }
    }

    @Test
    void aSlowDeviceGoesDownIsProbedAtTheBackoffPaceAndComesBack() throws Exception {
        try (var sim = simulator(WordOrder.ABCD)) {
            MachineEndpoint e = sim.endpoints().get(0);
            RecordingSink sink = new RecordingSink();
            var registry = new SimpleMeterRegistry();
            String points = "- { id: status, address: \"holding:1\", type: uint16, category: state }\n";
            try (var c = new ModbusConnector(config("IMM-01", e.port(), "ABCD", "100ms", points), registry)) {
                c.start(sink);
                await().atMost(Duration.ofSeconds(10)).until(() -> sink.events.contains("up IMM-01"));

                e.setResponseDelay(Duration.ofMillis(800));
                await().atMost(Duration.ofSeconds(5)).until(() -> sink.events.size() >= 2);
                assertThat(sink.events).containsExactly("up IMM-01", "down IMM-01 no_response");
                long failedBefore = sink.failed("IMM-01");
                Thread.sleep(3000);
                long probes = sink.failed("IMM-01") - failedBefore;
                // polled at 100 ms it would be 30 cycles; probes back off 200 ms, 400 ms, 800 ms, 1 s (+500 ms timeout)
                assertThat(probes).isBetween(1L, 8L);
                assertThat(sink.ok("IMM-01")).isPositive();

                e.setResponseDelay(Duration.ZERO);
                await().atMost(Duration.ofSeconds(5)).until(() -> sink.events.size() >= 3);
                assertThat(sink.events.get(2)).isEqualTo("up IMM-01");
                assertThat(sink.sample("IMM-01", "status").quality()).isEqualTo(Quality.GOOD);
            }
        }
    }

    /**
     * A gateway with three units on one connection; unit 3 is gone (the gateway waits 300 ms for it, then answers
     * exception 11). Unit 3 is taken down and probed at the backoff pace, so the units answering keep almost all
     * their cycles even though the gateway answers one request at a time.
     */
    @Test
    void aUnitGoneBehindAGatewayIsTakenDownAndDoesNotStarveTheOthers() throws Exception {
        try (var sim = simulator(WordOrder.ABCD)) {
            MachineEndpoint e = sim.endpoints().get(0);
            e.setUnitSilent(3, Duration.ofMillis(300));
            RecordingSink sink = new RecordingSink();
            var registry = new SimpleMeterRegistry();
            try (var c = new ModbusConnector(gateway("hall", e.port(), 1, 2, 3), registry)) {
                c.start(sink);
                await().atMost(Duration.ofSeconds(10)).until(() -> sink.ok("U1") > 2 && sink.ok("U2") > 2);
                await().atMost(Duration.ofSeconds(5)).until(() -> sink.failed("U3") >= 2);
                long u1 = sink.ok("U1");
                long u2 = sink.ok("U2");
                long t0 = System.nanoTime();
                Thread.sleep(4000);
                double cycles = (System.nanoTime() - t0) / 2e8;
                long got1 = sink.ok("U1") - u1;
                long got2 = sink.ok("U2") - u2;
                System.out.printf("gateway with a gone unit: U1 %d, U2 %d of %.1f cycles in 4 s%n", got1, got2, cycles);
                assertThat((double) got1).isGreaterThanOrEqualTo(0.75 * cycles);
                assertThat((double) got2).isGreaterThanOrEqualTo(0.75 * cycles);
                assertThat(sink.failed("U1") + sink.failed("U2")).isZero();
                assertThat(sink.ok("U3")).isZero();
                assertThat(sink.events).doesNotContain("up U3", "down U1 no_response", "down U2 no_response");
                assertThat(registry.get("floorlink.edge.modbus.exceptions")
                                .tag("code", "11")
                                .counter()
                                .count())
                        .isPositive();

                e.setUnitSilent(3, Duration.ZERO);
                await().atMost(Duration.ofSeconds(5)).until(() -> sink.events.contains("up U3"));
            }
        }
    }

    private static ModbusConnectorConfig gateway(String name, int port, int... units) {
        StringBuilder devices = new StringBuilder();
        for (int u : units) {
            devices.append("      - { id: U")
                    .append(u)
                    .append(", unit: ")
                    .append(u)
                    .append(", interval: 200ms, points: [ { id: s, address: \"holding:1\", type: uint16,"
                            + " category: state } ] }\n");
        }
        String yaml = """
                connectors:
                  - type: modbus
                    name: %s
                    host: 127.0.0.1
                    port: %d
                    addressing: zero_based
                    request_timeout: 2s
                    reconnect: { initial_delay: 200ms, max_delay: 1s }
                    devices:
                """.formatted(name, port) + devices;
        return (ModbusConnectorConfig) YamlConfig.parse("it.yaml", yaml, k -> null, Snippet.class)
                .connectors()
                .get(0);
    }
}
