package io.floorlink.edge.node;

import com.sun.management.OperatingSystemMXBean;
import io.floorlink.edge.EdgeHealth;
import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.point.PointSample;
import io.floorlink.edge.point.PointSpec;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.Quality;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Load harness of the edge node's publisher (not a test; run by {@code bench/edge-publisher-load.sh}): the edge node
 * of an edge.yaml (its uplink and buffer; its connectors are not started) fed changed values by a generator thread
 * in this process, as connectors would hand them over, at a given rate in bursts every 100 ms. Prints one row: the
 * rate offered, samples published and dropped per second, and the CPU of the process without the generator's own
 * thread, its RSS and peak RSS. It measures the path from {@code samples()} to the broker (report by exception, the
 * durable buffer, DDATA encoding and publishing, receipts) without a protocol peer on the same cores: on the 2-core
 * reference machine the OPC UA simulator alone cannot offer 300,000 changes a second.
 *
 * <pre>
 * java [the unit's options] -cp edge.jar:test-classes io.floorlink.edge.node.EdgePublisherLoadHarness \
 *     edge.yaml RATE DEVICES WARMUP_S SECONDS
 * </pre>
 */
public final class EdgePublisherLoadHarness {
    private static final Duration BURST = Duration.ofMillis(100);

    private EdgePublisherLoadHarness() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: EdgePublisherLoadHarness edge.yaml RATE DEVICES WARMUP_S SECONDS");
            System.exit(64);
        }
        EdgeConfig config = EdgeConfig.load(Path.of(args[0]));
        int rate = Integer.parseInt(args[1]);
        int devices = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        int bursts = (int) (1000 / BURST.toMillis());
        int points = rate / bursts / devices;
        if (points < 1 || points * devices * bursts != rate) {
            throw new IllegalArgumentException("RATE must be a multiple of DEVICES x " + bursts);
        }

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EdgeNode node =
                new EdgeNode(config.edge(), config.uplink(), config.buffer(), config.healthInterval(), registry);
        List<String> ids = new ArrayList<>();
        List<PointSpec> specs = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            ids.add(String.format("DEV-%04d", d));
        }
        for (int p = 0; p < points; p++) {
            specs.add(new PointSpec("p" + p, DataType.DOUBLE, Category.PROCESS, null, BURST, null, null));
        }
        node.declareDevices(ids);
        node.start();
        for (String id : ids) {
            node.deviceUp(id, specs);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!allBorn(node.health(), devices)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the node and its devices were not born within 60 s: " + node.health());
            }
            Thread.sleep(100);
        }

        AtomicLong generatorCpu = new AtomicLong();
        Thread generator = new Thread(() -> generate(node, ids, points, generatorCpu), "load-generator");
        generator.setDaemon(true);
        generator.start();

        Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long gen0 = generatorCpu.get();
        double pub0 = count(registry, "floorlink.edge.samples.published");
        double drop0 = count(registry, "floorlink.edge.samples.dropped");
        long t0 = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        long cpu1 = os.getProcessCpuTime();
        long gen1 = generatorCpu.get();
        double pub1 = count(registry, "floorlink.edge.samples.published");
        double drop1 = count(registry, "floorlink.edge.samples.dropped");
        double dt = (System.nanoTime() - t0) / 1e9;

        double cores = ((cpu1 - cpu0) - (gen1 - gen0)) / 1e9 / dt;
        System.out.printf(
                "%10d %12.0f %10.0f %8.3f %8.3f %8d %8d %8d%n",
                rate,
                (pub1 - pub0) / dt,
                (drop1 - drop0) / dt,
                cores,
                (gen1 - gen0) / 1e9 / dt,
                status("Threads:"),
                status("VmRSS:") / 1024,
                status("VmHWM:") / 1024);
        node.close();
        System.exit(0);
    }

    private static boolean allBorn(EdgeHealth h, int devices) {
        return h.nodeBorn()
                && h.devices().stream().filter(EdgeHealth.DeviceHealth::born).count() == devices;
    }

    /** Every 100 ms one list of changed values per device, as a connector's read would hand them over. */
    private static void generate(EdgeNode node, List<String> ids, int points, AtomicLong cpu) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long period = BURST.toNanos();
        long next = System.nanoTime();
        String[] pointIds = new String[points];
        for (int p = 0; p < points; p++) {
            pointIds[p] = "p" + p;
        }
        long tick = 0;
        while (true) {
            Instant now = Instant.now();
            for (String id : ids) {
                List<PointSample> samples = new ArrayList<>(points);
                for (int p = 0; p < points; p++) {
                    samples.add(new PointSample(id, pointIds[p], (double) (tick * 1_000 + p), Quality.GOOD, now, now));
                }
                node.samples(samples);
            }
            tick++;
            cpu.set(threads.getCurrentThreadCpuTime());
            next += period;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else {
                next = System.nanoTime();
            }
        }
    }

    private static double count(SimpleMeterRegistry registry, String name) {
        return registry.find(name).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    /** A number field of /proc/self/status (kB for the memory ones). */
    private static long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
