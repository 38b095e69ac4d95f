package io.floorlink.sparkplug.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Micrometer's standard JVM and process meters, bound in one place for every FloorLink process (edge agent,
 * collector, demo). Their names are Micrometer's ({@code jvm.memory.used}, {@code jvm.gc.pause}, {@code
 * jvm.threads.live}, {@code jvm.classes.loaded}, {@code process.cpu.usage}, {@code system.cpu.count}, {@code
 * process.uptime}, {@code process.files.open}, ...), not prefixed {@code floorlink.}, so the dashboards and alerts
 * written for any JVM work unchanged.
 *
 * <p>Binding is idempotent per registry: a binder whose meters a registry already holds (bound by an earlier
 * call, e.g. the demo's collector and edge agent sharing one registry, or by the embedding application) is skipped,
 * so no event-driven meter such as the GC counters counts twice. A composite registry is bound through its
 * children (each child that lacks the meters gets its own binder), since a composite does not see the meters
 * registered directly in a child.
 */
public final class StandardMeters implements AutoCloseable {
    /** A binder, and a meter that only it registers (its presence means the binder is already bound). */
    private record Standard(String marker, Supplier<MeterBinder> binder) {}

    private static final List<Standard> STANDARD = List.of(
            new Standard("jvm.memory.used", JvmMemoryMetrics::new),
            new Standard("jvm.gc.memory.allocated", JvmGcMetrics::new),
            new Standard("jvm.threads.live", JvmThreadMetrics::new),
            new Standard("jvm.classes.loaded", ClassLoaderMetrics::new),
            new Standard("system.cpu.count", ProcessorMetrics::new),
            new Standard("process.uptime", UptimeMetrics::new),
            new Standard("process.files.open", FileDescriptorMetrics::new));

    private final List<AutoCloseable> closeables;

    private StandardMeters(List<AutoCloseable> closeables) {
        this.closeables = closeables;
    }

    /**
     * Binds every standard binder that {@code registry} does not hold yet. Does not block beyond reading the
     * platform MXBeans.
     *
     * @param registry never null
     * @return the binding; {@link #close} it when the process part that bound it stops (it removes the GC
     *     notification listeners; the meters stay in the registry)
     */
    public static StandardMeters bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        List<AutoCloseable> closeables = new ArrayList<>();
        for (MeterRegistry leaf : leaves(registry, new ArrayList<>())) {
            // Two components of one process may bind the same registry at the same moment.
            synchronized (leaf) {
                for (Standard s : STANDARD) {
                    if (leaf.find(s.marker()).meter() != null) {
                        continue;
                    }
                    MeterBinder binder = s.binder().get();
                    binder.bindTo(leaf);
                    if (binder instanceof AutoCloseable c) {
                        closeables.add(c);
                    }
                }
            }
        }
        return new StandardMeters(List.copyOf(closeables));
    }

    private static List<MeterRegistry> leaves(MeterRegistry registry, List<MeterRegistry> out) {
        if (registry instanceof CompositeMeterRegistry composite) {
            for (MeterRegistry child : composite.getRegistries()) {
                leaves(child, out);
            }
        } else if (!out.contains(registry)) {
            out.add(registry);
        }
        return out;
    }

    /** Stops what this binding started (the GC listeners); idempotent, never throws. */
    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // Closing a GC listener only unregisters it; a failure leaves nothing for the caller to do.
            }
        }
    }
}
