package io.floorlink.gateway.facts;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Load harness of the facts store's flush (not a test): writes batches of {@code points} distinct points (one
 * minute rollup each, as the host hands them over every flush interval; a new minute every 12 batches, as at a 5 s
 * flush) with {@link FactsStore#write} and reports, per batch, the wall time and the writing thread's CPU time
 * (less disturbed by other load on the machine than the wall time). The first {@code warmup} batches are not
 * counted. Figures go to docs/benchmarks.md.
 *
 * <p>{@code java -cp ... io.floorlink.gateway.facts.FlushLoadHarness <points> <batches> <warmup> <jdbc_url|dir>};
 * a directory means the gateway's default H2 file store in it.
 */
public final class FlushLoadHarness {
    private FlushLoadHarness() {}

    public static void main(String[] args) throws Exception {
        int points = Integer.parseInt(args[0]);
        int batches = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        String url = args[3].startsWith("jdbc:")
                ? args[3]
                : io.floorlink.gateway.StoreConfig.h2File(Path.of(args[3])).url();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long base = Keys.minute(System.currentTimeMillis()) - 24 * 3_600_000L;
        try (FactsStore store = FactsStore.open(url, url.startsWith("jdbc:h2:") ? "sa" : null, null)) {
            double wallSum = 0;
            double cpuSum = 0;
            double wallMax = 0;
            long rows = 0;
            for (int b = 0; b < warmup + batches; b++) {
                long minute = base + (b / 12) * 60_000L;
                Map<Keys.PointKey, PointAgg> aggs = new HashMap<>(points * 2);
                for (int i = 0; i < points; i++) {
                    PointAgg a = new PointAgg();
                    for (int s = 0; s < 50; s++) {
                        a.addSample(0, false);
                        a.addValue(i % 100 + s * 0.1, minute + s * 100);
                        a.addLatency(20 + s);
                    }
                    aggs.put(new Keys.PointKey("LOAD", "D" + (i / 100), "p" + (i % 100), minute), a);
                }
                FactsBatch batch = new FactsBatch(List.of(), List.of(), aggs, Map.of());
                long c0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                int n = store.write(batch, "harness", System.currentTimeMillis());
                double wall = (System.nanoTime() - t0) / 1e6;
                double cpu = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
                if (b >= warmup) {
                    wallSum += wall;
                    cpuSum += cpu;
                    wallMax = Math.max(wallMax, wall);
                    rows += n;
                }
                System.out.printf(Locale.ROOT, "batch %3d: %d rows, %.0f ms wall, %.0f ms CPU%n", b, n, wall, cpu);
            }
            System.out.printf(
                    Locale.ROOT,
                    "points %d, batches %d: mean %.0f ms wall (max %.0f), mean %.0f ms CPU per batch, %.1f us CPU per"
                            + " row%n",
                    points,
                    batches,
                    wallSum / batches,
                    wallMax,
                    cpuSum / batches,
                    cpuSum * 1000 / rows);
        }
    }
}
