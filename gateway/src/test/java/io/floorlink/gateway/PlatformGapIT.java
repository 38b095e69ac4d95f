package io.floorlink.gateway;

import static io.floorlink.gateway.TestEdge.point;
import static io.floorlink.gateway.TestEdge.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import io.floorlink.gateway.facts.FactsBatch;
import io.floorlink.gateway.facts.FactsStore;
import io.floorlink.gateway.facts.FactsWriter;
import io.floorlink.gateway.facts.Keys;
import io.floorlink.gateway.facts.PointAgg;
import io.floorlink.gateway.facts.PointDeclaration;
import io.floorlink.gateway.host.HostProcessor;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.Topic;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12, data-trust flags: the {@code platform_gap} rows the gateway writes itself, as a user would check them.
 * A gateway stopped and started again on the same H2 file leaves one gateway_down row over the stop; undecodable
 * or refused messages of an edge node leave decode_errors rows of that node per minute while the data of a good
 * node stays exact; a record the store refuses leaves a quarantine row of its device. (store_unreachable:
 * StoreStallFaultIT, PostgresOutageFaultIT.)
 */
class PlatformGapIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static List<Map<String, Object>> gaps(DataSource ds, String hostId, String cause) {
        return Db.rows(
                ds,
                "SELECT group_id, edge_node_id, device_id, gap_from, gap_to, events, detail FROM platform_gap"
                        + " WHERE host_id = ? AND cause = ? ORDER BY gap_from, id",
                hostId,
                cause);
    }

    private static Instant heartbeat(DataSource ds, String hostId) {
        return (Instant) Db.one(ds, "SELECT seen_at FROM gateway_heartbeat WHERE host_id = ?", hostId)
                .get("seen_at");
    }

    @Test
    @DisplayName("a gateway stopped and restarted: one gateway_down row from its last heartbeat to the restart")
    void aStoppedGatewayLeavesOneGatewayDownRowCoveringTheStop() throws Exception {
        GatewayConfig cfg = GatewayConfig.defaults(dir)
                .withAuth(AuthConfig.anonymousOnLoopback())
                .withBrokerPort(0)
                .withHostId("down-" + UUID.randomUUID().toString().substring(0, 8))
                .withFlushInterval(Duration.ofMillis(200));
        Instant stopBegin;
        Instant stopped;
        try (Gateway gw = Gateway.start(cfg, new SimpleMeterRegistry())) {
            assertThat(gaps(gw.dataSource(), cfg.hostId(), "gateway_down"))
                    .as("a first start has no gap")
                    .isEmpty();
            // an idle gateway still writes its heartbeat every flush interval
            await().atMost(WAIT).until(() -> !Db.rows(
                            gw.dataSource(), "SELECT seen_at FROM gateway_heartbeat WHERE host_id = ?", cfg.hostId())
                    .isEmpty());
            Instant first = heartbeat(gw.dataSource(), cfg.hostId());
            await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> heartbeat(gw.dataSource(), cfg.hostId()).isAfter(first.plusMillis(300)));
            stopBegin = Instant.now();
        }
        stopped = Instant.now();
        Thread.sleep(3_000);
        Instant restartBegin = Instant.now();
        try (Gateway gw = Gateway.start(cfg, new SimpleMeterRegistry())) {
            Instant restarted = Instant.now();
            List<Map<String, Object>> down = gaps(gw.dataSource(), cfg.hostId(), "gateway_down");
            assertThat(down).hasSize(1);
            Map<String, Object> row = down.get(0);
            assertThat((Instant) row.get("gap_from"))
                    .as("from the last heartbeat, written while stopping")
                    .isBetween(stopBegin.minusMillis(500), stopped);
            assertThat((Instant) row.get("gap_to")).as("to the restart").isBetween(restartBegin, restarted);
            assertThat(row.get("group_id")).isNull();
            assertThat(row.get("edge_node_id")).isNull();
            assertThat(row.get("device_id")).isNull();
            assertThat(((Number) row.get("events")).longValue()).isZero();
            assertThat((String) row.get("detail")).contains(cfg.hostId()).contains("not running");
        }
    }

    @Test
    @DisplayName("undecodable and refused messages of a born node: decode_errors rows of that node per minute,"
            + " the good node's data exact")
    void decodeErrorsOfANodeAreFlaggedPerMinuteAndGoodDataStaysExact() throws Exception {
        GatewayConfig cfg = GatewayConfig.defaults(dir)
                .withAuth(AuthConfig.anonymousOnLoopback())
                .withBrokerPort(0)
                .withHostId("decode-" + UUID.randomUUID().toString().substring(0, 8))
                .withFlushInterval(Duration.ofMillis(200))
                .withReorderTimeout(Duration.ofSeconds(5));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        long t0 = System.currentTimeMillis();
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        try (Gateway gw = Gateway.start(cfg, registry);
                TestEdge good = new TestEdge(gw.mqttUrl(), "GAPS", "edge-good", 0);
                TestEdge bad = new TestEdge(gw.mqttUrl(), "GAPS", "edge-bad", 0)) {
            good.connect();
            bad.connect();
            good.nbirth(t0);
            bad.nbirth(t0);
            good.deviceWithSeq(
                    MessageType.DBIRTH,
                    "GOOD-1",
                    t0,
                    1,
                    List.of(point("speed", DataType.DOUBLE, null, "process", null, null)
                            .setIsNull(true)));
            bad.device(
                    MessageType.DBIRTH,
                    "BAD-1",
                    t0,
                    List.of(point("speed", DataType.DOUBLE, null, "process", null, null)
                            .setIsNull(true)));
            long minuteBefore = Keys.minute(System.currentTimeMillis());
            // good node: samples, one pair reordered (seq 3 before 2), which is no decode error
            good.deviceWithSeq(
                    MessageType.DDATA, "GOOD-1", t0, 3, List.of(sample("speed", DataType.DOUBLE, 3.0, t0 + 3)));
            good.deviceWithSeq(
                    MessageType.DDATA, "GOOD-1", t0, 2, List.of(sample("speed", DataType.DOUBLE, 2.0, t0 + 2)));
            for (int i = 4; i < 10; i++) {
                good.deviceWithSeq(
                        MessageType.DDATA, "GOOD-1", t0, i, List.of(sample("speed", DataType.DOUBLE, 1.0 * i, t0 + i)));
            }
            // bad node: 3 undecodable DDATA, 2 undecodable NDATA, 1 DDATA breaking MAX_METRIC_NAME_LENGTH
            for (int i = 0; i < 3; i++) {
                raw(bad, Topic.device("GAPS", MessageType.DDATA, "edge-bad", "BAD-1"), garbage);
            }
            for (int i = 0; i < 2; i++) {
                raw(bad, Topic.node("GAPS", MessageType.NDATA, "edge-bad"), garbage);
            }
            bad.device(MessageType.DDATA, "BAD-1", t0, List.of(sample("x".repeat(257), DataType.DOUBLE, 1.0, t0 + 1)));
            // a topic whose group breaks MAX_ID_LENGTH: counted, not attributed
            raw(bad, Topic.device("G".repeat(129), MessageType.DDATA, "edge-bad", "BAD-1"), garbage);

            await().atMost(WAIT).untilAsserted(() -> {
                gw.flush();
                assertThat(Db.count(
                                gw.dataSource(),
                                "SELECT COALESCE(SUM(events), 0) FROM platform_gap WHERE host_id = ?"
                                        + " AND cause = 'decode_errors' AND group_id = 'GAPS' AND edge_node_id = ?",
                                cfg.hostId(),
                                "edge-bad"))
                        .isEqualTo(6);
            });
            long minuteAfter = Keys.minute(System.currentTimeMillis());
            List<Map<String, Object>> rows = gaps(gw.dataSource(), cfg.hostId(), "decode_errors");
            assertThat(rows).isNotEmpty().allSatisfy(r -> {
                assertThat(r.get("group_id")).isEqualTo("GAPS");
                assertThat(r.get("edge_node_id"))
                        .as("only the bad node is flagged")
                        .isEqualTo("edge-bad");
                assertThat(r.get("device_id")).isNull();
                Instant from = (Instant) r.get("gap_from");
                assertThat(from.toEpochMilli()).isIn(minuteBefore, minuteAfter);
                assertThat((Instant) r.get("gap_to")).isEqualTo(from.plusSeconds(60));
            });
            assertThat(rows)
                    .allSatisfy(r -> assertThat((String) r.get("detail")).contains("first: "));
            assertThat(registry.get("floorlink.gateway.decode.errors.unattributed")
                            .tag("reason", "topic")
                            .counter()
                            .count())
                    .isEqualTo(1.0);
            await().atMost(WAIT).untilAsserted(() -> {
                gw.flush();
                assertThat(Db.one(
                                        gw.dataSource(),
                                        "SELECT COALESCE(SUM(samples), 0) AS n, MIN(value_min) AS lo,"
                                                + " MAX(value_max) AS hi FROM point_minute WHERE device_id = 'GOOD-1'")
                                .values())
                        .extracting(v -> ((Number) v).doubleValue())
                        .containsExactly(8.0, 2.0, 9.0);
            });
        }
    }

    private static void raw(TestEdge edge, Topic topic, byte[] payload) {
        edge.client
                .publishWith()
                .topic(topic.toString())
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload)
                .send();
    }

    @Test
    @DisplayName("decode errors of more nodes than MAX_GAP_NODES_PER_FLUSH: that many rows, the rest only counted")
    void decodeGapRowsPerFlushAreBounded() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<FactsBatch> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
        HostProcessor processor = new HostProcessor("bound", 100_000, 3_600_000, 100, Map.of(), batch -> {
            batches.add(batch);
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        });
        processor.meterBinder().bindTo(registry);
        processor.start();
        int extra = 5;
        long receivedAt = System.currentTimeMillis();
        try {
            for (int i = 0; i < HostProcessor.MAX_GAP_NODES_PER_FLUSH + extra; i++) {
                processor.offer(
                        Topic.device("GB", MessageType.DDATA, "n-" + i, "d").toString(),
                        new byte[] {(byte) 0xff, (byte) 0xff},
                        receivedAt);
            }
            processor.requestFlush().get(30, TimeUnit.SECONDS);
        } finally {
            processor.stop(10_000);
        }
        List<io.floorlink.gateway.facts.PlatformGap> gaps =
                batches.stream().flatMap(b -> b.gaps().stream()).toList();
        assertThat(gaps).hasSize(HostProcessor.MAX_GAP_NODES_PER_FLUSH).allSatisfy(g -> {
            assertThat(g.cause()).isEqualTo(io.floorlink.gateway.facts.PlatformGap.Cause.DECODE_ERRORS);
            assertThat(g.events()).isEqualTo(1);
            assertThat(g.from().toEpochMilli()).isEqualTo(Keys.minute(receivedAt));
        });
        assertThat(registry.get("floorlink.gateway.decode.errors.unattributed")
                        .tag("reason", "overflow")
                        .counter()
                        .count())
                .isEqualTo(extra);
    }

    static Stream<String> stores() {
        return Stream.of("h2", "postgresql");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    @DisplayName("a record the store refuses: a quarantine row of its device and minute, in the same commit")
    void aQuarantinedRecordLeavesAQuarantineRowOfItsDevice(String kind) throws Exception {
        String url = kind.equals("postgresql")
                ? PostgresIt.urlOrSkip()
                : "jdbc:h2:mem:gap-quarantine-" + UUID.randomUUID()
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
        String host = "quar-" + UUID.randomUUID().toString().substring(0, 8);
        String device = "dev-q-" + UUID.randomUUID().toString().substring(0, 8);
        String node = "edge-" + device;
        long minute = Keys.minute(System.currentTimeMillis()) - 120_000;
        try (FactsStore store = FactsStore.open(url, null, null);
                FactsWriter writer = new FactsWriter(store, host)) {
            Map<Keys.PointKey, PointAgg> points = new HashMap<>();
            PointAgg ok = new PointAgg();
            ok.addSample(0, false);
            ok.addValue(1.0, minute + 1_000);
            points.put(new Keys.PointKey("GQ", device, "speed", minute), ok);
            PointAgg refused = new PointAgg();
            refused.addSample(0, false);
            refused.addValue(2.0, minute + 1_000);
            // an id longer than the column: refused; its gap widens to every device of the host
            points.put(new Keys.PointKey("GQ", "x".repeat(129), "speed", minute), refused);
            // a category longer than its column (past the host's limits): the declaration of this device is refused
            PointDeclaration decl = new PointDeclaration(
                    "GQ", node, device, "speed", 10, "c".repeat(20), "rpm", 1000L, null, null, minute + 5_000);
            writer.submit(new FactsBatch(List.of(), List.of(decl), points, Map.of()))
                    .get(30, TimeUnit.SECONDS);

            DataSource ds = store.dataSource();
            assertThat(Db.count(ds, "SELECT COUNT(*) FROM point_minute WHERE device_id = ?", device))
                    .as("the rest is committed")
                    .isEqualTo(1);
            List<Map<String, Object>> rows = gaps(ds, host, "quarantine");
            assertThat(rows).hasSize(2);
            assertThat(rows)
                    .anySatisfy(r -> {
                        assertThat(r.get("group_id")).isEqualTo("GQ");
                        assertThat(r.get("edge_node_id")).isEqualTo(node);
                        assertThat(r.get("device_id")).isEqualTo(device);
                        assertThat(r.get("gap_from")).isEqualTo(Instant.ofEpochMilli(minute));
                        assertThat(r.get("gap_to")).isEqualTo(Instant.ofEpochMilli(minute + 60_000));
                        assertThat(((Number) r.get("events")).longValue()).isEqualTo(1);
                        assertThat((String) r.get("detail"))
                                .contains("declaration")
                                .contains("22001");
                    })
                    .anySatisfy(r -> {
                        assertThat(r.get("device_id")).isNull();
                        assertThat(r.get("edge_node_id")).isNull();
                        assertThat(r.get("gap_from")).isEqualTo(Instant.ofEpochMilli(minute));
                        assertThat((String) r.get("detail")).contains("point");
                    });
        }
    }
}
