package io.floorlink.gateway.facts;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A connection cut right after COMMIT (seen with PostgreSQL's pg_terminate_backend in PostgresOutageFaultIT): the
 * store holds the batch, the writer gets an error. The writer must find that the batch committed (its heartbeat is
 * there) and not write it again, or every rollup of the batch would count twice.
 */
class CommitAckLostFaultIT {
    private static final String GROUP = "ENT001";
    private static final long MINUTE = 1_775_038_500_000L - 1_775_038_500_000L % 60_000;

    private FactsStore store;
    private FactsWriter writer;

    @BeforeEach
    void open() {
        store = FactsStore.open(TestStores.h2Memory("ack-lost"), "sa", null);
        writer = new FactsWriter(store, "host-ack");
        writer.bindTo(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    @AfterEach
    void close() {
        writer.close();
        store.close();
    }

    @Test
    void aBatchWhoseCommitAcknowledgementWasLostIsNotWrittenTwice() throws Exception {
        AtomicInteger commits = new AtomicInteger();
        store.afterCommit(() -> {
            if (commits.incrementAndGet() == 1) {
                throw new SQLTransientConnectionException("connection lost after COMMIT", "08006");
            }
        });
        Map<Keys.PointKey, PointAgg> points = new HashMap<>();
        PointAgg a = new PointAgg();
        for (int i = 0; i < 100; i++) {
            a.addSample(0, false);
            a.addValue(i, MINUTE + i);
        }
        points.put(new Keys.PointKey(GROUP, "press-1", "pieces", MINUTE), a);

        writer.submit(new FactsBatch(List.of(), List.of(), points, Map.of())).get(30, TimeUnit.SECONDS);

        assertThat(commits.get())
                .as("one COMMIT: the batch was not written again")
                .isEqualTo(1);
        assertThat(samples("point_minute")).isEqualTo(100);
        assertThat(samples("point_hour")).isEqualTo(100);
        assertThat(samples("point_day")).isEqualTo(100);

        // the next batch is written normally
        Map<Keys.PointKey, PointAgg> more = new HashMap<>();
        PointAgg b = new PointAgg();
        b.addSample(0, false);
        b.addValue(1, MINUTE + 500);
        more.put(new Keys.PointKey(GROUP, "press-1", "pieces", MINUTE), b);
        writer.submit(new FactsBatch(List.of(), List.of(), more, Map.of())).get(30, TimeUnit.SECONDS);
        assertThat(samples("point_minute")).isEqualTo(101);
    }

    private long samples(String table) throws SQLException {
        try (Connection c = store.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT COALESCE(SUM(samples), 0) FROM " + table + " WHERE device_id = 'press-1'");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
