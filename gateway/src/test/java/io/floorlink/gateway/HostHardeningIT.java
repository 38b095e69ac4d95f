package io.floorlink.gateway;

import static io.floorlink.gateway.TestEdge.health;
import static io.floorlink.gateway.TestEdge.point;
import static io.floorlink.gateway.TestEdge.rid;
import static io.floorlink.gateway.TestEdge.sample;
import static io.floorlink.gateway.TestEdge.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.floorlink.broker.EmbeddedBroker;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sequence reordering, aliases, exactly-once record ids and historical folding, through a real broker into H2. */
class HostHardeningIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Instant T0 = Instant.parse("2026-03-03T08:00:00Z");

    @TempDir
    static Path dir;

    static SimpleMeterRegistry registry = new SimpleMeterRegistry();
    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = Gateway.start(
                GatewayConfig.defaults(dir)
                        .withAuth(AuthConfig.anonymousOnLoopback())
                        .withBrokerPort(0)
                        .withFlushInterval(Duration.ofHours(1))
                        .withReorderTimeout(Duration.ofMillis(500)),
                registry);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static long ms(Instant t) {
        return t.toEpochMilli();
    }

    private static double counter(MeterRegistry r, String name) {
        return r.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static double counter(String name) {
        return counter(registry, name);
    }

    private static void untilStored(Gateway gw, Runnable assertion) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            gw.flush();
            assertion.run();
        });
    }

    private static long samples(DataSource ds, String device) {
        Object v = Db.one(ds, "SELECT COALESCE(SUM(samples), 0) AS n FROM point_minute WHERE device_id = ?", device)
                .get("n");
        return ((Number) v).longValue();
    }

    private static List<Metric.Builder> speed(double v, Instant at) {
        return List.of(sample("speed", DataType.DOUBLE, v, ms(at)));
    }

    @Test
    void aMessageAheadOfItsSeqWaitsForTheMissingOneAndNoRebirthIsAsked() throws Exception {
        double gaps = counter("floorlink.gateway.seq.gaps");
        double reordered = counter("floorlink.gateway.seq.reordered");
        try (TestEdge edge = new TestEdge(gateway.mqttUrl(), "ENT002", "edge-reorder", 0);
                Mqtt5BlockingClient.Mqtt5Publishes ncmd = edge.connectWithCommands()) {
            edge.nbirth(ms(T0));
            edge.deviceWithSeq(
                    MessageType.DBIRTH,
                    "RO-1",
                    ms(T0),
                    1,
                    List.of(point("speed", DataType.DOUBLE, 1.0, "process", null, null)));
            edge.deviceWithSeq(MessageType.DDATA, "RO-1", ms(T0), 3, (speed(3.0, T0.plusSeconds(3))));
            edge.deviceWithSeq(MessageType.DDATA, "RO-1", ms(T0), 2, (speed(2.0, T0.plusSeconds(2))));
            untilStored(gateway, () -> assertThat(samples(gateway.dataSource(), "RO-1"))
                    .isEqualTo(3));
            assertThat(counter("floorlink.gateway.seq.reordered")).isEqualTo(reordered + 1);
            assertThat(ncmd.receive(1500, TimeUnit.MILLISECONDS)).isEmpty();
            assertThat(counter("floorlink.gateway.seq.gaps")).isEqualTo(gaps);
        }
    }

    @Test
    void aGapNotFilledInTimeIsGivenUpWithARebirthAndTheHeldDataStillCounts() throws Exception {
        double gaps = counter("floorlink.gateway.seq.gaps");
        try (TestEdge edge = new TestEdge(gateway.mqttUrl(), "ENT002", "edge-gap", 0);
                Mqtt5BlockingClient.Mqtt5Publishes ncmd = edge.connectWithCommands()) {
            edge.nbirth(ms(T0));
            edge.deviceWithSeq(
                    MessageType.DBIRTH,
                    "GAP-1",
                    ms(T0),
                    1,
                    List.of(point("speed", DataType.DOUBLE, 1.0, "process", null, null)));
            edge.deviceWithSeq(MessageType.DDATA, "GAP-1", ms(T0), 3, (speed(3.0, T0.plusSeconds(3))));
            var cmd = ncmd.receive(10, TimeUnit.SECONDS);
            assertThat(cmd).isPresent();
            assertThat(Metrics.decode("ncmd", cmd.get().getPayloadAsBytes())
                            .getMetrics(0)
                            .getName())
                    .isEqualTo(MetricNames.REBIRTH);
            assertThat(counter("floorlink.gateway.seq.gaps")).isEqualTo(gaps + 1);
            untilStored(gateway, () -> assertThat(samples(gateway.dataSource(), "GAP-1"))
                    .isEqualTo(2));
        }
    }

    @Test
    void aliasesDeclaredInTheDbirthResolveAndAnUnknownAliasAsksForARebirth() throws Exception {
        double unknown = registry.find("floorlink.gateway.messages.ignored")
                .tag("reason", "unknown_alias")
                .counter()
                .count();
        try (TestEdge edge = new TestEdge(gateway.mqttUrl(), "ENT002", "edge-alias", 0);
                Mqtt5BlockingClient.Mqtt5Publishes ncmd = edge.connectWithCommands()) {
            edge.nbirth(ms(T0));
            edge.device(
                    MessageType.DBIRTH,
                    "AL-1",
                    ms(T0),
                    List.of(point("speed", DataType.DOUBLE, 1.0, "process", null, null)
                            .setAlias(7)));
            edge.device(
                    MessageType.DDATA,
                    "AL-1",
                    ms(T0),
                    List.of(sample("speed", DataType.DOUBLE, 2.0, ms(T0.plusSeconds(1)))
                            .clearName()
                            .setAlias(7)));
            edge.device(
                    MessageType.DDATA,
                    "AL-1",
                    ms(T0),
                    List.of(sample("speed", DataType.DOUBLE, 9.0, ms(T0.plusSeconds(2)))
                            .clearName()
                            .setAlias(99)));
            assertThat(ncmd.receive(10, TimeUnit.SECONDS)).isPresent();
            untilStored(gateway, () -> assertThat(samples(gateway.dataSource(), "AL-1"))
                    .isEqualTo(2));
            assertThat(registry.find("floorlink.gateway.messages.ignored")
                            .tag("reason", "unknown_alias")
                            .counter()
                            .count())
                    .isEqualTo(unknown + 1);
        }
    }

    @Test
    void historicalHealthBecomesReadIncrementsAndHistoricalSessionsWithoutALiveOne() {
        Instant t = T0.plusSeconds(3600);
        try (TestEdge edge = new TestEdge(gateway.mqttUrl(), "ENT002", "edge-hist", 0)) {
            edge.connect();
            edge.nbirth(ms(t.plusSeconds(600)));
            // declared, not connected: no live session
            edge.device(
                    MessageType.DBIRTH,
                    "HI-1",
                    ms(t.plusSeconds(600)),
                    List.of(
                            point("speed", DataType.DOUBLE, 1.0, "process", null, null),
                            health(MetricNames.HEALTH_CONNECTED, DataType.BOOLEAN, false, ms(t.plusSeconds(600)))));
            List<Metric.Builder> history = new ArrayList<>();
            for (int s : new int[] {0, 10, 20}) {
                history.add(hist(health(MetricNames.HEALTH_CONNECTED, DataType.BOOLEAN, true, ms(t.plusSeconds(s)))));
            }
            history.add(hist(health(MetricNames.HEALTH_CONNECTED, DataType.BOOLEAN, false, ms(t.plusSeconds(25)))));
            for (int s : new int[] {10, 20}) {
                history.add(hist(with(
                        health(MetricNames.HEALTH_READS_OK, DataType.UINT64, 5L, ms(t.plusSeconds(s))),
                        Map.of(MetricNames.PROP_INCREMENT, true))));
            }
            history.add(hist(with(
                    health(MetricNames.HEALTH_READS_FAILED, DataType.UINT64, 2L, ms(t.plusSeconds(20))),
                    Map.of(MetricNames.PROP_INCREMENT, true))));
            history.add(hist(sample("speed", DataType.DOUBLE, 4.0, ms(t.plusSeconds(20)))));
            for (int s : new int[] {100, 110}) {
                history.add(hist(health(MetricNames.HEALTH_CONNECTED, DataType.BOOLEAN, true, ms(t.plusSeconds(s)))));
            }
            edge.device(MessageType.DDATA, "HI-1", ms(t.plusSeconds(601)), history);

            untilStored(gateway, () -> assertThat(union(Db.rows(
                            gateway.dataSource(),
                            "SELECT connected_at, disconnected_at FROM device_session WHERE device_id = 'HI-1'"
                                    + " AND historical ORDER BY connected_at")))
                    .containsExactly(
                            List.of(t, t.plusSeconds(25)),
                            // stream end: last true + the derived 10 s health interval
                            List.of(t.plusSeconds(100), t.plusSeconds(120))));
            assertThat(Db.count(
                            gateway.dataSource(),
                            "SELECT COUNT(*) FROM device_session WHERE device_id = 'HI-1' AND NOT historical"))
                    .isZero();
            assertThat(Db.count(
                            gateway.dataSource(), "SELECT COUNT(*) FROM point_declaration WHERE device_id = 'HI-1'"))
                    .isEqualTo(1);
            assertThat(Db.one(
                            gateway.dataSource(),
                            "SELECT CAST(SUM(reads_ok) AS BIGINT) AS ok, CAST(SUM(reads_failed) AS BIGINT) AS failed"
                                    + " FROM device_minute"
                                    + " WHERE device_id = 'HI-1'"))
                    .isEqualTo(Map.of("ok", 10L, "failed", 2L));
            Map<String, Object> r = Db.one(
                    gateway.dataSource(),
                    "SELECT samples, historical, latency_count FROM point_minute WHERE device_id = 'HI-1'"
                            + " AND bucket = ?",
                    t);
            assertThat(r).isEqualTo(Map.of("samples", 1L, "historical", 1L, "latency_count", 0L));
        }
    }

    private static Metric.Builder hist(Metric.Builder m) {
        return m.setIsHistorical(true);
    }

    /** Rows of [connected_at, disconnected_at] merged where they touch or overlap (what the collector computes). */
    private static List<List<Instant>> union(List<Map<String, Object>> rows) {
        List<List<Instant>> out = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            Instant from = (Instant) r.get("connected_at");
            Instant to = (Instant) r.get("disconnected_at");
            if (!out.isEmpty() && !from.isAfter(out.get(out.size() - 1).get(1))) {
                List<Instant> last = out.remove(out.size() - 1);
                out.add(List.of(last.get(0), to.isAfter(last.get(1)) ? to : last.get(1)));
            } else {
                out.add(List.of(from, to));
            }
        }
        return out;
    }

    @Test
    void replayedRecordsCountOnceAlsoAcrossAGatewayRestart(@TempDir Path store) throws Exception {
        GatewayConfig cfg = GatewayConfig.defaults(store)
                .withAuth(AuthConfig.anonymousOnLoopback())
                .withBrokerPort(0)
                .withFlushInterval(Duration.ofHours(1));
        Instant m = T0.plusSeconds(7200);
        SimpleMeterRegistry first = new SimpleMeterRegistry();
        try (Gateway gw = Gateway.start(cfg, first);
                TestEdge edge = new TestEdge(gw.mqttUrl(), "ENT003", "edge-once", 1)) {
            edge.connect();
            edge.nbirth(ms(m), "epoch-A");
            edge.device(
                    MessageType.DBIRTH,
                    "EO-1",
                    ms(m),
                    List.of(point("speed", DataType.DOUBLE, 1.0, "process", null, null)));
            edge.device(MessageType.DDATA, "EO-1", ms(m), records(m, 1, 3, false));
            // a redelivery of 2..3 interleaved with record 4
            edge.device(MessageType.DDATA, "EO-1", ms(m), records(m, 2, 4, true));
            untilStored(gw, () -> assertThat(samples(gw.dataSource(), "EO-1")).isEqualTo(1 + 4));
            assertThat(counter(first, "floorlink.gateway.records.duplicate")).isEqualTo(2);
            assertThat(Db.rows(
                            gw.dataSource(),
                            "SELECT buffer_epoch, rid_from, rid_to FROM edge_receipt WHERE edge_node_id = 'edge-once'"))
                    .containsExactly(Map.of("buffer_epoch", "epoch-A", "rid_from", 1L, "rid_to", 4L));
        }
        try (Gateway gw = Gateway.start(cfg, new SimpleMeterRegistry());
                TestEdge edge = new TestEdge(gw.mqttUrl(), "ENT003", "edge-once", 2)) {
            edge.connect();
            edge.nbirth(ms(m.plusSeconds(30)), "epoch-A");
            edge.device(
                    MessageType.DBIRTH,
                    "EO-1",
                    ms(m.plusSeconds(30)),
                    List.of(point("speed", DataType.DOUBLE, 1.0, "process", null, null)));
            // the edge replays everything it was not sure about, then record 5
            edge.device(MessageType.DDATA, "EO-1", ms(m.plusSeconds(30)), records(m, 1, 5, true));
            untilStored(gw, () -> assertThat(samples(gw.dataSource(), "EO-1")).isEqualTo(2 + 5));
            // a new buffer epoch starts its ids afresh
            edge.nbirth(ms(m.plusSeconds(40)), "epoch-B");
            edge.device(
                    MessageType.DBIRTH,
                    "EO-1",
                    ms(m.plusSeconds(40)),
                    List.of(point("speed", DataType.DOUBLE, 1.0, "process", null, null)));
            edge.device(MessageType.DDATA, "EO-1", ms(m.plusSeconds(40)), records(m, 1, 1, false));
            untilStored(gw, () -> assertThat(samples(gw.dataSource(), "EO-1")).isEqualTo(3 + 6));
            assertThat(Db.rows(
                            gw.dataSource(),
                            "SELECT buffer_epoch, rid_from, rid_to FROM edge_receipt WHERE edge_node_id = 'edge-once'"))
                    .containsExactly(Map.of("buffer_epoch", "epoch-B", "rid_from", 1L, "rid_to", 1L));
        }
    }

    @Test
    void aDbirthValueFromAnAlreadyReceivedRecordIsNotCountedAgain() {
        Instant m = T0.plusSeconds(14_400);
        try (TestEdge edge = new TestEdge(gateway.mqttUrl(), "ENT005", "edge-birth-rid", 1)) {
            edge.connect();
            edge.nbirth(ms(m), "epoch-R");
            // a point without a value yet is declared, never a sample
            edge.device(
                    MessageType.DBIRTH,
                    "BR-1",
                    ms(m),
                    List.of(point("speed", DataType.DOUBLE, null, "process", null, null)));
            edge.device(MessageType.DDATA, "BR-1", ms(m), records(m, 5, 5, false));
            // rebirth: the point's value is record 5, already folded in
            edge.device(
                    MessageType.DBIRTH,
                    "BR-1",
                    ms(m.plusSeconds(10)),
                    List.of(rid(point("speed", DataType.DOUBLE, 5.0, "process", null, null), 5)
                            .setTimestamp(ms(m.plusSeconds(5)))));
            untilStored(gateway, () -> assertThat(samples(gateway.dataSource(), "BR-1"))
                    .isEqualTo(1));
        }
    }

    @Test
    void aDbirthValueCountsOnceAndTheReplayOfItsRecordIsTheDuplicate() {
        Instant m = T0.plusSeconds(18_000);
        double duplicates = counter("floorlink.gateway.records.duplicate");
        try (TestEdge edge = new TestEdge(gateway.mqttUrl(), "ENT005", "edge-birth-replay", 1)) {
            edge.connect();
            edge.nbirth(ms(m.plusSeconds(60)), "epoch-S");
            edge.device(
                    MessageType.DBIRTH,
                    "BR-2",
                    ms(m.plusSeconds(60)),
                    List.of(rid(point("speed", DataType.DOUBLE, 9.0, "process", null, null), 9)
                            .setTimestamp(ms(m.plusSeconds(9)))));
            edge.device(MessageType.DDATA, "BR-2", ms(m.plusSeconds(61)), records(m, 8, 9, true));
            untilStored(gateway, () -> assertThat(samples(gateway.dataSource(), "BR-2"))
                    .isEqualTo(2));
            assertThat(counter("floorlink.gateway.records.duplicate")).isEqualTo(duplicates + 1);
            assertThat(Db.rows(
                            gateway.dataSource(),
                            "SELECT bucket, samples, historical FROM point_minute WHERE device_id = 'BR-2'"))
                    .containsExactly(Map.of("bucket", m, "samples", 2L, "historical", 1L));
        }
    }

    private static List<Metric.Builder> records(Instant m, int from, int to, boolean historical) {
        List<Metric.Builder> out = new ArrayList<>();
        for (int r = from; r <= to; r++) {
            out.add(rid(sample("speed", DataType.DOUBLE, (double) r, ms(m.plusSeconds(r))), r)
                    .setIsHistorical(historical));
        }
        return out;
    }

    /**
     * Clean host session (message-flow-phid-sparkplug-clean-session-50): what an edge publishes while the gateway
     * is down is not kept by the broker for the host. The edge's replay of the records no receipt covers brings it
     * back; data of an edge that stayed online and is not born for the new host is parked until the rebirth the
     * host asks for.
     */
    @Test
    void afterARestartDataOfALiveEdgeIsParkedUntilTheRebirthAndUnreceiptedRecordsComeBackByReplay(@TempDir Path d)
            throws Exception {
        Instant m = T0.plusSeconds(10_800);
        try (EmbeddedBroker broker = EmbeddedBroker.start(
                BrokerConfig.embedded("127.0.0.1", 0, d.resolve("broker")), AuthConfig.anonymousOnLoopback())) {
            GatewayConfig cfg = GatewayConfig.defaults(d)
                    .withBroker(BrokerConfig.external(broker.url(), null, null))
                    .withHostId("durable")
                    .withFlushInterval(Duration.ofHours(1));
            try (TestEdge edge = new TestEdge(broker.url(), "ENT004", "edge-durable", 1);
                    Mqtt5BlockingClient.Mqtt5Publishes ncmd = edge.connectWithCommands()) {
                try (Gateway gw = Gateway.start(cfg, new SimpleMeterRegistry())) {
                    edge.nbirth(ms(m), "epoch-D");
                    edge.device(
                            MessageType.DBIRTH,
                            "DU-1",
                            ms(m),
                            List.of(point("speed", DataType.DOUBLE, 1.0, "process", null, null)));
                    untilStored(gw, () -> assertThat(samples(gw.dataSource(), "DU-1"))
                            .isEqualTo(1));
                }
                // nobody keeps these for the host: its session ended with it
                edge.device(MessageType.DDATA, "DU-1", ms(m), records(m, 1, 3, false));
                SimpleMeterRegistry second = new SimpleMeterRegistry();
                try (Gateway gw = Gateway.start(cfg, second)) {
                    // the edge did not notice the restart: its next record reaches a host that has no NBIRTH
                    edge.device(MessageType.DDATA, "DU-1", ms(m), records(m, 4, 4, false));
                    assertThat(ncmd.receive(10, TimeUnit.SECONDS)).isPresent();
                    edge.nbirth(ms(m.plusSeconds(60)), "epoch-D");
                    edge.device(
                            MessageType.DBIRTH,
                            "DU-1",
                            ms(m.plusSeconds(60)),
                            List.of(point("speed", DataType.DOUBLE, 1.0, "process", null, null)));
                    // the edge replays what no receipt covers (records 1..3) as historical
                    edge.device(MessageType.DDATA, "DU-1", ms(m.plusSeconds(60)), records(m, 1, 3, true));
                    untilStored(gw, () -> assertThat(samples(gw.dataSource(), "DU-1"))
                            .isEqualTo(2 + 4));
                    assertThat(counter(second, "floorlink.gateway.messages.unparked"))
                            .isEqualTo(1);
                    assertThat(Db.rows(
                                    gw.dataSource(),
                                    "SELECT rid_from, rid_to FROM edge_receipt WHERE edge_node_id = 'edge-durable'"))
                            .containsExactly(Map.of("rid_from", 1L, "rid_to", 4L));
                }
            }
        }
    }
}
