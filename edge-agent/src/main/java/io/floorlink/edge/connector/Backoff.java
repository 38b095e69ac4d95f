package io.floorlink.edge.connector;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter": the n-th delay is drawn from [d/2, d] where d = min(max, initial *
 * 2^n), so many agents restarted together do not hit a recovering server in lockstep. Every connector retries
 * unreachable peers with it (configured by {@link io.floorlink.edge.config.Reconnect}). It holds no state
 * but the random source, so it is as thread-safe as that source.
 */
public final class Backoff {
    private final long initialMs;
    private final long maxMs;
    private final RandomGenerator random;

    /**
     * @param initial first delay, at least 1 ms is used
     * @param max largest delay; never below {@code initial}
     * @param random source of jitter
     */
    public Backoff(Duration initial, Duration max, RandomGenerator random) {
        this.initialMs = Math.max(1, initial.toMillis());
        this.maxMs = Math.max(initialMs, max.toMillis());
        this.random = random;
    }

    /** The delay before attempt {@code failures + 1}, after {@code failures} consecutive failures (0-based). */
    public Duration delay(int failures) {
        long d = initialMs;
        for (int i = 0; i < failures && d < maxMs; i++) {
            d *= 2;
        }
        d = Math.min(d, maxMs);
        long half = d / 2;
        return Duration.ofMillis(half + random.nextLong(d - half + 1));
    }
}
