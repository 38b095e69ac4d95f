package io.floorlink.collector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a reviewer sees of a platform gap: the collector as a user runs it (in-process gateway, H2 facts store, HTTP
 * on port 0) over the last hour, in which SEW-01 was connected except for a 6-minute gateway outage the facts hold
 * nothing of. JSON, CSV, the evaluation and the web page (headless Chromium) all flag it, and the outage does not
 * count against the machine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataTrustApiIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private Collector collector;
    private Path dir;
    private Instant gapFrom;
    private Instant gapTo;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        Path inventory = SampleInventory.copyTo(dir);
        CollectorConfig config = CollectorConfig.defaults(dir.resolve("data"))
                .withHttpPort(0)
                .withInventory(inventory)
                .withGateway(GatewayConfig.defaults(dir.resolve("data")).withBrokerPort(0));
        collector = Collector.start(config, new SimpleMeterRegistry());

        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Instant start = now.minus(Duration.ofMinutes(90));
        gapFrom = now.minus(Duration.ofMinutes(40));
        gapTo = now.minus(Duration.ofMinutes(34));
        session(start, gapFrom);
        session(gapTo, null);
        for (Instant m = start; m.isBefore(now.plus(Duration.ofMinutes(2))); m = m.plus(Duration.ofMinutes(1))) {
            if (m.isBefore(gapFrom) || !m.isBefore(gapTo)) {
                insert(
                        "INSERT INTO device_minute (group_id, device_id, bucket, reads_ok, reads_failed)"
                                + " VALUES ('ENT001', 'SEW-01', ?, 120, 0)",
                        utc(m));
            }
        }
        insert(
                "INSERT INTO platform_gap (host_id, cause, gap_from, gap_to, events, detail)"
                        + " VALUES ('floorlink', 'gateway_down', ?, ?, 0, 'gateway floorlink not running')",
                utc(gapFrom),
                utc(gapTo));
    }

    @AfterAll
    void stop() {
        if (collector != null) {
            collector.close();
        }
    }

    @Test
    void jsonFlagsTheGapAndLeavesItOutOfTheOnlineRatio() throws Exception {
        JsonNode r = Json.mapper().readTree(raw("/api/v1/indicators?window=1h").body());

        JsonNode trust = r.path("data_trust");
        assertThat(trust.path("status").asText()).isEqualTo("flagged");
        // 6 minutes for each of the 4 equipment: the others have no facts at all, so the outage is not known for them
        assertThat(trust.path("not_known_seconds").asDouble()).isEqualTo(4 * 360.0);
        JsonNode gap = trust.path("gaps").get(0);
        assertThat(gap.path("cause").asText()).isEqualTo("gateway_down");
        assertThat(gap.path("from").asText()).isEqualTo(gapFrom.toString());
        assertThat(gap.path("from_local").asText()).endsWith("+08:00");
        assertThat(gap.path("equipment").asInt()).isEqualTo(4);

        JsonNode sew = find(r.path("equipment"), "SEW-01");
        assertThat(sew.path("online_ratio").path("value").asDouble()).isEqualTo(1.0);
        assertThat(sew.path("not_known_seconds").asDouble()).isEqualTo(360.0);
        assertThat(sew.path("data_trust").get(0).path("not_known_seconds").asDouble())
                .isEqualTo(360.0);

        JsonNode evaluation =
                Json.mapper().readTree(raw("/api/v1/evaluations?window=1h").body());
        assertThat(evaluation.path("data_trust").path("status").asText()).isEqualTo("flagged");
    }

    @Test
    void csvCarriesTheFlagInEveryRowOfTheEquipment() throws Exception {
        String[] lines = raw("/api/v1/indicators?window=1h&format=csv").body().split("\r\n");

        assertThat(lines[0]).endsWith(",reason,data_trust");
        assertThat(lines)
                .filteredOn(l -> l.startsWith("SEW-01,"))
                .isNotEmpty()
                .allMatch(l -> l.contains("gateway_down (platform) ")
                        && l.contains("+08:00")
                        && l.contains("360 s not known, left out"));
        assertThat(lines)
                .filteredOn(l -> l.startsWith(",networking_rate,"))
                .singleElement()
                .satisfies(l -> assertThat(l).contains("known gap(s) of the platform"));
    }

    @Test
    void webPageShowsTheFlagInABrowser() throws Exception {
        assumeThat(Files.isExecutable(CHROMIUM))
                .as("headless Chromium at " + CHROMIUM + " (.ci/run installs it)")
                .isTrue();
        String dom = dumpDom("http://127.0.0.1:" + collector.httpPort() + "/?window=1h&scope=pilot&lang=en");

        assertThat(dom).contains("data-trust=\"flagged\"");
        assertThat(dom).contains("Data trust: flagged");
        assertThat(dom).contains("gateway down");
        assertThat(dom).contains("360 s not known");

        String zh = dumpDom("http://127.0.0.1:" + collector.httpPort() + "/?window=1h&scope=pilot&lang=zh-CN");

        assertThat(zh).contains("data-trust=\"flagged\"");
        assertThat(zh).contains("数据可信度：存在缺口");
        assertThat(zh).contains("网关停机");
        assertThat(zh).contains("360 秒无法确认");
    }

    /** The DOM of a page after its scripts ran, from headless Chromium. */
    private String dumpDom(String url) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium"),
                "--virtual-time-budget=10000",
                "--dump-dom",
                url));
        Path out = dir.resolve("dom-" + System.nanoTime() + ".html");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 60 s");
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private void session(Instant from, Instant to) throws SQLException {
        insert(
                "INSERT INTO device_session (group_id, edge_node_id, device_id, connected_at, disconnected_at,"
                        + " end_reason) VALUES ('ENT001', 'edge-01', 'SEW-01', ?, ?, ?)",
                utc(from),
                to == null ? null : utc(to),
                to == null ? null : "platform_restart");
    }

    private static JsonNode find(JsonNode list, String id) {
        for (JsonNode n : list) {
            if (n.path("id").asText().equals(id)) {
                return n;
            }
        }
        throw new AssertionError("no " + id + " in " + list);
    }

    private HttpResponse<String> raw(String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.httpPort() + path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return r;
    }

    private static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
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
