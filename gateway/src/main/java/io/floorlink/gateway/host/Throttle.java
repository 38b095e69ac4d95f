package io.floorlink.gateway.host;

import java.util.concurrent.ConcurrentHashMap;

/** Rate limit for repeated warnings: at most one per key and interval, reporting how many were suppressed. */
final class Throttle {
    private final long intervalMs;
    private final ConcurrentHashMap<String, long[]> state = new ConcurrentHashMap<>();

    Throttle(long intervalMs) {
        this.intervalMs = intervalMs;
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
                long suppressed = s[1];
                s[0] = now;
                s[1] = 0;
                return suppressed;
            }
            s[1]++;
            return -1;
        }
    }
}
