package io.floorlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Migration V8 (facts keyed by group) on a store written by V1..V7, on H2 and, when {@code
 * FLOORLINK_IT_POSTGRES_URL} is set, on PostgreSQL (in a schema of its own): every row survives with the group of its
 * device, quarantine gaps get their group, and the same device id can then be stored in two groups.
 */
class MigrationV8IT {
    private static final String PG_ENV = "FLOORLINK_IT_POSTGRES_URL";
    private static final List<String> ROLLUPS = List.of(
            "point_minute",
            "point_hour",
            "point_day",
            "point_state_minute",
            "point_state_hour",
            "point_state_day",
            "device_minute",
            "device_hour",
            "device_day",
            "point_static_run",
            "fact_revision");

    static Stream<String> stores() {
        return Stream.of("h2", "postgresql");
    }

    private static HikariDataSource open(String store) throws SQLException {
        HikariConfig hc = new HikariConfig();
        hc.setMaximumPoolSize(2);
        if (store.equals("postgresql")) {
            String url = System.getenv(PG_ENV);
            assumeThat(url).as("PostgreSQL migration skipped: set " + PG_ENV).isNotBlank();
            String schema = "v8_" + UUID.randomUUID().toString().replace("-", "");
            hc.setJdbcUrl(url);
            try (HikariDataSource admin = new HikariDataSource(hc);
                    Connection c = admin.getConnection();
                    Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + schema);
            }
            hc = new HikariConfig();
            hc.setMaximumPoolSize(2);
            hc.setJdbcUrl(url);
            hc.setConnectionInitSql("SET search_path TO " + schema);
            hc.setSchema(schema);
        } else {
            hc.setJdbcUrl("jdbc:h2:mem:v8-" + UUID.randomUUID()
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
            hc.setUsername("sa");
        }
        return new HikariDataSource(hc);
    }

    private static Flyway flyway(HikariDataSource ds, String target) {
        var config = Flyway.configure().dataSource(ds).locations("classpath:db/migration");
        if (ds.getSchema() != null) {
            config = config.schemas(ds.getSchema());
        }
        return (target == null ? config : config.target(target)).load();
    }

    @ParameterizedTest
    @MethodSource("stores")
    void factsWrittenBeforeV8KeepEveryRowUnderTheGroupOfTheirDevice(String store) throws Exception {
        try (HikariDataSource ds = open(store)) {
            flyway(ds, "7").migrate();
            try (Connection c = ds.getConnection()) {
                writeLegacyFacts(c);
            }
            Map<String, Long> before = counts(ds);

            flyway(ds, null).migrate();

            assertThat(counts(ds)).as("no row lost or added").isEqualTo(before);
            for (String table : ROLLUPS) {
                assertThat(Db.rows(ds, "SELECT DISTINCT group_id, device_id FROM " + table + " ORDER BY device_id"))
                        .as(table)
                        .containsExactly(
                                Map.of("group_id", "ENT-B", "device_id", "IMM-01"),
                                Map.of("group_id", "", "device_id", "ORPHAN"),
                                Map.of("group_id", "ENT-A", "device_id", "SEW-01"));
                assertThat(primaryKey(ds, table)).as(table + " key").startsWith("group_id", "device_id");
            }
            assertThat(Db.one(
                            ds, "SELECT samples, value_increase, lat_b15 FROM point_minute WHERE device_id = 'SEW-01'"))
                    .as("columns copied by name, V4's appended value_increase included")
                    .isEqualTo(Map.of("samples", 7L, "value_increase", 3.5, "lat_b15", 2L));
            assertThat(primaryKey(ds, "point_declaration")).containsExactly("group_id", "device_id", "point_id");
            assertThat(Db.rows(ds, "SELECT cause, group_id FROM platform_gap ORDER BY cause"))
                    .as("a quarantine gap of a device gets its group; a host-wide gap stays without one")
                    .containsExactly(
                            mapOf("cause", "gateway_down", "group_id", null),
                            Map.of("cause", "quarantine", "group_id", "ENT-A"));
            assertThat(indexColumns(ds, "device_session", "device_session_device"))
                    .containsExactly("group_id", "device_id", "connected_at");

            try (Connection c = ds.getConnection()) {
                c.createStatement()
                        .execute("INSERT INTO point_declaration (group_id, edge_node_id, device_id, point_id, datatype,"
                                + " first_seen, last_birth) VALUES ('ENT-B', 'edge-01', 'SEW-01', 'temp', 10, "
                                + ts() + ", " + ts() + ")");
                c.createStatement().execute(deviceMinute("ENT-B", "SEW-01"));
                assertThatThrownBy(() -> c.createStatement().execute(deviceMinute("ENT-A", "SEW-01")))
                        .as("the key is (group, device, bucket)")
                        .isInstanceOf(SQLException.class);
            }
            assertThat(Db.count(ds, "SELECT COUNT(*) FROM point_declaration WHERE device_id = 'SEW-01'"))
                    .isEqualTo(2);
        }
    }

