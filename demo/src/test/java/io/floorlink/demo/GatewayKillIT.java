package io.floorlink.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import io.floorlink.broker.EmbeddedBroker;
import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.BrokerConfig;
import io.floorlink.sim.modbus.MoldingMachine;
import io.floorlink.sim.modbus.MoldingMachineSimulator;
import io.floorlink.sparkplug.Receipt;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end receipts under a crash of the platform: the collector (with its in-process gateway, the Sparkplug primary
 * host) runs as its own process against a broker in the test JVM, and is killed with SIGKILL twice while data is in
 * flight (the facts of up to one flush interval are received but not committed). DDATA is QoS 0 and the host's session
 * is clean, so nothing the broker delivered before the kill is redelivered: what is not in the facts is exactly what no
 * receipt covers, and the edge agent replays it. Afterwards every value the simulated machines served is in the facts
 * exactly once (per point per minute contiguous, no duplicate, ending at the reads served).
 */
@Tag("soak")
class GatewayKillIT {
    private static final int MACHINES = 4;
    private static final int POINTS = 40;
    private static final String HOST_ID = "floorlink-kill";

    @TempDir
    Path dir;

    private MoldingMachineSimulator plant;
    private EmbeddedBroker broker;
    private Mqtt3AsyncClient observer;
    private Process collector;
    private Process edge;
    private int runs;
    private Path logs;
    private final AtomicLong receiptsSeen = new AtomicLong();

    @AfterEach
    void stopAll() throws Exception {
        JavaProcess.kill(edge);
        JavaProcess.kill(collector);
        JavaProcess.closeAll(observer == null ? null : observer::disconnect, broker, plant);
    }

    @Test
    void everyServedValueReachesTheFactsExactlyOnceWhenTheGatewayIsKilledMidFlush() throws Exception {
        // The processes' logs stay in target/ for the post-mortem of a failed run.
        logs = Files.createDirectories(Path.of("target", "GatewayKillIT", String.valueOf(System.currentTimeMillis())));
        plant = MoldingMachineSimulator.start(MoldingMachineSimulator.Options.local(MACHINES));
        BrokerConfig brokerConfig = BrokerConfig.embedded("127.0.0.1", 0, dir.resolve("broker"));
        broker = EmbeddedBroker.start(brokerConfig, AuthConfig.anonymousOnLoopback());
        observeReceipts();
        Path inventory = Files.writeString(
                dir.resolve("inventory.yaml"), PlantYaml.inventory("Gateway kill test", plant, POINTS));
        Path collectorYaml = Files.writeString(dir.resolve("collector.yaml"), collectorYaml(inventory));
        Path edgeYaml = Files.writeString(dir.resolve("edge.yaml"), edgeYaml());
        startCollector(collectorYaml);
        edge = start("edge", "io.floorlink.edge.EdgeAgentMain", "run", "--config", edgeYaml.toString());

        awaitReceipts(Duration.ofSeconds(90));
        for (int kill = 0; kill < 2; kill++) {
            Thread.sleep(8_000 + ThreadLocalRandom.current().nextLong(2_000));
            JavaProcess.kill(collector);
            Thread.sleep(2_000);
            startCollector(collectorYaml);
            awaitReceipts(Duration.ofSeconds(90));
        }
        Thread.sleep(8_000);
        for (String id : plant.machineIds()) {
            plant.setStationPower(id, false);
        }

        // Converges once the edge has replayed what no receipt covered (receipt_timeout 5 s); the facts are read
        // from the H2 file while the collector is stopped cleanly, and it starts again when they are not there yet.
        List<String> problems = new ArrayList<>();
        long lost = -1;
        for (int attempt = 1; attempt <= 6; attempt++) {
            Thread.sleep(15_000);
            collector.destroy();
            assertThat(collector.waitFor(60, TimeUnit.SECONDS))
                    .as("collector stops on SIGTERM")
                    .isTrue();
            problems.clear();
            lost = check(problems);
            if (problems.isEmpty() || attempt == 6) {
                break;
            }
            startCollector(collectorYaml);
        }
        assertThat(problems)
                .as("per-minute exactly-once violations after two SIGKILLs of the gateway")
                .isEmpty();
        assertThat(lost)
                .as("values missing where the edge recorded failed reads (answers later than the request timeout)")
                .isLessThanOrEqualTo((long) MACHINES * 5);
        assertThat(edge.isAlive()).as("edge agent kept running").isTrue();
    }

