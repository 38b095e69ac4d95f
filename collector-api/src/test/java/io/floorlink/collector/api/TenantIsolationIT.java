package io.floorlink.collector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.floorlink.collector.Collector;
import io.floorlink.collector.CollectorConfig;
import io.floorlink.collector.HttpConfig;
import io.floorlink.collector.district.GoldenDistrictFiles;
import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.GatewayConfig;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One district collector, three enterprises with the same equipment, line and edge node ids ({@code SEW-01},
 * {@code L1}, {@code edge-01}), and every route asked by every kind of user for its own enterprise, another one, an
 * unknown one and none: each answer is what the user may see, and no successful answer holds a trace (name, code,
 * live metric) of an enterprise the user does not see. The table of routes is checked against the server's own
 * routes, so a new route without a row here fails this test.
 */
class TenantIsolationIT {
    private static final String ADMIN = "admin-token-0123456789abcdef";
    private static final String SEW_USER = "sew-user-token-0123456789ab";
    private static final String CONTRACTOR = "ctr-east-token-0123456789ab";
    private static final String REVIEWER = "expert-li-token-0123456789a";
    private static final String IDLE_REVIEWER = "expert-zhao-token-012345678";
    private static final List<String> CODES = GoldenDistrictFiles.CODES;

    /** What each enterprise leaves in an answer about it: its code, its name, its live canary metric. */
    private static final Map<String, List<String>> TRACES = Map.of(
            "ENT-SEW", List.of("ENT-SEW", "晋江运动服饰有限公司", "canary_sew_3f1"),
            "ENT-MOLD", List.of("ENT-MOLD", "Molding GmbH (Berlin)", "canary_mold_8c2"),
            "ENT-ASM", List.of("ENT-ASM", "Appliance Assembly Ltd", "canary_asm_5d7"));

    /** A user and the enterprises it sees (in registry order). */
    private record User(String name, String token, List<String> sees) {}

    private static final List<User> USERS = List.of(
            new User("admin", ADMIN, CODES),
            new User("sew-user", SEW_USER, List.of("ENT-SEW")),
            new User("ctr-east", CONTRACTOR, List.of("ENT-SEW", "ENT-ASM")),
            new User("expert-li", REVIEWER, List.of("ENT-SEW", "ENT-MOLD")),
            new User("expert-zhao", IDLE_REVIEWER, List.of()));

    /**
     * A route as asked: the path (with {@code {id}} filled per enterprise), whether it is about one enterprise, and
     * whether its answer is text to scan (not a zip, PDF or workbook).
     */
    private record Route(String path, boolean scoped, boolean text) {}

    private static final Map<String, Route> ROUTES = new LinkedHashMap<>();

    static {
        ROUTES.put("GET /health", new Route("/health", false, true));
        ROUTES.put("GET /metrics", new Route("/metrics", false, true));
        ROUTES.put("GET /api/v1/equipment", new Route("/api/v1/equipment", true, true));
        ROUTES.put("GET /api/v1/indicators", new Route("/api/v1/indicators", true, true));
        ROUTES.put("GET /api/v1/equipment/{id}", new Route("/api/v1/equipment/SEW-01", true, true));
        ROUTES.put(
                "GET /api/v1/equipment/{id}/indicators", new Route("/api/v1/equipment/SEW-01/indicators", true, true));
        ROUTES.put(
                "GET /api/v1/enterprises", new Route("/api/v1/enterprises?from=2026-03-01&to=2026-03-02", false, true));
        ROUTES.put("GET /api/v1/inventory", new Route("/api/v1/inventory", true, true));
        ROUTES.put("POST /api/v1/inventory", null);
        ROUTES.put("GET /api/v1/openapi.json", new Route("/api/v1/openapi.json", false, true));
        ROUTES.put("GET /api/v1/profiles", new Route("/api/v1/profiles", false, true));
        ROUTES.put("GET /api/v1/profiles/{id}", new Route("/api/v1/profiles/miit-2024-level2", false, true));
        ROUTES.put("GET /api/v1/evaluations", new Route("/api/v1/evaluations", true, true));
        ROUTES.put("POST /api/v1/evaluations", null);
        ROUTES.put("POST /api/v1/district/reload", null);
        ROUTES.put(
                "GET /api/v1/enterprises/{code}/history", new Route("/api/v1/enterprises/{code}/history", true, true));
        ROUTES.put("GET /api/v1/sparkplug/nodes", new Route("/api/v1/sparkplug/nodes", false, true));
        ROUTES.put("GET /api/v1/keys", new Route("/api/v1/keys", false, true));
        ROUTES.put("GET /api/v1/bundles", new Route("/api/v1/bundles", true, false));
        ROUTES.put("GET /api/v1/reports", new Route("/api/v1/reports?format=xlsx", true, false));
    }

