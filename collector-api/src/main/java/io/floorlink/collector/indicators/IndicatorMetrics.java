package io.floorlink.collector.indicators;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;

/**
 * Meters of the indicator engine: {@code floorlink.collector.indicators.computation} (timer, seconds, tags
 * {@code kind} = scope | equipment, {@code outcome} = ok | error).
 */
public final class IndicatorMetrics implements MeterBinder {
    private volatile MeterRegistry registry;

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        for (String kind : new String[] {"scope", "equipment"}) {
            for (String outcome : new String[] {"ok", "error"}) {
                timer(registry, kind, outcome);
            }
        }
    }

    void record(String kind, boolean ok, long nanos) {
        MeterRegistry r = registry;
        if (r != null) {
            timer(r, kind, ok ? "ok" : "error").record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    private static Timer timer(MeterRegistry registry, String kind, String outcome) {
        return Timer.builder("floorlink.collector.indicators.computation")
                .description("Time to compute indicators from facts, per request")
                .tag("kind", kind)
                .tag("outcome", outcome)
                .register(registry);
    }
}
