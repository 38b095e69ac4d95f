package io.floorlink.collector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.floorlink.collector.Collector;
import io.floorlink.collector.CollectorConfig;
import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.GatewayConfig;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector as a user runs it: real in-process gateway (embedded HiveMQ broker, H2 facts store), HTTP API on
 * port 0, read with java.net.http.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CollectorApiIT {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final Instant T1 = T0.plus(Duration.ofHours(1));

    private Collector collector;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Path inventory = SampleInventory.copyTo(dir);
        CollectorConfig config = CollectorConfig.defaults(dir.resolve("data"))
                .withHttpPort(0)
                .withInventory(inventory)
                .withGateway(GatewayConfig.defaults(dir.resolve("data"))
                        .withAuth(AuthConfig.anonymousOnLoopback())
                        .withBrokerPort(0)
                        .withFlushInterval(Duration.ofMillis(200)));
        collector = Collector.start(config, new SimpleMeterRegistry());
    }

    @AfterAll
    void stop() {
        if (collector != null) {
            collector.close();
        }
    }

    @Test
    void equipmentListsTheInventoryWithFlags() throws Exception {
        Response r = get("/api/v1/equipment");

        assertThat(r.status).isEqualTo(200);
        assertThat(r.json.path("count").asInt()).isEqualTo(4);
        JsonNode imm = find(r.json.path("equipment"), "IMM-01");
        assertThat(imm.path("production").asBoolean()).isTrue();
        assertThat(imm.path("digital").asBoolean()).isTrue();
        assertThat(imm.path("workshop").asText()).isEqualTo("W-MOLD");
        assertThat(imm.path("ideal_cycle_time").asText()).isEqualTo("12s");
        assertThat(imm.path("points").get(2).path("category").asText()).isEqualTo("energy");
        assertThat(imm.path("points").get(2).path("interval").asText()).isEqualTo("10s");
        assertThat(find(r.json.path("equipment"), "SEW-02").path("digital").asBoolean())
                .isFalse();
    }

    @Test
    void indicatorsOfAKnownWindowCarryFormulaAndDenominator() throws Exception {
        ApiFacts.imm01ConnectedFiftyFourMinutes(collector.gateway().dataSource(), T0);

        Response r = get("/api/v1/indicators?scope=pilot&from=" + T0 + "&to=" + T1);

        assertThat(r.status).isEqualTo(200);
        assertThat(r.json.path("scope").path("kind").asText()).isEqualTo("pilot");
        assertThat(r.json.path("window").path("timezone").asText()).isEqualTo("Asia/Shanghai");
        assertThat(r.json.path("window").path("from_local").asText()).isEqualTo("2026-03-02T16:00+08:00");
        JsonNode imm = find(r.json.path("equipment"), "IMM-01");
        JsonNode online = imm.path("online_ratio");
        assertThat(online.path("value").asDouble()).isCloseTo(0.9, within(1e-6));
        assertThat(online.path("formula").asText()).isEqualTo("online_ratio.v1");
        assertThat(online.path("denominator").asDouble()).isEqualTo(3600.0);
        assertThat(online.path("denominator_label").asText()).isNotBlank();
        assertThat(imm.path("completeness").path("value").asDouble()).isCloseTo(1.0, within(1e-9));
        assertThat(imm.path("networked").path("value").asBoolean()).isTrue();
        assertThat(imm.path("networked").path("formula").asText()).isEqualTo("networked.v1");
        assertThat(imm.has("evidence")).isFalse();

        JsonNode sew = find(r.json.path("equipment"), "SEW-01");
        assertThat(sew.path("online_ratio").path("value").asDouble()).isZero();
        assertThat(sew.path("networked").path("value").asBoolean()).isFalse();
        assertThat(sew.path("networked").path("reasons").toString()).contains("no device_session");

        // 3 production equipment (SEW-01, SEW-02, IMM-01), only IMM-01 networked; 2 of them digital.
        JsonNode rate = r.json.path("indicators").path("networking_rate");
        assertThat(rate.path("value").asDouble()).isCloseTo(1.0 / 3, within(1e-9));
        assertThat(rate.path("formula").asText()).isEqualTo("networking_rate.v1");
        assertThat(rate.path("numerator").asInt()).isEqualTo(1);
        assertThat(rate.path("denominator").asInt()).isEqualTo(3);
        assertThat(rate.path("official").asBoolean()).isTrue();
        JsonNode variant = r.json.path("indicators").path("networking_rate_digital");
        assertThat(variant.path("value").asDouble()).isCloseTo(0.5, within(1e-9));
        assertThat(variant.path("official").asBoolean()).isFalse();
        assertThat(variant.path("denominator_label").asText()).startsWith("variant");
        assertThat(r.json.path("indicators")
                        .path("digitalization_rate")
                        .path("denominator")
                        .asInt())
                .isEqualTo(3);

        Response line = get("/api/v1/indicators?scope=L-MOLD&from=" + T0 + "&to=" + T1);
        assertThat(line.json.path("equipment")).hasSize(2);
        assertThat(line.json
                        .path("indicators")
                        .path("networking_rate")
                        .path("value")
                        .asDouble())
                .isEqualTo(1.0);
    }

    @Test
    void liveSparkplugDeviceShowsUpInTheDrillDown() throws Exception {
        Instant birth = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        URI mqtt = collector.gateway().mqttUrl();
        Mqtt5BlockingClient edge = MqttClient.builder()
                .useMqttVersion5()
                .identifier("edge-it-" + UUID.randomUUID())
                .serverHost(mqtt.getHost())
                .serverPort(mqtt.getPort())
                .buildBlocking();
        edge.connect();
        try {
            long ts = birth.toEpochMilli();
            publish(
                    edge,
                    Topic.node("ENT001", MessageType.NBIRTH, "edge-it"),
                    Payload.newBuilder()
                            .setTimestamp(ts)
                            .setSeq(0)
                            .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, 0L))
                            .addMetrics(Metrics.metric(MetricNames.REBIRTH, DataType.BOOLEAN, false)));
            publish(
                    edge,
                    Topic.device("ENT001", MessageType.DBIRTH, "edge-it", "SEW-01"),
                    Payload.newBuilder()
                            .setTimestamp(ts)
                            .setSeq(1)
                            .addMetrics(point("run_state", "state", 1))
                            .addMetrics(point("stitch_count", "counter", 100))
                            .addMetrics(Metrics.metric(MetricNames.HEALTH_CONNECTED, DataType.BOOLEAN, true))
                            .addMetrics(Metrics.metric(MetricNames.HEALTH_READS_OK, DataType.UINT64, 0L))
                            .addMetrics(Metrics.metric(MetricNames.HEALTH_READS_FAILED, DataType.UINT64, 0L)));
            publish(
                    edge,
                    Topic.device("ENT001", MessageType.DDATA, "edge-it", "SEW-01"),
                    Payload.newBuilder()
                            .setTimestamp(ts + 500)
                            .setSeq(2)
                            .addMetrics(Metrics.metric("run_state", DataType.INT32, 1)
                                    .setTimestamp(ts + 500))
                            .addMetrics(Metrics.metric("stitch_count", DataType.INT32, 160)
                                    .setTimestamp(ts + 500))
                            .addMetrics(Metrics.metric(MetricNames.HEALTH_READS_OK, DataType.UINT64, 2L)));

            String from = birth.minusSeconds(10).toString();
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        collector.gateway().flush();
                        Response r = get("/api/v1/equipment/SEW-01/indicators?from=" + from);
                        assertThat(r.status).isEqualTo(200);
                        assertThat(r.json.path("online_ratio").path("value").asDouble())
                                .isGreaterThan(0);
                        assertThat(r.json.path("point_coverage").path("value").asDouble())
                                .isEqualTo(1.0);
                        JsonNode sessions = r.json.path("evidence").path("sessions");
                        assertThat(sessions).hasSize(1);
                        assertThat(sessions.get(0).path("edge_node_id").asText())
                                .isEqualTo("edge-it");
                        assertThat(sessions.get(0).path("disconnected_at").isNull())
                                .isTrue();
                    });

            Response r = get("/api/v1/equipment/SEW-01/indicators?from=" + from);
            assertThat(r.json.path("networked").path("value").asBoolean()).isFalse();
            assertThat(r.json.path("networked").path("conditions")).hasSize(3);
            assertThat(r.json.path("evidence")
                            .path("points")
                            .get(0)
                            .path("covered")
                            .asBoolean())
                    .isTrue();
        } finally {
            edge.disconnect();
        }
    }

    @Test
    void badParametersAreAnswered400NamingTheParameter() throws Exception {
        Response garbage = get("/api/v1/indicators?from=yesterday");
        assertThat(garbage.status).isEqualTo(400);
        assertThat(garbage.json.path("error").asText()).isEqualTo("bad_parameter");
        assertThat(garbage.json.path("parameter").asText()).isEqualTo("from");
        assertThat(garbage.json.path("message").asText())
                .contains("'yesterday'")
                .contains("ISO-8601");

        Response reversed = get("/api/v1/indicators?from=" + T1 + "&to=" + T0);
        assertThat(reversed.status).isEqualTo(400);
        assertThat(reversed.json.path("parameter").asText()).isEqualTo("from");
        assertThat(reversed.json.path("message").asText()).contains("after");

        Response badTo = get("/api/v1/equipment/IMM-01/indicators?to=" + enc("2026-13-01T00:00:00Z"));
        assertThat(badTo.status).isEqualTo(400);
        assertThat(badTo.json.path("parameter").asText()).isEqualTo("to");

        Response scope = get("/api/v1/indicators?scope=L-NOPE");
        assertThat(scope.status).isEqualTo(400);
        assertThat(scope.json.path("parameter").asText()).isEqualTo("scope");
        assertThat(scope.json.path("message").asText()).contains("L-NOPE");

        Response unknown = get("/api/v1/equipment/NOPE-1/indicators");
        assertThat(unknown.status).isEqualTo(404);
        assertThat(unknown.json.path("error").asText()).isEqualTo("not_found");
    }

    @Test
    void defaultWindowIsTheLastHour() throws Exception {
        Response r = get("/api/v1/indicators");

        assertThat(r.status).isEqualTo(200);
        Instant from = Instant.parse(r.json.path("window").path("from").asText());
        Instant to = Instant.parse(r.json.path("window").path("to").asText());
        assertThat(Duration.between(from, to)).isEqualTo(Duration.ofHours(1));
        assertThat(to).isBetween(Instant.now().minusSeconds(60), Instant.now());
        assertThat(r.json.path("scope").path("expression").asText()).isEqualTo("pilot");
    }

    @Test
    void healthMetricsAndWebPageAreServed() throws Exception {
        Response health = get("/health");
        assertThat(health.status).isEqualTo(200);
        assertThat(health.json.path("status").asText()).isEqualTo("UP");
        assertThat(health.json.path("facts_store").asText()).isEqualTo("UP");
        assertThat(health.json.path("equipment").asInt()).isEqualTo(4);

        get("/api/v1/equipment");
        HttpResponse<String> metrics = raw("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("http_server_requests_seconds_count{exception=\"none\",method=\"GET\",outcome=\"SUCCESS\","
                        + "status=\"200\",uri=\"/api/v1/equipment\"}")
                .contains("floorlink_collector_indicators_computation_seconds");

        HttpResponse<String> page = raw("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("i18n.js").contains("app.js");
        assertThat(raw("/app.js").body()).contains("/api/v1/indicators").contains("networked.v1");
        assertThat(raw("/i18n.js").body()).contains("设备联网率").contains("Networking rate");
        // the page's chart library comes from the collector (WebJar), not from the internet
        HttpResponse<String> echarts = raw("/webjars/echarts/5.3.1/dist/echarts.min.js");
        assertThat(echarts.statusCode()).isEqualTo(200);
        assertThat(echarts.headers().firstValue("Content-Type").orElse("")).contains("javascript");
    }

    private static Metric.Builder point(String name, String category, int value) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(MetricNames.PROP_CATEGORY, category);
        props.put(MetricNames.PROP_INTERVAL_MS, 1000L);
        return Metrics.metric(name, DataType.INT32, value).setProperties(Metrics.properties(props));
    }

    private static void publish(Mqtt5BlockingClient client, Topic topic, Payload.Builder payload) {
        client.publishWith()
                .topic(topic.toString())
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.build().toByteArray())
                .send();
    }

    private record Response(int status, JsonNode json) {}

    private Response get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = raw(path);
        return new Response(r.statusCode(), Json.mapper().readTree(r.body()));
    }

    private HttpResponse<String> raw(String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.httpPort() + path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode find(JsonNode list, String id) {
        for (JsonNode n : list) {
            if (id.equals(n.path("id").asText())) {
                return n;
            }
        }
        throw new AssertionError("no " + id + " in " + list);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private void insert(String sql, Object... args) throws SQLException {
        try (Connection c = collector.gateway().dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }
}
