package io.floorlink.collector.indicators;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the indicator engine read from the facts of closed UTC days, kept between reports: the rollup sums of one
 * device's part of S inside one day, and the running time inside a counter's frozen parts of one day. Each entry
 * carries the gateway's {@code fact_revision} of its (group, device, day) as read before the facts; an entry is used
 * only while the stored revision is unchanged, so late data and historical replay are never hidden. A day that
 * has not ended yet is never cached.
 *
 * <p>Bounded by a number of entries, least recently used out (1.5-2.6 KB an entry on average for an equipment with
 * five points). A window of more device-days than the bound is read from the store
 * every time. Thread-safe; shared by every {@link IndicatorService} of one collector, so an inventory import keeps
 * it (keys include the points and eng ranges asked for).
 *
 * <p>Filling is the dearer part of a report that misses its closed days (each day read apart and kept), so a report
 * that finds more than {@link #DEFAULT_INLINE_FILL} of its closed device-days not held is computed as without the
 * cache, and computed again on this cache's filler to fill it: one daemon thread (gone after a minute idle), at most
 * {@link #MAX_PENDING_FILLS} fills waiting, a fill already waiting for the same report not queued twice, and a fill
 * that finds the queue full dropped (the next such report, or the {@link CacheWarmer}, fills those days). A fill
 * reads the revisions before the facts as every report does, so a write landing meanwhile is read again later.
 */
public final class FactsCache implements MeterBinder, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FactsCache.class);
    /**
     * Default bound: a device-day takes one or two entries (rollup sums, frozen counter parts), so this holds 50
     * days of 1,000 equipment, 150-260 MB (measured 1.5-2.6 KB an entry, docs/benchmarks.md).
     */
    public static final int DEFAULT_ENTRIES = 100_000;

    /**
     * Default of the most closed device-days not held that a report reads day by day and caches itself: about one
     * day of 1,000 equipment, 20-40 ms of filling (docs/benchmarks.md); a report finding more is computed as without
     * the cache and leaves them to the filler.
     */
    public static final int DEFAULT_INLINE_FILL = 1_000;

    /** Fills waiting for the filler thread at most; more are dropped. */
    public static final int MAX_PENDING_FILLS = 4;

    private final int capacity;
    private final int inlineFill;
    private final Map<Object, Entry> entries;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong fillsDone = new AtomicLong();
    private final AtomicLong fillsDropped = new AtomicLong();
    private final AtomicLong fillsFailed = new AtomicLong();
    private final Set<Object> fillsPending = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor filler;
    private volatile boolean closed;

    private record Entry(long revision, Object value) {}

    /**
     * @param capacity the most entries kept; 0 turns the cache off (every report reads every fact)
     * @throws IllegalArgumentException if capacity is negative
     */
    public FactsCache(int capacity) {
        this(capacity, DEFAULT_INLINE_FILL);
    }

    /**
     * @param capacity the most entries kept; 0 turns the cache off
     * @param inlineFill the most closed device-days not held that a report fills itself (0: the filler fills all)
     */
    FactsCache(int capacity, int inlineFill) {
        if (capacity < 0) {
            throw new IllegalArgumentException("cache capacity must be >= 0 but was " + capacity);
        }
        if (inlineFill < 0) {
            throw new IllegalArgumentException("inline fill must be >= 0 but was " + inlineFill);
        }
        this.capacity = capacity;
        this.inlineFill = inlineFill;
        this.filler =
                new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(MAX_PENDING_FILLS), r -> {
                    Thread t = new Thread(r, "floorlink-indicator-cache-filler");
                    t.setDaemon(true);
                    return t;
                });
        this.filler.allowCoreThreadTimeOut(true);
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, Entry> eldest) {
                if (size() > FactsCache.this.capacity) {
                    evictions.incrementAndGet();
                    return true;
                }
                return false;
            }
        };
    }

    /** A cache that keeps nothing. */
    public static FactsCache off() {
        return new FactsCache(0);
    }

    boolean enabled() {
        return capacity > 0;
    }

    /** The most entries kept (0: off). */
    public int capacity() {
        return capacity;
    }

    /** The most closed device-days not held that a report fills itself; with more it leaves them to the filler. */
    int inlineFill() {
        return inlineFill;
    }

    /**
     * Runs {@code fill} on the filler thread unless a fill under the same key is waiting or running, or
     * {@link #MAX_PENDING_FILLS} are waiting (then it is dropped and counted). Returns at once. A fill that throws is
     * logged and counted; the filler goes on with the next.
     */
    void fillLater(Object key, Runnable fill) {
        if (!fillsPending.add(key)) {
            return;
        }
        try {
            filler.execute(() -> {
                try {
                    fill.run();
                    fillsDone.incrementAndGet();
                } catch (RuntimeException e) {
                    fillsFailed.incrementAndGet();
                    if (closed) {
                        LOG.debug("Indicator cache fill ended by the collector stopping: {}", e.getMessage());
                    } else {
                        LOG.warn("Indicator cache fill failed, the next report reads those days: {}", e.getMessage());
                    }
                } finally {
                    fillsPending.remove(key);
                }
            });
        } catch (RejectedExecutionException e) {
            fillsPending.remove(key);
            fillsDropped.incrementAndGet();
        }
    }

    /**
     * Waits until no fill is waiting or running (for tests, benchmarks and an orderly stop). Blocks up to
     * {@code timeout}.
     *
     * @return true when the filler is idle, false if {@code timeout} passed first
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitFills(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!fillsPending.isEmpty()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Whether an entry is held under {@code key} at any revision; not counted, and the entry's age is unchanged. */
    synchronized boolean holds(Object key) {
        return entries.containsKey(key);
    }

    /** The value stored under {@code key} at {@code revision}; null (counted as a miss) otherwise. */
    synchronized Object get(Object key, long revision) {
        Entry e = entries.get(key);
        if (e == null || e.revision() != revision) {
            misses.incrementAndGet();
            return null;
        }
        hits.incrementAndGet();
        return e.value();
    }

    synchronized void put(Object key, long revision, Object value) {
        if (capacity > 0) {
            entries.put(key, new Entry(revision, value));
        }
    }

    /** Entries held now. */
    public synchronized int size() {
        return entries.size();
    }

    /** Lookups answered from the cache since start. */
    public long hits() {
        return hits.get();
    }

    /** Lookups that had to read the facts store since start. */
    public long misses() {
        return misses.get();
    }

    /**
     * Stops the filler: fills waiting are dropped, as is any asked for later; a fill under way ends with its
     * current read (its failure, the store closing, is not logged as a warning). Returns at once. The entries stay.
     */
    @Override
    public void close() {
        closed = true;
        filler.shutdownNow();
        fillsPending.clear();
    }

    /** Drops every entry (the counters stay). */
    public synchronized void clear() {
        entries.clear();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("floorlink.collector.indicators.cache.lookups", hits, AtomicLong::get)
                .description("Closed-day facts looked up in the indicator cache, by result")
                .tag("result", "hit")
                .register(registry);
        FunctionCounter.builder("floorlink.collector.indicators.cache.lookups", misses, AtomicLong::get)
                .description("Closed-day facts looked up in the indicator cache, by result")
                .tag("result", "miss")
                .register(registry);
        FunctionCounter.builder("floorlink.collector.indicators.cache.evictions", evictions, AtomicLong::get)
                .description("Entries dropped from the indicator cache to stay within its bound")
                .register(registry);
        for (Map.Entry<String, AtomicLong> fills : Map.of(
                        "done", fillsDone, "dropped", fillsDropped, "failed", fillsFailed)
                .entrySet()) {
            FunctionCounter.builder("floorlink.collector.indicators.cache.fills", fills.getValue(), AtomicLong::get)
                    .description("Cache fills left to the filler thread by reports that missed many closed days,"
                            + " by outcome")
                    .tag("result", fills.getKey())
                    .register(registry);
        }
        Gauge.builder("floorlink.collector.indicators.cache.entries", this, FactsCache::size)
                .description("Entries held by the indicator cache")
                .register(registry);
    }
}
