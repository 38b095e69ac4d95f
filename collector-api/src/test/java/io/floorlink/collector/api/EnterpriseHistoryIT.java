package io.floorlink.collector.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.Collector;
import io.floorlink.collector.CollectorConfig;
import io.floorlink.collector.HttpConfig;
import io.floorlink.collector.audit.AuditLog;
import io.floorlink.collector.district.GoldenDistrictFiles;
import io.floorlink.gateway.GatewayConfig;
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
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * 一企一档: evaluations recorded by a reviewer, bundles handed out and inventories imported are each enterprise's
 * timeline, read back from the hash-chained audit log; another enterprise's entries never show, and an edited line
 * shows as a broken chain.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnterpriseHistoryIT {
    private static final String ADMIN = "admin-token-0123456789abcdef";
    private static final String REVIEWER = "expert-li-token-0123456789a";
    private static final String SEW_USER = "sew-user-token-0123456789ab";
    private static final String PERIOD = "from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z";

    private Collector collector;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        GoldenDistrictFiles files = GoldenDistrictFiles.copyTo(dir);
        HttpConfig httpConfig = new HttpConfig("127.0.0.1", 0, ADMIN)
                .withUsers(List.of(
                        new HttpConfig.User("expert-li", REVIEWER, HttpConfig.Role.REVIEWER, null, null),
                        new HttpConfig.User("sew-user", SEW_USER, HttpConfig.Role.ENTERPRISE, "ENT-SEW", null)));
        collector = Collector.start(
                CollectorConfig.defaults(dir.resolve("data"))
                        .withHttp(httpConfig)
                        .withGateway(GatewayConfig.defaults(dir.resolve("data")).withBrokerPort(0))
                        .withDistrict(files.registry(), files.inventories()),
                new SimpleMeterRegistry());
    }

    @AfterAll
    void stop() {
        if (collector != null) {
            collector.close();
        }
    }

    @Test
    @Order(1)
    void recordedEvaluationsBundlesAndImportsAreTheEnterprisesTimeline() throws Exception {
        HttpResponse<String> recorded =
                send("POST", "/api/v1/evaluations?enterprise=ENT-SEW&" + PERIOD, REVIEWER, null);
        assertThat(recorded.statusCode()).as(recorded.body()).isEqualTo(201);
        JsonNode answer = Json.mapper().readTree(recorded.body());
        String sha = answer.at("/recorded/result_sha256").asText();
        assertThat(sha)
                .as("the digest of the evaluation as answered")
                .isEqualTo(AuditLog.sha256(Json.mapper().writeValueAsString(answer.get("evaluation"))));
        assertThat(send("GET", "/api/v1/bundles?enterprise=ENT-SEW&" + PERIOD, ADMIN, null)
                        .statusCode())
                .isEqualTo(200);
        // entries of another enterprise
        assertThat(send("POST", "/api/v1/evaluations?enterprise=ENT-MOLD&" + PERIOD, REVIEWER, null)
                        .statusCode())
                .isEqualTo(201);
        byte[] asm = Files.readAllBytes(GoldenDistrictFiles.SOURCE.resolve("enterprises/ENT-ASM/inventory.yaml"));
        assertThat(send("POST", "/api/v1/inventory?enterprise=ENT-ASM", ADMIN, asm)
                        .statusCode())
                .isEqualTo(200);

        JsonNode sew = Json.mapper()
                .readTree(send("GET", "/api/v1/enterprises/ENT-SEW/history", SEW_USER, null)
                        .body());
        assertThat(sew.path("chain").path("intact").asBoolean()).isTrue();
        List<String> kinds = new ArrayList<>();
        sew.path("entries").forEach(e -> kinds.add(e.path("kind").asText()));
        assertThat(kinds).as("newest first").containsExactly("bundle", "evaluation");
        JsonNode evaluation = sew.path("entries").get(1);
        assertThat(evaluation.path("actor").asText()).isEqualTo("expert-li");
        assertThat(evaluation.path("result").asText())
                .isEqualTo(answer.at("/evaluation/status").asText());
        assertThat(evaluation.at("/details/result_sha256").asText()).isEqualTo(sha);
        assertThat(evaluation.at("/details/profile").asText()).isEqualTo("miit-2024-level2@1");
        assertThat(evaluation.at("/details/from").asText()).isEqualTo("2026-03-02T00:00:00Z");
        JsonNode rate = Json.mapper()
                .readTree(send("GET", "/api/v1/indicators?enterprise=ENT-SEW&" + PERIOD, ADMIN, null)
                        .body())
                .at("/indicators/networking_rate/value");
        assertThat(evaluation.at("/details/networking_rate").isNull()).isEqualTo(rate.isNull());
        if (!rate.isNull()) {
            assertThat(evaluation.at("/details/networking_rate").asText()).isEqualTo(String.valueOf(rate.asDouble()));
        }
        assertThat(sew.toString()).doesNotContain("ENT-MOLD").doesNotContain("ENT-ASM");

        JsonNode asmHistory = Json.mapper()
                .readTree(send("GET", "/api/v1/enterprises/ENT-ASM/history?kind=inventory", ADMIN, null)
                        .body());
        assertThat(asmHistory.path("entries")).hasSize(1);
        assertThat(asmHistory.at("/entries/0/actor").asText()).isEqualTo("admin");
        assertThat(asmHistory.at("/entries/0/result").asText()).isEqualTo("accepted");
    }

    @Test
    @Order(2)
    void onlyReadersWhoMayWriteEvidenceRecordAndOnlyForEnterprisesTheySee() throws Exception {
        assertThat(send("POST", "/api/v1/evaluations?enterprise=ENT-SEW&" + PERIOD, SEW_USER, null)
                        .statusCode())
                .isEqualTo(403);
        assertThat(send("POST", "/api/v1/evaluations?enterprise=ENT-SEW&" + PERIOD, null, null)
                        .statusCode())
                .isEqualTo(401);
        // expert-li reviews ENT-SEW and ENT-MOLD, not ENT-ASM
        assertThat(send("POST", "/api/v1/evaluations?enterprise=ENT-ASM&" + PERIOD, REVIEWER, null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(send("GET", "/api/v1/enterprises/ENT-ASM/history", REVIEWER, null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(send("GET", "/api/v1/enterprises/ENT-SEW/history?limit=0", REVIEWER, null)
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    @Order(3)
    void anEditedVerdictShowsAsABrokenChain() throws Exception {
        assertThat(send("POST", "/api/v1/evaluations?enterprise=ENT-MOLD&" + PERIOD, ADMIN, null)
                        .statusCode())
                .isEqualTo(201);
        Path log = collector.audit().file();
        String text = Files.readString(log, StandardCharsets.UTF_8);
        int at = text.lastIndexOf("\"action\":\"evaluation.recorded\"");
        String edited = text.substring(0, at)
                + text.substring(at).replaceFirst("\"result\":\"[a-z_]+\"", "\"result\":\"pass\"");
        assertThat(edited).isNotEqualTo(text);
        Files.writeString(log, edited, StandardCharsets.UTF_8);

        JsonNode mold = Json.mapper()
                .readTree(send("GET", "/api/v1/enterprises/ENT-MOLD/history", ADMIN, null)
                        .body());
        assertThat(mold.at("/chain/intact").asBoolean()).isFalse();
        assertThat(mold.at("/chain/problem").asText()).contains("hash does not match its content");
    }

    private HttpResponse<String> send(String method, String path, String token, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.httpPort() + path))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/yaml");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
