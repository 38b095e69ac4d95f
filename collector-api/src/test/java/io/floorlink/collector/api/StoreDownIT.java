package io.floorlink.collector.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.HttpConfig;
import io.floorlink.collector.indicators.IndicatorService;
import io.floorlink.collector.indicators.Thresholds;
import io.floorlink.collector.inventory.InventoryLoader;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The API while the facts store cannot be reached: 503 answers that say so, without leaking the cause. */
class StoreDownIT {

    @Test
    void unreachableStoreGives503OnHealthAndIndicators() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(
                "jdbc:postgresql://127.0.0.1:" + closedPort + "/floorlink?user=u&password=secret-pw&connectTimeout=2");
        IndicatorService service = new IndicatorService(
                ds,
                InventoryLoader.load(
                        Path.of(StoreDownIT.class.getResource("/inventory.yaml").toURI())),
                Thresholds.defaults(),
                Clock.systemUTC());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        service.metrics().bindTo(registry);
        try (ApiServer api = ApiServer.start(new HttpConfig("127.0.0.1", 0), service, registry, registry)) {
            HttpClient http = HttpClient.newHttpClient();

            HttpResponse<String> health = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/health"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(503);
            JsonNode h = Json.mapper().readTree(health.body());
            assertThat(h.path("status").asText()).isEqualTo("DOWN");
            assertThat(h.path("facts_store").asText()).isEqualTo("DOWN");

            HttpResponse<String> indicators = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/v1/indicators"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(indicators.statusCode()).isEqualTo(503);
            assertThat(Json.mapper().readTree(indicators.body()).path("error").asText())
                    .isEqualTo("facts_unavailable");
            assertThat(indicators.body()).doesNotContain("secret-pw");
            assertThat(registry.scrape())
                    .contains(
                            "floorlink_collector_indicators_computation_seconds_count{kind=\"scope\",outcome=\"error\"}");
        }
    }
}
