package io.floorlink.collector.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.Collector;
import io.floorlink.collector.CollectorConfig;
import io.floorlink.gateway.GatewayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The profile and evaluation routes of a running collector, with an extra profile from the configured folder. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProfilesApiIT {
    private static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");

    private Collector collector;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Path inventory = SampleInventory.copyTo(dir);
        Path profiles = Files.createDirectories(dir.resolve("profiles"));
        Files.writeString(profiles.resolve("hourly.yaml"), """
                id: hourly-check
                version: "1"
                min_window: 1h
                rules:
                  - { id: online, indicator: online_ratio, comparator: ">=", threshold: 0.5 }
                """);
        CollectorConfig config = CollectorConfig.defaults(dir.resolve("data"))
                .withHttpPort(0)
                .withInventory(inventory)
                .withProfiles(profiles)
                .withGateway(GatewayConfig.defaults(dir.resolve("data"))
                        .withBrokerPort(0)
                        .withFlushInterval(Duration.ofMillis(200)));
        collector = Collector.start(config, new SimpleMeterRegistry());
        try (Connection c = collector.gateway().dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO device_session (group_id, edge_node_id,"
                        + " device_id, connected_at, disconnected_at, end_reason) VALUES ('ENT001', 'edge-01', ?, ?,"
                        + " ?, 'ddeath')")) {
            for (String device : new String[] {"SEW-01", "IMM-01"}) {
                ps.setString(1, device);
                ps.setObject(2, OffsetDateTime.ofInstant(T0, ZoneOffset.UTC));
                ps.setObject(3, OffsetDateTime.ofInstant(T0.plus(Duration.ofMinutes(45)), ZoneOffset.UTC));
                ps.executeUpdate();
            }
        }
    }

    @AfterAll
    void stop() {
        if (collector != null) {
            collector.close();
        }
    }

    @Test
    void profilesListTheShippedDefaultAndTheConfiguredOnes() throws Exception {
        JsonNode list = get("/api/v1/profiles").json;
        assertThat(list.path("default").asText()).isEqualTo("miit-2024-level2");
        assertThat(list.path("profiles").findValuesAsText("id")).containsExactly("miit-2024-level2", "hourly-check");

        Response one = get("/api/v1/profiles/miit-2024-level2");
        assertThat(one.status).isEqualTo(200);
        assertThat(one.json.path("theta_online").asDouble()).isEqualTo(0.9);
        assertThat(one.json.path("min_window").asText()).isEqualTo("7d");
        assertThat(one.json.path("rules").get(0).path("id").asText()).isEqualTo("networking_rate");

        assertThat(get("/api/v1/profiles/nope").status).isEqualTo(404);
    }

    @Test
    void evaluationReturnsEachRuleWithValueThresholdAndOutcome() throws Exception {
        Response r = get("/api/v1/evaluations?profile=hourly-check&scope=line:L-SEW1&from=" + T0 + "&to="
                + T0.plus(Duration.ofHours(1)));

        assertThat(r.status).isEqualTo(200);
        assertThat(r.json.path("status").asText()).isEqualTo("pass");
        JsonNode rule = r.json.path("rules").get(0);
        assertThat(rule.path("id").asText()).isEqualTo("online");
        assertThat(rule.path("value").asDouble()).isEqualTo(0.75);
        assertThat(rule.path("threshold").asDouble()).isEqualTo(0.5);
        assertThat(rule.path("outcome").asText()).isEqualTo("pass");
        assertThat(rule.path("evidence").get(0).path("equipment").asText()).isEqualTo("SEW-01");
    }

    @Test
    void theDefaultProfileCannotEvaluateAnHourAndSaysWhy() throws Exception {
        Response r = get("/api/v1/evaluations?window=1h&to=" + T0.plus(Duration.ofHours(1)));

        assertThat(r.status).isEqualTo(200);
        assertThat(r.json.path("status").asText()).isEqualTo("cannot_evaluate");
        assertThat(r.json.path("reasons").get(0).asText()).contains("min_window 7d");
    }

    @Test
    void indicatorsCarryTheNewFiguresWithFormulaAndDenominator() throws Exception {
        Response r = get("/api/v1/indicators?window=1h&to=" + T0.plus(Duration.ofHours(1)));

        JsonNode imm = r.json.path("equipment").get(2);
        assertThat(imm.path("id").asText()).isEqualTo("IMM-01");
        for (String id : new String[] {
            "read_success",
            "latency_p95",
            "good_ratio",
            "frozen_ratio",
            "power_on_ratio",
            "run_ratio",
            "utilisation",
            "fault_ratio"
        }) {
            assertThat(imm.path(id).path("formula").asText()).as(id).isNotBlank();
            assertThat(imm.path(id).has("denominator_label")).as(id).isTrue();
        }
        assertThat(imm.path("power_on_ratio").path("value").asDouble()).isZero();
        assertThat(imm.path("oee").path("formula").asText()).isEqualTo("oee.iso22400.v1");
        assertThat(r.json.path("indicators")
                        .path("key_networking_rate")
                        .path("formula")
                        .asText())
                .isEqualTo("key_networking_rate.v1");
        assertThat(r.json.path("assessment2024").path("disclaimer").asText()).contains("never a level");
        assertThat(r.json.path("uplinks").get(0).path("edge_node_id").asText()).isEqualTo("edge-01");
        assertThat(r.json.path("profile").path("id").asText()).isEqualTo("miit-2024-level2");
    }

    @Test
    void badParametersAreAnswered400NamingTheParameter() throws Exception {
        Response profile = get("/api/v1/evaluations?profile=unknown&window=7d");
        assertThat(profile.status).isEqualTo(400);
        assertThat(profile.json.path("parameter").asText()).isEqualTo("profile");
        assertThat(profile.json.path("message").asText()).contains("miit-2024-level2");

        Response window = get("/api/v1/indicators?window=7");
        assertThat(window.status).isEqualTo(400);
        assertThat(window.json.path("parameter").asText()).isEqualTo("window");

        Response all = get("/api/v1/indicators?window=1h&from=" + T0 + "&to=" + T0.plus(Duration.ofHours(1)));
        assertThat(all.status).isEqualTo(400);
        assertThat(all.json.path("parameter").asText()).isEqualTo("window");
    }

    @Test
    void indicatorsAndEvaluationsAnswerCsvWithTheSameFigures() throws Exception {
        String window = "window=1h&to=" + T0.plus(Duration.ofHours(1));
        JsonNode json = get("/api/v1/indicators?" + window).json;
        HttpResponse<String> csv = raw("/api/v1/indicators?format=csv&" + window);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines[0])
                .isEqualTo("\uFEFFequipment,indicator,value,unit,formula,numerator,denominator,denominator_label,"
                        + "official,reason,data_trust");
        JsonNode online = json.path("equipment").get(2).path("online_ratio");
        assertThat(lines)
                .anyMatch(l -> l.startsWith(
                                "IMM-01,online_ratio," + online.path("value").asText() + ",")
                        && l.contains(online.path("formula").asText()));
        assertThat(lines).anyMatch(l -> l.startsWith(",networking_rate,"));

        HttpResponse<String> one = raw("/api/v1/equipment/IMM-01/indicators?" + window + "&format=csv");
        assertThat(one.body()).contains("IMM-01,power_on_ratio,");

        HttpResponse<String> ev = raw("/api/v1/evaluations?profile=hourly-check&scope=line:L-SEW1&from=" + T0 + "&to="
                + T0.plusSeconds(3600) + "&format=csv");
        assertThat(ev.statusCode()).isEqualTo(200);
        assertThat(ev.body().split("\r\n")[0]).startsWith("\uFEFFstatus,rule,indicator");
        assertThat(ev.body()).contains(",SEW-01,");

        assertThat(raw("/api/v1/profiles?format=csv").body()).contains("miit-2024-level2");
        assertThat(get("/api/v1/indicators?format=xml&" + window).status).isEqualTo(400);
    }

    private HttpResponse<String> raw(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.httpPort() + path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private record Response(int status, JsonNode json) {}

    private Response get(String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.httpPort() + path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), Json.mapper().readTree(r.body()));
    }
}
