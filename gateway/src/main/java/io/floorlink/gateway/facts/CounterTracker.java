package io.floorlink.gateway.facts;

/**
 * The previous value of a counter point in one stream (live or historical), to turn values into increases. A
 * negative step is a counter reset: the increase is the new value. The first value has no predecessor (increase
 * 0); a value older than the previous one is out of order and adds nothing.
 */
public final class CounterTracker {
    private double previous = Double.NaN;
    private long previousTs = Long.MIN_VALUE;

    /**
     * Takes the good value observed at {@code ts}.
     *
     * @return the increase since the previous value of the stream, never negative
     */
    public double next(double value, long ts) {
        if (ts < previousTs) {
            return 0;
        }
        double before = previous;
        previous = value;
        previousTs = ts;
        if (Double.isNaN(before)) {
            return 0;
        }
        return value >= before ? value - before : value;
    }
}