    private static Map<String, Object> mapOf(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new TreeMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    private static String ts() {
        return "TIMESTAMP WITH TIME ZONE '2026-03-04 09:00:00+00'";
    }

    private static String deviceMinute(String group, String device) {
        return "INSERT INTO device_minute (group_id, device_id, bucket, reads_ok, reads_failed) VALUES ('" + group
                + "', '" + device + "', " + ts() + ", 1, 0)";
    }

    /** Facts as V7 stored them: SEW-01 declared by ENT-A, IMM-01 only in a session of ENT-B, ORPHAN in neither. */
    private static void writeLegacyFacts(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("INSERT INTO point_declaration (group_id, edge_node_id, device_id, point_id, datatype,"
                    + " first_seen, last_birth) VALUES ('ENT-A', 'edge-01', 'SEW-01', 'temp', 10, " + ts() + ", "
                    + ts() + ")");
            st.execute("INSERT INTO device_session (group_id, edge_node_id, device_id, connected_at) VALUES"
                    + " ('ENT-A', 'edge-01', 'SEW-01', " + ts() + ")");
            st.execute("INSERT INTO device_session (group_id, edge_node_id, device_id, connected_at) VALUES"
                    + " ('ENT-B', 'edge-02', 'IMM-01', " + ts() + ")");
            st.execute("INSERT INTO platform_gap (host_id, cause, device_id, gap_from, gap_to, events) VALUES"
                    + " ('h', 'quarantine', 'SEW-01', " + ts() + ", " + ts() + ", 1)");
            st.execute("INSERT INTO platform_gap (host_id, cause, gap_from, gap_to, events) VALUES"
                    + " ('h', 'gateway_down', " + ts() + ", " + ts() + ", 0)");
            for (String device : List.of("SEW-01", "IMM-01", "ORPHAN")) {
                String lat = String.join(", ", latColumns());
                for (String level : List.of("minute", "hour", "day")) {
                    st.execute("INSERT INTO point_" + level + " (device_id, point_id, bucket, samples, good, bad,"
                            + " uncertain, historical, value_count, latency_count, latency_sum_ms, value_increase, "
                            + lat + ") VALUES ('" + device + "', 'temp', " + ts() + ", 7, 7, 0, 0, 0, 7, 2, 10, 3.5, "
                            + "0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2)");
                    st.execute("INSERT INTO point_state_" + level + " (device_id, point_id, bucket, state_value,"
                            + " millis) VALUES ('" + device + "', 'mode', " + ts() + ", 1, 60000)");
                    st.execute("INSERT INTO device_" + level + " (device_id, bucket, reads_ok, reads_failed) VALUES ('"
                            + device + "', " + ts() + ", 5, 1)");
                }
                st.execute("INSERT INTO point_static_run (device_id, point_id, started_at, ended_at, static_value,"
                        + " is_open) VALUES ('" + device + "', 'temp', " + ts() + ", " + ts() + ", 1.5, FALSE)");
                st.execute("INSERT INTO fact_revision (device_id, bucket, revision) VALUES ('" + device + "', " + ts()
                        + ", 3)");
            }
        }
    }

    private static List<String> latColumns() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            out.add(String.format("lat_b%02d", i));
        }
        return out;
    }

    private static Map<String, Long> counts(HikariDataSource ds) {
        Map<String, Long> out = new TreeMap<>();
        for (String table : Stream.concat(
                        ROLLUPS.stream(), Stream.of("point_declaration", "device_session", "platform_gap"))
                .toList()) {
            out.put(table, Db.count(ds, "SELECT COUNT(*) FROM " + table));
        }
        return out;
    }

    private static List<String> primaryKey(HikariDataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection();
                ResultSet rs = c.getMetaData().getPrimaryKeys(null, ds.getSchema(), table)) {
            Map<Short, String> byPosition = new TreeMap<>();
            while (rs.next()) {
                byPosition.put(
                        rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME").toLowerCase());
            }
            return List.copyOf(byPosition.values());
        }
    }

    private static List<String> indexColumns(HikariDataSource ds, String table, String index) throws SQLException {
        try (Connection c = ds.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            Map<Short, String> byPosition = new TreeMap<>();
            try (ResultSet rs = md.getIndexInfo(null, ds.getSchema(), table, false, false)) {
                while (rs.next()) {
                    if (index.equalsIgnoreCase(rs.getString("INDEX_NAME"))) {
                        byPosition.put(
                                rs.getShort("ORDINAL_POSITION"),
                                rs.getString("COLUMN_NAME").toLowerCase());
                    }
                }
            }
            return List.copyOf(byPosition.values());
        }
    }
}
