package io.floorlink.edge.connector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.edge.config.ConnectorConfig;
import io.floorlink.edge.point.PointSample;
import io.floorlink.sim.mqtt.AssemblyLineOptions;
import io.floorlink.sim.mqtt.AssemblyLineSimulator;
import io.floorlink.sparkplug.config.YamlConfig;
import io.floorlink.testing.TestBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assembly-line simulator publishing to a real HiveMQ CE broker in this JVM, read by the connector configured
 * from YAML as a plant engineer would write it.
 */
class MqttAssemblyLineIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private TestBroker broker;
    private AssemblyLineSimulator sim;
    private MqttConnector connector;
    private final RecordingSink sink = new RecordingSink();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    record Snippet(List<ConnectorConfig> connectors) {}

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir.resolve("broker"));
        sim = AssemblyLineSimulator.start(AssemblyLineOptions.defaults(broker.url())
                .withStations(4)
                .withInterval(Duration.ofMillis(100))
                .withClockSkew(Map.of("ST-03", Duration.ofMinutes(-5))));
        String yaml = """
                connectors:
                  - type: mqtt
                    name: asm1
                    url: %s
                    reconnect: { initial_delay: 200ms, max_delay: 1s }
                    devices:
                      - ids: [ST-01, ST-02, ST-03, ST-04]
                        topic: plant/asm1/+/data
                        device_segment: 3
                        timestamp: { pointer: /ts, format: epoch_ms }
                        silence_timeout: 700ms
                        status: { topic: plant/asm1/+/status }
                        points:
                          - { id: state, pointer: /state, map: { IDLE: 0, RUNNING: 1, BLOCKED: 2, FAULT: 3 }, category: state, interval: 100ms }
                          - { id: ok_count, pointer: /counts/ok, type: int64, category: counter, interval: 100ms }
                          - { id: energy, pointer: /energy_kwh, type: double, unit: kWh, category: energy, interval: 100ms }
                """.formatted(broker.url());
        MqttConnectorConfig config = (MqttConnectorConfig) YamlConfig.parse("edge.yaml", yaml, k -> null, Snippet.class)
                .connectors()
                .get(0);
        connector = new MqttConnector(config, registry);
        connector.start(sink);
    }

    @AfterEach
    void stop() throws Exception {
        if (connector != null) {
            connector.close();
        }
        if (sim != null) {
            sim.close();
        }
        broker.close();
    }

    private boolean allUp() {
        return sim.stationIds().stream().allMatch(s -> {
            List<String> e = sink.eventsOf(s);
            return !e.isEmpty() && e.get(e.size() - 1).startsWith("up:");
        });
    }

    @Test
    void stationsComeUpAndPowerOffSilenceAndSkewAreSeenPerStation() {
        await().atMost(WAIT).until(this::allUp);
        await().atMost(WAIT).until(() -> sink.last("ST-04", "energy").isPresent());
        assertThat(sink.last("ST-01", "state").get().value()).isIn(0, 1, 2, 3);
        assertThat(sink.last("ST-01", "ok_count").get().value()).isInstanceOf(Long.class);

        PointSample skewed = sink.last("ST-03", "state").orElseThrow();
        assertThat(Duration.between(skewed.sourceTime(), skewed.readTime()))
                .isBetween(Duration.ofSeconds(295), Duration.ofSeconds(305));
        PointSample straight = sink.last("ST-01", "state").orElseThrow();
        assertThat(Duration.between(straight.sourceTime(), straight.readTime()).abs())
                .isLessThan(Duration.ofSeconds(5));

        sim.setStationPower("ST-02", false);
        await().atMost(WAIT).until(() -> sink.eventsOf("ST-02").contains("down:ST-02:offline"));
        sim.setStationPower("ST-02", true);
        await().atMost(WAIT).until(() -> sink.lastEvent("ST-02").equals("up:ST-02"));

        sim.setSilent("ST-01", true);
        await().atMost(WAIT).until(() -> sink.eventsOf("ST-01").contains("down:ST-01:silence"));
        sim.setSilent("ST-01", false);
        await().atMost(WAIT).until(() -> sink.lastEvent("ST-01").equals("up:ST-01"));

        assertThat(sink.eventsOf("ST-04")).containsExactly("up:ST-04");
        assertThat(sink.failed("ST-04")).isZero();
        assertThat(sink.ok("ST-04")).isPositive().isEqualTo(3L * (sink.ok("ST-04") / 3));
    }

    @Test
    void brokerRestartBurstsAndMalformedMessagesAreSurvived() throws Exception {
        await().atMost(WAIT).until(this::allUp);

        broker.stop();
        await().atMost(WAIT).until(() -> sim.stationIds().stream()
                .allMatch(s -> sink.lastEvent(s).equals("down:" + s + ":broker_lost")));
        broker.start();
        await().atMost(WAIT).until(this::allUp);
        long okAfterRestart = sink.ok("ST-02");
        await().atMost(WAIT).until(() -> sink.ok("ST-02") > okAfterRestart + 9);

        long failedBefore = sink.failed("ST-02");
        long okBefore = sink.ok("ST-02");
        sim.publishMalformed("ST-02");
        sim.burst("ST-02", 50);
        await().atMost(WAIT).until(() -> sink.failed("ST-02") == failedBefore + 3);
        await().atMost(WAIT).until(() -> sink.ok("ST-02") >= okBefore + 150);
        assertThat(meterValue("floorlink.edge.mqtt.reads", "failed")).isEqualTo(3.0);
        assertThat(sink.lastEvent("ST-02")).isEqualTo("up:ST-02");
    }

    private double meterValue(String name, String outcome) {
        return registry.find(name)
                .tag("connector", "asm1")
                .tag("outcome", outcome)
                .functionCounter()
                .count();
    }
}
