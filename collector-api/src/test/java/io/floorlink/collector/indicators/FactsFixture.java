package io.floorlink.collector.indicators;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;

/** A real H2 facts store migrated with the gateway's Flyway scripts, and plain-SQL inserts of known facts. */
public final class FactsFixture {
    private final DataSource dataSource;

    private FactsFixture(DataSource dataSource) {
        this.dataSource = dataSource;
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
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        return new FactsFixture(ds);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** A device_session; {@code to} null leaves it open. */
    public FactsFixture session(String device, Instant from, Instant to) {
        return exec(
                "INSERT INTO device_session (group_id, edge_node_id, device_id, connected_at, disconnected_at,"
                        + " end_reason) VALUES ('ENT001', 'edge-01', ?, ?, ?, ?)",
                device,
                utc(from),
                to == null ? null : utc(to),
                to == null ? null : "ddeath");
    }

    /** A point_minute row with {@code good} good samples (and nothing else). */
    public FactsFixture pointMinute(String device, String point, Instant bucket, long good) {
        return exec(
                "INSERT INTO point_minute (device_id, point_id, bucket, samples, good, bad, uncertain, historical,"
                        + " value_count, latency_count, latency_sum_ms, lat_b00, lat_b01, lat_b02, lat_b03, lat_b04,"
                        + " lat_b05, lat_b06, lat_b07, lat_b08, lat_b09, lat_b10, lat_b11, lat_b12, lat_b13, lat_b14,"
                        + " lat_b15) VALUES (?, ?, ?, ?, ?, 0, 0, 0, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,"
                        + " 0, 0, 0)",
                device,
                point,
                utc(bucket),
                good,
                good,
                good);
    }

    /** A device_minute row. */
    public FactsFixture deviceMinute(String device, Instant bucket, long readsOk, long readsFailed) {
        return exec(
                "INSERT INTO device_minute (device_id, bucket, reads_ok, reads_failed) VALUES (?, ?, ?, ?)",
                device,
                utc(bucket),
                readsOk,
                readsFailed);
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

    private static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
