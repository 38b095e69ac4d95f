package io.floorlink.edge.connector.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.edge.cli.BrowseOpcUaCommand;
import io.floorlink.edge.config.Reconnect;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig.Device;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig.Point;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig.PointMode;
import io.floorlink.edge.connector.opcua.OpcUaConnectorIT.RecordingSink;
import io.floorlink.edge.point.PointSample;
import io.floorlink.sim.opcua.SewingLineLimits;
import io.floorlink.sim.opcua.SewingLineOptions;
import io.floorlink.sim.opcua.SewingLineSimulator;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The connector and {@code browse opcua} against a simulator with small operation limits like a PLC's (OPC UA
 * Part 5 §6.3.11 OperationLimits: 50 nodes per Read, 20 per Browse, 50 monitored items per call), which answers
 * Bad_TooManyOperations above them (Part 4 §5.10.2 Read, §5.12.2 CreateMonitoredItems).
 */
class OpcUaOperationLimitsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int STATIONS = 84; // x 6 variables = 504 points

    @Test
    @DisplayName("Part 5 §6.3.11 / Part 4 §5.10.2, §5.12.2: 504 points without type connect within small limits")
    void connectorSplitsDataTypeReadsMonitoredItemsAndPollsToTheServerLimits() throws Exception {
        try (SewingLineSimulator sim = SewingLineSimulator.start(SewingLineOptions.defaults()
                .withStations(STATIONS)
                .withTick(Duration.ofMillis(200))
                .withLimits(SewingLineLimits.SMALL))) {
            List<Device> devices = new ArrayList<>();
            for (String station : sim.stationIds()) {
                List<Point> points = new ArrayList<>();
                for (String variable : SewingLineSimulator.VARIABLES) {
                    // RunState polled (84 points in one poll group > 50 per Read), the rest subscribed (420 > 50).
                    PointMode mode = variable.equals("RunState") ? PointMode.POLL : null;
                    points.add(new Point(
                            OpcUaBrowser.pointId(variable),
                            sim.nodeId(station, variable),
                            Category.PROCESS,
                            Duration.ofMillis(500),
                            null,
                            null,
                            null,
                            null,
                            null,
                            mode));
                }
                devices.add(new Device(station, points));
            }
            assertThat(devices.stream().mapToInt(d -> d.points().size()).sum()).isEqualTo(504);
            RecordingSink sink = new RecordingSink();
            OpcUaConnectorConfig config = new OpcUaConnectorConfig(
                    "limits",
                    URI.create(sim.endpointUrl()),
                    null,
                    Duration.ofSeconds(5),
                    new Reconnect(Duration.ofMillis(200), Duration.ofSeconds(1)),
                    devices);
            try (OpcUaConnector connector = new OpcUaConnector(config, new SimpleMeterRegistry())) {
                connector.start(sink);

                await().atMost(WAIT).until(() -> sink.upCount() >= STATIONS);
                assertThat(connector.connectProblem()).isNull();
                assertThat(sink.lastBirth("SEW-01"))
                        .filteredOn(p -> p.id().equals("stitch_count"))
                        .singleElement()
                        .satisfies(p -> assertThat(p.type()).isEqualTo(DataType.UINT32));
                assertThat(sink.lastBirth("SEW-84"))
                        .filteredOn(p -> p.id().equals("motor_speed"))
                        .singleElement()
                        .satisfies(p -> assertThat(p.type()).isEqualTo(DataType.DOUBLE));
                await().atMost(WAIT).untilAsserted(() -> assertThat(sink.samples(s -> s.value() != null).stream()
                                .map(s -> s.deviceId() + "/" + s.pointId())
                                .collect(Collectors.toSet()))
                        .hasSize(504));
                Set<String> bad = sink.samples(s -> s.value() == null).stream()
                        .map(PointSample::pointId)
                        .collect(Collectors.toSet());
                assertThat(bad).as("points without a value").isEmpty();
                assertThat(sink.downs).isEmpty();
            }
        }
    }

    @Test
    @DisplayName("Part 4 §5.12.2: a server that under-reports MaxMonitoredItemsPerCall gets halved"
            + " CreateMonitoredItems calls; every point stays subscribed")
    void createMonitoredItemsRetriesAtHalfSizeOnTooManyOperations() throws Exception {
        try (SewingLineSimulator sim = SewingLineSimulator.start(SewingLineOptions.defaults()
                .withStations(STATIONS)
                .withTick(Duration.ofMillis(200))
                .withLimits(new SewingLineLimits(0, 0, 50, false)))) {
            List<Device> devices = new ArrayList<>();
            for (String station : sim.stationIds()) {
                List<Point> points = new ArrayList<>();
                for (String variable : SewingLineSimulator.VARIABLES) {
                    points.add(new Point(
                            OpcUaBrowser.pointId(variable),
                            sim.nodeId(station, variable),
                            Category.PROCESS,
                            Duration.ofMillis(500),
                            null,
                            null,
                            null,
                            null,
                            null,
                            null));
                }
                devices.add(new Device(station, points));
            }
            RecordingSink sink = new RecordingSink();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            OpcUaConnectorConfig config = new OpcUaConnectorConfig(
                    "under-reporting",
                    URI.create(sim.endpointUrl()),
                    null,
                    Duration.ofSeconds(5),
                    new Reconnect(Duration.ofMillis(200), Duration.ofSeconds(1)),
                    devices);
            try (OpcUaConnector connector = new OpcUaConnector(config, registry)) {
                connector.start(sink);

                await().atMost(WAIT).untilAsserted(() -> assertThat(sink.samples(s -> s.value() != null).stream()
                                .map(s -> s.deviceId() + "/" + s.pointId())
                                .collect(Collectors.toSet()))
                        .hasSize(504));
                // Refused items would have fallen back to polling; none did.
                assertThat(registry.get("floorlink.edge.opcua.points.polled")
                                .gauge()
                                .value())
                        .isZero();
                assertThat(connector.connectProblem()).isNull();
            }
        }
    }

    @Test
    @DisplayName("Part 4 §5.10.2: a server that advertises no limit but refuses large Reads gets halved chunks")
    void readRetriesAtHalfSizeOnTooManyOperations() throws Exception {
        try (SewingLineSimulator sim = SewingLineSimulator.start(
                SewingLineOptions.defaults().withStations(STATIONS).withLimits(new SewingLineLimits(50, 0, 0)))) {
            OpcUaClient client = OpcUaClient.create(sim.endpointUrl());
            client.connect();
            try {
                List<ReadValueId> ids = new ArrayList<>();
                for (String station : sim.stationIds()) {
                    for (String variable : SewingLineSimulator.VARIABLES) {
                        ids.add(new ReadValueId(
                                NodeId.parse(sim.nodeId(station, variable)),
                                AttributeId.DataType.uid(),
                                null,
                                QualifiedName.NULL_VALUE));
                    }
                }
                // As if the server under-reported: no limit known, so the first Read asks for 504 (<= 1,000).
                OpcUaOperations ops = new OpcUaOperations(client, 0, 0, 0);
                assertThat(ops.readSize()).isEqualTo(OpcUaOperations.MAX_OPERATIONS_PER_CALL);

                List<DataValue> values = ops.read(ids, TimestampsToReturn.Neither);

                assertThat(values)
                        .hasSize(504)
                        .allSatisfy(v -> assertThat(v.statusCode().isGood()).isTrue());
                assertThat(ops.readSize()).isLessThanOrEqualTo(50).isGreaterThan(0);
                // The limits the server does advertise are taken as they are.
                assertThat(OpcUaOperations.of(client).readSize()).isEqualTo(50);
            } finally {
                client.disconnect();
            }
        }
    }

    @Test
    @DisplayName("Part 5 §6.3.11: browse opcua walks a folder with more children than MaxNodesPerBrowse completely")
    void browseCommandWalksEverythingWithinTheLimits() throws Exception {
        // 10 nodes per Read: the 6 variables of a station need 18 attribute reads, so the browse splits them too.
        try (SewingLineSimulator sim = SewingLineSimulator.start(
                SewingLineOptions.defaults().withStations(30).withLimits(new SewingLineLimits(10, 20, 50)))) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(new BrowseOpcUaCommand());
            cli.setOut(new PrintWriter(out));
            cli.setErr(new PrintWriter(err));

            int code = cli.execute("opcua", "--endpoint", sim.endpointUrl(), "--depth", "3");

            assertThat(code).as(err.toString()).isZero();
            String text = out.toString();
            for (String station : sim.stationIds()) {
                assertThat(text).contains("  " + station + "  ");
                for (String variable : SewingLineSimulator.VARIABLES) {
                    assertThat(text).contains(sim.nodeId(station, variable));
                }
            }
            assertThat(text).contains("# Suggested points (" + (30 * 6) + " readable variables)");
            assertThat(text).doesNotContain("Bad_TooManyOperations");
        }
    }
}
