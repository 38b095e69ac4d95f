package io.floorlink.gateway.host;

import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate limit for repeated warnings: at most one per key and interval, reporting how many were suppressed, and at
 * most {@link #GLOBAL_MAX_PER_INTERVAL} over all keys per interval (keys carry node names, which a misbehaving or
 * spoofing client can vary at will); what the global limit suppresses is counted and summed up in one warning
 * per interval.
 */
final class Throttle {
    private static final Logger log = LoggerFactory.getLogger(Throttle.class);
    /** Most warnings allowed over all keys in one interval. */
    static final int GLOBAL_MAX_PER_INTERVAL = 20;

    private final long intervalMs;
    private final ConcurrentHashMap<String, long[]> state = new ConcurrentHashMap<>();
    private final Runnable onGlobalSuppressed;
    private long windowStart = Long.MIN_VALUE / 2;
    private int windowAllowed;
    private long windowSuppressed;

    Throttle(long intervalMs) {
        this(intervalMs, () -> {});
    }

    /** @param onGlobalSuppressed called for every warning the global limit suppresses (a counter) */
    Throttle(long intervalMs, Runnable onGlobalSuppressed) {
        this.intervalMs = intervalMs;
        this.onGlobalSuppressed = onGlobalSuppressed;
    }

    /**
     * Returns -1 when this occurrence must stay silent, otherwise the number of occurrences suppressed since the
     * last one allowed.
     */
    long allow(String key, long now) {
        if (state.size() > 10_000) {
            // keys carry node names; forgetting them all now and then bounds memory at worst one extra warning each
            state.clear();
        }
        long[] s = state.computeIfAbsent(key, k -> new long[] {Long.MIN_VALUE / 2, 0});
        synchronized (s) {
            if (now - s[0] >= intervalMs) {
                if (!globalAllow(now)) {
                    s[1]++;
                    return -1;
                }
                long suppressed = s[1];
                s[0] = now;
                s[1] = 0;
                return suppressed;
            }
            s[1]++;
            return -1;
        }
    }

    private synchronized boolean globalAllow(long now) {
        if (now - windowStart >= intervalMs) {
            if (windowSuppressed > 0) {
                log.warn(
                        "{} more warnings suppressed in the last {} s (more than {} per interval over all edge nodes)",
                        windowSuppressed,
                        intervalMs / 1000,
                        GLOBAL_MAX_PER_INTERVAL);
            }
            windowStart = now;
            windowAllowed = 0;
            windowSuppressed = 0;
        }
        if (windowAllowed < GLOBAL_MAX_PER_INTERVAL) {
            windowAllowed++;
            return true;
        }
        windowSuppressed++;
        onGlobalSuppressed.run();
        return false;
    }
}
