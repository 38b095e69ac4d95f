package io.floorlink.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Exactly-once checks of read-sequence points in the facts: every read of such a register returns the next value (1,
 * 2, 3, ...), so per point the minute rollups must hold contiguous values without duplicates, each minute going on
 * where the previous one stopped, and end at the number of reads the simulator served.
 */
final class SequenceFacts {
    private SequenceFacts() {}

    /** A point's minute rollups: bucket to {samples, min, max, sum, historical samples}. */
    static TreeMap<Instant, long[]> minutes(Connection c, String device, String point) throws SQLException {
        TreeMap<Instant, long[]> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT bucket, samples, value_min, value_max, value_sum,"
                + " historical FROM point_minute WHERE device_id = ? AND point_id = ? ORDER BY bucket")) {
            ps.setString(1, device);
            ps.setString(2, point);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getObject(1, OffsetDateTime.class).toInstant(), new long[] {
                        rs.getLong(2),
                        Math.round(rs.getDouble(3)),
                        Math.round(rs.getDouble(4)),
                        Math.round(rs.getDouble(5)),
                        rs.getLong(6)
                    });
                }
            }
        }
        return out;
    }

    /**
     * A device's failed point reads per minute ({@code device_minute.reads_failed} &gt; 0 only). A read the simulator
     * served but whose answer reached the edge agent after its request timeout is a failed read there, and its value
     * is consumed: such holes are the device's, recorded as failed reads, not a loss of the data path.
     */
    static Map<Instant, Long> failedReads(Connection c, String device) throws SQLException {
        Map<Instant, Long> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT bucket, reads_failed FROM device_minute"
                + " WHERE device_id = ? AND reads_failed > 0 ORDER BY bucket")) {
            ps.setString(1, device);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getLong(2));
                }
            }
        }
        return out;
    }

    /**
     * Checks one point against the reads served and adds every violation to {@code problems}.
     *
     * @param lossAllowed minutes in which, or at whose start, values may be missing (a kill of the reading process,
     *     failed reads)
     * @return values missing in the minutes where loss is allowed
     */
    static long check(
            String point,
            TreeMap<Instant, long[]> minutes,
            long served,
            Predicate<Instant> lossAllowed,
            List<String> problems) {
        long expectedNext = 1;
        long total = 0;
        long lost = 0;
        for (Map.Entry<Instant, long[]> m : minutes.entrySet()) {
            long samples = m.getValue()[0];
            long min = m.getValue()[1];
            long max = m.getValue()[2];
            long sum = m.getValue()[3];
            total += samples;
            long span = max - min + 1;
            if (samples < span && lossAllowed.test(m.getKey())) {
                // holes inside a minute where loss is allowed; more samples than values are duplicates, always wrong
                lost += span - samples;
            } else if (samples != span || sum != (min + max) * samples / 2) {
                problems.add(point + " minute " + m.getKey() + ": " + samples + " samples for values " + min + ".."
                        + max + " (duplicates or a hole)");
            }
            if (min != expectedNext) {
                if (!lossAllowed.test(m.getKey()) || min < expectedNext) {
                    problems.add(point + " minute " + m.getKey() + " starts at " + min + ", expected " + expectedNext);
                } else {
                    lost += min - expectedNext;
                }
            }
            expectedNext = max + 1;
        }
        if (total > served) {
            problems.add(point + ": " + total + " samples in the facts but " + served + " reads served: "
                    + describe(minutes));
        }
        if (expectedNext - 1 != served) {
            problems.add(point + " ends at " + (expectedNext - 1) + " but " + served + " reads were served");
        }
        return lost;
    }

    static String describe(TreeMap<Instant, long[]> minutes) {
        StringBuilder b = new StringBuilder();
        minutes.forEach((t, v) -> b.append(t)
                .append(" n=")
                .append(v[0])
                .append(' ')
                .append(v[1])
                .append("..")
                .append(v[2])
                .append(" hist=")
                .append(v[4])
                .append("; "));
        return b.toString();
    }
}
