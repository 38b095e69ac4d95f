package io.floorlink.gateway.facts;

/**
 * The one owner of the facts schema. The gateway's Flyway migrations ({@value #MIGRATIONS}, V1..V14) create the
 * tables; {@link FactsStore} opens and migrates the store and writes sessions, rollups and gaps; the collector's
 * {@code FactsReader} reads them (and writes only {@code enterprise_summary}, V10). What writer and reader must agree
 * on beyond the migrations' table and column names is declared here, once.
 *
 * <p>Latency buckets ({@code lat_b00..lat_b15} of {@code point_minute}, {@code point_hour}, {@code point_day}):
 * bucket {@code i < 15} counts the samples whose latency in ms is at most {@link #latencyUpperMs(int)} (and above
 * the previous bound); {@code lat_b15} takes the rest. The first bound, -2000 ms, catches source clocks ahead of the
 * host's by more than two seconds.
 */
public final class FactsSchema {
    /** Flyway location of the migrations. */
    public static final String MIGRATIONS = "classpath:db/migration";

    private static final long[] LATENCY_BOUNDS_MS = {
        -2000, 0, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000, 10000, 30000, 60000, 300000
    };

    /** Latency bucket columns per rollup row (V1__facts.sql). */
    public static final int LATENCY_BUCKETS = LATENCY_BOUNDS_MS.length + 1;

    private FactsSchema() {}

    /** The column of latency bucket {@code i}: {@code lat_b00} .. {@code lat_b15}. */
    public static String latencyColumn(int i) {
        checkBucket(i);
        return i < 10 ? "lat_b0" + i : "lat_b" + i;
    }

    /** The inclusive upper bound of latency bucket {@code i} in ms; infinite for the last, open bucket. */
    public static double latencyUpperMs(int i) {
        checkBucket(i);
        return i < LATENCY_BOUNDS_MS.length ? LATENCY_BOUNDS_MS[i] : Double.POSITIVE_INFINITY;
    }

    /** The bucket a latency of {@code ms} (negative: source clock ahead) is counted in. */
    public static int latencyBucket(long ms) {
        for (int i = 0; i < LATENCY_BOUNDS_MS.length; i++) {
            if (ms <= LATENCY_BOUNDS_MS[i]) {
                return i;
            }
        }
        return LATENCY_BOUNDS_MS.length;
    }

    private static void checkBucket(int i) {
        if (i < 0 || i >= LATENCY_BUCKETS) {
            throw new IndexOutOfBoundsException("latency bucket " + i + " of " + LATENCY_BUCKETS);
        }
    }
}
