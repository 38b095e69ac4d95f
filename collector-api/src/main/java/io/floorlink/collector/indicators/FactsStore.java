package io.floorlink.collector.indicators;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Reads the gateway's facts (V1__facts.sql) for a set of devices and a time span. Every method blocks on JDBC
 * and throws {@link FactsUnavailableException} when the store cannot be read.
 *
 * <p>Rollups have minute resolution: a point counts as sampled in a span when a minute bucket overlapping the
 * span has a good sample; reads of a minute only partly inside the span are pro-rated by the overlap.
 */
final class FactsStore {
    private static final int CHUNK = 500;
    private static final Duration MINUTE = Duration.ofMinutes(1);

    /** One device_session row. */
    record SessionFact(
            String deviceId,
            String edgeNodeId,
            Instant connectedAt,
            Instant disconnectedAt,
            String endReason,
            boolean historical) {}

    /** reads_ok / reads_failed of a device over a span; fractional where edge minutes are pro-rated. */
    record Reads(double ok, double failed) {
        Reads plus(Reads o) {
            return new Reads(ok + o.ok, failed + o.failed);
        }
    }

    private final DataSource dataSource;

    FactsStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Sessions of the devices that overlap {@code [from, to)}, open ones included, ordered by start. */
    Map<String, List<SessionFact>> sessions(Collection<String> devices, Instant from, Instant to) {
        Map<String, List<SessionFact>> out = new HashMap<>();
        forChunks(devices, (c, ids) -> {
            String sql = "SELECT device_id, edge_node_id, connected_at, disconnected_at, end_reason, historical"
                    + " FROM device_session WHERE device_id IN (" + marks(ids.size()) + ")"
                    + " AND connected_at < ? AND (disconnected_at IS NULL OR disconnected_at > ?)"
                    + " ORDER BY connected_at";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = bindIds(ps, ids);
                ps.setObject(i++, utc(to));
                ps.setObject(i, utc(from));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        OffsetDateTime end = rs.getObject(4, OffsetDateTime.class);
                        SessionFact s = new SessionFact(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getObject(3, OffsetDateTime.class).toInstant(),
                                end == null ? null : end.toInstant(),
                                rs.getString(5),
                                rs.getBoolean(6));
                        out.computeIfAbsent(s.deviceId(), k -> new ArrayList<>())
                                .add(s);
                    }
                }
            }
        });
        return out;
    }

    /** Good samples per device and point in the minute buckets overlapping {@code [from, to)}. */
    Map<String, Map<String, Long>> goodSamples(Collection<String> devices, Instant from, Instant to) {
        Map<String, Map<String, Long>> out = new HashMap<>();
        forChunks(devices, (c, ids) -> {
            String sql = "SELECT device_id, point_id, SUM(good) FROM point_minute WHERE device_id IN ("
                    + marks(ids.size()) + ") AND bucket > ? AND bucket < ? GROUP BY device_id, point_id";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = bindIds(ps, ids);
                ps.setObject(i++, utc(from.minus(MINUTE)));
                ps.setObject(i, utc(to));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                                .merge(rs.getString(2), rs.getLong(3), Long::sum);
                    }
                }
            }
        });
        return out;
    }

    /**
     * Which share of an edge minute's reads fall inside the span, for a device.
     *
     * @param bucket start of the minute
     * @param from start of the part of the minute inside the span
     * @param to end of that part
     */
    interface EdgeWeight {
        double weight(String deviceId, Instant bucket, Instant from, Instant to);

        /** Reads spread evenly over the minute. */
        EdgeWeight UNIFORM = (device, bucket, from, to) -> fraction(from, to);
    }

    /** reads_ok / reads_failed per device over {@code [from, to)}; partial edge minutes weighted by {@code weight}. */
    Map<String, Reads> reads(Collection<String> devices, Instant from, Instant to, EdgeWeight weight) {
        Map<String, Reads> out = new HashMap<>();
        if (!from.isBefore(to)) {
            return out;
        }
        Instant fullFrom = ceilMinute(from);
        Instant fullTo = to.truncatedTo(ChronoUnit.MINUTES);
        forChunks(devices, (c, ids) -> {
            if (fullFrom.isBefore(fullTo)) {
                String sql =
                        "SELECT device_id, SUM(reads_ok), SUM(reads_failed) FROM device_minute WHERE device_id IN ("
                                + marks(ids.size()) + ") AND bucket >= ? AND bucket < ? GROUP BY device_id";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int i = bindIds(ps, ids);
                    ps.setObject(i++, utc(fullFrom));
                    ps.setObject(i, utc(fullTo));
                    collect(ps, null, null, null, out);
                }
            }
            Instant firstBucket = from.truncatedTo(ChronoUnit.MINUTES);
            boolean startPartial = !firstBucket.equals(from);
            if (startPartial) {
                Instant end = Interval.min(to, firstBucket.plus(MINUTE));
                partial(c, ids, firstBucket, from, end, weight, out);
            }
            if (!fullTo.equals(to) && !(startPartial && fullTo.equals(firstBucket))) {
                partial(c, ids, fullTo, fullTo, to, weight, out);
            }
        });
        return out;
    }

    /** Throws {@link FactsUnavailableException} unless a connection answers within two seconds. */
    void ping() {
        try (Connection c = dataSource.getConnection()) {
            if (!c.isValid(2)) {
                throw new FactsUnavailableException("facts store connection is not valid", null);
            }
        } catch (SQLException e) {
            throw new FactsUnavailableException("facts store unreachable: " + e.getMessage(), e);
        }
    }

    private static void partial(
            Connection c,
            List<String> ids,
            Instant bucket,
            Instant from,
            Instant to,
            EdgeWeight weight,
            Map<String, Reads> out)
            throws SQLException {
        String sql = "SELECT device_id, reads_ok, reads_failed FROM device_minute WHERE device_id IN ("
                + marks(ids.size()) + ") AND bucket = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = bindIds(ps, ids);
            ps.setObject(i, utc(bucket));
            collect(ps, bucket, new Interval(from, to), weight, out);
        }
    }

    /** Adds the rows' reads to {@code out}, whole, or weighted when {@code weight} is given for an edge minute. */
    private static void collect(
            PreparedStatement ps, Instant bucket, Interval part, EdgeWeight weight, Map<String, Reads> out)
            throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String device = rs.getString(1);
                double w = weight == null ? 1.0 : weight.weight(device, bucket, part.start(), part.end());
                out.merge(device, new Reads(rs.getLong(2) * w, rs.getLong(3) * w), Reads::plus);
            }
        }
    }

    private static double fraction(Instant from, Instant to) {
        return (double) Duration.between(from, to).toNanos() / MINUTE.toNanos();
    }

    private static Instant ceilMinute(Instant t) {
        Instant floor = t.truncatedTo(ChronoUnit.MINUTES);
        return floor.equals(t) ? t : floor.plus(MINUTE);
    }

    private interface ChunkQuery {
        void run(Connection c, List<String> ids) throws SQLException;
    }

    private void forChunks(Collection<String> devices, ChunkQuery query) {
        if (devices.isEmpty()) {
            return;
        }
        List<String> all = List.copyOf(devices);
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            for (int i = 0; i < all.size(); i += CHUNK) {
                query.run(c, all.subList(i, Math.min(all.size(), i + CHUNK)));
            }
        } catch (SQLException e) {
            throw new FactsUnavailableException("cannot read facts: " + e.getMessage(), e);
        }
    }

    private static int bindIds(PreparedStatement ps, List<String> ids) throws SQLException {
        int i = 1;
        for (String id : ids) {
            ps.setString(i++, id);
        }
        return i;
    }

    private static String marks(int n) {
        return String.join(",", java.util.Collections.nCopies(n, "?"));
    }

    private static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
