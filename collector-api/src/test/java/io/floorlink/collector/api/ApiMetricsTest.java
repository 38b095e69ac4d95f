package io.floorlink.collector.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class ApiMetricsTest {
    @Test
    void uriIsTheRouteTemplateOrABoundedNameNeverTheRawPath() {
        assertThat(ApiMetrics.uri("/api/v1/equipment/{id}", 404)).isEqualTo("/api/v1/equipment/{id}");
        assertThat(ApiMetrics.uri(null, 404)).isEqualTo("NOT_FOUND");
        assertThat(ApiMetrics.uri(null, 302)).isEqualTo("REDIRECTION");
        assertThat(ApiMetrics.uri(null, 304)).isEqualTo("REDIRECTION");
        assertThat(ApiMetrics.uri(null, 200)).isEqualTo("/**");
        assertThat(ApiMetrics.uri(null, 401)).isEqualTo("UNKNOWN");
    }

    @Test
    void exceptionIsTheSimpleClassNameOrNone() {
        assertThat(ApiMetrics.exception(null)).isEqualTo("none");
        assertThat(ApiMetrics.exception(new IllegalStateException("x"))).isEqualTo("IllegalStateException");
        assertThat(ApiMetrics.exception(new RuntimeException() {})).startsWith(ApiMetricsTest.class.getName());
    }

    @Test
    void requestsAreTimedAsHttpServerRequestsWithOutcome() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ApiMetrics metrics = new ApiMetrics();
        metrics.bindTo(registry);

        metrics.record("GET", "/api/v1/equipment", 200, null, 12.5f);
        metrics.record("GET", "/api/v1/indicators", 503, "FactsUnavailableException", 1f);

        Timer ok = registry.find("http.server.requests")
                .tags("method", "GET", "uri", "/api/v1/equipment", "status", "200")
                .tags("outcome", "SUCCESS", "exception", "none")
                .timer();
        assertThat(ok).isNotNull();
        assertThat(ok.count()).isEqualTo(1);
        assertThat(ok.totalTime(java.util.concurrent.TimeUnit.MICROSECONDS)).isEqualTo(12_500.0);
        assertThat(registry.find("http.server.requests")
                        .tags("outcome", "SERVER_ERROR", "exception", "FactsUnavailableException")
                        .timer())
                .isNotNull();
    }
}
