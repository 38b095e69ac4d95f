package io.floorlink.collector.indicators;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the closed-day cache filled for the reports reviewers run: shortly after start and then every
 * {@code every}, each enterprise's report over the last closed UTC days (30, or the default profile's minimum window when
 * longer) is computed in the background, so a reviewer's first report finds those days cached. Reports of other
 * windows and scopes share the days (a day's slice of S does not depend on the window around it). A run that
 * fails (facts store down) is logged and tried again at the next one. One daemon thread.
 *
 * <p>A run warms enterprises, in the order given, only while their estimated entries (at most two per equipment and
 * day) fit in the cache they share: a district of hundreds of enterprises would otherwise evict in every run what it
 * cached a moment before. The rest is said in the log once per run.
 */
public final class CacheWarmer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CacheWarmer.class);
    static final Duration DEFAULT_WINDOW = Duration.ofDays(30);
    /** Entries per equipment and day, at most: a rollup slice and a frozen-counter slice (docs/benchmarks.md). */
    static final int ENTRIES_PER_DEVICE_DAY = 2;

    private final Supplier<? extends Collection<IndicatorService>> services;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "floorlink-indicator-cache-warmer");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param services the indicator services served now, one per enterprise (an inventory import replaces one),
     *     never null; warmed one after the other
     */
    public CacheWarmer(Supplier<? extends Collection<IndicatorService>> services) {
        this.services = Objects.requireNonNull(services, "services");
    }

    /** Starts the runs: the first after {@code delay}, then every {@code every}. Returns at once. */
    public CacheWarmer start(Duration delay, Duration every) {
        timer.scheduleWithFixedDelay(this::runLogged, delay.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * One run, on the calling thread: computes the report of every enterprise over the last closed days, for each
     * service that has a cache and equipment. Blocks on the facts store.
     *
     * @return the window computed (of the last enterprise warmed), or null when there was nothing to warm
     * @throws FactsUnavailableException if the facts store cannot be read
     */
    public Window runOnce() {
        Window last = null;
        Map<FactsCache, Long> planned = new IdentityHashMap<>();
        int skipped = 0;
        for (IndicatorService service : services.get()) {
            FactsCache cache = service.cache();
            if (!cache.enabled() || service.inventory().equipment().isEmpty()) {
                continue;
            }
            Window w = window(service);
            long estimate = (long) service.inventory().equipment().size()
                    * Duration.between(w.from(), w.to()).toDays()
                    * ENTRIES_PER_DEVICE_DAY;
            long used = planned.getOrDefault(cache, 0L);
            if (used + estimate > cache.capacity()) {
                skipped++;
                continue;
            }
            planned.put(cache, used + estimate);
            service.fillingInline().compute("pilot", w.from(), w.to());
            last = w;
        }
        if (skipped > 0) {
            LOG.info(
                    "Indicator cache warm-up left {} enterprises out: their days would not fit in"
                            + " indicator_cache_entries; their first reports read the facts store",
                    skipped);
        }
        return last;
    }

    private static Window window(IndicatorService service) {
        Instant to = service.clock().instant().truncatedTo(ChronoUnit.DAYS);
        Duration min = service.profiles().defaultProfile().minWindow();
        long days = Math.max(DEFAULT_WINDOW.toDays(), (min.toSeconds() + 86_399) / 86_400);
        return new Window(to.minus(Duration.ofDays(days)), to);
    }

    /** A window computed by a run: [from, to), whole UTC days. */
    public record Window(Instant from, Instant to) {}

    private void runLogged() {
        long start = System.nanoTime();
        try {
            Window w = runOnce();
            if (w != null) {
                LOG.debug(
                        "Indicator cache warmed for {} .. {} in {} ms",
                        w.from(),
                        w.to(),
                        (System.nanoTime() - start) / 1_000_000);
            }
        } catch (RuntimeException e) {
            LOG.warn("Indicator cache warm-up failed, trying again later: {}", e.getMessage());
        }
    }

    /** Stops the runs; a run under way finishes on its own. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
