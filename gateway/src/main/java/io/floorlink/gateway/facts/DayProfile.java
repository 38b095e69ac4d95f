package io.floorlink.gateway.facts;

import java.io.ByteArrayOutputStream;

/**
 * The binary layout of the {@code hours} column of the day profiles (V12): one UTC day's 24 hour rollups of a point
 * ({@code point_day_profile}: the columns the indicators read, {@code samples}, {@code good}, {@code bad}, {@code
 * uncertain}, {@code historical}, {@code value_min}, {@code value_max}, {@code value_increase}, {@code
 * lat_b00..lat_b15}), of a device ({@code device_day_profile}: {@code reads_ok}, {@code reads_failed}) or of a state
 * point ({@code point_state_day_profile}: milliseconds per raw state value), each hour exactly its hour rows. The
 * gateway writes them ({@link DayProfiles}), the collector reads them; this class is the one place both agree on.
 *
 * <p>Layout: a version byte ({@value #VERSION}), a 3-byte bitmap of the hours that have rows (bit {@code h} of the
 * little-endian 24-bit number), then per such hour in order its payload's length (a varint) and the payload. A
 * point hour: five zig-zag varints (samples .. historical), a flags byte (bit 0 min, bit 1 max, bit 2 increase
 * present), the present doubles as 8 big-endian bytes each, a 2-byte mask of the non-zero latency buckets and a
 * zig-zag varint per such bucket. A device hour: two zig-zag varints. A state hour: a varint count, then per state
 * value its double (8 bytes) and a zig-zag varint of milliseconds. A reader skips an hour it does not need by its
 * length without decoding it.
 *
 * <p>Month profiles (V13 {@code point_month_profile}, {@code device_month_profile}, {@code
 * point_state_month_profile}) hold a UTC month's day rollups ({@code point_day}, {@code device_day}, {@code
 * point_state_day}) the same way, a slot per day of the month: version {@value #MONTH_VERSION}, a 4-byte bitmap (bit
 * {@code d} for day of month {@code d + 1}) and the same payloads. Hour profiles of points and devices (V14 {@code
 * point_hour_profile}, {@code device_hour_profile}) hold a closed UTC hour's 60 {@code point_minute} or {@code
 * device_minute} rows the same way, a slot per minute: version {@value #HOUR_VERSION}, an 8-byte bitmap (bit {@code
 * m} for minute {@code m}). The {@link Builder} and {@link Cursor} methods named for hours take and return that slot.
 *
 * <p>Minute profiles of state points (V14 {@code point_state_minute_profile}) hold a closed UTC day's {@code
 * point_state_minute} rows, a slot per minute of the day (0..1439), run-length encoded: version {@value
 * #MINUTES_VERSION}, then per run of consecutive minutes with the same payload (a machine keeps one state for hours,
 * and each of those minutes holds 60,000 ms of it) a varint of the minutes skipped since the previous run's end, a
 * varint of the run's minutes, the payload's length and the payload of one of its minutes. {@link Cursor#next()} moves from
 * run to run there, {@link Cursor#hour()} is the run's first minute and {@link Cursor#run()} its length.
 */
public final class DayProfile {
    /** The layout version written first; a reader refuses any other. */
    public static final int VERSION = 1;

    /** The layout version of a month profile. */
    public static final int MONTH_VERSION = 2;

    /** The layout version of an hour profile. */
    public static final int HOUR_VERSION = 3;

    /** The layout version of a minute profile. */
    public static final int MINUTES_VERSION = 4;

    /** Hours per UTC day: the slots of a day profile. */
    public static final int HOURS = 24;

    /** The slots of a month profile: days of the longest month. */
    public static final int DAYS = 31;

    /** The slots of an hour profile: its minutes. */
    public static final int MINUTES = 60;

    /** The slots of a minute profile: minutes per UTC day. */
    public static final int DAY_MINUTES = 24 * 60;

    /** The longest point hour's payload. */
    static final int MAX_POINT_HOUR_BYTES = 5 * 10 + 1 + 3 * 8 + 2 + FactsSchema.LATENCY_BUCKETS * 10;

    private DayProfile() {}

    private static int version(int slots) {
        return switch (slots) {
            case HOURS -> VERSION;
            case DAYS -> MONTH_VERSION;
            case MINUTES -> HOUR_VERSION;
            default -> MINUTES_VERSION;
        };
    }

