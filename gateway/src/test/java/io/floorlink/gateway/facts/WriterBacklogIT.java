package io.floorlink.gateway.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: the writer's backlog is bounded by the records its batches hold, not by a count of whole batches. A
 * store held by a row lock on the heartbeat row (every write updates it) keeps the first batch from committing;
 * the writer reports no capacity once the pending batches hold the bound, and every sample is stored once the lock
 * is released.
 */
class WriterBacklogIT {
    private static final String GROUP = "ENT001";
    private static final long MINUTE = 1_775_038_500_000L - 1_775_038_500_000L % 60_000;
    private static final String HOST = "host-backlog";

    private FactsStore store;
    private FactsWriter writer;
    private SimpleMeterRegistry registry;

    @BeforeEach
    void open() {
        store = FactsStore.open(TestStores.h2Memory("backlog"), "sa", null);
        writer = new FactsWriter(store, HOST, FactsWriter.DEFAULT_STALL_BOUND_MS, 250);
        registry = new SimpleMeterRegistry();
        writer.bindTo(registry);
    }

    @AfterEach
    void close() {
        writer.close();
        store.close();
    }

    private static FactsBatch batch(String device, int points) {
        Map<Keys.PointKey, PointAgg> rollups = new HashMap<>();
        for (int i = 0; i < points; i++) {
            PointAgg a = new PointAgg();
            a.addSample(0, false);
            a.addValue(i, MINUTE + i);
            rollups.put(new Keys.PointKey(GROUP, device, "p" + i, MINUTE), a);
        }
        return new FactsBatch(List.of(), List.of(), rollups, Map.of());
    }

    private double pendingGauge() {
        return registry.get("floorlink.gateway.writer.pending.records").gauge().value();
    }

    @Test
    void theBacklogIsBoundedByRecordsAndNothingIsLost() throws Exception {
        writer.submit(batch("warm-up", 1)).get(30, TimeUnit.SECONDS);
        assertThat(writer.hasCapacity()).isTrue();

        List<CompletableFuture<Void>> written = new ArrayList<>();
        try (Connection lock = store.dataSource().getConnection()) {
            lockHeartbeat(lock);
            written.add(writer.submit(batch("press-1", 200)));
            assertThat(writer.hasCapacity())
                    .as("200 records pending, bound 250: one more batch is taken")
                    .isTrue();
            written.add(writer.submit(batch("press-2", 100)));
            assertThat(writer.pendingRecords()).isEqualTo(300);
            assertThat(pendingGauge()).isEqualTo(300);
            assertThat(writer.hasCapacity())
                    .as("300 records pending, bound 250: the producer keeps aggregating instead")
                    .isFalse();
            assertThat(writer.pending())
                    .as("far fewer batches than the batch bound")
                    .isLessThan(FactsWriter.MAX_PENDING_BATCHES);
            Thread.sleep(500);
            assertThat(written).noneMatch(CompletableFuture::isDone);
            assertThat(writer.hasCapacity()).isFalse();
            lock.rollback();
        }
        CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(writer.pendingRecords()).isZero();
            assertThat(writer.hasCapacity()).isTrue();
        });
        assertThat(pendingGauge()).isZero();
        assertThat(samples("point_minute", "press-1")).isEqualTo(200);
        assertThat(samples("point_minute", "press-2")).isEqualTo(100);
        assertThat(samples("point_day", "press-2")).isEqualTo(100);
    }

    /** The flush interval stretches by the writer's CPU time: a write waiting on the store costs it next to none. */
    @Test
    void aWriteWaitingOnTheStoreCountsItsWallTimeButLittleWriterCpu() throws Exception {
        writer.submit(batch("warm-up", 1)).get(30, TimeUnit.SECONDS);
        CompletableFuture<Void> written;
        try (Connection lock = store.dataSource().getConnection()) {
            lockHeartbeat(lock);
            written = writer.submit(batch("press-3", 10));
            Thread.sleep(1_500);
            lock.rollback();
        }
        written.get(60, TimeUnit.SECONDS);
        assertThat(registry.get("floorlink.gateway.flush.errors").counter().count())
                .as("the write waited for the lock instead of failing")
                .isZero();
        assertThat(registry.get("floorlink.gateway.flush.duration").timer().max(TimeUnit.MILLISECONDS))
                .isGreaterThanOrEqualTo(1_400);
        assertThat(writer.lastWriteCpuMillis())
                .as("CPU time of the write that waited 1.5 s on the lock")
                .isLessThan(700);
    }

    /** Holds the heartbeat row every write updates, in an open transaction of {@code lock}. */
    private static void lockHeartbeat(Connection lock) throws Exception {
        lock.setAutoCommit(false);
        try (PreparedStatement ps =
                lock.prepareStatement("SELECT seen_at FROM gateway_heartbeat WHERE host_id = ? FOR UPDATE")) {
            ps.setString(1, HOST);
            ps.executeQuery().close();
        }
    }

    private long samples(String table, String device) throws Exception {
        try (Connection c = store.dataSource().getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT COALESCE(SUM(samples), 0) FROM " + table + " WHERE device_id = ?")) {
            ps.setString(1, device);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
