package io.floorlink.gateway;

import static io.floorlink.gateway.TestEdge.point;
import static io.floorlink.gateway.TestEdge.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.gateway.facts.FactsWriter;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12, a store that stalls: the test holds a row lock on the gateway's heartbeat row (every write
 * transaction updates it), so no batch can commit. The writer's queue stays bounded, the host holds batches back
 * (back-pressure), health goes DOWN with writer_stalled; once the lock is released everything received is written
 * and health is UP again, with a store_unreachable platform gap over the stall. H2 always, PostgreSQL when FLOORLINK_IT_POSTGRES_URL is set.
 */
class StoreStallFaultIT {
    private static final long STALL_BOUND_MS = 2_000;

    @TempDir
    Path dir;

    static Stream<String> stores() {
        return Stream.of("h2", "postgresql");
    }

    private GatewayConfig config(String kind) {
        String host = "stall-" + UUID.randomUUID().toString().substring(0, 8);
        GatewayConfig cfg = GatewayConfig.defaults(dir)
                .withAuth(AuthConfig.anonymousOnLoopback())
                .withBrokerPort(0)
                .withHostId(host)
                .withFlushInterval(Duration.ofMillis(100));
        if (kind.equals("postgresql")) {
            String url = PostgresIt.urlOrSkip();
            cfg = cfg.withStore(new StoreConfig(url, null, null));
        }
        return cfg;
    }

    private static double counter(SimpleMeterRegistry r, String name) {
        return r.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    @DisplayName("a stalled store: bounded writer queue, back-pressure, health DOWN writer_stalled, full recovery")
    void aStalledStoreIsBoundedReportedAndRecovered(String kind) throws Exception {
        GatewayConfig cfg = config(kind);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String device = "STALL-" + UUID.randomUUID().toString().substring(0, 8);
        long t0 = System.currentTimeMillis() / 60_000 * 60_000;
        try (Gateway gw = Gateway.start(cfg, registry, STALL_BOUND_MS);
                TestEdge edge = new TestEdge(gw.mqttUrl(), "STALL", "edge-" + device, 0)) {
            edge.connect();
            edge.nbirth(t0);
            edge.device(
                    MessageType.DBIRTH,
                    device,
                    t0,
                    List.of(point("speed", DataType.DOUBLE, null, "process", null, null)
                            .setIsNull(true)));
            gw.flush();
            assertThat(gw.health().status()).isEqualTo(GatewayHealth.UP);

            int sent = 0;
            long stallStart;
            long released;
            try (Connection lock = gw.dataSource().getConnection()) {
                lock.setAutoCommit(false);
                try (PreparedStatement ps =
                        lock.prepareStatement("SELECT seen_at FROM gateway_heartbeat WHERE host_id = ? FOR UPDATE")) {
                    ps.setString(1, cfg.hostId());
                    ps.executeQuery().close();
                }
                stallStart = System.currentTimeMillis();
                // keep data coming for longer than the stall bound and long enough to fill the writer's queue
                while (System.currentTimeMillis() - stallStart < STALL_BOUND_MS + 2_000) {
                    edge.device(
                            MessageType.DDATA,
                            device,
                            t0,
                            List.of(sample("speed", DataType.DOUBLE, 1.0 * sent, t0 + sent)));
                    sent++;
                    Thread.sleep(20);
                    assertThat(gaugeValue(registry, "floorlink.gateway.writer.pending"))
                            .as("the writer's queue is bounded")
                            .isLessThanOrEqualTo(FactsWriter.MAX_PENDING_BATCHES + 1);
                }
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(gw.health().reasons()).contains(GatewayHealth.WRITER_STALLED));
                assertThat(gw.health().status()).isEqualTo(GatewayHealth.DOWN);
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(gaugeValue(registry, "floorlink.gateway.writer.pending"))
                                .as("the host holds batches back once the writer is full")
                                .isEqualTo(FactsWriter.MAX_PENDING_BATCHES + 1));
                lock.rollback();
                released = System.currentTimeMillis();
            }
            int expected = sent;
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                gw.flush();
                assertThat(Db.count(
                                gw.dataSource(),
                                "SELECT COALESCE(SUM(samples), 0) FROM point_minute WHERE device_id = ?",
                                device))
                        .as("every sample received during the stall is written after it")
                        .isEqualTo(expected);
            });
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(gw.health().status()).isEqualTo(GatewayHealth.UP));
            assertThat(counter(registry, "floorlink.gateway.flush.blocked"))
                    .as("time spent held back is counted")
                    .isPositive();
            List<java.util.Map<String, Object>> gaps = Db.rows(
                    gw.dataSource(),
                    "SELECT group_id, edge_node_id, device_id, gap_from, gap_to, detail FROM platform_gap"
                            + " WHERE host_id = ? AND cause = 'store_unreachable' ORDER BY gap_from",
                    cfg.hostId());
            assertThat(gaps)
                    .as("the stall is a platform gap of every device of the host")
                    .isNotEmpty();
            assertThat(gaps).allSatisfy(g -> {
                assertThat(g.get("group_id")).isNull();
                assertThat(g.get("edge_node_id")).isNull();
                assertThat(g.get("device_id")).isNull();
                assertThat((String) g.get("detail")).doesNotContain("jdbc:");
            });
            // first commit attempt of the stall: within a flush interval or so after the lock was taken
            assertThat(((java.time.Instant) gaps.get(0).get("gap_from")).toEpochMilli())
                    .isLessThanOrEqualTo(stallStart + 1_000);
            assertThat(gaps.stream()
                            .mapToLong(g -> ((java.time.Instant) g.get("gap_to")).toEpochMilli())
                            .max()
                            .orElseThrow())
                    .as("until the store took commits again")
                    .isGreaterThanOrEqualTo(released);
        }
    }

    private static double gaugeValue(SimpleMeterRegistry r, String name) {
        return r.get(name).gauge().value();
    }
}
