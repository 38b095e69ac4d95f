package io.floorlink.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.gateway.facts.DeviceAgg;
import io.floorlink.gateway.facts.FactsBatch;
import io.floorlink.gateway.facts.FactsStore;
import io.floorlink.gateway.facts.Keys;
import io.floorlink.gateway.facts.PointAgg;
import io.floorlink.gateway.facts.TestStores;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Group leases (migration V11) of two gateway instances on one store: H2 always, PostgreSQL when
 * FLOORLINK_IT_POSTGRES_URL is set. Group ids are unique per run so a shared PostgreSQL database may be reused.
 */
class GroupLeasesIT {
    private static final long MINUTE = Instant.parse("2026-04-01T10:15:00Z").toEpochMilli();

    static Stream<String> stores() {
        return Stream.of(TestStores.h2Memory("leases"), TestStores.POSTGRESQL);
    }

    private static FactsStore open(String store) {
        return TestStores.open(store, "group leases");
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aGroupHasOneOwnerUntilItsLeaseExpiresThenTheTakeoverIncrementsTheEpoch(String store) throws Exception {
        String group = "ENT-" + UUID.randomUUID();
        try (FactsStore a = open(store);
                FactsStore b = open(store)) {
            GroupLeases la = new GroupLeases(a.dataSource());
            GroupLeases lb = new GroupLeases(b.dataSource());

            assertThat(la.acquire(group, "gw-a", 60_000)).hasValue(1);
            assertThat(lb.acquire(group, "gw-b", 60_000)).as("held by gw-a").isEmpty();
            assertThat(la.acquire(group, "gw-a", 60_000))
                    .as("not even its owner takes a held lease twice")
                    .isEmpty();
            assertThat(la.renew(group, "gw-a", 1, 1_000)).isTrue();
            assertThat(lb.renew(group, "gw-b", 1, 60_000))
                    .as("only the owner renews")
                    .isFalse();
            assertThat(lb.acquire(group, "gw-b", 60_000)).as("1 s left").isEmpty();

            // gw-a stops renewing: after the ttl the group is free
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> lb.acquire(group, "gw-b", 60_000).isPresent());
            assertThat(lb.leases().get(group).epoch())
                    .as("the takeover is a new epoch")
                    .isEqualTo(2);
            assertThat(lb.leases().get(group).ownerId()).isEqualTo("gw-b");
            assertThat(la.renew(group, "gw-a", 1, 60_000))
                    .as("the old owner's renewal fails: it has lost the group")
                    .isFalse();

            lb.release(group, "gw-b", 2);
            assertThat(la.acquire(group, "gw-a", 60_000))
                    .as("a released lease is free at once")
                    .hasValue(3);
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void theOldOwnersFactsAreRefusedAfterATakeoverAndTheNewOwnersWritten(String store) throws Exception {
        String group = "ENT-" + UUID.randomUUID();
        String other = "ENT-" + UUID.randomUUID();
        try (FactsStore a = open(store);
                FactsStore b = open(store)) {
            GroupLeases la = new GroupLeases(a.dataSource());
            GroupLeases lb = new GroupLeases(b.dataSource());
            a.fence((c, leases) -> GroupLeases.confirm(c, "gw-a", leases));
            b.fence((c, leases) -> GroupLeases.confirm(c, "gw-b", leases));
            OptionalLong first = la.acquire(group, "gw-a", 0);
            assertThat(first).hasValue(1);
            long otherEpoch = la.acquire(other, "gw-a", 60_000).orElseThrow();

            // gw-a's lease of group has expired (ttl 0) and gw-b takes the group over while gw-a is only paused
            assertThat(lb.acquire(group, "gw-b", 60_000)).hasValue(2);

            // gw-a wakes up and flushes what it gathered under epoch 1 (and its other group, still held)
            a.write(
                    batch(Map.of(group, 1L, other, otherEpoch), 5, group, other),
                    "gw/gw-a",
                    System.currentTimeMillis());
            assertThat(samples(a, group))
                    .as("the old owner's facts of the group are refused")
                    .isZero();
            assertThat(receiptRows(a, group))
                    .as("and so is its receipt: the edge replays")
                    .isZero();
            assertThat(samples(a, other))
                    .as("its facts of a group it still holds are written")
                    .isEqualTo(5);

            b.write(batch(Map.of(group, 2L), 7, group), "gw/gw-b", System.currentTimeMillis());
            assertThat(samples(b, group))
                    .as("the new owner's facts are written")
                    .isEqualTo(7);
            assertThat(receiptRows(b, group)).isEqualTo(1);

            b.write(batch(Map.of(group, 1L), 3, group), "gw/gw-b", System.currentTimeMillis());
            assertThat(samples(b, group))
                    .as("an epoch that is not the lease's is refused")
                    .isEqualTo(7);
        }
    }

    /** Each group in {@code groups}: one minute of one point with {@code samples} samples and a receipt. */
    private static FactsBatch batch(Map<String, Long> leases, int samples, String... groups) {
        Map<Keys.PointKey, PointAgg> points = new HashMap<>();
        Map<Keys.DeviceKey, DeviceAgg> devices = new HashMap<>();
        List<io.floorlink.gateway.facts.EdgeReceipt> receipts = new java.util.ArrayList<>();
        for (String g : groups) {
            PointAgg p = new PointAgg();
            for (int i = 0; i < samples; i++) {
                p.addSample(0, false);
                p.addValue(i, MINUTE + i * 1000L);
            }
            points.put(new Keys.PointKey(g, "DEV-1", "temp", MINUTE), p);
            receipts.add(new io.floorlink.gateway.facts.EdgeReceipt(
                    g, "edge-1", "epoch-1", List.<long[]>of(new long[] {1, samples})));
        }
        return new FactsBatch(List.of(), List.of(), points, devices, receipts, Map.of(), List.of(), List.of(), leases);
    }

    private static long samples(FactsStore s, String group) throws Exception {
        return scalar(s, "SELECT COALESCE(SUM(samples), 0) FROM point_minute WHERE group_id = ?", group);
    }

    private static long receiptRows(FactsStore s, String group) throws Exception {
        return scalar(s, "SELECT COUNT(*) FROM edge_receipt WHERE group_id = ?", group);
    }

    private static long scalar(FactsStore s, String sql, String group) throws Exception {
        try (Connection c = s.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, group);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
