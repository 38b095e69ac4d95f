package io.floorlink.collector.indicators;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A real H2 (or PostgreSQL) facts store migrated with the gateway's Flyway scripts, and plain-SQL inserts of known
 * facts. Like the gateway, every minute rollup written here is also added to the hour and day rollups (counts add,
 * min/max combine), so the engine may read any level.
 */
public final class FactsFixture {
    private static final String[] LAT = new String[16];

    static {
        for (int i = 0; i < 16; i++) {
            LAT[i] = String.format("lat_b%02d", i);
        }
    }

    private static final String POINT_COLUMNS = "group_id, device_id, point_id, bucket, samples, good, bad, uncertain,"
            + " historical, value_min, value_max, value_count, value_increase, latency_count, latency_sum_ms, "
            + String.join(", ", LAT);

    /** The Sparkplug group (enterprise code) of the fixtures' own inventories. */
    public static final String DEFAULT_GROUP = "ENT001";

    private final DataSource dataSource;
    private final String group;

    private FactsFixture(DataSource dataSource, String group) {
        this.dataSource = dataSource;
        this.group = group;
    }

    /** The same database, writing the facts of another Sparkplug group (enterprise) from now on. */
    public FactsFixture group(String groupId) {
        return new FactsFixture(dataSource, groupId);
    }

