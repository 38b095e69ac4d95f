package io.floorlink.gateway.influx;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.Supplier;

/** Meters of the Influx sink ({@link InfluxSink}); bound before the sink takes samples. Listed in docs/metrics.md. */
final class InfluxMetrics implements MeterBinder {
    private static final String DROPPED = "floorlink.gateway.influx.samples.dropped";
    private static final String DROPPED_DESCRIPTION = "Samples not written to the time-series store, by reason";
    private static final String BATCHES = "floorlink.gateway.influx.batches";
    private static final String ERRORS = "floorlink.gateway.influx.errors";

    private final Supplier<Number> buffered;
    private MeterRegistry registry;
    Counter written;
    Counter droppedBufferFull;
    Counter droppedRetries;
    Counter droppedRefused;
    Counter droppedShutdown;
    Counter batchesWritten;
    Counter batchesDropped;
    Counter errorsConnection;
    Counter errorsServer;
    Counter errorsRefused;
    Timer writeDuration;

    InfluxMetrics(Supplier<Number> buffered) {
        this.buffered = buffered;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("floorlink.gateway.influx.buffer", buffered)
                .description("Samples waiting for the Influx sink's thread")
                .baseUnit("samples")
                .register(registry);
        written = Counter.builder("floorlink.gateway.influx.samples.written")
                .description("Samples written to the time-series store")
                .baseUnit("samples")
                .register(registry);
        droppedBufferFull = dropped("buffer_full");
        droppedRetries = dropped("retries_exhausted");
        droppedRefused = dropped("refused");
        droppedShutdown = dropped("shutdown");
        batchesWritten = batches("written");
        batchesDropped = batches("dropped");
        errorsConnection = errors("connection");
        errorsServer = errors("server");
        errorsRefused = errors("refused");
        writeDuration = Timer.builder("floorlink.gateway.influx.write.duration")
                .description("Time of one write request to the time-series store, failed ones included")
                .register(registry);
    }

    Counter error(String cause) {
        return switch (cause) {
            case "server" -> errorsServer;
            case "refused" -> errorsRefused;
            default -> errorsConnection;
        };
    }

    private Counter dropped(String reason) {
        return Counter.builder(DROPPED)
                .description(DROPPED_DESCRIPTION)
                .baseUnit("samples")
                .tag("reason", reason)
                .register(registry);
    }

    private Counter batches(String outcome) {
        return Counter.builder(BATCHES)
                .description("Write batches of the Influx sink, by outcome")
                .baseUnit("batches")
                .tag("outcome", outcome)
                .register(registry);
    }

    private Counter errors(String cause) {
        return Counter.builder(ERRORS)
                .description("Failed write requests to the time-series store, by cause")
                .baseUnit("errors")
                .tag("cause", cause)
                .register(registry);
    }
}