    /**
     * Checks every point and returns the values missing where the edge agent recorded failed reads (a Modbus answer
     * later than the request timeout on a loaded machine consumes a value the edge never got); such holes may not
     * exceed the failed reads, any other hole is a problem.
     */
    private long check(List<String> problems) throws Exception {
        long lost = 0;
        try (Connection c = DriverManager.getConnection(h2Url(), "sa", "")) {
            for (String machine : plant.machineIds()) {
                Map<Instant, Long> failed = SequenceFacts.failedReads(c, machine);
                long failedPerPoint =
                        failed.values().stream().mapToLong(Long::longValue).sum() / POINTS;
                long machineLost = 0;
                for (int i = 0; i < POINTS; i++) {
                    String point = PlantYaml.pointId(i);
                    long served = plant.endpoint(machine).machine().readsServed(MoldingMachine.READ_SEQUENCE + i);
                    long pointLost = SequenceFacts.check(
                            machine + "." + point,
                            SequenceFacts.minutes(c, machine, point),
                            served,
                            m -> failed.containsKey(m) || failed.containsKey(m.minusSeconds(60)),
                            problems);
                    machineLost = Math.max(machineLost, pointLost);
                }
                if (machineLost > failedPerPoint) {
                    problems.add(machine + ": " + machineLost + " values missing at a point but only " + failedPerPoint
                            + " failed reads per point recorded " + failed);
                }
                lost += machineLost;
            }
        }
        return lost;
    }

    private void observeReceipts() throws Exception {
        observer = MqttClient.builder()
                .useMqttVersion3()
                .identifier("receipt-observer")
                .serverHost("127.0.0.1")
                .serverPort(broker.port())
                .buildAsync();
        observer.connect().get(10, TimeUnit.SECONDS);
        observer.subscribeWith()
                .topicFilter(Receipt.TOPIC_PREFIX + "/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> receiptsSeen.incrementAndGet())
                .send()
                .get(10, TimeUnit.SECONDS);
    }

    /** Waits for two receipts after now: facts are committed again. */
    private void awaitReceipts(Duration atMost) {
        long before = receiptsSeen.get();
        await("receipts from the gateway")
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    assertThat(edge.isAlive()).as("edge agent process").isTrue();
                    assertThat(collector.isAlive()).as("collector process").isTrue();
                    return receiptsSeen.get() >= before + 2;
                });
    }

    private void startCollector(Path config) throws Exception {
        collector = start("collector", "io.floorlink.collector.CollectorMain", "serve", "--config", config.toString());
        try (BufferedReader out = new BufferedReader(new InputStreamReader(
                Files.newInputStream(logs.resolve("collector-" + runs + ".log")), StandardCharsets.UTF_8))) {
            Instant until = Instant.now().plusSeconds(60);
            while (Instant.now().isBefore(until)) {
                String line = out.readLine();
                if (line == null) {
                    assertThat(collector.isAlive())
                            .as("collector process starting")
                            .isTrue();
                    Thread.sleep(100);
                } else if (line.startsWith("FloorLink collector: http://")) {
                    return;
                }
            }
        }
        throw new AssertionError("collector did not start within 60 s");
    }

    private Process start(String name, String main, String... args) throws Exception {
        runs++;
        return JavaProcess.start(logs.resolve(name + "-" + runs + ".log"), "384m", main, args);
    }

    private String h2Url() {
        return "jdbc:h2:file:" + dir.resolve("facts").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    }

    private String collectorYaml(Path inventory) {
        return "http: { host: 127.0.0.1, port: 0 }\n"
                + "inventory: " + inventory + "\n"
                + "data_dir: " + dir.resolve("collector-data") + "\n"
                + "indicator_cache_entries: 0\n"
                + "gateway:\n"
                + "  host_id: " + HOST_ID + "\n"
                + "  flush_interval: 3s\n"
                + "  broker: { mode: external, url: \"tcp://127.0.0.1:" + broker.port() + "\" }\n"
                + "  store: { url: \"" + h2Url() + "\", username: sa }\n";
    }

    private String edgeYaml() {
        StringBuilder y = new StringBuilder();
        y.append("edge: { group: ENT001, node: edge-01 }\n");
        y.append("uplink:\n");
        y.append("  url: tcp://127.0.0.1:").append(broker.port()).append('\n');
        y.append("  primary_host: ").append(HOST_ID).append('\n');
        y.append("  receipt_timeout: 5s\n");
        y.append("  reconnect: { initial_delay: 500ms, max_delay: 3s }\n");
        y.append(PlantYaml.edgeBufferHttpAndConnectors(dir.resolve("edge-buffer.db"), "256MB", plant, POINTS));
        return y.toString();
    }
}