    /** A fresh in-memory H2 database in PostgreSQL mode with the facts schema. */
    public static FactsFixture h2() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:facts-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        return migrated(ds);
    }

    /** Applies the gateway migrations ({@code classpath:db/migration}) to a database. */
    public static FactsFixture migrated(DataSource ds) {
        return migrated(ds, "latest");
    }

    /** Applies the gateway migrations up to {@code version} (e.g. "12": a store of an older gateway). */
    public static FactsFixture migrated(DataSource ds, String version) {
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .target(version)
                .load()
                .migrate();
        return new FactsFixture(ds, DEFAULT_GROUP);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** One minute of one point: every column of point_minute (lat has 16 entries). */
    public record PointRow(
            String device,
            String point,
            Instant bucket,
            long samples,
            long good,
            long bad,
            long uncertain,
            long historical,
            Double min,
            Double max,
            Double increase,
            long[] lat) {

        PointRow plus(PointRow o) {
            long[] l = new long[16];
            for (int i = 0; i < 16; i++) {
                l[i] = lat[i] + o.lat[i];
            }
            return new PointRow(
                    device,
                    point,
                    bucket,
                    samples + o.samples,
                    good + o.good,
                    bad + o.bad,
                    uncertain + o.uncertain,
                    historical + o.historical,
                    min == null ? o.min : o.min == null ? min : Double.valueOf(Math.min(min, o.min)),
                    max == null ? o.max : o.max == null ? max : Double.valueOf(Math.max(max, o.max)),
                    increase == null
                            ? o.increase
                            : o.increase == null ? increase : Double.valueOf(increase + o.increase),
                    l);
        }

        PointRow at(Instant b) {
            return new PointRow(device, point, b, samples, good, bad, uncertain, historical, min, max, increase, lat);
        }
    }

    /** A device_session; {@code to} null leaves it open. */
    public FactsFixture session(String device, Instant from, Instant to) {
        return session("edge-01", device, from, to, false);
    }

    /** A device_session of an edge node; {@code to} null leaves it open. */
    public FactsFixture session(String edge, String device, Instant from, Instant to, boolean historical) {
        return exec(
                "INSERT INTO device_session (group_id, edge_node_id, device_id, connected_at, disconnected_at,"
                        + " end_reason, historical) VALUES (?, ?, ?, ?, ?, ?, ?)",
                group,
                edge,
                device,
                utc(from),
                to == null ? null : utc(to),
                to == null ? null : "ddeath",
                historical);
    }

    /** An edge_session; {@code to} null leaves it open. */
    public FactsFixture edgeSession(String edge, Instant from, Instant to) {
        return exec(
                "INSERT INTO edge_session (group_id, edge_node_id, connected_at, disconnected_at, end_reason)"
                        + " VALUES (?, ?, ?, ?, ?)",
                group,
                edge,
                utc(from),
                to == null ? null : utc(to),
                to == null ? null : "ndeath");
    }

    /**
     * A platform_gap row of host {@code floorlink} as the gateway writes it; a null edge node widens the scope to
     * every node of the host, a null device to every device of the node.
     */
    public FactsFixture gap(String cause, String edge, String device, Instant from, Instant to, long events) {
        return exec(
                "INSERT INTO platform_gap (host_id, cause, group_id, edge_node_id, device_id, gap_from, gap_to, events,"
                        + " detail) VALUES ('floorlink', ?, ?, ?, ?, ?, ?, ?, ?)",
                cause,
                edge == null && device == null ? null : group,
                edge,
                device,
                utc(from),
                utc(to),
                events,
                cause + " written by FactsFixture");
    }

    /** A point_declaration with an engineering range (nullable bounds). */
    public FactsFixture declaration(
            String edge, String device, String point, String category, long intervalMs, Double low, Double high) {
        return exec(
                "INSERT INTO point_declaration (group_id, edge_node_id, device_id, point_id, datatype, category,"
                        + " interval_ms, eng_low, eng_high, first_seen, last_birth) VALUES (?, ?, ?, ?, 10, ?, ?, ?,"
                        + " ?, ?, ?)",
                group,
                edge,
                device,
                point,
                category,
                intervalMs,
                low,
                high,
                utc(Instant.EPOCH),
                utc(Instant.EPOCH));
    }

    /** A point_minute row with {@code good} good samples (and nothing else). */
    public FactsFixture pointMinute(String device, String point, Instant bucket, long good) {
        long[] lat = new long[16];
        return points(List.of(new PointRow(device, point, bucket, good, good, 0, 0, 0, null, null, null, lat)));
    }

    /** A device_minute row (and its hour and day rollups). */
    public FactsFixture deviceMinute(String device, Instant bucket, long readsOk, long readsFailed) {
        return devices(Map.of(device, Map.of(bucket, new long[] {readsOk, readsFailed})));
    }

    /** Millis a state point spent in a raw value inside a minute (and the hour and day rollups). */
    public FactsFixture stateMinute(String device, String point, Instant bucket, double value, long millis) {
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {device, point, bucket, value, millis});
        return states(rows);
    }

    /**
     * Raises the {@code fact_revision} of every UTC day of {@code [from, to)} for a device, as the gateway does for a
     * closed day it writes into: a report that cached those days earlier (the collector's cache warmer) reads them
     * again. Call it after writing facts under a running collector.
     */
    public FactsFixture revise(String device, Instant from, Instant to) {
        for (Instant d = from.truncatedTo(ChronoUnit.DAYS); d.isBefore(to); d = d.plus(Duration.ofDays(1))) {
            int updated;
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement("UPDATE fact_revision SET revision = revision + 1"
                            + " WHERE group_id = ? AND device_id = ? AND bucket = ?")) {
                ps.setString(1, group);
                ps.setString(2, device);
                ps.setObject(3, utc(d));
                updated = ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            if (updated == 0) {
                insert("fact_revision", "device_id, bucket, revision", List.<Object[]>of(new Object[] {device, d, 1L}));
            }
        }
        return this;
    }

    /** The group's {@code group_activity} row (V9), as a gateway that stored data up to {@code lastData} leaves it. */
    public FactsFixture activity(Instant lastData) {
        return exec(
                "INSERT INTO group_activity (group_id, last_data_at, last_stored_at) VALUES (?, ?, ?)",
                group,
                utc(lastData),
                utc(lastData));
    }

    /** A point_static_run. */
    public FactsFixture staticRun(String device, String point, Instant from, Instant to, double value) {
        return exec(
                "INSERT INTO point_static_run (group_id, device_id, point_id, started_at, ended_at, static_value,"
                        + " is_open) VALUES (?, ?, ?, ?, ?, ?, FALSE)",
                group,
                device,
                point,
                utc(from),
                utc(to),
                value);
    }

    /** Minute rows, batch-inserted, and their hour and day rollups added to whatever is there. */
    public FactsFixture points(Collection<PointRow> minutes) {
        String cols = POINT_COLUMNS;
        String marks = String.join(",", java.util.Collections.nCopies(31, "?"));
        Map<String, PointRow> hours = new LinkedHashMap<>();
        Map<String, PointRow> days = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            insertPoints(c, "point_minute", cols, marks, minutes);
            for (PointRow r : minutes) {
                Instant h = r.bucket().truncatedTo(ChronoUnit.HOURS);
                Instant d = r.bucket().truncatedTo(ChronoUnit.DAYS);
                hours.merge(r.device() + "|" + r.point() + "|" + h, r.at(h), PointRow::plus);
                days.merge(r.device() + "|" + r.point() + "|" + d, r.at(d), PointRow::plus);
            }
            for (String table : new String[] {"point_hour", "point_day"}) {
                Collection<PointRow> rows = table.equals("point_hour") ? hours.values() : days.values();
                List<PointRow> fresh = new ArrayList<>();
                for (PointRow r : rows) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT samples, good, bad, uncertain, historical,"
                            + " value_min, value_max, value_increase, " + String.join(", ", LAT) + " FROM " + table
                            + " WHERE group_id = ? AND device_id = ? AND point_id = ? AND bucket = ?")) {
                        ps.setString(1, group);
                        ps.setString(2, r.device());
                        ps.setString(3, r.point());
                        ps.setObject(4, utc(r.bucket()));
                        try (var rs = ps.executeQuery()) {
                            if (rs.next()) {
                                long[] lat = new long[16];
                                for (int i = 0; i < 16; i++) {
                                    lat[i] = rs.getLong(9 + i);
                                }
                                PointRow old = new PointRow(
                                        r.device(),
                                        r.point(),
                                        r.bucket(),
                                        rs.getLong(1),
                                        rs.getLong(2),
                                        rs.getLong(3),
                                        rs.getLong(4),
                                        rs.getLong(5),
                                        (Double) rs.getObject(6, Double.class),
                                        (Double) rs.getObject(7, Double.class),
                                        (Double) rs.getObject(8, Double.class),
                                        lat);
                                try (PreparedStatement del = c.prepareStatement("DELETE FROM " + table
                                        + " WHERE group_id = ? AND device_id = ? AND point_id = ? AND bucket = ?")) {
                                    del.setString(1, group);
                                    del.setString(2, r.device());
                                    del.setString(3, r.point());
                                    del.setObject(4, utc(r.bucket()));
                                    del.executeUpdate();
                                }
                                fresh.add(old.plus(r));
                            } else {
                                fresh.add(r);
                            }
                        }
                    }
                }
                insertPoints(c, table, cols, marks, fresh);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    private void insertPoints(Connection c, String table, String cols, String marks, Collection<PointRow> rows)
            throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO " + table + " (" + cols + ") VALUES (" + marks + ")")) {
            int n = 0;
            for (PointRow r : rows) {
                int i = 1;
                ps.setString(i++, group);
                ps.setString(i++, r.device());
                ps.setString(i++, r.point());
                ps.setObject(i++, utc(r.bucket()));
                ps.setLong(i++, r.samples());
                ps.setLong(i++, r.good());
                ps.setLong(i++, r.bad());
                ps.setLong(i++, r.uncertain());
                ps.setLong(i++, r.historical());
                ps.setObject(i++, r.min());
                ps.setObject(i++, r.max());
                ps.setLong(i++, r.min() == null ? 0 : r.good());
                ps.setObject(i++, r.increase());
                ps.setLong(i++, Arrays.stream(r.lat()).sum());
                ps.setLong(i++, 0);
                for (int k = 0; k < 16; k++) {
                    ps.setLong(i++, r.lat()[k]);
                }
                ps.addBatch();
                if (++n % 1000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    /**
     * Batch-inserts rows into a group-keyed facts table (no upsert: the rows must be new); the fixture's group is
     * the leading {@code group_id} column, not part of {@code columns} and {@code rows}.
     */
    public FactsFixture insert(String table, String columns, Collection<Object[]> rows) {
        columns = "group_id, " + columns;
        int n = columns.split(",").length;
        String marks = String.join(",", java.util.Collections.nCopies(n, "?"));
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("INSERT INTO " + table + " (" + columns + ") VALUES (" + marks + ")")) {
            int k = 0;
            for (Object[] r : rows) {
                ps.setString(1, group);
                for (int i = 0; i < r.length; i++) {
                    ps.setObject(i + 2, r[i] instanceof Instant t ? utc(t) : r[i]);
                }
                ps.addBatch();
                if (++k % 1000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** Point rows into one rollup table, batch-inserted (no upsert: the rows must be new). */
    public FactsFixture insertPoints(String table, Collection<PointRow> rows) {
        try (Connection c = dataSource.getConnection()) {
            insertPoints(c, table, POINT_COLUMNS, String.join(",", java.util.Collections.nCopies(31, "?")), rows);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** device minute rows per device and bucket {ok, failed}, with hour and day rollups added. */
    public FactsFixture devices(Map<String, Map<Instant, long[]>> minutes) {
        for (String level : new String[] {"minute", "hour", "day"}) {
            ChronoUnit unit = level.equals("minute")
                    ? ChronoUnit.MINUTES
                    : level.equals("hour") ? ChronoUnit.HOURS : ChronoUnit.DAYS;
            Map<String, long[]> agg = new LinkedHashMap<>();
            minutes.forEach((device, rows) -> rows.forEach((b, v) -> {
                long[] a = agg.computeIfAbsent(device + "|" + b.truncatedTo(unit), k -> new long[2]);
                a[0] += v[0];
                a[1] += v[1];
            }));
            try (Connection c = dataSource.getConnection()) {
                for (Map.Entry<String, long[]> e : agg.entrySet()) {
                    String[] k = e.getKey().split("\\|");
                    OffsetDateTime b = utc(Instant.parse(k[1]));
                    int updated;
                    try (PreparedStatement ps = c.prepareStatement("UPDATE device_" + level
                            + " SET reads_ok = reads_ok + ?, reads_failed = reads_failed + ? WHERE group_id = ? AND"
                            + " device_id = ? AND bucket = ?")) {
                        ps.setLong(1, e.getValue()[0]);
                        ps.setLong(2, e.getValue()[1]);
                        ps.setString(3, group);
                        ps.setString(4, k[0]);
                        ps.setObject(5, b);
                        updated = ps.executeUpdate();
                    }
                    if (updated == 0) {
                        try (PreparedStatement ps = c.prepareStatement("INSERT INTO device_" + level
                                + " (group_id, device_id, bucket, reads_ok, reads_failed) VALUES (?, ?, ?, ?, ?)")) {
                            ps.setString(1, group);
                            ps.setString(2, k[0]);
                            ps.setObject(3, b);
                            ps.setLong(4, e.getValue()[0]);
                            ps.setLong(5, e.getValue()[1]);
                            ps.executeUpdate();
                        }
                    }
                }
            } catch (SQLException ex) {
                throw new IllegalStateException(ex);
            }
        }
        return this;
    }

    /** State rows {device, point, minute bucket, value, millis}, with hour and day rollups added. */
    public FactsFixture states(Collection<Object[]> minutes) {
        for (String level : new String[] {"minute", "hour", "day"}) {
            ChronoUnit unit = level.equals("minute")
                    ? ChronoUnit.MINUTES
                    : level.equals("hour") ? ChronoUnit.HOURS : ChronoUnit.DAYS;
            Map<List<Object>, Long> agg = new LinkedHashMap<>();
            for (Object[] r : minutes) {
                agg.merge(List.of(r[0], r[1], ((Instant) r[2]).truncatedTo(unit), r[3]), (Long) r[4], Long::sum);
            }
            try (Connection c = dataSource.getConnection()) {
                for (Map.Entry<List<Object>, Long> e : agg.entrySet()) {
                    List<Object> k = e.getKey();
                    int updated;
                    try (PreparedStatement ps = c.prepareStatement("UPDATE point_state_" + level
                            + " SET millis = millis + ? WHERE group_id = ? AND device_id = ? AND point_id = ? AND"
                            + " bucket = ? AND state_value = ?")) {
                        ps.setLong(1, e.getValue());
                        ps.setString(2, group);
                        ps.setString(3, (String) k.get(0));
                        ps.setString(4, (String) k.get(1));
                        ps.setObject(5, utc((Instant) k.get(2)));
                        ps.setDouble(6, (Double) k.get(3));
                        updated = ps.executeUpdate();
                    }
                    if (updated == 0) {
                        try (PreparedStatement ps = c.prepareStatement("INSERT INTO point_state_" + level
                                + " (group_id, device_id, point_id, bucket, state_value, millis)"
                                + " VALUES (?, ?, ?, ?, ?, ?)")) {
                            ps.setString(1, group);
                            ps.setString(2, (String) k.get(0));
                            ps.setString(3, (String) k.get(1));
                            ps.setObject(4, utc((Instant) k.get(2)));
                            ps.setDouble(5, (Double) k.get(3));
                            ps.setLong(6, e.getValue());
                            ps.executeUpdate();
                        }
                    }
                }
            } catch (SQLException ex) {
                throw new IllegalStateException(ex);
            }
        }
        return this;
    }

    private FactsFixture exec(String sql, Object... args) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    static Duration minutes(long m) {
        return Duration.ofMinutes(m);
    }

    /**
     * A device of this fixture's group connected to edge node {@code edge} in [from, to) and delivering every point
     * each second, written as the gateway writes it: the session, minute reads, an hour row of good samples per point
     * and hour, and a raised revision of each UTC day touched (so a collector's cache warmer that already looked at
     * those days reads them again).
     */
    public FactsFixture connected(String edge, String device, List<String> points, Instant from, Instant to) {
        session(edge, device, from, to, false);
        Map<Instant, long[]> minutes = new LinkedHashMap<>();
        for (Instant m = from; m.isBefore(to); m = m.plus(Duration.ofMinutes(1))) {
            minutes.put(m, new long[] {60L * points.size(), 0});
        }
        devices(Map.of(device, minutes));
        List<PointRow> rows = new ArrayList<>();
        for (String p : points) {
            for (Instant h = from.truncatedTo(ChronoUnit.HOURS); h.isBefore(to); h = h.plus(Duration.ofHours(1))) {
                rows.add(new PointRow(
                        device, p, h.plus(Duration.ofMinutes(30)), 5, 5, 0, 0, 0, null, null, null, new long[16]));
            }
        }
        points(rows);
        return revise(device, from, to);
    }
}
