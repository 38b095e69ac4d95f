package io.floorlink.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.point.PointSpec;
import io.floorlink.edge.testing.TestConnector;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeAgentMainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return EdgeAgentMain.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private static String config(int uplinkPort) {
        return config(uplinkPort, Path.of("data"));
    }

    private static String config(int uplinkPort, Path bufferDir) {
        return """
                edge: { group: ENT001, node: edge-01 }
                uplink: { url: "tcp://127.0.0.1:%d", primary_host: floorlink }
                buffer: { path: "%s" }
                http: { port: 0 }
                health_interval: 1s
                connectors:
                  - type: opcua
                    name: sewing-line-1
                    endpoint: opc.tcp://127.0.0.1:4840
                    devices:
                      - id: SEW-01
                        points:
                          - { id: run_state, node: "ns=2;s=A", category: state, interval: 1s }
                          - { id: speed, node: "ns=2;s=B", category: process, interval: 500ms }
                      - id: SEW-02
                        points:
                          - { id: run_state, node: "ns=2;s=C", category: state, interval: 1s }
                """.formatted(
                        uplinkPort, bufferDir.resolve("buffer.db").toString().replace('\\', '/'));
    }

    @Test
    void checkPrintsSummaryAndExitsZero(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("edge.yaml");
        Files.writeString(file, config(1883));

        int code = run("check", "--config", file.toString());

        assertThat(code).isZero();
        assertThat(out.toString())
                .contains(file + ": OK. edge node ENT001/edge-01")
                .contains("primary host floorlink")
                .contains("1 connectors, 2 devices, 3 points")
                .contains("connector sewing-line-1 (opcua): 2 devices")
                .contains("device SEW-01: 2 points")
                .contains("device SEW-02: 1 points");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void checkOfABadFileExitsExConfigWithFileLineAndField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("edge.yaml");
        Files.writeString(file, config(1883).replace("interval: 500ms", "interval: 500"));

        int code = run("check", "--config", file.toString());

        assertThat(code).isEqualTo(78).isEqualTo(EdgeAgentMain.EXIT_CONFIG);
        assertThat(err.toString())
                .startsWith(file + ":14:")
                .contains("connectors[0].devices[0].points[1].interval")
                .contains("500ms or 10s");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void checkOfAMissingFileExitsExConfig(@TempDir Path dir) {
        Path file = dir.resolve("missing.yaml");

        assertThat(run("check", "--config", file.toString())).isEqualTo(78);
        assertThat(err.toString()).contains(file + ": file not found");
    }

    @Test
    void runOfABadFileExitsExConfigWithoutStackTrace(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("edge.yaml");
        Files.writeString(file, config(1883).replace("interval: 500ms", "interval: 500"));

        int code = run("run", "--config", file.toString());

        assertThat(code).isEqualTo(78);
        assertThat(err.toString())
                .startsWith(file + ":14:")
                .contains("connectors[0].devices[0].points[1].interval")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void versionPrintsTheProgramAndVersionAndExitsZero() {
        assertThat(run("--version")).isZero();

        // from classes (no jar manifest) the version is "dev"; EdgeAgentJarIT checks the jar's
        assertThat(out.toString()).matches("floorlink-edge-agent \\S+\\R");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void versionOfASubcommandPrintsTheSame() {
        assertThat(run("run", "--version")).isZero();

        assertThat(out.toString()).matches("floorlink-edge-agent \\S+\\R");
    }

    @Test
    void sampleMqttPrintsThePackagedSampleWhichLoads() throws Exception {
        assertThat(run("sample", "mqtt")).isZero();

        String printed = out.toString();
        assertThat(printed)
                .isEqualTo(Files.readString(Path.of("src/main/java/io/floorlink/edge/connector/mqtt/sample.yaml")));
        Path trustStore = Files.createTempFile("plant-ca", ".p12");
        try {
            Map<String, String> env = Map.of(
                    "FLOORLINK_MQTT_USER", "edge",
                    "FLOORLINK_MQTT_PASSWORD", "s3cret",
                    "FLOORLINK_MQTT_TRUST_PASSWORD", "changeit",
                    "FLOORLINK_MQTT_TRUST_STORE", trustStore.toString());
            String edge = """
                    edge: { group: ENT001, node: edge-01 }
                    uplink: { url: "tcp://127.0.0.1:1883" }
                    """ + printed;
            EdgeConfig cfg = EdgeConfig.parse("sample-mqtt.yaml", edge, env::get);
            assertThat(cfg.connectors()).hasSize(1);
            assertThat(cfg.connectors().get(0).name()).isEqualTo("assembly-line-1");
        } finally {
            Files.delete(trustStore);
        }
    }

    @Test
    void sampleOfEachConnectorIsPackaged() {
        for (String connector : List.of("opcua", "modbus", "mqtt")) {
            StringWriter o = new StringWriter();
            int code = EdgeAgentMain.execute(
                    new PrintWriter(o, true), new PrintWriter(new StringWriter(), true), "sample", connector);
            assertThat(code).as(connector).isZero();
            assertThat(o.toString()).as(connector).contains("type: " + connector);
        }
    }

    @Test
    void usageErrorsExitExUsageNotPicoclis2() {
        assertThat(run("--no-such-option")).isEqualTo(EdgeAgentMain.EXIT_USAGE);
        assertThat(run("check", "--no-such-option")).as("in a subcommand").isEqualTo(64);
        assertThat(run("scan", "modbus", "--port", "not-a-number"))
                .as("in a nested subcommand")
                .isEqualTo(64);
        assertThat(run("no-such-command")).isEqualTo(64);
        assertThat(run("scan", "modbus", "--host", "127.0.0.1", "--start", "0", "--count", "0"))
                .as("an option value the command itself refuses")
                .isEqualTo(64);
        assertThat(err.toString())
                .contains("--no-such-option")
                .contains("not-a-number")
                .contains("--count: must be");
    }

    @Test
    void sampleOfAnUnknownConnectorExitsUsageListingTheKnownOnes() {
        assertThat(run("sample", "profinet")).isEqualTo(64).isEqualTo(EdgeAgentMain.EXIT_USAGE);

        assertThat(err.toString()).contains("unknown connector 'profinet'").contains("opcua, modbus, mqtt");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void healthAndMetricsAreServedOnLoopbackWhileTheUplinkIsUnreachable(@TempDir Path dir) throws Exception {
        EdgeConfig cfg = EdgeConfig.parse("edge.yaml", config(unusedPort(), dir), k -> null);
        AtomicReference<TestConnector> connector = new AtomicReference<>();
        try (EdgeAgent agent = EdgeAgent.start(cfg, new SimpleMeterRegistry(), (c, r) -> {
            TestConnector t = new TestConnector(c.name(), List.of("SEW-01", "SEW-02"));
            connector.set(t);
            return t;
        })) {
            assertThat(connector.get().started()).isTrue();
            connector
                    .get()
                    .up(
                            "SEW-01",
                            List.of(new PointSpec(
                                    "run_state",
                                    DataType.INT32,
                                    Category.STATE,
                                    null,
                                    Duration.ofSeconds(1),
                                    null,
                                    null)));
            connector.get().reads("SEW-01", 5, 1);
            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + agent.httpPort());

            await().atMost(Duration.ofSeconds(5))
                    .until(() -> agent.health().device("SEW-01").readsOk() == 5);
            HttpResponse<String> health = http.send(
                    HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.headers().firstValue("Content-Type")).contains("application/json");
            @SuppressWarnings("unchecked")
            Map<String, Object> json =
                    new com.fasterxml.jackson.databind.ObjectMapper().readValue(health.body(), Map.class);
            assertThat(json)
                    .containsEntry("status", "DOWN")
                    .containsEntry("uplink_connected", false)
                    .containsEntry("primary_host", "floorlink")
                    .containsEntry("node_born", false);
            assertThat(health.body())
                    .contains("\"id\":\"SEW-01\",\"up\":true")
                    .contains("\"reads_ok\":5")
                    .contains("\"reads_failed\":1")
                    .contains("\"id\":\"SEW-02\",\"up\":false");
            @SuppressWarnings("unchecked")
            Map<String, Object> buffer = (Map<String, Object>) json.get("buffer");
            assertThat(buffer)
                    .containsEntry("state", "ok")
                    .containsEntry("file", dir.resolve("buffer.db").toString());

            HttpResponse<String> metrics = http.send(
                    HttpRequest.newBuilder(base.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body())
                    .contains("floorlink_edge_uplink_connected")
                    .contains("floorlink_edge_devices_up")
                    .contains("floorlink_edge_samples_dropped")
                    .contains("floorlink_edge_buffer_records")
                    .contains("floorlink_edge_buffer_dropped_records_total{reason=\"drop_oldest\"}")
                    .contains("jvm_memory_used_bytes{")
                    .contains("jvm_gc_memory_allocated_bytes_total")
                    .contains("jvm_threads_live_threads")
                    .contains("process_cpu_usage")
                    .contains("process_uptime_seconds");

            HttpResponse<String> post = http.send(
                    HttpRequest.newBuilder(base.resolve("/health"))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), agent.httpPort()), 1000);
                assertThat(s.isConnected()).isTrue();
            }
        }
        assertThat(connector.get().closed()).isTrue();
    }

    private static int unusedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
