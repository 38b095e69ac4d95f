package io.floorlink.sparkplug;

/**
 * Arithmetic of the Sparkplug payload {@code seq} and the {@code bdSeq} metric: both count 0..255 and wrap
 * (specification sections 6.4.18 and 7.1.1.1).
 */
public final class Sequence {
    /** Number of distinct values; seq 255 is followed by 0. */
    public static final int MODULUS = 256;

    private Sequence() {}

    /** The value after {@code value}, wrapping 255 to 0. */
    public static int next(long value) {
        return (int) ((check(value) + 1) % MODULUS);
    }

    /** True when {@code current} directly follows {@code previous}. */
    public static boolean follows(long previous, long current) {
        return next(previous) == check(current);
    }

    /**
     * How many values lie strictly between {@code previous} and {@code current} going forward, e.g. 0 when
     * current follows previous, 255 when current equals previous (a repeat is as far away as it gets).
     */
    public static int missingBetween(long previous, long current) {
        int diff = (int) (((check(current) - check(previous)) % MODULUS + MODULUS) % MODULUS);
        return diff == 0 ? MODULUS - 1 : diff - 1;
    }

    /** @throws SparkplugException if {@code value} is outside 0..255 */
    public static long check(long value) {
        if (value < 0 || value >= MODULUS) {
            throw new SparkplugException("seq/bdSeq must be in 0..255 but was " + value);
        }
        return value;
    }
}
