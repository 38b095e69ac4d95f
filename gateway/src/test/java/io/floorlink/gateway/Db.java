package io.floorlink.gateway;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Plain JDBC reads for assertions: timestamps come back as {@link Instant}s, column names in lower case, and
 * {@link Instant} parameters are bound as UTC timestamps.
 */
public final class Db {
    private Db() {}

    /** All rows of {@code sql}; opens and closes a connection of {@code ds}. */
    public static List<Map<String, Object>> rows(DataSource ds, String sql, Object... params) {
        try (Connection c = ds.getConnection()) {
            return rows(c, sql, params);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** All rows of {@code sql} on {@code c}, which stays open. */
    public static List<Map<String, Object>> rows(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i] instanceof Instant in ? in.atOffset(ZoneOffset.UTC) : params[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        if (v instanceof OffsetDateTime odt) {
                            v = odt.toInstant();
                        } else if (v != null && v.getClass().getName().contains("Timestamp")) {
                            v = rs.getObject(i, OffsetDateTime.class).toInstant();
                        }
                        row.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), v);
                    }
                    out.add(row);
                }
            }
            return out;
        }
    }

    static Map<String, Object> one(DataSource ds, String sql, Object... params) {
        List<Map<String, Object>> rows = rows(ds, sql, params);
        if (rows.size() != 1) {
            throw new AssertionError("expected one row but got " + rows + " for " + sql);
        }
        return rows.get(0);
    }

    static long count(DataSource ds, String sql, Object... params) {
        return ((Number) one(ds, sql, params).values().iterator().next()).longValue();
    }
}
