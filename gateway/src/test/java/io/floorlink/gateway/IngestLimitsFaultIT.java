package io.floorlink.gateway;

import static io.floorlink.gateway.TestEdge.point;
import static io.floorlink.gateway.TestEdge.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.gateway.facts.FactsStore;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.Limits;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12, ingest limits: messages that break a {@link Limits} limit never reach the writer; spoofed node ids
 * cause a bounded number of warnings and rebirth NCMDs; NaN, infinities and wrong datatypes are stored as bad
 * samples and counted. Real embedded broker and H2 store (PostgreSQL too for the schema check when
 * FLOORLINK_IT_POSTGRES_URL is set).
 */
class IngestLimitsFaultIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

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
                        .withFlushInterval(Duration.ofHours(1)),
                registry);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static double counter(String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    static Stream<String> stores() {
        return Stream.of("h2", "postgresql");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    @DisplayName("the store's column widths equal the Limits constants (INFORMATION_SCHEMA)")
    void storeColumnWidthsEqualTheLimits(String kind) {
        FactsStore store;
        if (kind.equals("postgresql")) {
            String url = PostgresIt.urlOrSkip();
            store = FactsStore.open(url, null, null);
        } else {
            store = FactsStore.open(
                    "jdbc:h2:mem:limits-" + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", null);
        }
        try (store) {
            DataSource ds = store.dataSource();
            for (String table : List.of("edge_session", "device_session", "point_declaration", "edge_receipt")) {
                assertThat(width(ds, table, "group_id")).as(table).isEqualTo(Limits.MAX_ID_LENGTH);
                assertThat(width(ds, table, "edge_node_id")).as(table).isEqualTo(Limits.MAX_ID_LENGTH);
            }
            for (String table : List.of(
                    "device_session",
                    "point_declaration",
                    "point_minute",
                    "point_hour",
                    "point_day",
                    "device_minute",
                    "device_hour",
                    "device_day",
                    "fact_revision",
                    "point_state_minute",
                    "point_static_run")) {
                assertThat(width(ds, table, "device_id")).as(table).isEqualTo(Limits.MAX_ID_LENGTH);
            }
            for (String table : List.of(
                    "point_declaration",
                    "point_minute",
                    "point_hour",
                    "point_day",
                    "point_state_minute",
                    "point_static_run")) {
                assertThat(width(ds, table, "point_id")).as(table).isEqualTo(Limits.MAX_METRIC_NAME_LENGTH);
            }
            assertThat(width(ds, "point_declaration", "category")).isEqualTo(Limits.MAX_CATEGORY_LENGTH);
            assertThat(width(ds, "point_declaration", "unit")).isEqualTo(Limits.MAX_UNIT_LENGTH);
            assertThat(width(ds, "edge_receipt", "buffer_epoch")).isEqualTo(Limits.MAX_EPOCH_LENGTH);
        }
    }

    private static long width(DataSource ds, String table, String column) {
        return Db.count(
                ds,
                "SELECT character_maximum_length FROM information_schema.columns WHERE LOWER(table_name) = ?"
                        + " AND LOWER(column_name) = ? AND LOWER(table_schema) = LOWER(CURRENT_SCHEMA)",
                table,
                column);
    }

    @Test
    @DisplayName("an NBIRTH whose edge node id is longer than MAX_ID_LENGTH is refused at ingest; facts keep flowing")
    void anOverLongNodeIdIsRefusedAndNeverReachesTheWriter() throws Exception {
        String longNode = "n".repeat(Limits.MAX_ID_LENGTH + 1);
        double decode = counter("floorlink.gateway.decode.errors");
        double refused = counter("floorlink.gateway.messages.ignored", "reason", "limit");
        long t = System.currentTimeMillis();
        try (TestEdge edge = new TestEdge(gateway.mqttUrl(), "LIM", "edge-limit-ok", 0)) {
            edge.connect();
            edge.publish(
                    Topic.node("LIM", MessageType.NBIRTH, longNode),
                    Payload.newBuilder()
                            .setTimestamp(t)
                            .setSeq(0)
                            .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, 0L))
                            .build());
            edge.publish(
                    Topic.device("LIM", MessageType.DBIRTH, "edge-limit-ok", "d".repeat(Limits.MAX_ID_LENGTH + 1)),
                    Payload.newBuilder().setTimestamp(t).setSeq(1).build());
            edge.nbirth(t);
            edge.device(
                    MessageType.DBIRTH,
                    "LIM-1",
                    t,
                    List.of(point(
                            "x".repeat(Limits.MAX_METRIC_NAME_LENGTH + 1),
                            DataType.DOUBLE,
                            1.0,
                            "process",
                            null,
                            null)));
            edge.device(
                    MessageType.DBIRTH,
                    "LIM-2",
                    t,
                    List.of(point("speed", DataType.DOUBLE, 1.0, "process", null, null)));
            await().atMost(WAIT).untilAsserted(() -> {
                gateway.flush();
                assertThat(Db.count(
                                gateway.dataSource(),
                                "SELECT COALESCE(SUM(samples), 0) FROM point_minute WHERE device_id = 'LIM-2'"))
                        .isEqualTo(1);
            });
        }
        assertThat(counter("floorlink.gateway.decode.errors")).isEqualTo(decode + 3);
        assertThat(counter("floorlink.gateway.messages.ignored", "reason", "limit"))
                .isEqualTo(refused + 3);
        assertThat(Db.count(gateway.dataSource(), "SELECT COUNT(*) FROM edge_session WHERE group_id = 'LIM'"))
                .as("only the valid edge node has a session")
                .isEqualTo(1);
        assertThat(Db.count(gateway.dataSource(), "SELECT COUNT(*) FROM point_declaration WHERE device_id = 'LIM-1'"))
                .isZero();
        assertThat(Db.count(gateway.dataSource(), "SELECT COUNT(*) FROM fact_quarantine"))
                .as("nothing reached the writer to be refused there")
                .isZero();
        assertThat(gateway.health().status()).isEqualTo(GatewayHealth.UP);
    }

    @Test
    @DisplayName("5,000 spoofed node ids: bounded warnings and rebirth NCMDs, the rest counted as suppressed")
    void spoofedNodeIdsCauseBoundedWarningsAndRebirthRequests() throws Exception {
        double requests = counter("floorlink.gateway.rebirth.requests");
        double suppressed = counter("floorlink.gateway.rebirth.suppressed");
        double warnings = counter("floorlink.gateway.warnings.suppressed");
        int spoofed = 5_000;
        long started = System.nanoTime();
        try (TestEdge edge = new TestEdge(gateway.mqttUrl(), "SPOOF", "edge-spoofer", 0)) {
            edge.connect();
            byte[] payload = Payload.newBuilder()
                    .setTimestamp(System.currentTimeMillis())
                    .setSeq(1)
                    .addMetrics(sample("speed", DataType.DOUBLE, 1.0, System.currentTimeMillis()))
                    .build()
                    .toByteArray();
            for (int i = 0; i < spoofed; i++) {
                edge.client
                        .publishWith()
                        .topic(Topic.device("SPOOF", MessageType.DDATA, "spoof-" + i, "dev")
                                .toString())
                        .payload(payload)
                        .qos(com.hivemq.client.mqtt.datatypes.MqttQos.AT_LEAST_ONCE)
                        .send();
            }
            await().atMost(WAIT).untilAsserted(() -> assertThat(counter("floorlink.gateway.rebirth.requests")
                            - requests
                            + counter("floorlink.gateway.rebirth.suppressed")
                            - suppressed)
                    .as("every spoofed node asked for a rebirth once")
                    .isEqualTo(spoofed));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double sent = counter("floorlink.gateway.rebirth.requests") - requests;
        assertThat(sent)
                .as("rebirth NCMDs bounded by the global rate (%.1f s)", seconds)
                .isLessThanOrEqualTo(50 * (seconds + 1));
        assertThat(counter("floorlink.gateway.warnings.suppressed") - warnings)
                .as("warnings beyond the global limit are suppressed")
                .isGreaterThanOrEqualTo(spoofed - 20 * (Math.ceil(seconds / 30) + 1));
    }

    @Test
    @DisplayName("NaN, infinities and a datatype other than the DBIRTH's are bad samples, counted")
    void nonFiniteValuesAndWrongDatatypesAreBadSamples() throws Exception {
        double nonFinite = counter("floorlink.gateway.samples.rejected", "reason", "non_finite");
        double datatype = counter("floorlink.gateway.samples.rejected", "reason", "datatype");
        long t = System.currentTimeMillis() / 60_000 * 60_000 + 1_000;
        try (TestEdge edge = new TestEdge(gateway.mqttUrl(), "NF", "edge-nonfinite", 0)) {
            edge.connect();
            edge.nbirth(t);
            edge.device(
                    MessageType.DBIRTH,
                    "NF-1",
                    t,
                    List.of(point("temp", DataType.DOUBLE, null, "process", null, null)
                            .setIsNull(true)));
            edge.device(
                    MessageType.DDATA,
                    "NF-1",
                    t,
                    List.of(
                            sample("temp", DataType.DOUBLE, 20.0, t + 1),
                            sample("temp", DataType.DOUBLE, Double.NaN, t + 2),
                            sample("temp", DataType.DOUBLE, Double.POSITIVE_INFINITY, t + 3),
                            sample("temp", DataType.DOUBLE, Double.NEGATIVE_INFINITY, t + 4),
                            Metrics.metric("temp", DataType.INT32, 21).setTimestamp(t + 5)));
            await().atMost(WAIT).untilAsserted(() -> {
                gateway.flush();
                assertThat(Db.count(
                                gateway.dataSource(),
                                "SELECT COALESCE(SUM(samples), 0) FROM point_minute WHERE device_id = 'NF-1'"))
                        .isEqualTo(5);
            });
        }
        Map<String, Object> row = Db.one(
                gateway.dataSource(),
                "SELECT SUM(good) AS good, SUM(bad) AS bad, MAX(value_max) AS vmax, MIN(value_min) AS vmin"
                        + " FROM point_minute WHERE device_id = 'NF-1'");
        assertThat(((Number) row.get("good")).longValue()).isEqualTo(1);
        assertThat(((Number) row.get("bad")).longValue()).isEqualTo(4);
        assertThat(((Number) row.get("vmax")).doubleValue()).isEqualTo(20.0);
        assertThat(((Number) row.get("vmin")).doubleValue()).isEqualTo(20.0);
        assertThat(counter("floorlink.gateway.samples.rejected", "reason", "non_finite"))
                .isEqualTo(nonFinite + 3);
        assertThat(counter("floorlink.gateway.samples.rejected", "reason", "datatype"))
                .isEqualTo(datatype + 1);
    }

    @Test
    @DisplayName("edge nodes tracked are bounded: idle unborn node ids are forgotten, parked ones fill the table")
    void trackedEdgeNodesAreBounded() throws Exception {
        SimpleMeterRegistry r = new SimpleMeterRegistry();
        io.floorlink.gateway.host.HostProcessor processor = new io.floorlink.gateway.host.HostProcessor(
                "host-bound",
                100_000,
                3_600_000,
                100,
                Map.of(),
                b -> java.util.concurrent.CompletableFuture.completedFuture(null));
        processor.meterBinder().bindTo(r);
        processor.start();
        try {
            int max = 10_000;
            long now = System.currentTimeMillis();
            byte[] data = Payload.newBuilder()
                    .setTimestamp(now)
                    .setSeq(1)
                    .addMetrics(sample("speed", DataType.DOUBLE, 1.0, now))
                    .build()
                    .toByteArray();
            // NDATA of unborn nodes is ignored: those nodes hold nothing and may be forgotten
            for (int i = 0; i < max; i++) {
                processor.offer(Topic.node("B", MessageType.NDATA, "idle-" + i).toString(), data, now);
            }
            processor.offer(
                    Topic.node("B", MessageType.NBIRTH, "real-1").toString(),
                    Payload.newBuilder()
                            .setTimestamp(now)
                            .setSeq(0)
                            .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, 0L))
                            .build()
                            .toByteArray(),
                    now);
            processor.requestFlush().get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.get("floorlink.gateway.messages.ignored")
                            .tag("reason", "limit")
                            .counter()
                            .count())
                    .as("a new node is taken once idle unborn ones are forgotten")
                    .isZero();
            assertThat(r.get("floorlink.gateway.sessions.open")
                            .tag("kind", "edge")
                            .gauge()
                            .value())
                    .isEqualTo(1.0);
            // DDATA of unborn nodes is parked: those nodes hold data and are kept, so the table fills
            for (int i = 0; i < max; i++) {
                processor.offer(
                        Topic.device("B", MessageType.DDATA, "parked-" + i, "d").toString(), data, now);
            }
            processor.requestFlush().get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.get("floorlink.gateway.messages.ignored")
                            .tag("reason", "limit")
                            .counter()
                            .count())
                    .as("node ids beyond MAX_EDGE_NODES are refused")
                    .isEqualTo(1.0);
        } finally {
            processor.stop(10_000);
        }
    }

    @Test
    @DisplayName("devices per edge node are bounded: a DBIRTH or DDATA of one more device is refused, nothing kept")
    void devicesPerEdgeNodeAreBounded() throws Exception {
        SimpleMeterRegistry r = new SimpleMeterRegistry();
        List<io.floorlink.gateway.facts.FactsBatch> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.floorlink.gateway.host.HostProcessor processor =
                new io.floorlink.gateway.host.HostProcessor("host-devices", 100_000, 3_600_000, 100, Map.of(), b -> {
                    batches.add(b);
                    return java.util.concurrent.CompletableFuture.completedFuture(null);
                });
        processor.meterBinder().bindTo(r);
        processor.start();
        try {
            int max = io.floorlink.sparkplug.host.HostSession.MAX_DEVICES;
            long now = System.currentTimeMillis();
            long seq = 0;
            processor.offer(
                    Topic.node("B", MessageType.NBIRTH, "many").toString(),
                    Payload.newBuilder()
                            .setTimestamp(now)
                            .setSeq(seq)
                            .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, 0L))
                            .build()
                            .toByteArray(),
                    now);
            for (int i = 0; i <= max; i++) {
                seq = (seq + 1) % 256;
                processor.offer(
                        Topic.device("B", MessageType.DBIRTH, "many", "d-" + i).toString(),
                        Payload.newBuilder()
                                .setTimestamp(now)
                                .setSeq(seq)
                                .addMetrics(point("speed", DataType.DOUBLE, 1.0, "process", null, null))
                                .build()
                                .toByteArray(),
                        now);
            }
            seq = (seq + 1) % 256;
            processor.offer(
                    Topic.device("B", MessageType.DDATA, "many", "d-" + max).toString(),
                    Payload.newBuilder()
                            .setTimestamp(now)
                            .setSeq(seq)
                            .addMetrics(sample("speed", DataType.DOUBLE, 2.0, now))
                            .build()
                            .toByteArray(),
                    now);
            processor.requestFlush().get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.get("floorlink.gateway.messages.ignored")
                            .tag("reason", "limit")
                            .counter()
                            .count())
                    .as("the DBIRTH and the DDATA of device number MAX_DEVICES + 1")
                    .isEqualTo(2.0);
            assertThat(r.get("floorlink.gateway.sessions.open")
                            .tag("kind", "device")
                            .gauge()
                            .value())
                    .isEqualTo(max);
            assertThat(r.get("floorlink.gateway.rebirth.requests").counter().count())
                    .as("a rebirth would bring the same devices")
                    .isZero();
            assertThat(batches.stream().flatMap(b -> b.declarations().stream()))
                    .as("nothing is declared for the refused device")
                    .hasSize(max)
                    .noneMatch(d -> d.deviceId().equals("d-" + max));
            assertThat(batches.stream().flatMap(b -> b.gaps().stream()))
                    .as("the refusals are a decode gap of the node, naming the limit")
                    .anyMatch(g -> "many".equals(g.edgeNodeId()) && g.detail().contains("MAX_DEVICES"));
        } finally {
            processor.stop(10_000);
        }
    }
}
