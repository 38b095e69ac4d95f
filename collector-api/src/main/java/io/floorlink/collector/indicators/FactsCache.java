package io.floorlink.collector.indicators;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

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
 */
public final class FactsCache implements MeterBinder {
    /**
     * Default bound: a device-day takes one or two entries (rollup sums, frozen counter parts), so this holds 50
     * days of 1,000 equipment, 150-260 MB (measured 1.5-2.6 KB an entry, docs/benchmarks.md).
     */
    public static final int DEFAULT_ENTRIES = 100_000;

    private final int capacity;
    private final Map<Object, Entry> entries;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();

    private record Entry(long revision, Object value) {}

    /**
     * @param capacity the most entries kept; 0 turns the cache off (every report reads every fact)
     * @throws IllegalArgumentException if capacity is negative
     */
    public FactsCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("cache capacity must be >= 0 but was " + capacity);
        }
        this.capacity = capacity;
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
        Gauge.builder("floorlink.collector.indicators.cache.entries", this, FactsCache::size)
                .description("Entries held by the indicator cache")
                .register(registry);
    }
}
