package io.floorlink.edge.connector.modbus;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter": the n-th delay is drawn from [d/2, d] where d = min(max, initial *
 * 2^n). Same rule as the OPC UA connector's (package-private there).
 */
final class Backoff {
    private final long initialMs;
    private final long maxMs;
    private final RandomGenerator random;

    Backoff(Duration initial, Duration max, RandomGenerator random) {
        this.initialMs = Math.max(1, initial.toMillis());
        this.maxMs = Math.max(initialMs, max.toMillis());
        this.random = random;
    }

    /** The delay after {@code failures} consecutive failures (0-based). */
    Duration delay(int failures) {
        long d = initialMs;
        for (int i = 0; i < failures && d < maxMs; i++) {
            d *= 2;
        }
        d = Math.min(d, maxMs);
        long half = d / 2;
        return Duration.ofMillis(half + random.nextLong(d - half + 1));
    }
}
