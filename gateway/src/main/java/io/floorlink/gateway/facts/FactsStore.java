package io.floorlink.gateway.facts;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongUnaryOperator;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facts store: a pooled DataSource over H2 (PostgreSQL mode) or PostgreSQL, migrated with Flyway, and the
 * batched writes of sessions and rollups. {@link #write} is meant for one writer thread; the DataSource may be
 * shared with readers.
 */
public final class FactsStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FactsStore.class);

    private static final String[] POINT_COLUMNS = pointColumns();
    /** Rows per multi-row MERGE statement (times the columns stays far below PostgreSQL's 65,535 parameters). */
    static final int MERGE_ROWS = 100;

    private static final String[] POINT_KEY = {"group_id", "device_id", "point_id", "bucket"};
    private static final String[] DEVICE_COLUMNS = {"group_id", "device_id", "bucket", "reads_ok", "reads_failed"};
    private static final String[] DEVICE_KEY = {"group_id", "device_id", "bucket"};

    /** The pool's name, also the {@code pool} tag of its {@code hikaricp.*} meters. */
    public static final String POOL_NAME = "floorlink-facts";

    private final HikariDataSource dataSource;

    private FactsStore(HikariDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs after a batch's COMMIT returned; a fault test makes it throw, as a connection cut after COMMIT would. */
    @FunctionalInterface
    interface AfterCommit {
        void run() throws SQLException;
    }

    private volatile AfterCommit afterCommit = () -> {};

    /**
     * Decides, inside the transaction of a write, which groups of a batch may be written ({@code gateway.cluster}):
     * the groups whose lease named in {@link FactsBatch#leases} the writer still holds.
     */
    @FunctionalInterface
    public interface Fence {
        /**
         * @param c the write's connection, in its transaction
         * @param leases group to lease epoch of the batch
         * @return the groups that may be written
         */
        Set<String> confirmed(Connection c, Map<String, Long> leases) throws SQLException;
    }

    private volatile Fence fence;

    /**
     * Makes every later write check its batch's leases with {@code f} first and leave out the facts, receipts and
     * sessions of the groups it does not confirm; null: no check (a gateway outside a cluster).
     */
    public void fence(Fence f) {
        this.fence = f;
    }

    private FactsBatch fenced(Connection c, FactsBatch batch) throws SQLException {
        Fence f = fence;
        if (f == null) {
            return batch;
        }
        Set<String> confirmed = f.confirmed(c, batch.leases());
        // a batch of the host carries the lease of every group it has facts of
        return confirmed.size() == batch.leases().size() ? batch : batch.onlyGroups(confirmed);
    }

    /** Test seam: what runs after each {@link #write} COMMIT. */
    void afterCommit(AfterCommit hook) {
        this.afterCommit = hook;
    }

    /**
     * Opens the pool and applies the migrations. Blocks; retries are the caller's business.
     *
     * @param password already resolved (no {@code ${ENV}})
     * @throws IllegalStateException naming the URL (without credentials) when the store cannot be opened
     */
    public static FactsStore open(String url, String username, String password) {
        return open(url, username, password, null);
    }

    /**
     * Like {@link #open(String, String, String)}, with the pool's meters (Micrometer's standard {@code hikaricp.*},
     * tag {@code pool=floorlink-facts}) in {@code registry}; closing the store removes them again.
     *
     * @param registry where the pool's meters go; null: none. When the registry already holds the meters of an
     *     open {@code floorlink-facts} pool (two stores open at once on one registry), this pool reports none.
     */
    public static FactsStore open(String url, String username, String password, MeterRegistry registry) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(durable(url));
        if (username != null) {
            hc.setUsername(username);
        }
        if (password != null) {
            hc.setPassword(password);
        }
        hc.setPoolName(POOL_NAME);
        if (registry != null
                && registry.find("hikaricp.connections").tag("pool", POOL_NAME).meter() == null) {
            hc.setMetricRegistry(registry);
        }
        hc.setMaximumPoolSize(4);
        hc.setMinimumIdle(1);
        // Fail fast on the first connection so the caller decides: retry an unreachable store, stop on a refusal.
        hc.setInitializationFailTimeout(1);
        hc.setConnectionTimeout(10_000);
        String where = safeUrl(url);
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new IllegalStateException("facts store " + where + ": cannot connect: " + rootMessage(e), e);
        }
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations(FactsSchema.MIGRATIONS)
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw new IllegalStateException("facts store " + where + ": migration failed: " + e.getMessage(), e);
        }
        return new FactsStore(ds);
    }

    /** The JDBC URL without parameters ({@code ;...} or {@code ?...}), which may carry credentials. */
    public static String safeUrl(String url) {
        return url.split(";")[0].split("\\?")[0];
    }

    /** True when {@code e} says the database could not be reached (worth retrying), not that it refused us. */
    public static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException
                    || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.NoRouteToHostException) {
                return true;
            }
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("08")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** The innermost message of a failure, for one-line logs. */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.toString();
    }

    /** The pooled, migrated DataSource. */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * When this host last committed ({@code gateway_heartbeat.seen_at}) in epoch milliseconds, null when it never
     * did. The writer uses it to learn whether an attempt whose acknowledgement was lost did commit. Blocks.
     */
    public Long heartbeatMillis(String hostId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT seen_at FROM gateway_heartbeat WHERE host_id = ?")) {
            ps.setString(1, hostId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? rs.getObject(1, OffsetDateTime.class).toInstant().toEpochMilli()
                        : null;
            }
        }
    }

    /**
     * Closes the sessions a previous run left open with end_reason {@code platform_restart}, at the time that
     * host last wrote to the store (never before a session's start), else at {@code now}; static runs left open
     * are closed at their latest sample. When the host wrote a heartbeat before, records in the same transaction
     * a {@link PlatformGap.Cause#GATEWAY_DOWN} gap of every device of the host from that heartbeat to {@code now}
     * (none at a first start).
     *
     * @return number of sessions closed
     */
    public int closeLeftOpenSessions(String hostId, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            Instant at = now;
            boolean ranBefore = false;
            try (PreparedStatement ps = c.prepareStatement("SELECT seen_at FROM gateway_heartbeat WHERE host_id = ?")) {
                ps.setString(1, hostId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        at = rs.getObject(1, OffsetDateTime.class).toInstant();
                        ranBefore = true;
                    }
                }
            }
            if (ranBefore && at.isBefore(now)) {
                // the heartbeat is written with every flush, idle or not: from the last one to now nothing ran
                writeGaps(
                        c,
                        hostId,
                        List.of(new PlatformGap(
                                PlatformGap.Cause.GATEWAY_DOWN,
                                null,
                                null,
                                null,
                                at,
                                now,
                                0,
                                "gateway " + hostId + " not running (no heartbeat)")));
            }
            int closed = 0;
            for (String table : new String[] {"edge_session", "device_session"}) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
                        + " SET disconnected_at = CASE WHEN connected_at > ? THEN connected_at ELSE ? END,"
                        + " end_reason = 'platform_restart' WHERE disconnected_at IS NULL")) {
                    ps.setObject(1, odt(at.toEpochMilli()));
                    ps.setObject(2, odt(at.toEpochMilli()));
                    closed += ps.executeUpdate();
                }
            }
            // a run left open ends at its latest sample, which is what ended_at already holds
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE point_static_run SET is_open = FALSE WHERE is_open")) {
                ps.executeUpdate();
            }
            c.commit();
            return closed;
        }
    }

    /**
     * Writes one batch in a single transaction: session changes in order, declarations, then one additive
     * MERGE per touched minute/hour/day row, and the host's heartbeat. Blocks.
     *
     * @return number of rollup rows merged
     * @throws SQLException after rolling back; the batch is untouched and may be written again
     */
    public int write(FactsBatch toWrite, String hostId, long now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                FactsBatch batch = fenced(c, toWrite);
                writeSessions(c, batch.sessions());
                writeDeclarations(c, batch.declarations());
                int rows = 0;
                Map<Keys.PointKey, PointAgg> pointDays = POINT_ROLLUPS.days(batch.points());
                Map<Keys.DeviceKey, DeviceAgg> deviceDays = DEVICE_ROLLUPS.days(batch.devices());
                Map<Keys.StateKey, Long> stateDays = STATE_ROLLUPS.days(batch.stateMillis());
                rows += POINT_ROLLUPS.write(c, batch.points(), pointDays);
                rows += DEVICE_ROLLUPS.write(c, batch.devices(), deviceDays);
                rows += STATE_ROLLUPS.write(c, batch.stateMillis(), stateDays);
                writeRevisions(c, pointDays.keySet(), deviceDays.keySet(), stateDays.keySet());
                writeStaticRuns(c, batch.staticRuns());
                writeReceipts(c, batch.receipts());
                writeGaps(c, hostId, batch.gaps());
                writeActivity(c, activity(batch), now);
                writeHeartbeat(c, hostId, now);
                c.commit();
                afterCommit.run();
                return rows;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Width of {@code fact_quarantine.record_key} and {@code .reason} (V6__fact_quarantine.sql). */
    static final int QUARANTINE_TEXT_LENGTH = 1024;

    /**
     * True when {@code e} is the store refusing the data itself (SQLState class 22 data exception, e.g. 22001 value
     * too long, or 23 integrity constraint violation): writing the same records again can never succeed.
     */
    public static boolean isDataError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException n = sql; n != null; n = n.getNextException()) {
                    String state = n.getSQLState();
                    if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                        return true;
                    }
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** What {@link #writeIsolating} did: rollup rows merged and records moved to the quarantine. */
    public record IsolatedWrite(int rows, int quarantined) {}

    /**
     * Writes a batch the store refused for a data reason ({@link #isDataError}) record by record in one
     * transaction, each record under its own savepoint: a record the store refuses for a data reason is rolled
     * back to its savepoint and written to {@code fact_quarantine} instead; every other record, the receipts and
     * the heartbeat are committed. Blocks.
     *
     * @throws SQLException for any other failure, after rolling back the whole transaction
     */
    public IsolatedWrite writeIsolating(FactsBatch toWrite, String hostId, long now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                FactsBatch batch = fenced(c, toWrite);
                Isolator iso = new Isolator(c, now);
                for (SessionOp op : batch.sessions()) {
                    iso.runVoid("session", op::toString, GapScope.of(op), () -> writeSessions(c, List.of(op)));
                }
                for (PointDeclaration d : batch.declarations()) {
                    iso.runVoid(
                            "declaration",
                            d::toString,
                            GapScope.minute(d.groupId(), d.edgeNodeId(), d.deviceId(), d.birthAt()),
                            () -> writeDeclarations(c, List.of(d)));
                }
                POINT_ROLLUPS.writeEach(
                        iso,
                        c,
                        "point",
                        batch.points(),
                        k -> GapScope.minute(k.groupId(), null, k.deviceId(), k.bucket()),
                        days -> writeRevisions(c, days, Set.of(), Set.of()));
                DEVICE_ROLLUPS.writeEach(
                        iso,
                        c,
                        "device",
                        batch.devices(),
                        k -> GapScope.minute(k.groupId(), null, k.deviceId(), k.bucket()),
                        days -> writeRevisions(c, Set.of(), days, Set.of()));
                STATE_ROLLUPS.writeEach(
                        iso,
                        c,
                        "state",
                        batch.stateMillis(),
                        k -> GapScope.minute(k.groupId(), null, k.deviceId(), k.bucket()),
                        days -> writeRevisions(c, Set.of(), Set.of(), days));
                for (StaticRun r : batch.staticRuns()) {
                    iso.runVoid(
                            "static_run",
                            r::toString,
                            GapScope.of(r.groupId(), null, r.deviceId(), r.startedAt(), r.endedAt()),
                            () -> writeStaticRuns(c, List.of(r)));
                }
                for (EdgeReceipt r : batch.receipts()) {
                    iso.runVoid(
                            "receipt",
                            () -> r.groupId() + "/" + r.edgeNodeId() + " epoch " + r.epoch() + " ("
                                    + r.ranges().size() + " ranges)",
                            GapScope.minute(r.groupId(), r.edgeNodeId(), null, now),
                            () -> writeReceipts(c, List.of(r)));
                }
                for (PlatformGap g : batch.gaps()) {
                    iso.runVoid(
                            "gap",
                            g::toString,
                            GapScope.minute(null, null, null, now),
                            () -> writeGaps(c, hostId, List.of(g)));
                }
                for (Map.Entry<String, Long> a : activity(batch).entrySet()) {
                    iso.runVoid(
                            "activity",
                            () -> "group " + a.getKey(),
                            GapScope.minute(a.getKey(), null, null, now),
                            () -> writeActivity(c, Map.of(a.getKey(), a.getValue()), now));
                }
                iso.writeQuarantineGaps(hostId);
                writeHeartbeat(c, hostId, now);
                c.commit();
                return new IsolatedWrite(iso.rows, iso.quarantined);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    @FunctionalInterface
    private interface RowGroup {
        int write() throws SQLException;
    }

    @FunctionalInterface
    private interface VoidRowGroup {
        void write() throws SQLException;
    }

    @FunctionalInterface
    private interface RollUp<K, V> {
        Map<K, V> apply(Map<K, V> minutes, LongUnaryOperator trunc);
    }

    @FunctionalInterface
    private interface RollupWriter<K, V> {
        int write(Connection c, String table, Map<K, V> rows) throws SQLException;
    }

    @FunctionalInterface
    private interface DayRevisions<K> {
        void write(Set<K> days) throws SQLException;
    }

    /** One kind of minute rows with its hour and day rollups, in the tables {@code <prefix>_minute|hour|day}. */
    private record Rollups<K, V>(String tablePrefix, RollUp<K, V> rollUp, RollupWriter<K, V> writer) {
        Map<K, V> days(Map<K, V> minutes) {
            return rollUp.apply(minutes, Keys::day);
        }

        /** Writes the minute, hour and day rows; returns the rows written. */
        int write(Connection c, Map<K, V> minutes, Map<K, V> days) throws SQLException {
            int rows = writer.write(c, tablePrefix + "_minute", minutes);
            rows += writer.write(c, tablePrefix + "_hour", rollUp.apply(minutes, Keys::hour));
            rows += writer.write(c, tablePrefix + "_day", days);
            return rows;
        }

        /** Each minute row with its rollups and day revisions in its own row group of {@code iso}. */
        void writeEach(
                Isolator iso,
                Connection c,
                String kind,
                Map<K, V> minutes,
                java.util.function.Function<K, GapScope> scopeOf,
                DayRevisions<K> revisions)
                throws SQLException {
            for (Map.Entry<K, V> e : minutes.entrySet()) {
                Map<K, V> one = Map.of(e.getKey(), e.getValue());
                iso.run(kind, e.getKey()::toString, scopeOf.apply(e.getKey()), () -> {
                    Map<K, V> day = days(one);
                    int rows = write(c, one, day);
                    revisions.write(day.keySet());
                    return rows;
                });
            }
        }
    }

    private static final Rollups<Keys.PointKey, PointAgg> POINT_ROLLUPS =
            new Rollups<>("point", FactsStore::rollUp, FactsStore::writePoints);
    private static final Rollups<Keys.DeviceKey, DeviceAgg> DEVICE_ROLLUPS =
            new Rollups<>("device", FactsStore::rollUpDevices, FactsStore::writeDevices);
    private static final Rollups<Keys.StateKey, Long> STATE_ROLLUPS =
            new Rollups<>("point_state", FactsStore::rollUpStates, FactsStore::writeStates);

    /**
     * Which devices and which interval a quarantined record leaves without facts ({@link PlatformGap.Cause#QUARANTINE}):
     * an id that could not be stored anyway (too long, or a NUL character) widens the scope instead (device to
     * node, node to every device of the host). Times are epoch ms, {@code to} exclusive.
     */
    record GapScope(String groupId, String edgeNodeId, String deviceId, long from, long to) {
        static GapScope of(String group, String node, String device, long fromMs, long toMs) {
            if (!storable(group) || !storable(node)) {
                group = null;
                node = null;
            }
            if (!storable(device)) {
                device = null;
            }
            long from = Keys.minute(fromMs);
            return new GapScope(group, node, device, from, Math.max(from, Keys.minute(toMs)) + 60_000);
        }

        /** The UTC minute of {@code at}. */
        static GapScope minute(String group, String node, String device, long at) {
            return of(group, node, device, at, at);
        }

        static GapScope of(SessionOp op) {
            if (op instanceof SessionOp.OpenEdge o) {
                return minute(o.groupId(), o.edgeNodeId(), null, o.at());
            } else if (op instanceof SessionOp.CloseEdge o) {
                return minute(o.groupId(), o.edgeNodeId(), null, o.at());
            } else if (op instanceof SessionOp.OpenDevice o) {
                return minute(o.groupId(), o.edgeNodeId(), o.deviceId(), o.at());
            } else if (op instanceof SessionOp.CloseDevice o) {
                return minute(o.groupId(), o.edgeNodeId(), o.deviceId(), o.at());
            } else if (op instanceof SessionOp.HistoricalDevice o) {
                return of(o.groupId(), o.edgeNodeId(), o.deviceId(), o.from(), o.to());
            } else if (op instanceof SessionOp.CloseNodeDevices o) {
                return minute(o.groupId(), o.edgeNodeId(), null, o.at());
            }
            throw new IllegalArgumentException("unknown session change " + op);
        }

        private static boolean storable(String id) {
            return id != null && id.length() <= io.floorlink.sparkplug.Limits.MAX_ID_LENGTH && id.indexOf('\0') < 0;
        }

        GapScope everyDevice() {
            return new GapScope(null, null, null, from, to);
        }
    }

    /** Writes row groups under savepoints, quarantining those refused for a data reason. */
    private static final class Isolator {
        private final Connection c;
        private final long now;
        int rows;
        int quarantined;
        /** Quarantined records per scope, with the first one's kind and SQLState, for the platform_gap rows. */
        private final Map<GapScope, QuarantineGap> gaps = new java.util.LinkedHashMap<>();

        private static final class QuarantineGap {
            final String kind;
            final String sqlState;
            long records;

            QuarantineGap(String kind, String sqlState) {
                this.kind = kind;
                this.sqlState = sqlState;
            }
        }

        Isolator(Connection c, long now) {
            this.c = c;
            this.now = now;
        }

        void runVoid(String kind, java.util.function.Supplier<String> key, GapScope scope, VoidRowGroup group)
                throws SQLException {
            run(kind, key, scope, () -> {
                group.write();
                return 0;
            });
        }

        void run(String kind, java.util.function.Supplier<String> key, GapScope scope, RowGroup group)
                throws SQLException {
            java.sql.Savepoint sp = c.setSavepoint();
            try {
                rows += group.write();
                c.releaseSavepoint(sp);
            } catch (SQLException e) {
                if (!isDataError(e)) {
                    throw e;
                }
                c.rollback(sp);
                quarantine(kind, key.get(), scope, e);
            }
        }

        /**
         * One {@link PlatformGap.Cause#QUARANTINE} row per scope and interval; a row the store refuses too is
         * written for every device of the host instead, and if even that is refused only logged, so the gap of a
         * record never stops the commit of the others.
         */
        void writeQuarantineGaps(String hostId) throws SQLException {
            for (Map.Entry<GapScope, QuarantineGap> e : gaps.entrySet()) {
                GapScope s = e.getKey();
                QuarantineGap q = e.getValue();
                String detail = q.records + " " + q.kind + " record(s) refused by the store (SQLState " + q.sqlState
                        + "), kept in fact_quarantine";
                if (!tryGap(hostId, s, q.records, detail)
                        && !tryGap(hostId, s.everyDevice(), q.records, detail + "; scope widened")) {
                    log.error("could not record the quarantine gap of {} {} record(s) at {}", q.records, q.kind, s);
                }
            }
        }

        private boolean tryGap(String hostId, GapScope s, long records, String detail) throws SQLException {
            java.sql.Savepoint sp = c.setSavepoint();
            try {
                writeGaps(
                        c,
                        hostId,
                        List.of(new PlatformGap(
                                PlatformGap.Cause.QUARANTINE,
                                s.groupId(),
                                s.edgeNodeId(),
                                s.deviceId(),
                                Instant.ofEpochMilli(s.from()),
                                Instant.ofEpochMilli(s.to()),
                                records,
                                detail)));
                c.releaseSavepoint(sp);
                return true;
            } catch (SQLException e) {
                if (!isDataError(e)) {
                    throw e;
                }
                c.rollback(sp);
                return false;
            }
        }

        private void quarantine(String kind, String key, GapScope scope, SQLException e) throws SQLException {
            SQLException cause = e;
            for (SQLException n = e.getNextException(); n != null; n = n.getNextException()) {
                cause = n;
            }
            String state = String.valueOf(cause.getSQLState());
            gaps.computeIfAbsent(scope, s -> new QuarantineGap(kind, state)).records++;
            String reason = cause.getSQLState() + " " + cause.getMessage();
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO fact_quarantine (received_at, kind, record_key, reason) VALUES (?, ?, ?, ?)")) {
                ps.setObject(1, odt(now));
                ps.setString(2, kind);
                ps.setString(3, truncate(key));
                ps.setString(4, truncate(reason));
                ps.executeUpdate();
            }
            quarantined++;
            log.warn(
                    "facts store refused a {} record for a data reason, quarantined: {} ({})",
                    kind,
                    truncate(key),
                    reason);
        }

        private static String truncate(String s) {
            return s.length() <= QUARANTINE_TEXT_LENGTH ? s : s.substring(0, QUARANTINE_TEXT_LENGTH - 3) + "...";
        }
    }

    /** Records known platform gaps of this host ({@code platform_gap}). */
    static void writeGaps(Connection c, String hostId, List<PlatformGap> gaps) throws SQLException {
        if (gaps.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO platform_gap (host_id, cause, group_id,"
                + " edge_node_id, device_id, gap_from, gap_to, events, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (PlatformGap g : gaps) {
                ps.setString(1, hostId);
                ps.setString(2, g.cause().wireName());
                ps.setString(3, g.groupId());
                ps.setString(4, g.edgeNodeId());
                ps.setString(5, g.deviceId());
                ps.setObject(6, odt(g.from().toEpochMilli()));
                ps.setObject(7, odt(g.to().toEpochMilli()));
                ps.setLong(8, g.events());
                ps.setString(9, g.detail());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * The latest data time per group of a batch's rollups (V9 {@code group_activity}): a sample's source time where
     * the point row has one, else the start of the minute of its counts; sorted by group (one lock order).
     */
    static Map<String, Long> activity(FactsBatch batch) {
        Map<String, Long> out = new TreeMap<>();
        batch.points()
                .forEach((k, a) -> out.merge(
                        k.groupId(), a.valueCount > 0 ? Math.max(a.lastTs, k.bucket()) : k.bucket(), Math::max));
        batch.devices().keySet().forEach(k -> out.merge(k.groupId(), k.bucket(), Math::max));
        batch.stateMillis().keySet().forEach(k -> out.merge(k.groupId(), k.bucket(), Math::max));
        return out;
    }

    private static void writeActivity(Connection c, Map<String, Long> latest, long now) throws SQLException {
        if (latest.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(merge(
                "group_activity",
                new String[] {"group_id", "last_data_at", "last_stored_at"},
                new String[] {"group_id"},
                combine("last_data_at", "GREATEST") + ", " + combine("last_stored_at", "GREATEST")))) {
            for (Map.Entry<String, Long> e : latest.entrySet()) {
                ps.setString(1, e.getKey());
                ps.setObject(2, odt(e.getValue()));
                ps.setObject(3, odt(now));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void writeHeartbeat(Connection c, String hostId, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(merge(
                "gateway_heartbeat",
                new String[] {"host_id", "seen_at"},
                new String[] {"host_id"},
                "seen_at = s.seen_at"))) {
            ps.setString(1, hostId);
            ps.setObject(2, odt(now));
            ps.executeUpdate();
        }
    }

    private static final String[] STATE_COLUMNS = {
        "group_id", "device_id", "point_id", "bucket", "state_value", "millis"
    };
    private static final String[] STATE_KEY = {"group_id", "device_id", "point_id", "bucket", "state_value"};
    private static final String[] RUN_COLUMNS = {
        "group_id", "device_id", "point_id", "started_at", "ended_at", "static_value", "is_open"
    };

    private static Map<Keys.StateKey, Long> rollUpStates(Map<Keys.StateKey, Long> minutes, LongUnaryOperator trunc) {
        Map<Keys.StateKey, Long> out = new HashMap<>();
        minutes.forEach((k, v) -> out.merge(
                new Keys.StateKey(k.groupId(), k.deviceId(), k.pointId(), trunc.applyAsLong(k.bucket()), k.value()),
                v,
                Long::sum));
        return out;
    }

    private static int writeStates(Connection c, String table, Map<Keys.StateKey, Long> rows) throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps =
                c.prepareStatement(merge(table, STATE_COLUMNS, STATE_KEY, "millis = t.millis + s.millis"))) {
            for (Map.Entry<Keys.StateKey, Long> e : rows.entrySet()) {
                Keys.StateKey k = e.getKey();
                ps.setString(1, k.groupId());
                ps.setString(2, k.deviceId());
                ps.setString(3, k.pointId());
                ps.setObject(4, odt(k.bucket()));
                ps.setDouble(5, k.value());
                ps.setLong(6, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return rows.size();
    }

    /**
     * Raises fact_revision once per (device, UTC day) this transaction changes, so a collector that cached what it
     * derived from that day sees the change (V5).
     */
    private static void writeRevisions(
            Connection c, Set<Keys.PointKey> points, Set<Keys.DeviceKey> devices, Set<Keys.StateKey> states)
            throws SQLException {
        // Sorted: one lock order for every writer, like the rollup rows of a device.
        Set<Keys.DeviceKey> days = new TreeSet<>(Comparator.comparing(Keys.DeviceKey::groupId)
                .thenComparing(Keys.DeviceKey::deviceId)
                .thenComparingLong(Keys.DeviceKey::bucket));
        days.addAll(devices);
        points.forEach(k -> days.add(new Keys.DeviceKey(k.groupId(), k.deviceId(), k.bucket())));
        states.forEach(k -> days.add(new Keys.DeviceKey(k.groupId(), k.deviceId(), k.bucket())));
        if (days.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(merge(
                "fact_revision",
                new String[] {"group_id", "device_id", "bucket", "revision"},
                new String[] {"group_id", "device_id", "bucket"},
                "revision = t.revision + s.revision"))) {
            for (Keys.DeviceKey k : days) {
                ps.setString(1, k.groupId());
                ps.setString(2, k.deviceId());
                ps.setObject(3, odt(k.bucket()));
                ps.setLong(4, 1);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Upserts runs by (device, point, started_at) in order, so the latest version of a run wins. */
    private static void writeStaticRuns(Connection c, List<StaticRun> runs) throws SQLException {
        if (runs.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(merge(
                "point_static_run",
                RUN_COLUMNS,
                new String[] {"group_id", "device_id", "point_id", "started_at"},
                "ended_at = s.ended_at, static_value = s.static_value, is_open = s.is_open"))) {
            for (StaticRun r : runs) {
                ps.setString(1, r.groupId());
                ps.setString(2, r.deviceId());
                ps.setString(3, r.pointId());
                ps.setObject(4, odt(r.startedAt()));
                ps.setObject(5, odt(r.endedAt()));
                ps.setDouble(6, r.value());
                ps.setBoolean(7, r.open());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Replaces the stored ranges of each node in the list (any older epoch of the node goes with them). */
    private static void writeReceipts(Connection c, List<EdgeReceipt> receipts) throws SQLException {
        if (receipts.isEmpty()) {
            return;
        }
        try (PreparedStatement del =
                        c.prepareStatement("DELETE FROM edge_receipt WHERE group_id = ? AND edge_node_id = ?");
                PreparedStatement ins = c.prepareStatement("INSERT INTO edge_receipt (group_id, edge_node_id,"
                        + " buffer_epoch, rid_from, rid_to) VALUES (?, ?, ?, ?, ?)")) {
            for (EdgeReceipt r : receipts) {
                del.setString(1, r.groupId());
                del.setString(2, r.edgeNodeId());
                del.addBatch();
                for (long[] range : r.ranges()) {
                    ins.setString(1, r.groupId());
                    ins.setString(2, r.edgeNodeId());
                    ins.setString(3, r.epoch());
                    ins.setLong(4, range[0]);
                    ins.setLong(5, range[1]);
                    ins.addBatch();
                }
            }
            del.executeBatch();
            ins.executeBatch();
        }
    }

    /**
     * The received record ids per edge node, as stored by earlier runs, keyed {@code group/node}. Blocks.
     */
    public Map<String, RidRanges> loadReceipts() throws SQLException {
        return loadReceipts(null);
    }

    /**
     * The received record ids of the edge nodes of {@code group} (every group when null), keyed {@code group/node}.
     * Blocks.
     */
    public Map<String, RidRanges> loadReceipts(String group) throws SQLException {
        Map<String, RidRanges> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT group_id, edge_node_id, buffer_epoch, rid_from,"
                        + " rid_to FROM edge_receipt" + (group == null ? "" : " WHERE group_id = ?")
                        + " ORDER BY group_id, edge_node_id, rid_from")) {
            if (group != null) {
                ps.setString(1, group);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(1) + "/" + rs.getString(2);
                    String epoch = rs.getString(3);
                    RidRanges r = out.get(key);
                    if (r == null || !r.epoch().equals(epoch)) {
                        r = new RidRanges(epoch);
                        out.put(key, r);
                    }
                    r.addRange(rs.getLong(4), rs.getLong(5));
                }
            }
        }
        return out;
    }

    /**
     * Closes the sessions of {@code group} left open by the gateway that held it before (end_reason {@code
     * platform_restart}, at {@code at}) and ends its open static runs; for a gateway of a cluster taking a group
     * over. Blocks.
     *
     * @return number of sessions closed
     */
    public int closeLeftOpenSessions(String group, long at) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int closed = 0;
                for (String table : new String[] {"edge_session", "device_session"}) {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
                            + " SET disconnected_at = CASE WHEN connected_at > ? THEN connected_at ELSE ? END,"
                            + " end_reason = 'platform_restart' WHERE group_id = ? AND disconnected_at IS NULL")) {
                        ps.setObject(1, odt(at));
                        ps.setObject(2, odt(at));
                        ps.setString(3, group);
                        closed += ps.executeUpdate();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE point_static_run SET is_open = FALSE WHERE group_id = ? AND is_open")) {
                    ps.setString(1, group);
                    ps.executeUpdate();
                }
                c.commit();
                return closed;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * The hour or day rows of {@code minutes}. A row fed by one minute row only (a live batch touches a point in one
     * minute, mostly) is that minute's aggregate itself, shared and never changed; a new one is made only where two
     * or more minutes meet. At 100,000 points this saves two aggregates per point and batch, which lived as long as
     * the write and were promoted.
     */
    private static Map<Keys.PointKey, PointAgg> rollUp(Map<Keys.PointKey, PointAgg> minutes, LongUnaryOperator trunc) {
        Map<Keys.PointKey, PointAgg> out = new HashMap<>(minutes.size() * 4 / 3 + 1);
        java.util.Set<Keys.PointKey> owned = new java.util.HashSet<>();
        minutes.forEach((k, v) -> {
            Keys.PointKey key =
                    new Keys.PointKey(k.groupId(), k.deviceId(), k.pointId(), trunc.applyAsLong(k.bucket()));
            PointAgg had = out.putIfAbsent(key, v);
            if (had == null) {
                return;
            }
            if (owned.add(key)) {
                PointAgg sum = new PointAgg();
                sum.merge(had);
                sum.merge(v);
                out.put(key, sum);
            } else {
                had.merge(v);
            }
        });
        return out;
    }

    private static Map<Keys.DeviceKey, DeviceAgg> rollUpDevices(
            Map<Keys.DeviceKey, DeviceAgg> minutes, LongUnaryOperator trunc) {
        Map<Keys.DeviceKey, DeviceAgg> out = new HashMap<>();
        minutes.forEach((k, v) -> out.computeIfAbsent(
                        new Keys.DeviceKey(k.groupId(), k.deviceId(), trunc.applyAsLong(k.bucket())),
                        x -> new DeviceAgg())
                .merge(v));
        return out;
    }

    private static final String OPEN_EDGE =
            "INSERT INTO edge_session (group_id, edge_node_id, bd_seq, connected_at) VALUES (?, ?, ?, ?)";
    private static final String CLOSE_EDGE = "UPDATE edge_session SET disconnected_at = CASE WHEN connected_at > ?"
            + " THEN connected_at ELSE ? END, end_reason = ? WHERE group_id = ? AND edge_node_id = ?"
            + " AND disconnected_at IS NULL";
    private static final String OPEN_DEVICE = "INSERT INTO device_session (group_id, edge_node_id, device_id,"
            + " connected_at, historical) VALUES (?, ?, ?, ?, ?)";
    private static final String CLOSE_DEVICE = "UPDATE device_session SET disconnected_at = CASE WHEN connected_at"
            + " > ? THEN connected_at ELSE ? END, end_reason = ? WHERE group_id = ? AND edge_node_id = ?"
            + " AND device_id = ? AND disconnected_at IS NULL";
    private static final String CLOSE_NODE_DEVICES = "UPDATE device_session SET disconnected_at = CASE WHEN"
            + " connected_at > ? THEN connected_at ELSE ? END, end_reason = ? WHERE group_id = ? AND edge_node_id = ?"
            + " AND disconnected_at IS NULL";

    private static final String HISTORICAL_DEVICE = "INSERT INTO device_session (group_id, edge_node_id, device_id,"
            + " connected_at, disconnected_at, end_reason, historical) VALUES (?, ?, ?, ?, ?, ?, TRUE)";

    private static String sqlOf(SessionOp op) {
        if (op instanceof SessionOp.HistoricalDevice) {
            return HISTORICAL_DEVICE;
        }
        if (op instanceof SessionOp.OpenEdge) {
            return OPEN_EDGE;
        } else if (op instanceof SessionOp.CloseEdge) {
            return CLOSE_EDGE;
        } else if (op instanceof SessionOp.OpenDevice) {
            return OPEN_DEVICE;
        } else if (op instanceof SessionOp.CloseDevice) {
            return CLOSE_DEVICE;
        }
        return CLOSE_NODE_DEVICES;
    }

    /** Runs of consecutive operations of one kind go out as one JDBC batch; order is kept across runs. */
    private static void writeSessions(Connection c, List<SessionOp> ops) throws SQLException {
        int i = 0;
        while (i < ops.size()) {
            String sql = sqlOf(ops.get(i));
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                while (i < ops.size() && sqlOf(ops.get(i)).equals(sql)) {
                    bindSession(ps, ops.get(i));
                    ps.addBatch();
                    i++;
                }
                ps.executeBatch();
            }
        }
    }

    private static void bindSession(PreparedStatement ps, SessionOp op) throws SQLException {
        if (op instanceof SessionOp.OpenEdge o) {
            ps.setString(1, o.groupId());
            ps.setString(2, o.edgeNodeId());
            setLong(ps, 3, o.bdSeq());
            ps.setObject(4, odt(o.at()));
        } else if (op instanceof SessionOp.CloseEdge o) {
            bindClose(ps, o.at(), o.reason(), o.groupId(), o.edgeNodeId());
        } else if (op instanceof SessionOp.OpenDevice o) {
            ps.setString(1, o.groupId());
            ps.setString(2, o.edgeNodeId());
            ps.setString(3, o.deviceId());
            ps.setObject(4, odt(o.at()));
            ps.setBoolean(5, o.historical());
        } else if (op instanceof SessionOp.CloseDevice o) {
            bindClose(ps, o.at(), o.reason(), o.groupId(), o.edgeNodeId());
            ps.setString(6, o.deviceId());
        } else if (op instanceof SessionOp.CloseNodeDevices o) {
            bindClose(ps, o.at(), o.reason(), o.groupId(), o.edgeNodeId());
        } else if (op instanceof SessionOp.HistoricalDevice o) {
            ps.setString(1, o.groupId());
            ps.setString(2, o.edgeNodeId());
            ps.setString(3, o.deviceId());
            ps.setObject(4, odt(o.from()));
            ps.setObject(5, odt(o.to()));
            ps.setString(6, o.reason());
        }
    }

    private static void bindClose(PreparedStatement ps, long at, String reason, String group, String node)
            throws SQLException {
        ps.setObject(1, odt(at));
        ps.setObject(2, odt(at));
        ps.setString(3, reason);
        ps.setString(4, group);
        ps.setString(5, node);
    }

    private static final String[] DECL_COLUMNS = {
        "group_id",
        "edge_node_id",
        "device_id",
        "point_id",
        "datatype",
        "category",
        "unit",
        "interval_ms",
        "eng_low",
        "eng_high",
        "first_seen",
        "last_birth"
    };

    private static void writeDeclarations(Connection c, List<PointDeclaration> decls) throws SQLException {
        if (decls.isEmpty()) {
            return;
        }
        String sql = merge(
                "point_declaration",
                DECL_COLUMNS,
                new String[] {"group_id", "device_id", "point_id"},
                "edge_node_id = s.edge_node_id, datatype = s.datatype, category = s.category,"
                        + " unit = s.unit, interval_ms = s.interval_ms, eng_low = s.eng_low, eng_high = s.eng_high,"
                        + " last_birth = s.last_birth");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (PointDeclaration d : decls) {
                ps.setString(1, d.groupId());
                ps.setString(2, d.edgeNodeId());
                ps.setString(3, d.deviceId());
                ps.setString(4, d.pointId());
                ps.setInt(5, d.datatype());
                setString(ps, 6, d.category());
                setString(ps, 7, d.unit());
                setLong(ps, 8, d.intervalMs());
                setDouble(ps, 9, d.engLow());
                setDouble(ps, 10, d.engHigh());
                ps.setObject(11, odt(d.birthAt()));
                ps.setObject(12, odt(d.birthAt()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static int writePoints(Connection c, String table, Map<Keys.PointKey, PointAgg> rows) throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        StringBuilder set = new StringBuilder();
        for (String col : new String[] {
            "samples", "good", "bad", "uncertain", "historical", "value_count", "latency_count", "latency_sum_ms"
        }) {
            set.append(col)
                    .append(" = t.")
                    .append(col)
                    .append(" + s.")
                    .append(col)
                    .append(", ");
        }
        for (int i = 0; i < FactsSchema.LATENCY_BUCKETS; i++) {
            String col = FactsSchema.latencyColumn(i);
            set.append(col)
                    .append(" = t.")
                    .append(col)
                    .append(" + s.")
                    .append(col)
                    .append(", ");
        }
        set.append("value_sum = COALESCE(t.value_sum + s.value_sum, t.value_sum, s.value_sum), ");
        set.append("value_increase = COALESCE(t.value_increase + s.value_increase, t.value_increase,"
                + " s.value_increase), ");
        set.append(combine("value_min", "LEAST")).append(", ");
        set.append(combine("value_max", "GREATEST")).append(", ");
        set.append(combine("latency_min_ms", "LEAST")).append(", ");
        set.append(combine("latency_max_ms", "GREATEST")).append(", ");
        set.append("value_last = CASE WHEN t.last_ts IS NULL OR s.last_ts >= t.last_ts THEN s.value_last")
                .append(" ELSE t.value_last END, ");
        set.append(combine("last_ts", "GREATEST"));
        String updateSet = set.toString();
        int chunk = Math.min(MERGE_ROWS, rows.size());
        PreparedStatement full = c.prepareStatement(merge(table, POINT_COLUMNS, POINT_KEY, updateSet, chunk));
        try {
            int n = 0;
            int p = 1;
            int left = rows.size();
            PreparedStatement ps = full;
            for (Map.Entry<Keys.PointKey, PointAgg> e : rows.entrySet()) {
                p = bindPoint(ps, p, e.getKey(), e.getValue());
                if (++n == chunk) {
                    ps.addBatch();
                    left -= n;
                    n = 0;
                    p = 1;
                    if (left > 0 && left < chunk) {
                        // the rest in one statement of its own size
                        ps.executeBatch();
                        if (ps != full) {
                            ps.close();
                        }
                        chunk = left;
                        ps = c.prepareStatement(merge(table, POINT_COLUMNS, POINT_KEY, updateSet, chunk));
                    }
                }
            }
            ps.executeBatch();
            if (ps != full) {
                ps.close();
            }
        } finally {
            full.close();
        }
        return rows.size();
    }

    /** Binds one point row from parameter {@code p} on; returns the next parameter index. */
    private static int bindPoint(PreparedStatement ps, int p, Keys.PointKey k, PointAgg a) throws SQLException {
        ps.setString(p++, k.groupId());
        ps.setString(p++, k.deviceId());
        ps.setString(p++, k.pointId());
        ps.setObject(p++, odt(k.bucket()));
        ps.setLong(p++, a.samples);
        ps.setLong(p++, a.good);
        ps.setLong(p++, a.bad);
        ps.setLong(p++, a.uncertain);
        ps.setLong(p++, a.historical);
        boolean values = a.valueCount > 0;
        setDouble(ps, p++, values ? a.min : null);
        setDouble(ps, p++, values ? a.max : null);
        setDouble(ps, p++, values ? a.sum : null);
        ps.setLong(p++, a.valueCount);
        setDouble(ps, p++, values ? a.last : null);
        if (values) {
            ps.setObject(p++, odt(a.lastTs));
        } else {
            ps.setNull(p++, Types.TIMESTAMP_WITH_TIMEZONE);
        }
        setDouble(ps, p++, Double.isNaN(a.increase) ? null : a.increase);
        ps.setLong(p++, a.latencyCount);
        ps.setLong(p++, a.latencySum);
        setLong(ps, p++, a.latencyCount > 0 ? a.latencyMin : null);
        setLong(ps, p++, a.latencyCount > 0 ? a.latencyMax : null);
        for (int i = 0; i < FactsSchema.LATENCY_BUCKETS; i++) {
            ps.setLong(p++, a.lat[i]);
        }
        return p;
    }

    private static int writeDevices(Connection c, String table, Map<Keys.DeviceKey, DeviceAgg> rows)
            throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        String sql = merge(
                table,
                DEVICE_COLUMNS,
                DEVICE_KEY,
                "reads_ok = t.reads_ok + s.reads_ok, reads_failed = t.reads_failed + s.reads_failed");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Map.Entry<Keys.DeviceKey, DeviceAgg> e : rows.entrySet()) {
                ps.setString(1, e.getKey().groupId());
                ps.setString(2, e.getKey().deviceId());
                ps.setObject(3, odt(e.getKey().bucket()));
                ps.setLong(4, e.getValue().readsOk);
                ps.setLong(5, e.getValue().readsFailed);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return rows.size();
    }

    /** Null-safe min/max: LEAST/GREATEST return NULL on a NULL argument in some databases, so fall back. */
    private static String combine(String col, String fn) {
        return col + " = COALESCE(" + fn + "(t." + col + ", s." + col + "), t." + col + ", s." + col + ")";
    }

    /** Standard MERGE (H2 2.x and PostgreSQL 15+) of one VALUES row per statement. */
    static String merge(String table, String[] columns, String[] key, String updateSet) {
        return merge(table, columns, key, updateSet, 1);
    }

    /**
     * Standard MERGE of {@code rows} VALUES rows per statement (their keys must differ): one statement execution
     * for many rows costs the database far less than as many single-row executions.
     */
    static String merge(String table, String[] columns, String[] key, String updateSet, int rows) {
        String cols = String.join(", ", columns);
        StringBuilder sql = new StringBuilder("MERGE INTO ").append(table).append(" t USING (VALUES ");
        for (int r = 0; r < rows; r++) {
            sql.append(r == 0 ? "(" : ", (");
            for (int i = 0; i < columns.length; i++) {
                // PostgreSQL types NULL parameters in VALUES as text; the casts keep every column typed.
                sql.append(i == 0 ? "" : ", ")
                        .append("CAST(? AS ")
                        .append(sqlType(columns[i]))
                        .append(')');
            }
            sql.append(')');
        }
        sql.append(") AS s(").append(cols).append(") ON (");
        for (int i = 0; i < key.length; i++) {
            sql.append(i == 0 ? "" : " AND ")
                    .append("t.")
                    .append(key[i])
                    .append(" = s.")
                    .append(key[i]);
        }
        sql.append(") WHEN MATCHED THEN UPDATE SET ").append(updateSet);
        sql.append(" WHEN NOT MATCHED THEN INSERT (").append(cols).append(") VALUES (");
        for (int i = 0; i < columns.length; i++) {
            sql.append(i == 0 ? "" : ", ").append("s.").append(columns[i]);
        }
        return sql.append(")").toString();
    }

    private static String sqlType(String column) {
        return switch (column) {
            case "device_id", "point_id", "group_id", "edge_node_id", "host_id" -> "VARCHAR(256)";
            case "category", "unit" -> "VARCHAR(32)";
            case "bucket",
                    "last_ts",
                    "first_seen",
                    "last_birth",
                    "seen_at",
                    "started_at",
                    "ended_at",
                    "last_data_at",
                    "last_stored_at",
                    "built_at" -> "TIMESTAMP" + " WITH TIME ZONE";
            case "hours", "days", "minutes" -> "BYTEA";
            case "value_min",
                    "value_max",
                    "value_sum",
                    "value_last",
                    "value_increase",
                    "eng_low",
                    "eng_high",
                    "state_value",
                    "static_value" -> "DOUBLE PRECISION";
            case "is_open" -> "BOOLEAN";
            case "datatype" -> "INTEGER";
            default -> "BIGINT";
        };
    }

    private static String[] pointColumns() {
        List<String> cols = new ArrayList<>(List.of(
                "group_id",
                "device_id",
                "point_id",
                "bucket",
                "samples",
                "good",
                "bad",
                "uncertain",
                "historical",
                "value_min",
                "value_max",
                "value_sum",
                "value_count",
                "value_last",
                "last_ts",
                "value_increase",
                "latency_count",
                "latency_sum_ms",
                "latency_min_ms",
                "latency_max_ms"));
        for (int i = 0; i < FactsSchema.LATENCY_BUCKETS; i++) {
            cols.add(FactsSchema.latencyColumn(i));
        }
        return cols.toArray(String[]::new);
    }

    static OffsetDateTime odt(long epochMs) {
        return Instant.ofEpochMilli(epochMs).atOffset(ZoneOffset.UTC);
    }

    private static void setString(PreparedStatement ps, int i, String v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.VARCHAR);
        } else {
            ps.setString(i, v);
        }
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    /** Closes the pool. */
    @Override
    public void close() {
        dataSource.close();
        log.debug("facts store closed");
    }

    /**
     * An H2 file URL with {@code WRITE_DELAY=0} unless it sets one: H2 writes a commit to the file up to 500 ms after
     * it returns by default, and a receipt published after the commit must not name facts that a kill -9 of the
     * gateway can still take away. An embedded H2 file URL also gets {@code DB_CLOSE_ON_EXIT=FALSE} unless it sets it: H2's
     * own shutdown hook would otherwise close the database while the gateway's hook (SIGTERM, Ctrl-C) still writes
     * its final flush, which then fails and is lost; the store closes the database itself in {@link #close()}. Not
     * with {@code AUTO_SERVER=TRUE} (then H2's hook stays). Other URLs are returned unchanged.
     */
    static String durable(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return url;
        }
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        String out = url;
        // embedded file databases only: not a server's (tcp:, ssl:) nor with AUTO_SERVER, whose other processes'
        // connections through its server then open an empty database
        if (url.startsWith("jdbc:h2:file:")
                && !upper.contains(";DB_CLOSE_ON_EXIT=")
                && !upper.contains(";AUTO_SERVER=TRUE")) {
            out += ";DB_CLOSE_ON_EXIT=FALSE";
        }
        if (!url.startsWith("jdbc:h2:mem:") && !upper.contains(";WRITE_DELAY=")) {
            out += ";WRITE_DELAY=0";
        }
        return out;
    }
}
