package io.floorlink.gateway;

import io.floorlink.gateway.facts.Sample;
import io.floorlink.gateway.influx.InfluxSink;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.Quality;
import io.floorlink.testing.QuestDb;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Load harness of the Influx sink (not a test): offers a burst of samples to an {@link InfluxSink} writing to
 * QuestDB in this JVM and reports what the caller pays per sample (the host's processing thread: building the
 * {@link Sample} and {@link InfluxSink#accept}) and the write rate until QuestDB has answered every batch.
 * 50 devices x 20 Double points of category {@code process}, one timestamp per device round. A warm-up burst of
 * the same size runs first. Figures go to docs/benchmarks.md.
 *
 * <p>{@code java -cp ... io.floorlink.gateway.InfluxSinkLoadHarness <samples> <batch_size> <dir>}; samples at most
 * {@link InfluxSink#MAX_BUFFER_SAMPLES} (the buffer holds the whole burst, so nothing is dropped by design).
 */
public final class InfluxSinkLoadHarness {
    private InfluxSinkLoadHarness() {}

    public static void main(String[] args) throws Exception {
        int samples = Integer.parseInt(args[0]);
        int batch = Integer.parseInt(args[1]);
        Path dir = Path.of(args[2]);
        try (QuestDb qdb = QuestDb.start(dir.resolve("questdb"), 0)) {
            run(qdb, samples, batch, 0, "warm-up");
            run(qdb, samples, batch, 1, "measured");
        }
    }

    private static void run(QuestDb qdb, int samples, int batch, int round, String label) throws InterruptedException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        InfluxSink sink = new InfluxSink(
                InfluxConfig.of(qdb.url(), "floorlink", "samples", null)
                        .withBatching(batch, Duration.ofMillis(100), InfluxSink.MAX_BUFFER_SAMPLES),
                null);
        sink.meterBinder().bindTo(registry);
        sink.start();
        String[] devices = new String[50];
        String[] points = new String[20];
        for (int d = 0; d < devices.length; d++) {
            devices[d] = "DEV-" + round + "-" + d;
        }
        for (int p = 0; p < points.length; p++) {
            points[p] = "p" + p;
        }
        long base = System.currentTimeMillis() - 3_600_000L;
        long t0 = System.nanoTime();
        for (int i = 0; i < samples; i++) {
            int p = i % points.length;
            int d = (i / points.length) % devices.length;
            long ts = base + i / (points.length * devices.length);
            sink.accept(new Sample(
                    "ENT001",
                    "edge-01",
                    devices[d],
                    points[p],
                    "process",
                    DataType.DOUBLE,
                    i * 0.5,
                    Quality.GOOD,
                    ts,
                    false));
        }
        long offered = System.nanoTime() - t0;
        while (written(registry) + dropped(registry) < samples) {
            Thread.sleep(5);
        }
        long all = System.nanoTime() - t0;
        sink.close();
        System.out.printf(
                Locale.ROOT,
                "%s: %,d samples, batch %,d: accept %.0f ns/sample on the caller; written %,d (dropped %,.0f) in"
                        + " %.2f s = %,.0f samples/s; %,d write requests, mean %.1f ms%n",
                label,
                samples,
                batch,
                offered / (double) samples,
                (long) written(registry),
                dropped(registry),
                all / 1e9,
                samples / (all / 1e9),
                registry.get("floorlink.gateway.influx.write.duration").timer().count(),
                registry.get("floorlink.gateway.influx.write.duration")
                        .timer()
                        .mean(java.util.concurrent.TimeUnit.MILLISECONDS));
    }

    private static double written(SimpleMeterRegistry registry) {
        return registry.get("floorlink.gateway.influx.samples.written")
                .counter()
                .count();
    }

    private static double dropped(SimpleMeterRegistry registry) {
        return registry.find("floorlink.gateway.influx.samples.dropped").counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }
}
