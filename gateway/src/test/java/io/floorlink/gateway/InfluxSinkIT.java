package io.floorlink.gateway;

import static io.floorlink.gateway.TestEdge.point;
import static io.floorlink.gateway.TestEdge.rid;
import static io.floorlink.gateway.TestEdge.sample;
import static io.floorlink.gateway.TestEdge.withQuality;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.testing.QuestDb;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Influx sink against a real server of the InfluxDB v2 write API: QuestDB in this JVM. Samples go the real way:
 * a Sparkplug edge publishes to the embedded broker, the primary host accepts them, the sink writes them.
 */
class InfluxSinkIT {
    /**
     * Recent source times: the facts credit an open state up to the wall clock at a flush, so a start months ago
     * would make that flush write every minute since.
     */
    private static final Instant T0 =
            Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).minusSeconds(600);

    private static long t(int seconds) {
        return T0.plusSeconds(seconds).toEpochMilli();
    }

    private static GatewayConfig gateway(Path dir, InfluxConfig influx) {
        return GatewayConfig.defaults(dir)
                .withAuth(AuthConfig.anonymousOnLoopback())
                .withBrokerPort(0)
                .withFlushInterval(Duration.ofHours(1))
                .withInflux(influx);
    }

    @Test
    void everyAcceptedSampleArrivesOnceWithItsTagsValueQualityAndSourceTimestamp(@TempDir Path dir) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (QuestDb qdb = QuestDb.start(dir.resolve("questdb"), 0);
                Gateway gw = Gateway.start(
                        gateway(
                                dir,
                                InfluxConfig.of(qdb.url(), "floorlink", "samples", "a-token")
                                        .withBatching(100, Duration.ofMillis(100), 1000)),
                        registry);
                TestEdge edge = new TestEdge(gw.mqttUrl(), "ENT 01", "edge-01", 1)) {
            String device = "SEW=01,a";
            edge.connect();
            edge.nbirth(t(0), "epoch-1");
            edge.device(
                    MessageType.DBIRTH,
                    device,
                    t(0),
                    List.of(
                            point("temp", DataType.DOUBLE, 20.0, "process", 0.0, 100.0),
                            point("count", DataType.UINT64, 100L, "counter", null, null),
                            // one category, three value types: each type has its own field
                            point("mode", DataType.INT32, 1, "state", null, null),
                            point("running", DataType.BOOLEAN, true, "state", null, null),
                            point("step", DataType.STRING, "cut", "state", null, null)));
            edge.device(
                    MessageType.DDATA,
                    device,
                    t(10),
                    List.of(
                            rid(sample("temp", DataType.DOUBLE, 21.5, t(10)), 1),
                            rid(sample("count", DataType.UINT64, 110L, t(10)), 2),
                            rid(sample("running", DataType.BOOLEAN, false, t(10)), 3),
                            rid(sample("step", DataType.STRING, "sew \"fast\"", t(10)), 4)));
            edge.device(
                    MessageType.DDATA,
                    device,
                    t(20),
                    List.of(
                            // outside the declared 0..100: bad
                            rid(sample("temp", DataType.DOUBLE, 150.0, t(20)), 5),
                            rid(withQuality(sample("mode", DataType.INT32, 2, t(20)), 64), 6)));
            edge.device(
                    MessageType.DDATA,
                    device,
                    t(30),
                    List.of(
                            // a replayed record already folded in: a duplicate, never a second sample
                            rid(sample("temp", DataType.DOUBLE, 21.5, t(10)), 1).setIsHistorical(true),
                            rid(sample("temp", DataType.DOUBLE, 22.0, t(30)), 7)));
            edge.device(
                    MessageType.DDATA,
                    device,
                    t(40),
                    List.of(
                            // breaks the declared datatype: stored as bad, without a value
                            rid(Metrics.metric("temp", DataType.INT32, 5).setTimestamp(t(40)), 8),
                            // not declared in the DBIRTH: ignored
                            sample("nope", DataType.DOUBLE, 1.0, t(40))));
            // a device without DBIRTH: ignored
            edge.device(MessageType.DDATA, "GHOST", t(50), List.of(sample("temp", DataType.DOUBLE, 9.0, t(50))));

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> registry.find("floorlink.gateway.messages.received")
                                    .tag("type", "ddata")
                                    .counter()
                                    .count()
                            == 5);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> qdb.count("SELECT count() FROM process")
                                    + qdb.count("SELECT count() FROM counter")
                                    + qdb.count("SELECT count() FROM state")
                            >= 13);
            assertThat(registry.get("floorlink.gateway.influx.samples.written")
                            .counter()
                            .count())
                    .isEqualTo(13);

            assertThat(qdb.query("SELECT DISTINCT enterprise, edge, device FROM process"))
                    .containsExactly(Map.of("enterprise", "ENT 01", "edge", "edge-01", "device", device));
            assertThat(rows(qdb, "SELECT point, value, quality, timestamp FROM process ORDER BY timestamp"))
                    .containsExactly(
                            List.of("temp", 20.0, "good", t(0)),
                            List.of("temp", 21.5, "good", t(10)),
                            List.of("temp", 150.0, "bad", t(20)),
                            List.of("temp", 22.0, "good", t(30)),
                            java.util.Arrays.asList("temp", null, "bad", t(40)));
            assertThat(rows(qdb, "SELECT point, value, quality, timestamp FROM counter ORDER BY timestamp"))
                    .containsExactly(List.of("count", 100.0, "good", t(0)), List.of("count", 110.0, "good", t(10)));
            assertThat(rows(
                            qdb,
                            "SELECT point, value, quality, timestamp FROM state WHERE point = 'mode' ORDER BY"
                                    + " timestamp"))
                    .containsExactly(List.of("mode", 1.0, "good", t(0)), List.of("mode", 2.0, "uncertain", t(20)));
            assertThat(rows(
                            qdb,
                            "SELECT point, value_bool, quality, timestamp FROM state WHERE point = 'running' ORDER BY"
                                    + " timestamp"))
                    .containsExactly(List.of("running", true, "good", t(0)), List.of("running", false, "good", t(10)));
            assertThat(rows(
                            qdb,
                            "SELECT point, value_text, quality, timestamp FROM state WHERE point = 'step' ORDER BY"
                                    + " timestamp"))
                    .containsExactly(
                            List.of("step", "cut", "good", t(0)), List.of("step", "sew \"fast\"", "good", t(10)));

            // the facts count the same samples per point
            gw.flush();
            Map<String, Long> facts = new HashMap<>();
            for (Map<String, Object> r : Db.rows(
                    gw.dataSource(), "SELECT point_id, SUM(samples) AS n FROM point_minute GROUP BY point_id")) {
                facts.put((String) r.get("point_id"), ((Number) r.get("n")).longValue());
            }
            Map<String, Long> series = new HashMap<>();
            for (String table : List.of("process", "counter", "state")) {
                for (Map<String, Object> r : qdb.query("SELECT point, count() AS n FROM " + table)) {
                    series.put((String) r.get("point"), ((Number) r.get("n")).longValue());
                }
            }
            assertThat(series).isEqualTo(facts).containsEntry("temp", 5L);
            assertThat(registry.get("floorlink.gateway.influx.batches")
                            .tag("outcome", "written")
                            .counter()
                            .count())
                    .isPositive();
            assertThat(registry.get("floorlink.gateway.influx.write.duration")
                            .timer()
                            .count())
                    .isPositive();
        }
    }

    @Test
    void whenTheServerIsDownTheBufferFillsDropsAreCountedFactsKeepFlowingAndNewSamplesArriveOnceItIsBack(
            @TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        InfluxConfig influx = InfluxConfig.of("http://127.0.0.1:" + port, "floorlink", "samples", null)
                .withBatching(5, Duration.ofMillis(50), 10)
                .withRetries(1, Duration.ofSeconds(1));
        try (Gateway gw = Gateway.start(gateway(dir, influx), registry);
                TestEdge edge = new TestEdge(gw.mqttUrl(), "ENT02", "edge-02", 1)) {
            edge.connect();
            edge.nbirth(t(0));
            edge.device(
                    MessageType.DBIRTH,
                    "MOLD-1",
                    t(0),
                    List.of(point("temp", DataType.DOUBLE, 0.0, "process", null, null)));
            for (int m = 0; m < 6; m++) {
                List<io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric.Builder> metrics = new ArrayList<>();
                for (int i = 1; i <= 5; i++) {
                    int second = m * 5 + i;
                    metrics.add(sample("temp", DataType.DOUBLE, (double) second, t(second)));
                }
                edge.device(MessageType.DDATA, "MOLD-1", t(m * 5 + 5), metrics);
            }
            // 31 samples, a buffer of 10, nothing listening: drops counted, batches given up after one retry
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> dropped(registry, "buffer_full") > 0 && dropped(registry, "retries_exhausted") > 0);
            assertThat(registry.get("floorlink.gateway.influx.errors")
                            .tag("cause", "connection")
                            .counter()
                            .count())
                    .isPositive();
            assertThat(registry.get("floorlink.gateway.influx.buffer").gauge().value())
                    .isLessThanOrEqualTo(10);

            // the host kept storing facts
            gw.flush();
            assertThat(Db.count(gw.dataSource(), "SELECT SUM(samples) FROM point_minute WHERE point_id = 'temp'"))
                    .isEqualTo(31);

            try (QuestDb qdb = QuestDb.start(dir.resolve("questdb"), port)) {
                List<io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric.Builder> metrics = new ArrayList<>();
                for (int second = 100; second < 105; second++) {
                    metrics.add(sample("temp", DataType.DOUBLE, (double) second, t(second)));
                }
                edge.device(MessageType.DDATA, "MOLD-1", t(105), metrics);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> qdb.count("SELECT count() FROM process WHERE timestamp >= '"
                                        + Instant.ofEpochMilli(t(100)) + "'")
                                == 5);
                // every sample is accounted for: written or dropped with a reason
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> registry.get("floorlink.gateway.influx.samples.written")
                                                .counter()
                                                .count()
                                        + dropped(registry, "buffer_full")
                                        + dropped(registry, "retries_exhausted")
                                == 36);
                assertThat(dropped(registry, "refused")).isZero();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> qdb.count("SELECT count() FROM process")
                                == (long) registry.get("floorlink.gateway.influx.samples.written")
                                        .counter()
                                        .count());
            }
        }
    }

    private static double dropped(SimpleMeterRegistry registry, String reason) {
        return registry.get("floorlink.gateway.influx.samples.dropped")
                .tag("reason", reason)
                .counter()
                .count();
    }

    /** Rows as lists, timestamps as epoch ms. */
    private static List<List<Object>> rows(QuestDb qdb, String sql) {
        List<List<Object>> out = new ArrayList<>();
        for (Map<String, Object> r : qdb.query(sql)) {
            List<Object> row = new ArrayList<>();
            r.forEach((k, v) ->
                    row.add("timestamp".equals(k) ? Instant.parse((String) v).toEpochMilli() : v));
            out.add(row);
        }
        return out;
    }
}
