package io.floorlink.collector.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.HttpConfig;
import io.floorlink.collector.indicators.IndicatorService;
import io.floorlink.collector.indicators.Thresholds;
import io.floorlink.collector.inventory.InventoryLoader;
import io.floorlink.gateway.GatewayHealth;
import io.floorlink.gateway.facts.FactsStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Issue 12: the collector's /health includes the gateway's liveness; a DOWN gateway gives 503 with its reasons. */
class GatewayHealthIT {

    @Test
    void aDownGatewayMakesHealth503WithItsReasons() throws Exception {
        try (FactsStore store = FactsStore.open(
                "jdbc:h2:mem:gw-health-" + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                        + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                "sa",
                null)) {
            IndicatorService service = new IndicatorService(
                    store.dataSource(),
                    InventoryLoader.load(Path.of(
                            GatewayHealthIT.class.getResource("/inventory.yaml").toURI())),
                    Thresholds.defaults(),
                    Clock.systemUTC());
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            service.metrics().bindTo(registry);
            AtomicReference<GatewayHealth> gateway = new AtomicReference<>(GatewayHealth.of(List.of()));
            try (ApiServer api = ApiServer.start(new HttpConfig("127.0.0.1", 0), service, registry, registry)) {
                api.attachGatewayHealth(gateway::get);
                HttpClient http = HttpClient.newHttpClient();
                URI uri = URI.create("http://127.0.0.1:" + api.port() + "/health");

                HttpResponse<String> up =
                        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(up.statusCode()).isEqualTo(200);
                JsonNode u = Json.mapper().readTree(up.body());
                assertThat(u.path("status").asText()).isEqualTo("UP");
                assertThat(u.path("gateway").asText()).isEqualTo("UP");
                assertThat(u.path("gateway_reasons")).isEmpty();

                gateway.set(GatewayHealth.of(List.of(GatewayHealth.WRITER_STALLED, GatewayHealth.STORE_UNREACHABLE)));
                HttpResponse<String> down =
                        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(down.statusCode()).isEqualTo(503);
                JsonNode d = Json.mapper().readTree(down.body());
                assertThat(d.path("status").asText()).isEqualTo("DOWN");
                assertThat(d.path("facts_store").asText()).isEqualTo("UP");
                assertThat(d.path("gateway").asText()).isEqualTo("DOWN");
                assertThat(d.path("gateway_reasons"))
                        .extracting(JsonNode::asText)
                        .containsExactly("writer_stalled", "store_unreachable");
            }
        }
    }
}
