package io.floorlink.collector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.Collector;
import io.floorlink.collector.CollectorConfig;
import io.floorlink.collector.HttpConfig;
import io.floorlink.collector.audit.AuditLog;
import io.floorlink.gateway.GatewayConfig;
import io.floorlink.testing.TestCerts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's HTTP surface as an attacker or a reviewer meets it: security headers, 405 and JSON errors,
 * read-only reviewer tokens and the admin role, HTTPS with a certificate made in the test, and the audit log of
 * changes.
 */
class HttpSecurityIT {
    private static final String ADMIN = "admin-token-0123456789abcdef";
    private static final String REVIEWER = "reviewer-token-zhang-0123456789";

    @TempDir
    Path dir;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Collector start(HttpConfig httpConfig) throws Exception {
        Path inventory = dir.resolve("inventory.yaml");
        if (!Files.exists(inventory)) {
            try (InputStream in = HttpSecurityIT.class.getResourceAsStream("/inventory.yaml")) {
                Files.copy(in, inventory);
            }
        }
        CollectorConfig config = CollectorConfig.defaults(dir.resolve("data"))
                .withInventory(inventory)
                .withHttp(httpConfig)
                .withGateway(GatewayConfig.defaults(dir.resolve("data")).withBrokerPort(0));
        return Collector.start(config, new SimpleMeterRegistry());
    }

