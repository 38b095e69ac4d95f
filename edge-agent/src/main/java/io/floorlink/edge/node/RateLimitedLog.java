package io.floorlink.edge.node;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a warning at most once per period per key, and says how many were suppressed since. Keys must come
 * from a bounded set (a reason, a device id), never from error text.
 */
public final class RateLimitedLog {
    private static final int MAX_KEYS = 1000;

    private final Logger log;
    private final long periodNanos;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    public RateLimitedLog(Logger log, Duration period) {
        this.log = log;
        this.periodNanos = period.toNanos();
    }

    public void warn(String key, String format, Object... args) {
        if (!log.isWarnEnabled()) {
            return;
        }
        if (entries.size() >= MAX_KEYS && !entries.containsKey(key)) {
            key = "*";
        }
        long now = System.nanoTime();
        Entry e = entries.computeIfAbsent(key, k -> new Entry(now - periodNanos));
        long last = e.lastLogged.get();
        if (now - last < periodNanos || !e.lastLogged.compareAndSet(last, now)) {
            e.suppressed.incrementAndGet();
            return;
        }
        long suppressed = e.suppressed.getAndSet(0);
        if (suppressed > 0) {
            log.warn(format + " (" + suppressed + " similar warnings suppressed)", args);
        } else {
            log.warn(format, args);
        }
    }

    private static final class Entry {
        final AtomicLong lastLogged;
        final AtomicLong suppressed = new AtomicLong();

        Entry(long lastLogged) {
            this.lastLogged = new AtomicLong(lastLogged);
        }
    }
}
