package io.floorlink.collector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.Collector;
import io.floorlink.collector.CollectorConfig;
import io.floorlink.collector.HttpConfig;
import io.floorlink.collector.district.GoldenDistrictFiles;
import io.floorlink.collector.district.ProgrammeView;
import io.floorlink.collector.indicators.FactsFixture;
import io.floorlink.collector.profiles.Profile;
import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.GatewayConfig;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/enterprises} of a district collector (the golden district) over the default period reads the
 * background summaries: they show the figures the same period computed live shows, a restarted collector answers
 * with the summaries persisted before the restart (same {@code computed_at}), and a fact written into a closed day of
 * the period gets its enterprise's row recomputed.
 */
class EnterpriseSummariesIT {
    private static final String ADMIN = "admin-token-summaries-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theProgrammeViewReadsPersistedSummariesAcrossARestartAndRecomputesARowAfterLateFacts(@TempDir Path dir)
            throws Exception {
        GoldenDistrictFiles files = GoldenDistrictFiles.copyTo(dir);
        CollectorConfig config = CollectorConfig.defaults(dir.resolve("data"))
                .withHttp(new HttpConfig("127.0.0.1", 0, ADMIN, List.of(), false, null))
                .withGateway(GatewayConfig.defaults(dir.resolve("data"))
                        .withAuth(AuthConfig.anonymousOnLoopback())
                        .withBrokerPort(0))
                .withDistrict(files.registry(), files.inventories());
        // connected over every local day of the default period in every zone of the district, up to the end of
        // yesterday (UTC): closed days only
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Instant from = today.minusDays(32).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = today.atStartOfDay(ZoneOffset.UTC).toInstant();

        Map<String, String> computedAt = new LinkedHashMap<>();
        try (Collector collector = Collector.start(config, new SimpleMeterRegistry())) {
            connected(collector, "ENT-SEW", "SEW-01", List.of("run_state", "ok_count"), from, to);
            collector.summarizer().check();
            JsonNode summarized = await().atMost(WAIT)
                    .ignoreExceptions()
                    .until(() -> get(collector, "/api/v1/enterprises"), b -> allFresh(b, 3));
            assertThat(figures(summarized))
                    .as("the summaries are the rows the period gives computed live")
                    .isEqualTo(figures(live(collector, summarized)));
            assertThat(summarized.at("/enterprises/2/counts/networked").asLong())
                    .as("ENT-SEW (last by code) has its connected SEW-01 counted")
                    .isPositive();
            // the summarizer may still be computing a row queued twice (its own first check and ours): settled
            // when two answers a second apart show the same summaries
            JsonNode settled = await().atMost(WAIT)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(
                            () -> {
                                JsonNode a = get(collector, "/api/v1/enterprises");
                                Thread.sleep(1000);
                                JsonNode b = get(collector, "/api/v1/enterprises");
                                return allFresh(a, 3) && a.equals(b) ? b : null;
                            },
                            java.util.Objects::nonNull);
            for (JsonNode r : settled.path("enterprises")) {
                computedAt.put(
                        r.path("code").asText(), r.at("/summary/computed_at").asText());
            }
            String csv = http.send(
                            request(collector, "/api/v1/enterprises?format=csv"), HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(csv.lines().findFirst().orElseThrow()).endsWith(",summary_computed_at,summary_stale");
        }

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Collector collector = Collector.start(config, meters)) {
            JsonNode restarted = get(collector, "/api/v1/enterprises");
            Map<String, String> after = new LinkedHashMap<>();
            for (JsonNode r : restarted.path("enterprises")) {
                after.put(r.path("code").asText(), r.at("/summary/computed_at").asText());
                assertThat(r.at("/summary/stale").asBoolean())
                        .as(r.path("code").asText())
                        .isFalse();
            }
            assertThat(after)
                    .as("the first answer after a restart is the persisted summaries, not a recomputation")
                    .isEqualTo(computedAt);

            connected(collector, "ENT-ASM", "SEW-01", List.of("run_state"), from, to);
            collector.summarizer().check();
            JsonNode recomputed = await().atMost(WAIT)
                    .ignoreExceptions()
                    .until(
                            () -> get(collector, "/api/v1/enterprises"),
                            b -> allFresh(b, 3)
                                    && !b.at("/enterprises/0/summary/computed_at")
                                            .asText()
                                            .equals(computedAt.get("ENT-ASM")));
            assertThat(recomputed.at("/enterprises/0/code").asText()).isEqualTo("ENT-ASM");
            assertThat(recomputed.at("/enterprises/0/counts/networked").asLong())
                    .as("ENT-ASM's late SEW-01 facts are in its recomputed row")
                    .isPositive();
            assertThat(recomputed.at("/enterprises/1/summary/computed_at").asText())
                    .as("ENT-MOLD's facts did not change: its summary stays")
                    .isEqualTo(computedAt.get("ENT-MOLD"));
            assertThat(figures(recomputed)).isEqualTo(figures(live(collector, recomputed)));
            Timer success = meters.find("floorlink.district.summary.duration")
                    .tag("outcome", "success")
                    .timer();
            assertThat(success).isNotNull();
            assertThat(success.count()).isPositive();
            assertThat(meters.find("floorlink.district.summary.stale").gauge().value())
                    .isZero();
        }
    }

    /** The view of the same period computed now, in-process, as the endpoint answers it. */
    private static JsonNode live(Collector collector, JsonNode answer) {
        Profile profile = collector.summarizer().profile();
        List<ProgrammeView.Row> rows = ProgrammeView.rows(
                collector.enterprises(),
                profile,
                LocalDate.parse(answer.path("from").asText()),
                LocalDate.parse(answer.path("to").asText()));
        ProgrammeView.View view = ProgrammeView.of(
                rows, new ProgrammeView.Filter(null, null, null, "active"), ProgrammeView.SortBy.CODE, false);
        return Json.mapper().valueToTree(Map.of("enterprises", view.rows(), "totals", view.totals()));
    }

    private static boolean allFresh(JsonNode body, int rows) {
        if (body.path("enterprises").size() != rows) {
            return false;
        }
        for (JsonNode r : body.path("enterprises")) {
            if (r.path("summary").isNull()
                    || r.at("/summary/computed_at").isNull()
                    || r.at("/summary/stale").asBoolean()) {
                return false;
            }
        }
        return true;
    }

    /** The rows without their summary field, as text. */
    private static List<String> figures(JsonNode body) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : body.path("enterprises")) {
            JsonNode copy = r.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) copy).remove("summary");
            out.add(copy.toString());
        }
        out.add(body.path("totals").toString());
        return out;
    }

    private HttpRequest request(Collector collector, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.httpPort() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ADMIN)
                .GET()
                .build();
    }

    private JsonNode get(Collector collector, String path) throws Exception {
        HttpResponse<String> r = http.send(request(collector, path), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    /** A device connected and delivering its points in [from, to), written as the gateway writes and revises. */
    private static void connected(
            Collector collector, String enterprise, String device, List<String> points, Instant from, Instant to) {
        FactsFixture.migrated(collector.gateway().dataSource())
                .group(enterprise)
                .connected("edge-01", device, points, from, to);
    }
}
