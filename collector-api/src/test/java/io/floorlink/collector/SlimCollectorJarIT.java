package io.floorlink.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.floorlink.broker.EmbeddedBroker;
import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.BrokerConfig;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code floorlink-collector-slim.jar} as a user runs it ({@code java -jar}, a new JVM): the collector for an external
 * MQTT broker, without the embedded one. The external broker is {@code FLOORLINK_IT_MQTT_URL} (Mosquitto in CI,
 * anonymous) when set, else the embedded broker of module floorlink-broker started by this test JVM.
 */
class SlimCollectorJarIT {
    private static final String GROUP = "ENT001";

    @Test
    void storesFactsOfAnEdgeThroughAnExternalBroker(@TempDir Path dir) throws Exception {
        String env = System.getenv("FLOORLINK_IT_MQTT_URL");
        EmbeddedBroker local = env == null || env.isBlank()
                ? EmbeddedBroker.start(
                        BrokerConfig.embedded("127.0.0.1", 0, dir.resolve("external-broker")),
                        AuthConfig.anonymousOnLoopback())
                : null;
        try {
            URI mqtt = local != null ? local.url() : URI.create(env);
            // unique per run: a shared Mosquitto may carry other hosts' and edges' traffic
            String run = UUID.randomUUID().toString().substring(0, 8);
            String hostId = "slim-" + run;
            String edgeNode = "edge-slim-" + run;
            Path config = config(dir, """
                    gateway:
                      host_id: %s
                      broker: { mode: external, url: "%s" }
                      store: { url: "jdbc:h2:file:%s;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", username: sa }
                    """.formatted(hostId, mqtt, dir.resolve("facts")));
            long t0 = System.currentTimeMillis();
            Process collector = serve(dir, config);
            try {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> !collector.isAlive()
                                || Files.readString(dir.resolve("out.txt")).contains("(MQTT "));
                assertThat(collector.isAlive())
                        .as("slim collector started; stderr: %s", Files.readString(dir.resolve("err.txt")))
                        .isTrue();
                assertThat(Files.readString(dir.resolve("out.txt"))).contains("(MQTT " + mqtt);

                Mqtt5BlockingClient edge = MqttClient.builder()
                        .useMqttVersion5()
                        .identifier(edgeNode)
                        .serverHost(mqtt.getHost())
                        .serverPort(mqtt.getPort())
                        .buildBlocking();
                edge.connect();
                try {
                    publish(
                            edge,
                            Topic.node(GROUP, MessageType.NBIRTH, edgeNode),
                            Payload.newBuilder()
                                    .setTimestamp(t0)
                                    .setSeq(0)
                                    .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, 0L))
                                    .addMetrics(Metrics.metric(MetricNames.REBIRTH, DataType.BOOLEAN, false))
                                    .build());
                    publish(
                            edge,
                            Topic.device(GROUP, MessageType.DBIRTH, edgeNode, "SEW-01"),
                            Payload.newBuilder()
                                    .setTimestamp(t0)
                                    .setSeq(1)
                                    .addMetrics(Metrics.metric("speed", DataType.DOUBLE, 1.5)
                                            .setTimestamp(t0)
                                            .setProperties(
                                                    Metrics.properties(Map.of(MetricNames.PROP_CATEGORY, "process"))))
                                    .build());
                    publish(
                            edge,
                            Topic.device(GROUP, MessageType.DDATA, edgeNode, "SEW-01"),
                            Payload.newBuilder()
                                    .setTimestamp(t0 + 1000)
                                    .setSeq(2)
                                    .addMetrics(Metrics.metric("speed", DataType.DOUBLE, 2.5)
                                            .setTimestamp(t0 + 1000))
                                    .build());
                    int http = httpPort(dir);
                    // the DDATA's value in the live view: the host has taken it (a stop right after the DBIRTH
                    // showed, as on a loaded CI machine, could come before the DDATA reached the host)
                    await().atMost(Duration.ofSeconds(30))
                            .untilAsserted(() -> assertThat(get(http, "/api/v1/sparkplug/nodes"))
                                    .contains(edgeNode)
                                    .contains("SEW-01")
                                    .contains("\"value\":2.5"));
                } finally {
                    edge.disconnect();
                }
            } finally {
                collector.destroy();
                assertThat(collector.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            // after a clean stop (SIGTERM runs the shutdown hook, the writer flushes) the facts are in the store
            try (Connection c = DriverManager.getConnection(
                            "jdbc:h2:file:" + dir.resolve("facts") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
                            "sa",
                            "");
                    ResultSet rs = c.createStatement()
                            .executeQuery("SELECT SUM(samples), MAX(value_last) FROM point_minute"
                                    + " WHERE group_id = '" + GROUP + "' AND device_id = 'SEW-01'"
                                    + " AND point_id = 'speed'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).as("samples of SEW-01/speed").isPositive();
                assertThat(rs.getDouble(2)).isEqualTo(2.5);
            }
        } finally {
            if (local != null) {
                local.close();
            }
        }
    }

    @Test
    void anEmbeddedBrokerConfigExits78NamingTheFieldAndTheJarThatHasIt(@TempDir Path dir) throws Exception {
        Path config = config(dir, """
                gateway:
                  broker: { mode: embedded, port: 0, data_dir: %s }
                  store: { url: "jdbc:h2:file:%s;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", username: sa }
                """.formatted(dir.resolve("broker"), dir.resolve("facts")));

        Process p = serve(dir, config);

        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(dir.resolve("err.txt"));
        assertThat(p.exitValue()).as(err).isEqualTo(78);
        assertThat(err)
                .contains("gateway.broker.mode")
                .contains("floorlink-collector.jar")
                .contains("mode: external")
                .doesNotContain("\tat ");
        assertThat(dir.resolve("broker")).as("nothing started").doesNotExist();
    }

    @Test
    void theSlimJarHoldsNoBrokerAndTheFullJarDoes() throws IOException {
        try (ZipFile slim = new ZipFile(jar("floorlink-collector-slim.jar").toFile());
                ZipFile full = new ZipFile(jar("floorlink-collector.jar").toFile())) {
            List<String> forbidden = List.of(
                    "com/hivemq/embedded/", // HiveMQ CE
                    "com/hivemq/extension/sdk/",
                    "com/hivemq/bootstrap/",
                    "io/floorlink/broker/",
                    "org/rocksdb/", // and what only HiveMQ CE needs
                    "jetbrains/exodus/",
                    "oshi/",
                    "com/google/inject/",
                    "org/bouncycastle/");
            assertThat(slim.stream().map(e -> e.getName()).filter(n -> forbidden.stream()
                            .anyMatch(n::startsWith)))
                    .isEmpty();
            assertThat(slim.getEntry("META-INF/services/io.floorlink.gateway.EmbeddedBrokerFactory"))
                    .isNull();
            assertThat(full.getEntry("com/hivemq/embedded/EmbeddedHiveMQ.class"))
                    .isNotNull();
            assertThat(full.getEntry("META-INF/services/io.floorlink.gateway.EmbeddedBrokerFactory"))
                    .isNotNull();
            // 165 MB with the broker, 70 MB without it (docs/benchmarks.md): a bound that a returning broker breaks
            assertThat(Files.size(jar("floorlink-collector-slim.jar"))).isLessThan(80_000_000L);
        }
    }

    private static Path config(Path dir, String gateway) throws IOException {
        try (InputStream in = SlimCollectorJarIT.class.getResourceAsStream("/inventory.yaml")) {
            Files.copy(in, dir.resolve("inventory.yaml"));
        }
        return Files.writeString(dir.resolve("collector.yaml"), """
                http: { port: 0 }
                inventory: inventory.yaml
                data_dir: %s
                """.formatted(dir.resolve("data")) + gateway);
    }

    private static Process serve(Path dir, Path config) throws Exception {
        Path jar = jar("floorlink-collector-slim.jar");
        assumeThat(jar).as("the slim jar (built by ./mvnw package)").exists();
        return new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        jar.toString(),
                        "serve",
                        "--config",
                        config.toString())
                .directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile())
                .start();
    }

    /** The jar {@code name} beside this module's test classes (built by {@code ./mvnw package}). */
    static Path jar(String name) {
        try {
            return Path.of(SlimCollectorJarIT.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .getParent()
                    .resolve(name);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int httpPort(Path dir) throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/")
                .matcher(Files.readString(dir.resolve("out.txt")));
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    private static void publish(Mqtt5BlockingClient edge, Topic topic, Payload payload) {
        edge.publishWith()
                .topic(topic.toString())
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.toByteArray())
                .send();
    }
}
