package io.floorlink.collector.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;

/**
 * Meters of the HTTP API: {@code floorlink.collector.http.requests} (timer, seconds; tags {@code method},
 * {@code route} = the route template such as {@code /api/v1/equipment/{id}/indicators}, {@code static} or
 * {@code unmatched}, {@code status} = the HTTP status code).
 */
final class ApiMetrics implements MeterBinder {
    private volatile MeterRegistry registry;

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(String method, String route, int status, float millis) {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        Timer.builder("floorlink.collector.http.requests")
                .description("HTTP requests served by the collector API")
                .tag("method", method)
                .tag("route", route)
                .tag("status", Integer.toString(status))
                .register(r)
                .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
    }
}