    /** Bytes of the bitmap of present slots (a minute profile has runs instead). */
    private static int bitmapBytes(int slots) {
        return slots == DAY_MINUTES ? 0 : (slots + 7) / 8;
    }

    /**
     * Collects the hour rows of one point, device or state point and day, in any order, and encodes them. One kind
     * per builder. Not thread-safe.
     */
    public static final class Builder {
        private final int slots;
        private final byte[][] hours;
        private final ByteArrayOutputStream[] stateBodies;
        private final int[] stateCounts;

        /** A day profile's builder: slots are the hours 0..23. */
        public Builder() {
            this(HOURS);
        }

        private Builder(int slots) {
            this.slots = slots;
            this.hours = new byte[slots][];
            this.stateBodies = new ByteArrayOutputStream[slots];
            this.stateCounts = new int[slots];
        }

        /** A month profile's builder: slots are the days of the month less one, 0..30. */
        public static Builder month() {
            return new Builder(DAYS);
        }

        /** An hour profile's builder: slots are the minutes of the hour, 0..59. */
        public static Builder hour() {
            return new Builder(MINUTES);
        }

        /** A minute profile's builder (for state points): slots are the minutes of the day, 0..1439. */
        public static Builder minutes() {
            return new Builder(DAY_MINUTES);
        }

        /**
         * Sets hour {@code hour}'s rollup (replacing an earlier one); in a month profile, the day slot's.
         *
         * @param min null when the hour has no numeric value; likewise {@code max} and {@code increase}
         * @param latency the {@link FactsSchema#LATENCY_BUCKETS} latency bucket counts
         * @throws IllegalArgumentException for a slot outside the profile's or a latency array of another length
         */
        public Builder hour(
                int hour,
                long samples,
                long good,
                long bad,
                long uncertain,
                long historical,
                Double min,
                Double max,
                Double increase,
                long[] latency) {
            if (latency.length != FactsSchema.LATENCY_BUCKETS) {
                throw new IllegalArgumentException(
                        "latency must have " + FactsSchema.LATENCY_BUCKETS + " buckets but had " + latency.length);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(64);
            checkHour(hour);
            for (long v : new long[] {samples, good, bad, uncertain, historical}) {
                varint(out, v);
            }
            out.write((min == null ? 0 : 1) | (max == null ? 0 : 2) | (increase == null ? 0 : 4));
            for (Double d : new Double[] {min, max, increase}) {
                if (d != null) {
                    writeDouble(out, d);
                }
            }
            int mask = 0;
            for (int i = 0; i < latency.length; i++) {
                if (latency[i] != 0) {
                    mask |= 1 << i;
                }
            }
            out.write(mask >>> 8);
            out.write(mask);
            for (long v : latency) {
                if (v != 0) {
                    varint(out, v);
                }
            }
            hours[hour] = out.toByteArray();
            return this;
        }

        /** Sets hour {@code hour}'s device reads (replacing earlier ones). */
        public Builder reads(int hour, long readsOk, long readsFailed) {
            checkHour(hour);
            ByteArrayOutputStream out = new ByteArrayOutputStream(4);
            varint(out, readsOk);
            varint(out, readsFailed);
            hours[hour] = out.toByteArray();
            return this;
        }

        /** Adds milliseconds in a raw state value to hour {@code hour} (one call per point_state_hour row). */
        public Builder state(int hour, double value, long millis) {
            checkHour(hour);
            if (stateBodies[hour] == null) {
                stateBodies[hour] = new ByteArrayOutputStream(32);
            }
            writeDouble(stateBodies[hour], value);
            varint(stateBodies[hour], millis);
            stateCounts[hour]++;
            return this;
        }

        private void checkHour(int hour) {
            if (hour < 0 || hour >= slots) {
                throw new IllegalArgumentException("slot must be 0.." + (slots - 1) + " but was " + hour);
            }
        }

        /** Whether no hour was set. */
        public boolean isEmpty() {
            for (int h = 0; h < slots; h++) {
                if (hours[h] != null || stateBodies[h] != null) {
                    return false;
                }
            }
            return true;
        }

        /** The encoded profile. */
        public byte[] toBytes() {
            for (int h = 0; h < slots; h++) {
                if (stateBodies[h] != null) {
                    ByteArrayOutputStream payload = new ByteArrayOutputStream(stateBodies[h].size() + 2);
                    unsigned(payload, stateCounts[h]);
                    payload.writeBytes(stateBodies[h].toByteArray());
                    hours[h] = payload.toByteArray();
                }
            }
            if (slots == DAY_MINUTES) {
                return runs();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            long present = 0;
            for (int h = 0; h < slots; h++) {
                if (hours[h] != null) {
                    present |= 1L << h;
                }
            }
            out.write(version(slots));
            for (int b = 0; b < bitmapBytes(slots); b++) {
                out.write((int) (present >>> (8 * b)));
            }
            for (byte[] h : hours) {
                if (h != null) {
                    unsigned(out, h.length);
                    out.writeBytes(h);
                }
            }
            return out.toByteArray();
        }

        private byte[] runs() {
            ByteArrayOutputStream out = new ByteArrayOutputStream(64);
            out.write(MINUTES_VERSION);
            int end = 0;
            for (int m = 0; m < slots; ) {
                if (hours[m] == null) {
                    m++;
                    continue;
                }
                int first = m;
                while (m < slots && java.util.Arrays.equals(hours[m], hours[first])) {
                    m++;
                }
                unsigned(out, first - end);
                unsigned(out, m - first);
                unsigned(out, hours[first].length);
                out.writeBytes(hours[first]);
                end = m;
            }
            return out.toByteArray();
        }

        private static void writeDouble(ByteArrayOutputStream out, double d) {
            long bits = Double.doubleToRawLongBits(d);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (bits >>> shift));
            }
        }

