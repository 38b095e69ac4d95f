package io.floorlink.gateway.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The {@code group_lease} and {@code gateway_instance} tables (migration V11): taking, renewing, releasing and
 * fencing leases of Sparkplug groups. Every change is one conditional statement, so two instances can never both
 * take a group; times are the database's clock. Thread-safe (each call uses its own connection); every method
 * blocks on the database.
 */
public final class GroupLeases {
    /** The database's clock in epoch milliseconds (H2 and PostgreSQL). */
    static final String NOW_MS = "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT)";

    /** One row of {@code group_lease}, read for choosing what to take; {@code now} is the database's clock. */
    public record Lease(String groupId, String ownerId, long epoch, long expiresAt, long now) {
        /** Whether nobody holds it now. */
        public boolean expired() {
            return expiresAt <= now;
        }

        /** Given up on purpose ({@link #release}) rather than left to expire by an instance that stopped renewing. */
        public boolean released() {
            return expiresAt == 0;
        }
    }

    private final DataSource ds;

    public GroupLeases(DataSource ds) {
        this.ds = ds;
    }

    /**
     * Takes {@code group} for {@code owner} when it is free: absent, released or expired. The epoch grows by one
     * with every acquisition (also when the previous owner was {@code owner} itself).
     *
     * @param ttlMs how long the lease lasts without renewal, milliseconds
     * @return the new epoch, empty when another instance holds the group
     */
    public OptionalLong acquire(String group, String owner, long ttlMs) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                int taken;
                try (PreparedStatement ps = c.prepareStatement("UPDATE group_lease SET owner_id = ?, epoch = epoch + 1,"
                        + " expires_at = " + NOW_MS + " + ?, acquired_at = " + NOW_MS
                        + " WHERE group_id = ? AND expires_at <= " + NOW_MS)) {
                    ps.setString(1, owner);
                    ps.setLong(2, ttlMs);
                    ps.setString(3, group);
                    taken = ps.executeUpdate();
                }
                if (taken == 0) {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO group_lease (group_id, owner_id, epoch,"
                            + " expires_at, acquired_at) SELECT ?, ?, 1, " + NOW_MS + " + ?, " + NOW_MS
                            + " FROM (VALUES (1)) AS one (x)"
                            + " WHERE NOT EXISTS (SELECT 1 FROM group_lease WHERE group_id = ?)")) {
                        ps.setString(1, group);
                        ps.setString(2, owner);
                        ps.setLong(3, ttlMs);
                        ps.setString(4, group);
                        taken = ps.executeUpdate();
                    } catch (SQLException e) {
                        if (isDuplicate(e)) {
                            // another instance inserted it between our statements: it is theirs
                            c.rollback();
                            return OptionalLong.empty();
                        }
                        throw e;
                    }
                }
                if (taken == 0) {
                    c.rollback();
                    return OptionalLong.empty();
                }
                // under the row lock this transaction holds: no other instance can have changed it
                try (PreparedStatement ps =
                        c.prepareStatement("SELECT epoch FROM group_lease WHERE group_id = ? AND owner_id = ?")) {
                    ps.setString(1, group);
                    ps.setString(2, owner);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new SQLException("lease of " + group + " vanished while taking it");
                        }
                        long epoch = rs.getLong(1);
                        c.commit();
                        return OptionalLong.of(epoch);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Extends a lease {@code owner} holds with {@code epoch} by {@code ttlMs} from now.
     *
     * @return false when the lease has expired or another instance has taken it: it is lost
     */
    public boolean renew(String group, String owner, long epoch, long ttlMs) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE group_lease SET expires_at = " + NOW_MS + " + ?"
                        + " WHERE group_id = ? AND owner_id = ? AND epoch = ? AND expires_at > " + NOW_MS)) {
            ps.setLong(1, ttlMs);
            ps.setString(2, group);
            ps.setString(3, owner);
            ps.setLong(4, epoch);
            return ps.executeUpdate() == 1;
        }
    }

    /** Gives a lease up at once (another instance may take it right away); nothing when it is not held so. */
    public void release(String group, String owner, long epoch) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE group_lease SET expires_at = 0"
                        + " WHERE group_id = ? AND owner_id = ? AND epoch = ?")) {
            ps.setString(1, group);
            ps.setString(2, owner);
            ps.setLong(3, epoch);
            ps.executeUpdate();
        }
    }

    /**
     * Inside the caller's transaction on {@code c}: which of {@code epochs} (group to epoch) {@code owner} still
     * holds unexpired. Each confirmed lease row stays locked until that transaction ends, so a takeover waits for
     * it and then reads what it committed; a takeover that committed first makes the row fail the check.
     *
     * @return the confirmed groups
     */
    public static Set<String> confirm(Connection c, String owner, Map<String, Long> epochs) throws SQLException {
        Set<String> confirmed = new HashSet<>();
        if (epochs.isEmpty()) {
            return confirmed;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE group_lease SET epoch = epoch"
                + " WHERE group_id = ? AND owner_id = ? AND epoch = ? AND expires_at > " + NOW_MS)) {
            for (Map.Entry<String, Long> e : epochs.entrySet()) {
                ps.setString(1, e.getKey());
                ps.setString(2, owner);
                ps.setLong(3, e.getValue());
                if (ps.executeUpdate() == 1) {
                    confirmed.add(e.getKey());
                }
            }
        }
        return confirmed;
    }

    /**
     * Renews the instance's membership row for {@code ttlMs} and counts the live instances of {@code hostId}
     * (this one included).
     */
    public int heartbeat(String hostId, String instance, long ttlMs) throws SQLException {
        try (Connection c = ds.getConnection()) {
            int updated;
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE gateway_instance SET host_id = ?, expires_at = " + NOW_MS + " + ? WHERE instance_id = ?")) {
                ps.setString(1, hostId);
                ps.setLong(2, ttlMs);
                ps.setString(3, instance);
                updated = ps.executeUpdate();
            }
            if (updated == 0) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO gateway_instance (instance_id, host_id,"
                        + " expires_at) VALUES (?, ?, " + NOW_MS + " + ?)")) {
                    ps.setString(1, instance);
                    ps.setString(2, hostId);
                    ps.setLong(3, ttlMs);
                    ps.executeUpdate();
                } catch (SQLException e) {
                    if (!isDuplicate(e)) {
                        throw e;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM gateway_instance WHERE host_id = ?"
                    + " AND (expires_at > " + NOW_MS + " OR instance_id = ?)")) {
                ps.setString(1, hostId);
                ps.setString(2, instance);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        }
    }

    /** Ends the instance's membership at once (a stopping instance). */
    public void leave(String instance) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM gateway_instance WHERE instance_id = ?")) {
            ps.setString(1, instance);
            ps.executeUpdate();
        }
    }

    /** Every lease row, by group. */
    public Map<String, Lease> leases() throws SQLException {
        Map<String, Lease> out = new HashMap<>();
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT group_id, owner_id, epoch, expires_at, " + NOW_MS + " FROM group_lease");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(
                        rs.getString(1),
                        new Lease(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
            }
        }
        return out;
    }

    private static boolean isDuplicate(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s
                    && s.getSQLState() != null
                    && s.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }
}