    @TempDir
    static Path dir;

    private static Collector collector;
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startDistrict() throws Exception {
        GoldenDistrictFiles files = GoldenDistrictFiles.copyTo(dir);
        HttpConfig httpConfig = new HttpConfig("127.0.0.1", 0, ADMIN)
                .withUsers(List.of(
                        new HttpConfig.User("sew-user", SEW_USER, HttpConfig.Role.ENTERPRISE, "ENT-SEW", null),
                        new HttpConfig.User("ctr-east", CONTRACTOR, HttpConfig.Role.CONTRACTOR, null, "CTR-EAST"),
                        new HttpConfig.User("expert-li", REVIEWER, HttpConfig.Role.REVIEWER, null, null),
                        // a reviewer no review names
                        new HttpConfig.User("expert-zhao", IDLE_REVIEWER, HttpConfig.Role.REVIEWER, null, null)));
        CollectorConfig config = CollectorConfig.defaults(dir.resolve("data"))
                .withHttp(httpConfig)
                .withGateway(GatewayConfig.defaults(dir.resolve("data"))
                        .withAuth(AuthConfig.anonymousOnLoopback())
                        .withBrokerPort(0))
                .withDistrict(files.registry(), files.inventories());
        collector = Collector.start(config, new SimpleMeterRegistry());
        // Three edges of the same node id, each with a device SEW-01 and a metric only its enterprise has.
        URI mqtt = collector.gateway().mqttUrl();
        Mqtt5BlockingClient edge = MqttClient.builder()
                .useMqttVersion5()
                .serverHost(mqtt.getHost())
                .serverPort(mqtt.getPort())
                .buildBlocking();
        edge.connect();
        try {
            for (String code : CODES) {
                String canary = TRACES.get(code).get(2);
                publish(
                        edge,
                        Topic.node(code, MessageType.NBIRTH, "edge-01"),
                        Payload.newBuilder()
                                .setTimestamp(System.currentTimeMillis())
                                .setSeq(0)
                                .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, 0L))
                                .addMetrics(Metrics.metric(MetricNames.REBIRTH, DataType.BOOLEAN, false))
                                .build());
                publish(
                        edge,
                        Topic.device(code, MessageType.DBIRTH, "edge-01", "SEW-01"),
                        Payload.newBuilder()
                                .setTimestamp(System.currentTimeMillis())
                                .setSeq(1)
                                .addMetrics(Metrics.metric(canary, DataType.DOUBLE, 1.5)
                                        .setTimestamp(System.currentTimeMillis()))
                                .build());
            }
        } finally {
            edge.disconnect();
        }
        await("three groups in the live view").atMost(Duration.ofSeconds(15)).until(() -> CODES.stream()
                .allMatch(c -> send("GET", "/api/v1/sparkplug/nodes", ADMIN, null, null)
                        .body()
                        .contains(TRACES.get(c).get(2))));
    }

    @AfterAll
    static void stop() {
        if (collector != null) {
            collector.close();
        }
    }

    @Test
    void everyRouteHasARowInTheIsolationTable() {
        assertThat(collector.api().routes())
                .as("routes of the server; add a row to ROUTES for a new one")
                .containsExactlyInAnyOrderElementsOf(ROUTES.keySet());
    }

    @Test
    void everyUserGetsOnlyTheEnterprisesItSeesOnEveryRoute() throws Exception {
        List<String> failures = new ArrayList<>();
        for (User u : USERS) {
            for (Map.Entry<String, Route> e : ROUTES.entrySet()) {
                Route r = e.getValue();
                if (r == null) {
                    continue;
                }
                if (!r.scoped()) {
                    check(failures, u, e.getKey(), r, r.path(), null);
                    continue;
                }
                if (r.path().contains("{code}")) {
                    for (String code :
                            Stream.concat(CODES.stream(), Stream.of("ENT-NOPE")).toList()) {
                        check(failures, u, e.getKey(), r, r.path().replace("{code}", code), code);
                    }
                    continue;
                }
                for (String code : CODES) {
                    check(failures, u, e.getKey(), r, with(r.path(), "enterprise=" + code), code);
                }
                check(failures, u, e.getKey(), r, with(r.path(), "enterprise=ENT-NOPE"), "ENT-NOPE");
                check(failures, u, e.getKey(), r, r.path(), "");
            }
        }
        assertThat(failures).isEmpty();
    }

    /** One request and what {@code u} must get: the status, and no trace of an enterprise it does not see. */
    private static void check(List<String> failures, User u, String route, Route r, String path, String code)
            throws Exception {
        HttpResponse<String> a = send("GET", path, u.token(), null, null);
        int expected;
        if (code == null) {
            expected = route.equals("GET /metrics") && !u.name().equals("admin") ? 403 : 200;
        } else if (code.isEmpty()) {
            expected = u.sees().size() == 1 ? 200 : u.sees().isEmpty() ? 404 : 400;
        } else {
            expected = u.sees().contains(code) ? 200 : 404;
        }
        String what = u.name() + " " + path;
        if (a.statusCode() != expected) {
            failures.add(what + ": " + a.statusCode() + " instead of " + expected + ": " + cut(a.body()));
            return;
        }
        if (expected == 404 || expected == 400) {
            JsonNode error = Json.mapper().readTree(a.body());
            String kind = expected == 404 ? "unknown_enterprise" : "enterprise_required";
            if (!error.path("error").asText().equals(kind)) {
                failures.add(what + ": error " + error.path("error") + " instead of " + kind);
            }
            return;
        }
        if (!r.text() || expected != 200) {
            return;
        }
        for (String other : CODES) {
            if (u.sees().contains(other)) {
                continue;
            }
            for (String trace : TRACES.get(other)) {
                if (a.body().contains(trace)) {
                    failures.add(what + ": answer holds '" + trace + "' of " + other + ", which " + u.name()
                            + " does not see");
                }
            }
        }
    }

    @Test
    void theEnterpriseListShowsExactlyTheVisibleEnterprises() throws Exception {
        for (User u : USERS) {
            JsonNode list = Json.mapper()
                    .readTree(send("GET", "/api/v1/enterprises?from=2026-03-01&to=2026-03-02", u.token(), null, null)
                            .body());
            List<String> codes = new ArrayList<>();
            list.path("enterprises").forEach(e -> codes.add(e.path("code").asText()));
            assertThat(codes).as("enterprises of %s", u.name()).containsExactlyInAnyOrderElementsOf(u.sees());
            assertThat(list.path("totals").path("enterprises").asInt())
                    .isEqualTo(u.sees().size());
        }
    }

    @Test
    void theLiveViewOfAGroupIsShownOnlyToWhoSeesItsEnterprise() throws Exception {
        JsonNode nodes = Json.mapper()
                .readTree(send("GET", "/api/v1/sparkplug/nodes", CONTRACTOR, null, null)
                        .body());
        List<String> groups = new ArrayList<>();
        nodes.path("nodes").forEach(n -> groups.add(n.path("group").asText()));
        assertThat(groups).containsExactlyInAnyOrder("ENT-SEW", "ENT-ASM");
        JsonNode one = Json.mapper()
                .readTree(send("GET", "/api/v1/sparkplug/nodes?enterprise=ENT-ASM", CONTRACTOR, null, null)
                        .body());
        assertThat(one.path("nodes")).hasSize(1);
        assertThat(one.path("nodes").get(0).path("group").asText()).isEqualTo("ENT-ASM");
    }

    @Test
    void anonymousReadsAreRefusedAndTheOpenHealthNamesNoEnterprise() throws Exception {
        for (Map.Entry<String, Route> e : ROUTES.entrySet()) {
            if (e.getValue() == null || e.getKey().equals("GET /health")) {
                continue;
            }
            assertThat(send("GET", e.getValue().path().replace("{code}", "ENT-SEW"), null, null, null)
                            .statusCode())
                    .as(e.getKey())
                    .isEqualTo(401);
        }
        HttpResponse<String> health = send("GET", "/health", null, null, null);
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(health.body());
        assertThat(body.path("enterprises").asInt()).isEqualTo(3);
        for (List<String> traces : TRACES.values()) {
            for (String t : traces) {
                assertThat(health.body()).doesNotContain(t);
            }
        }
    }

    @Test
    void onlyTheAdminAndTheEnterprisesContractorImportAnInventoryOfThatEnterprise() throws Exception {
        byte[] asm = Files.readAllBytes(dir.resolve("enterprises/ENT-ASM/inventory.yaml"));
        byte[] mold = Files.readAllBytes(dir.resolve("enterprises/ENT-MOLD/inventory.yaml"));
        // The contractor of ENT-ASM imports it; the other enterprises' files stay as they were.
        assertThat(send("POST", "/api/v1/inventory?enterprise=ENT-ASM", CONTRACTOR, asm, "application/yaml")
                        .statusCode())
                .isEqualTo(200);
        // ENT-MOLD is not the contractor's: it does not exist for it.
        HttpResponse<String> other =
                send("POST", "/api/v1/inventory?enterprise=ENT-MOLD", CONTRACTOR, mold, "application/yaml");
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(other.body()).contains("unknown_enterprise");
        // An enterprise user and a reviewer read but do not import.
        assertThat(send("POST", "/api/v1/inventory?enterprise=ENT-SEW", SEW_USER, asm, "application/yaml")
                        .statusCode())
                .isEqualTo(403);
        assertThat(send("POST", "/api/v1/inventory?enterprise=ENT-MOLD", REVIEWER, mold, "application/yaml")
                        .statusCode())
                .isEqualTo(403);
        // An upload of another enterprise under this one's code changes nothing.
        String before = Files.readString(dir.resolve("enterprises/ENT-SEW/inventory.yaml"));
        HttpResponse<String> wrong =
                send("POST", "/api/v1/inventory?enterprise=ENT-SEW", ADMIN, asm, "application/yaml");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(Json.mapper()
                        .readTree(wrong.body())
                        .path("errors")
                        .get(0)
                        .path("column")
                        .asText())
                .isEqualTo("enterprise.code");
        assertThat(Files.readString(dir.resolve("enterprises/ENT-SEW/inventory.yaml")))
                .isEqualTo(before);
        assertThat(collector.indicators("ENT-SEW").inventory().enterprise().name())
                .isEqualTo("晋江运动服饰有限公司");
        // The admin imports any enterprise; the audit log names the enterprise.
        assertThat(send("POST", "/api/v1/inventory?enterprise=ENT-MOLD", ADMIN, mold, "application/yaml")
                        .statusCode())
                .isEqualTo(200);
        String audit = Files.readString(dir.resolve("data").resolve(Collector.AUDIT_LOG), StandardCharsets.UTF_8);
        assertThat(audit).contains("\"inventory:ENT-MOLD\"").contains("\"inventory:ENT-ASM\"");
    }

    @Test
    void reportsEvaluationsAndExportsSayWhoseTheyAre() throws Exception {
        JsonNode report = Json.mapper()
                .readTree(send("GET", "/api/v1/indicators?enterprise=ENT-MOLD", ADMIN, null, null)
                        .body());
        assertThat(report.at("/enterprise/code").asText()).isEqualTo("ENT-MOLD");
        assertThat(report.at("/enterprise/name").asText()).isEqualTo("Molding GmbH (Berlin)");
        assertThat(report.at("/enterprise/timezone").asText()).isEqualTo("Europe/Berlin");
        JsonNode evaluation = Json.mapper()
                .readTree(send("GET", "/api/v1/evaluations?enterprise=ENT-ASM", ADMIN, null, null)
                        .body());
        assertThat(evaluation.at("/enterprise/code").asText()).isEqualTo("ENT-ASM");
        for (String path : List.of(
                "/api/v1/indicators?format=csv&enterprise=ENT-MOLD",
                "/api/v1/evaluations?format=csv&enterprise=ENT-MOLD",
                "/api/v1/equipment?format=csv&enterprise=ENT-MOLD",
                "/api/v1/equipment/SEW-01/indicators?format=csv&enterprise=ENT-MOLD")) {
            assertThat(send("GET", path, ADMIN, null, null).headers().firstValue("Content-Disposition"))
                    .as(path)
                    .hasValueSatisfying(d -> assertThat(d).contains("filename=\"ENT-MOLD-"));
        }
    }

    private static String with(String path, String param) {
        return path + (path.contains("?") ? "&" : "?") + param;
    }

    private static String cut(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    private static HttpResponse<String> send(String method, String path, String token, byte[] body, String type) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + collector.httpPort() + path))
                    .timeout(Duration.ofSeconds(60))
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            if (type != null) {
                b.header("Content-Type", type);
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }

    private static void publish(Mqtt5BlockingClient client, Topic topic, Payload payload) {
        client.publishWith()
                .topic(topic.toString())
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.toByteArray())
                .send();
    }
}