        private static void unsigned(ByteArrayOutputStream out, long z) {
            while ((z & ~0x7FL) != 0) {
                out.write((int) ((z & 0x7F) | 0x80));
                z >>>= 7;
            }
            out.write((int) z);
        }

        private static void varint(ByteArrayOutputStream out, long v) {
            unsigned(out, (v << 1) ^ (v >> 63));
        }
    }

    /**
     * Walks the hours of an encoded profile in order: {@link #next()} moves to the next hour that has rows; {@link
     * #read()} (a point's), {@link #readReads()} (a device's) or {@link #readStates()} (a state point's) decodes it;
     * hours not decoded cost their length only. Reuses its fields; not thread-safe.
     */
    public static final class Cursor {
        private final byte[] bytes;
        private final long present;
        private final int slots;
        private int pos;
        private int payload = -1;
        private int payloadEnd;
        private int hour = -1;
        private int run = 1;
        private long samples;
        private long good;
        private long bad;
        private long uncertain;
        private long historical;
        private Double min;
        private Double max;
        private Double increase;
        private final long[] latency = new long[FactsSchema.LATENCY_BUCKETS];
        private int states;
        private double[] stateValues = new double[4];
        private long[] stateMillis = new long[4];

        /**
         * @throws IllegalArgumentException when {@code bytes} is not a day, month or hour profile of the versions
         *     above
         */
        public Cursor(byte[] bytes) {
            int version = bytes.length == 0 ? 0 : bytes[0];
            slots = switch (version) {
                case VERSION -> HOURS;
                case MONTH_VERSION -> DAYS;
                case HOUR_VERSION -> MINUTES;
                case MINUTES_VERSION -> DAY_MINUTES;
                default -> 0;
            };
            if (slots == 0 || bytes.length < 1 + bitmapBytes(slots)) {
                throw new IllegalArgumentException("not a day, month, hour or minute profile (versions " + VERSION
                        + " to " + MINUTES_VERSION + ")");
            }
            long bits = 0;
            for (int b = 0; b < bitmapBytes(slots); b++) {
                bits |= (bytes[1 + b] & 0xFFL) << (8 * b);
            }
            present = bits;
            payloadEnd = 1 + bitmapBytes(slots);
            this.bytes = bytes;
        }

        /** Moves to the next hour with a row (in a minute profile: the next run); false when there is none. */
        public boolean next() {
            pos = payloadEnd;
            if (slots == DAY_MINUTES) {
                return nextRun();
            }
            do {
                hour++;
            } while (hour < slots && (present & (1L << hour)) == 0);
            if (hour >= slots) {
                return false;
            }
            int length = (int) unsigned();
            payload = pos;
            payloadEnd = payload + length;
            if (payloadEnd > bytes.length) {
                throw new IllegalArgumentException("day profile cut at hour " + hour);
            }
            return true;
        }