    private HttpResponse<String> send(Collector c, String method, String path, String token, byte[] body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.httpPort() + path))
                .timeout(Duration.ofSeconds(10))
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

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }

    @Test
    void everyAnswerCarriesSecurityHeadersAndErrorsAreJson() throws Exception {
        try (Collector c = start(new HttpConfig("127.0.0.1", 0))) {
            for (String path : List.of("/", "/app.js", "/api/v1/equipment", "/health", "/api/v1/nope")) {
                HttpResponse<String> r = send(c, "GET", path, null, null);
                assertThat(r.headers().firstValue("X-Content-Type-Options"))
                        .as(path)
                        .hasValue("nosniff");
                assertThat(r.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
                assertThat(r.headers().firstValue("Content-Security-Policy").orElse(""))
                        .as(path)
                        .contains("default-src 'self'")
                        .contains("frame-ancestors 'none'")
                        .doesNotContain("unsafe-inline");
            }
            assertThat(send(c, "GET", "/api/v1/equipment", null, null).headers().firstValue("Cache-Control"))
                    .hasValue("no-store");

            HttpResponse<String> notFound = send(c, "GET", "/api/v1/nope", null, null);
            assertThat(notFound.statusCode()).isEqualTo(404);
            assertThat(json(notFound).path("error").asText()).isEqualTo("not_found");

            HttpResponse<String> post = send(c, "POST", "/api/v1/indicators", null, new byte[] {1});
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
            assertThat(json(post).path("error").asText()).isEqualTo("method_not_allowed");

            HttpResponse<String> delete = send(c, "DELETE", "/api/v1/inventory", null, null);
            assertThat(delete.statusCode()).isEqualTo(405);
            assertThat(delete.headers().firstValue("Allow")).hasValue("GET, HEAD, POST");

            HttpResponse<String> put = send(c, "PUT", "/api/v1/equipment/SEW-01", null, new byte[] {1});
            assertThat(put.statusCode()).isEqualTo(405);
            assertThat(json(put).path("message").asText()).contains("PUT is not allowed");

            // loopback without reviewer tokens: reads are open, as in the demo
            assertThat(send(c, "GET", "/api/v1/indicators", null, null).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void reviewerTokensReadAndOnlyTheAdminChangesTheInventory() throws Exception {
        HttpConfig cfg = new HttpConfig("127.0.0.1", 0, ADMIN)
                .withReviewerTokens(List.of(new HttpConfig.ReviewerToken("zhang-wei", REVIEWER)));
        byte[] inventory;
        try (InputStream in = HttpSecurityIT.class.getResourceAsStream("/inventory.yaml")) {
            inventory = in.readAllBytes();
        }
        try (Collector c = start(cfg)) {
            HttpResponse<String> anonymous = send(c, "GET", "/api/v1/indicators", null, null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertThat(json(anonymous).path("error").asText()).isEqualTo("unauthorized");
            assertThat(send(c, "GET", "/api/v1/indicators", "not-a-known-token-at-all", null)
                            .statusCode())
                    .isEqualTo(401);
            assertThat(send(c, "GET", "/metrics", null, null).statusCode()).isEqualTo(401);
            assertThat(send(c, "GET", "/health", null, null).statusCode()).isEqualTo(200);
            assertThat(send(c, "GET", "/", null, null).statusCode()).isEqualTo(200);

            assertThat(send(c, "GET", "/api/v1/indicators", REVIEWER, null).statusCode())
                    .isEqualTo(200);
            assertThat(send(c, "GET", "/metrics", REVIEWER, null).statusCode()).isEqualTo(200);
            HttpResponse<String> reviewerPost = send(c, "POST", "/api/v1/inventory", REVIEWER, inventory);
            assertThat(reviewerPost.statusCode()).isEqualTo(403);
            assertThat(json(reviewerPost).path("message").asText()).contains("read-only");

            HttpResponse<String> adminPost = send(c, "POST", "/api/v1/inventory", ADMIN, inventory);
            assertThat(adminPost.statusCode()).as(adminPost.body()).isEqualTo(200);
            HttpResponse<String> badPost =
                    send(c, "POST", "/api/v1/inventory", ADMIN, "equipment: [{ id: X }]\n".getBytes());
            assertThat(badPost.statusCode()).isEqualTo(400);
        }

        Path log = dir.resolve("data").resolve(Collector.AUDIT_LOG);
        AuditLog.Verification v = AuditLog.verify(log);
        assertThat(v.intact()).as(String.valueOf(v.problem())).isTrue();
        List<JsonNode> entries = entries(log);
        assertThat(entries)
                .filteredOn(e -> e.path("action").asText().equals("inventory.import"))
                .extracting(
                        e -> e.path("actor").asText() + " " + e.path("result").asText())
                .containsExactly("admin accepted", "admin refused");
        JsonNode accepted = entries.stream()
                .filter(e -> e.path("result").asText().equals("accepted"))
                .findFirst()
                .orElseThrow();
        assertThat(accepted.at("/details/upload_sha256").asText()).isEqualTo(AuditLog.sha256(inventory));
        assertThat(entries)
                .filteredOn(e -> e.path("action").asText().equals("config.initial"))
                .extracting(e -> e.path("target").asText())
                .containsExactlyInAnyOrder("profiles", "inventory", "http_tokens", "edge_credentials");
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(text).doesNotContain(ADMIN).doesNotContain(REVIEWER);

        // a restart with another reviewer is a recorded change of credentials; an unchanged one records nothing
        HttpConfig changed = new HttpConfig("127.0.0.1", 0, ADMIN)
                .withReviewerTokens(List.of(
                        new HttpConfig.ReviewerToken("zhang-wei", REVIEWER),
                        new HttpConfig.ReviewerToken("li-na", "reviewer-token-li-na-0123456789")));
        try (Collector c = start(changed)) {
            assertThat(c.httpPort()).isPositive();
        }
        try (Collector c = start(changed)) {
            assertThat(c.httpPort()).isPositive();
        }
        List<JsonNode> after = entries(log);
        assertThat(after)
                .filteredOn(e -> e.path("action").asText().equals("config.changed"))
                .extracting(e -> e.path("target").asText())
                .containsExactly("http_tokens");
        assertThat(after.get(after.size() - 1).at("/details/reviewers").toString())
                .contains("li-na");
        assertThat(AuditLog.verify(log).intact()).isTrue();
    }

    @Test
    void httpsWithACertificateMadeInTheTest() throws Exception {
        Path keystore = dir.resolve("collector.p12");
        String password = TestCerts.PASSWORD;
        TestCerts.selfSigned(keystore, null);

        HttpConfig cfg = new HttpConfig("127.0.0.1", 0).withTls(new HttpConfig.Tls(keystore, password));
        try (Collector c = start(cfg)) {
            HttpClient https = HttpClient.newBuilder()
                    .sslContext(TestCerts.trusting(keystore))
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();

            HttpResponse<String> r = https.send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + c.httpPort() + "/api/v1/equipment"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Strict-Transport-Security")).isPresent();

            // the default JDK trust store does not know the certificate: no silent fallback
            assertThatThrownBy(() -> http.send(
                            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + c.httpPort() + "/health"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
            // and no plain HTTP beside it
            assertThatThrownBy(() -> http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.httpPort() + "/health"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    private static List<JsonNode> entries(Path log) throws Exception {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .map(l -> {
                    try {
                        return Json.mapper().readTree(l);
                    } catch (Exception e) {
                        throw new AssertionError(l, e);
                    }
                })
                .toList();
    }
}
