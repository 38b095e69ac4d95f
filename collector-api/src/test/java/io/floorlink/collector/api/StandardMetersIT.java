package io.floorlink.collector.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.collector.Collector;
import io.floorlink.collector.CollectorConfig;
import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.GatewayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's {@code /metrics} carries Micrometer's standard meters, not prefixed {@code floorlink.}: {@code
 * http.server.requests} (uri = route template, never the raw path), the JVM and process meters and the facts
 * store's Hikari pool.
 */
class StandardMetersIT {
    private static final String ADMIN_TOKEN = "metrics-it-admin-token-0123456789";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void metricsCarryHttpServerRequestsJvmProcessAndHikariPoolMeters(@TempDir Path dir) throws Exception {
        Path inventory = dir.resolve("inventory.yaml");
        try (InputStream in = StandardMetersIT.class.getResourceAsStream("/inventory.yaml")) {
            Files.copy(in, inventory);
        }
        CollectorConfig config = CollectorConfig.defaults(dir.resolve("data"))
                .withHttpPort(0)
                .withInventory(inventory)
                .withGateway(GatewayConfig.defaults(dir.resolve("data"))
                        .withAuth(AuthConfig.anonymousOnLoopback())
                        .withBrokerPort(0));
        config = config.withHttp(config.http().withAdminToken(ADMIN_TOKEN));
        try (Collector collector = Collector.start(config, new SimpleMeterRegistry())) {
            URI base = URI.create("http://127.0.0.1:" + collector.httpPort());

            assertThat(get(base, "/api/v1/equipment").statusCode()).isEqualTo(200);
            assertThat(get(base, "/api/v1/no-such-route/secret-path-42").statusCode())
                    .isEqualTo(404);
            assertThat(get(base, "/api/v1/indicators?from=yesterday").statusCode())
                    .isEqualTo(400);

            HttpResponse<String> metrics = get(base, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            String body = metrics.body();
            assertThat(body)
                    .contains("http_server_requests_seconds_count{exception=\"none\",method=\"GET\","
                            + "outcome=\"SUCCESS\",status=\"200\",uri=\"/api/v1/equipment\"} 1")
                    .contains("http_server_requests_seconds_count{exception=\"none\",method=\"GET\","
                            + "outcome=\"CLIENT_ERROR\",status=\"404\",uri=\"NOT_FOUND\"} 1")
                    .contains("http_server_requests_seconds_count{exception=\"BadParameterException\","
                            + "method=\"GET\",outcome=\"CLIENT_ERROR\",status=\"400\",uri=\"/api/v1/indicators\"} 1")
                    .doesNotContain("no-such-route")
                    .doesNotContain("floorlink_collector_http_requests")
                    .contains("jvm_memory_used_bytes{")
                    .contains("jvm_gc_memory_allocated_bytes_total")
                    .contains("jvm_threads_live_threads")
                    .contains("jvm_classes_loaded_classes")
                    .contains("process_cpu_usage")
                    .contains("process_uptime_seconds")
                    .contains("system_cpu_count")
                    .contains("hikaricp_connections_active{pool=\"floorlink-facts\"}")
                    .contains("hikaricp_connections_max{pool=\"floorlink-facts\"} 4")
                    .contains("floorlink_gateway_sessions_open{")
                    .contains("floorlink_gateway_queue_dropped_messages_total");
            assertThat(floorlinkNamesRepeatingAWord(body))
                    .as("FloorLink names with the unit twice (issue 16: no _messages_total style double units)")
                    .isEmpty();
        }
    }

    /** Names such as {@code floorlink_gateway_messages_received_messages_total}: a word of the name repeated. */
    private static List<String> floorlinkNamesRepeatingAWord(String scrape) {
        List<String> repeated = new ArrayList<>();
        for (String line : scrape.split("\n")) {
            if (!line.startsWith("floorlink_")) {
                continue;
            }
            String name = line.split("[{ ]", 2)[0];
            List<String> words = List.of(name.replaceFirst("_total$", "").split("_"));
            if (words.size() != new HashSet<>(words).size()) {
                repeated.add(name);
            }
        }
        return repeated;
    }

    private HttpResponse<String> get(URI base, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }
}