        private boolean nextRun() {
            if (pos >= bytes.length) {
                return false;
            }
            long gap = unsigned();
            long length = unsigned();
            long first = (hour < 0 ? 0 : hour + run) + gap;
            // unsigned() of a corrupt varint can be anything: every bound is checked before it sizes or indexes
            if (gap < 0 || gap > slots || length < 1 || length > slots || first + length > slots) {
                throw new IllegalArgumentException("minute profile has a run outside the day after minute " + hour);
            }
            hour = (int) first;
            run = (int) length;
            long size = unsigned();
            if (size < 0 || size > bytes.length - pos) {
                throw new IllegalArgumentException("minute profile cut at minute " + hour);
            }
            payload = pos;
            payloadEnd = payload + (int) size;
            return true;
        }

        /**
         * The hour of day (0..23, UTC) of the current row; in a month profile its day of month less one (0..30), in
         * an hour profile its minute (0..59), in a minute profile the run's first minute of the day (0..1439).
         */
        public int hour() {
            return hour;
        }

        /** The slots the current payload stands for, from {@link #hour()}: 1, except for a run of a minute profile. */
        public int run() {
            return run;
        }

        /** Decodes the current hour's values into this cursor's accessors. */
        public Cursor read() {
            pos = payload;
            samples = varint();
            good = varint();
            bad = varint();
            uncertain = varint();
            historical = varint();
            int flags = bytes[pos++];
            min = (flags & 1) != 0 ? readDouble() : null;
            max = (flags & 2) != 0 ? readDouble() : null;
            increase = (flags & 4) != 0 ? readDouble() : null;
            int mask = (bytes[pos] & 0xFF) << 8 | (bytes[pos + 1] & 0xFF);
            pos += 2;
            for (int i = 0; i < latency.length; i++) {
                latency[i] = (mask & (1 << i)) != 0 ? varint() : 0;
            }
            return checkEnd();
        }

        /** Decodes the current hour's device reads into {@link #readsOk()} and {@link #readsFailed()}. */
        public Cursor readReads() {
            pos = payload;
            samples = varint();
            good = varint();
            return checkEnd();
        }

        /** Decodes the current hour's state values: {@link #states()} of them, {@link #stateValue(int)} each. */
        public Cursor readStates() {
            pos = payload;
            long count = unsigned();
            // each state takes at least 9 bytes: a corrupt count fails here, before an array is sized by it
            if (count > (payloadEnd - pos) / 9) {
                throw new IllegalArgumentException("day profile hour " + hour + " has a wrong state count");
            }
            states = (int) count;
            if (stateValues.length < states) {
                stateValues = new double[states];
                stateMillis = new long[states];
            }
            for (int i = 0; i < states; i++) {
                stateValues[i] = readDouble();
                stateMillis[i] = varint();
            }
            return checkEnd();
        }

        private Cursor checkEnd() {
            if (pos != payloadEnd) {
                throw new IllegalArgumentException("day profile hour " + hour + " has a wrong length");
            }
            return this;
        }

        /** reads_ok of the current device hour. */
        public long readsOk() {
            return samples;
        }

        /** reads_failed of the current device hour. */
        public long readsFailed() {
            return good;
        }

        /** Raw state values in the current state hour. */
        public int states() {
            return states;
        }

        /** The {@code i}-th raw state value of the current state hour. */
        public double stateValue(int i) {
            return stateValues[i];
        }

        /** Milliseconds in the {@code i}-th raw state value of the current state hour. */
        public long stateMillis(int i) {
            return stateMillis[i];
        }

        public long samples() {
            return samples;
        }

        public long good() {
            return good;
        }

        public long bad() {
            return bad;
        }

        public long uncertain() {
            return uncertain;
        }

        public long historical() {
            return historical;
        }

        /** value_min of the hour; null when it has none. */
        public Double min() {
            return min;
        }

        /** value_max of the hour; null when it has none. */
        public Double max() {
            return max;
        }

        /** value_increase of the hour; null when it has none. */
        public Double increase() {
            return increase;
        }

        /** Count of latency bucket {@code i} ({@code lat_b00..lat_b15}). */
        public long latency(int i) {
            return latency[i];
        }

        private double readDouble() {
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits = bits << 8 | (bytes[pos++] & 0xFF);
            }
            return Double.longBitsToDouble(bits);
        }

        private long varint() {
            long z = unsigned();
            return (z >>> 1) ^ -(z & 1);
        }

        private long unsigned() {
            long z = 0;
            int shift = 0;
            while (true) {
                if (pos >= bytes.length) {
                    throw new IllegalArgumentException("day profile cut at hour " + hour);
                }
                byte b = bytes[pos++];
                z |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return z;
                }
                shift += 7;
            }
        }
    }
}
