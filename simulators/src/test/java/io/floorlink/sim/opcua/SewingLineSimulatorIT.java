package io.floorlink.sim.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.floorlink.sim.scenario.Scenario;
import io.floorlink.sim.scenario.ScenarioAction;
import io.floorlink.sim.scenario.ScenarioEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SewingLineSimulatorIT {

    private static final Duration TICK = Duration.ofMillis(50);

    private SewingLineSimulator simulator;

    @BeforeEach
    void start() throws Exception {
        simulator = SewingLineSimulator.start(SewingLineOptions.defaults().withTick(TICK));
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void exposesEveryStationVariableUnderTheLineFolder() throws Exception {
        assertThat(simulator.endpointUrl()).isEqualTo("opc.tcp://127.0.0.1:" + simulator.port() + "/floorlink");
        assertThat(simulator.port()).isPositive();
        assertThat(simulator.stationIds()).hasSize(12).startsWith("SEW-01").endsWith("SEW-12");

        try (OpcUaTestClient client = OpcUaTestClient.connect(simulator.endpointUrl())) {
            int index = client.client
                    .getNamespaceTable()
                    .getIndex(simulator.namespaceUri())
                    .intValue();
            assertThat(index).isEqualTo(simulator.namespaceIndex()).isEqualTo(2);
            assertThat(simulator.nodeId("SEW-01", "RunState")).isEqualTo("ns=2;s=Line1.SEW-01.RunState");

            NodeId line = client.child(NodeIds.ObjectsFolder, "Line1");
            assertThat(client.browseNames(line)).containsExactlyElementsOf(simulator.stationIds());
            NodeId station = client.child(line, "SEW-05");
            assertThat(client.browseNames(station))
                    .containsExactly("RunState", "StitchCount", "TrimCount", "Pieces", "MotorSpeed", "FaultCode");

            Map<String, Object> values = new HashMap<>();
            for (String variable : SewingLineSimulator.VARIABLES) {
                NodeId browsed = client.child(station, variable);
                assertThat(browsed.toParseableString()).isEqualTo(simulator.nodeId("SEW-05", variable));
                DataValue value = client.read(simulator.nodeId("SEW-05", variable));
                assertThat(value.getStatusCode().isGood()).as(variable).isTrue();
                assertThat(value.getSourceTime()).as(variable).isNotNull();
                values.put(variable, value.getValue().getValue());
            }
            assertThat(values.get("RunState")).isInstanceOf(Integer.class);
            assertThat(values.get("FaultCode")).isInstanceOf(Integer.class);
            assertThat(values.get("StitchCount")).isInstanceOf(UInteger.class);
            assertThat(values.get("TrimCount")).isInstanceOf(UInteger.class);
            assertThat(values.get("Pieces")).isInstanceOf(UInteger.class);
            assertThat(values.get("MotorSpeed")).isInstanceOf(Double.class);
            assertThat((Integer) values.get("RunState")).isBetween(1, 3);

            DataValue unknown = client.read("ns=2;s=Line1.SEW-13.RunState");
            assertThat(unknown.getStatusCode().getValue()).isEqualTo(StatusCodes.Bad_NodeIdUnknown);
        }
    }

    @Test
    void valuesEvolveAndStitchesGrowOnlyWhileSewing() throws Exception {
        try (OpcUaTestClient client = OpcUaTestClient.connect(simulator.endpointUrl())) {
            Map<String, Long> lastStitches = new HashMap<>();
            boolean[] sawSewing = {false};
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        for (String station : simulator.stationIds()) {
                            long stitches = ((UInteger) client.read(simulator.nodeId(station, "StitchCount"))
                                            .getValue()
                                            .getValue())
                                    .longValue();
                            assertThat(stitches)
                                    .as(station)
                                    .isGreaterThanOrEqualTo(lastStitches.getOrDefault(station, 0L));
                            lastStitches.put(station, stitches);

                            StationSnapshot snapshot = simulator.snapshot(station);
                            if (snapshot.runState() == StationSnapshot.RUN_STATE_SEWING) {
                                sawSewing[0] = true;
                                assertThat(snapshot.motorSpeed()).isBetween(3000.0, 5000.0);
                            } else {
                                assertThat(snapshot.motorSpeed()).isZero();
                            }
                            assertThat(snapshot.faultCode() != 0)
                                    .isEqualTo(snapshot.runState() == StationSnapshot.RUN_STATE_FAULT);
                            assertThat(snapshot.pieces())
                                    .isEqualTo(snapshot.trimCount() / StationSnapshot.TRIMS_PER_PIECE);
                        }
                        return sawSewing[0]
                                && lastStitches.values().stream()
                                                .filter(s -> s > 0)
                                                .count()
                                        >= 3;
                    });

            DataValue stitches = client.read(simulator.nodeId("SEW-01", "StitchCount"));
            assertThat(stitches.getSourceTime().getJavaInstant())
                    .isBetween(Instant.now().minusSeconds(30), Instant.now().plusSeconds(1));
        }
    }

    @Test
    void poweredOffStationReportsNoCommunicationToReadsAndSubscriptions() throws Exception {
        String runState = simulator.nodeId("SEW-03", "RunState");
        String stitches = simulator.nodeId("SEW-03", "StitchCount");
        try (OpcUaTestClient client = OpcUaTestClient.connect(simulator.endpointUrl())) {
            Map<String, ConcurrentLinkedQueue<DataValue>> received = client.subscribe(50, runState, stitches);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> received.values().stream().allMatch(q -> !q.isEmpty()));
            assertThat(received.get(runState).peek().getStatusCode().isGood()).isTrue();

            simulator.setStationPower("SEW-03", false);

            assertThat(simulator.isStationPowered("SEW-03")).isFalse();
            assertThat(simulator.snapshot("SEW-03").runState()).isEqualTo(StationSnapshot.RUN_STATE_OFF);
            for (String variable : SewingLineSimulator.VARIABLES) {
                DataValue value = client.read(simulator.nodeId("SEW-03", variable));
                assertThat(value.getStatusCode().getValue()).as(variable).isEqualTo(StatusCodes.Bad_NoCommunication);
            }
            assertThat(client.read(simulator.nodeId("SEW-04", "RunState"))
                            .getStatusCode()
                            .isGood())
                    .isTrue();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> received.values().stream().allMatch(q -> q.stream()
                            .anyMatch(v -> v.getStatusCode().getValue() == StatusCodes.Bad_NoCommunication)));

            received.values().forEach(ConcurrentLinkedQueue::clear);
            simulator.setStationPower("SEW-03", true);

            assertThat(simulator.isStationPowered("SEW-03")).isTrue();
            DataValue back = client.read(runState);
            assertThat(back.getStatusCode().isGood()).isTrue();
            assertThat(back.getValue().getValue()).isEqualTo(StationSnapshot.RUN_STATE_IDLE);
            await().atMost(Duration.ofSeconds(10)).until(() -> received.values().stream()
                    .allMatch(q -> q.stream().anyMatch(v -> v.getStatusCode().isGood())));
        }
    }

    @Test
    void serverRestartsOnTheSamePortAndAFreshClientReconnects() throws Exception {
        int port = simulator.port();
        String url = simulator.endpointUrl();
        try (OpcUaTestClient client = OpcUaTestClient.connect(url)) {
            assertThat(client.read(simulator.nodeId("SEW-01", "RunState"))
                            .getStatusCode()
                            .isGood())
                    .isTrue();
        }

        simulator.stopServer();
        assertThat(simulator.isServerRunning()).isFalse();
        assertThatThrownBy(() -> OpcUaTestClient.connect(url)).isInstanceOf(UaException.class);
        Instant stoppedAt = simulator.snapshot("SEW-01").time();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> simulator.snapshot("SEW-01").time().isAfter(stoppedAt));

        simulator.startServer();
        assertThat(simulator.isServerRunning()).isTrue();
        assertThat(simulator.port()).isEqualTo(port);
        assertThat(simulator.endpointUrl()).isEqualTo(url);
        try (OpcUaTestClient client = OpcUaTestClient.connect(url)) {
            DataValue value = client.read(simulator.nodeId("SEW-01", "StitchCount"));
            assertThat(value.getStatusCode().isGood()).isTrue();
            assertThat(((UInteger) value.getValue().getValue()).longValue())
                    .isEqualTo(simulator.snapshot("SEW-01").stitchCount() & 0xFFFF_FFFFL);
        }
    }

    @Test
    void twoSimulatorsRunSideBySideInOneJvm() throws Exception {
        try (SewingLineSimulator other = SewingLineSimulator.start(SewingLineOptions.defaults()
                        .withStations(3)
                        .withSeed(42)
                        .withTick(TICK));
                OpcUaTestClient first = OpcUaTestClient.connect(simulator.endpointUrl());
                OpcUaTestClient second = OpcUaTestClient.connect(other.endpointUrl())) {
            assertThat(other.port()).isNotEqualTo(simulator.port());
            assertThat(other.stationIds()).containsExactly("SEW-01", "SEW-02", "SEW-03");

            other.setStationPower("SEW-02", false);

            assertThat(second.read(other.nodeId("SEW-02", "RunState"))
                            .getStatusCode()
                            .getValue())
                    .isEqualTo(StatusCodes.Bad_NoCommunication);
            assertThat(first.read(simulator.nodeId("SEW-02", "RunState"))
                            .getStatusCode()
                            .isGood())
                    .isTrue();
            assertThat(second.read("ns=2;s=Line1.SEW-04.RunState")
                            .getStatusCode()
                            .getValue())
                    .isEqualTo(StatusCodes.Bad_NodeIdUnknown);
            assertThat(first.read("ns=2;s=Line1.SEW-04.RunState")
                            .getStatusCode()
                            .isGood())
                    .isTrue();
        }
    }

    @Test
    void scenarioPowersAStationAndRestartsTheServer() throws Exception {
        Scenario scenario = new Scenario(
                "test",
                List.of(
                        ScenarioEvent.of(Duration.ofMillis(300), ScenarioAction.POWER_OFF, "SEW-02"),
                        ScenarioEvent.of(Duration.ofMillis(600), ScenarioAction.SERVER_STOP),
                        ScenarioEvent.of(Duration.ofMillis(1500), ScenarioAction.SERVER_START),
                        ScenarioEvent.of(Duration.ofMillis(1800), ScenarioAction.POWER_ON, "SEW-02")));
        try (SewingLineSimulator scripted = SewingLineSimulator.start(
                SewingLineOptions.defaults().withStations(2).withTick(TICK).withScenario(scenario))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !scripted.isStationPowered("SEW-02"));
            await().atMost(Duration.ofSeconds(5)).until(() -> !scripted.isServerRunning());
            await().atMost(Duration.ofSeconds(5)).until(scripted::isServerRunning);
            try (OpcUaTestClient client = OpcUaTestClient.connect(scripted.endpointUrl())) {
                await().atMost(Duration.ofSeconds(5)).until(() -> client.read(scripted.nodeId("SEW-02", "RunState"))
                        .getStatusCode()
                        .isGood());
            }
            assertThat(scripted.isStationPowered("SEW-02")).isTrue();
        }
    }

    @Test
    void loadPointsAllChangeAtEveryTick() throws Exception {
        try (SewingLineSimulator load = SewingLineSimulator.start(SewingLineOptions.defaults()
                        .withTick(Duration.ofMillis(100))
                        .withLoadPoints(2_000));
                OpcUaTestClient client = OpcUaTestClient.connect(load.endpointUrl())) {
            assertThat(load.loadNodeId(1)).isEqualTo("ns=2;s=Line1.Load.P000001");
            NodeId folder = client.child(NodeIds.ObjectsFolder, "Load");
            assertThat(client.browseNames(folder))
                    .hasSize(2_000)
                    .startsWith("P000001")
                    .endsWith("P002000");

            double first = (Double) client.read(load.loadNodeId(1)).getValue().getValue();
            double last =
                    (Double) client.read(load.loadNodeId(2_000)).getValue().getValue();
            // variable i holds tick + i / 1,000,000
            assertThat(last - Math.floor(last)).isCloseTo(0.002, within(1e-9));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                double now = (Double) client.read(load.loadNodeId(1)).getValue().getValue();
                assertThat(now).isGreaterThanOrEqualTo(first + 3);
                assertThat(now - Math.floor(now)).isCloseTo(0.000001, within(1e-9));
            });
            assertThat(client.read("ns=2;s=Line1.Load.P002001").getStatusCode().getValue())
                    .isEqualTo(StatusCodes.Bad_NodeIdUnknown);
            assertThatThrownBy(() -> load.loadNodeId(2_001)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> SewingLineOptions.defaults().withLoadPoints(SewingLineOptions.MAX_LOAD_POINTS + 1))
                .hasMessageStartingWith("load-points: must be 0..1000000");
    }

    @Test
    void rejectsUnknownStationsAndVariables() {
        assertThatThrownBy(() -> simulator.setStationPower("SEW-13", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SEW-13")
                .hasMessageContaining("SEW-01 .. SEW-12");
        assertThatThrownBy(() -> simulator.nodeId("SEW-01", "Speed"))
                .hasMessageContaining("Speed")
                .hasMessageContaining("MotorSpeed");
    }
}
