package io.floorlink.gateway;

import static io.floorlink.gateway.TestEdge.health;
import static io.floorlink.gateway.TestEdge.point;
import static io.floorlink.gateway.TestEdge.sample;
import static io.floorlink.gateway.TestEdge.withQuality;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.StateMessage;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrimaryHostIT {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");

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

    private static long ms(Instant t) {
        return t.toEpochMilli();
    }

    private static void untilStored(Runnable assertion) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            gateway.flush();
            assertion.run();
        });
    }

    private static double counter(String name) {
        return registry.find(name).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    @Test
    void stateOnlineIsRetainedAfterStart() {
        Mqtt5BlockingClient observer = MqttClient.builder()
                .useMqttVersion5()
                .serverHost(gateway.mqttUrl().getHost())
                .serverPort(gateway.mqttUrl().getPort())
                .buildBlocking();
        observer.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = observer.publishes(MqttGlobalPublishFilter.ALL)) {
            observer.subscribeWith()
                    .topicFilter(Topic.state(gateway.hostId()).toString())
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            Optional<Mqtt5Publish> state = publishes.receive(5, TimeUnit.SECONDS);
            assertThat(state).isPresent();
            assertThat(state.get().isRetain()).isTrue();
            assertThat(StateMessage.parse(state.get().getPayloadAsBytes()).online())
                    .isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            observer.disconnect();
        }
    }

    @Test
    void birthDataAndDeathMessagesProduceSessionsAndDeclarations() {
        try (TestEdge edge = new TestEdge(gateway.mqttUrl(), "ENT001", "edge-life", 3)) {
            edge.connect();
            edge.nbirth(ms(T0));
            edge.device(
                    MessageType.DBIRTH,
                    "SEW-01",
                    ms(T0.plusSeconds(1)),
                    List.of(
                            point("temp", DataType.DOUBLE, 20.0, "process", 0.0, 100.0),
                            health(MetricNames.HEALTH_CONNECTED, DataType.BOOLEAN, true, ms(T0.plusSeconds(1)))));
            edge.device(
                    MessageType.DDATA,
                    "SEW-01",
                    ms(T0.plusSeconds(2)),
                    List.of(sample("temp", DataType.DOUBLE, 21.5, ms(T0.plusSeconds(2)))));
            edge.device(MessageType.DDEATH, "SEW-01", ms(T0.plusSeconds(30)), List.of());
            edge.ndeath(3);

            untilStored(() -> {
                Map<String, Object> es = Db.one(
                        gateway.dataSource(),
                        "SELECT * FROM edge_session WHERE group_id = 'ENT001' AND edge_node_id = 'edge-life'");
                assertThat(es.get("bd_seq")).isEqualTo(3L);
                assertThat(es.get("connected_at")).isEqualTo(T0);
                assertThat(es.get("end_reason")).isEqualTo("ndeath");
                assertThat(es.get("disconnected_at")).isNotNull();
            });
            Map<String, Object> ds =
                    Db.one(gateway.dataSource(), "SELECT * FROM device_session WHERE device_id = 'SEW-01'");
            assertThat(ds.get("connected_at")).isEqualTo(T0.plusSeconds(1));
            assertThat(ds.get("disconnected_at")).isEqualTo(T0.plusSeconds(30));
            assertThat(ds.get("end_reason")).isEqualTo("ddeath");
            assertThat(ds.get("historical")).isEqualTo(false);

            Map<String, Object> decl = Db.one(
                    gateway.dataSource(),
                    "SELECT * FROM point_declaration WHERE device_id = 'SEW-01' AND point_id = 'temp'");
            assertThat(decl.get("category")).isEqualTo("process");
            assertThat(decl.get("unit")).isEqualTo("degC");
            assertThat(decl.get("interval_ms")).isEqualTo(1000L);
            assertThat(decl.get("eng_low")).isEqualTo(0.0);
            assertThat(decl.get("eng_high")).isEqualTo(100.0);
            assertThat(decl.get("datatype")).isEqualTo(DataType.DOUBLE.code());
            assertThat(Db.count(
                            gateway.dataSource(), "SELECT COUNT(*) FROM point_declaration WHERE device_id = 'SEW-01'"))
                    .as("health metrics are not points")
                    .isEqualTo(1);
        }
    }

    @Test
    void ndeathClosesOpenDeviceSessionsOfTheNode() {
        try (TestEdge edge = new TestEdge(gateway.mqttUrl(), "ENT001", "edge-nd", 0)) {
            edge.connect();
            edge.nbirth(ms(T0));
            edge.device(
                    MessageType.DBIRTH,
                    "IMM-ND",
                    ms(T0.plusSeconds(1)),
                    List.of(point("shots", DataType.UINT32, 5L, "counter", null, null)));
            edge.ndeath(0);
            untilStored(() -> assertThat(Db.one(
                                    gateway.dataSource(),
                                    "SELECT end_reason FROM device_session WHERE device_id = 'IMM-ND'")
                            .get("end_reason"))
                    .isEqualTo("ndeath"));
        }
    }

    @Test
    void healthConnectedFalseThenTrueSplitsTheSessionAtMetricTimestamps() {
        Instant t1 = T0.plusSeconds(100);
        Instant t2 = T0.plusSeconds(160);
        Instant t3 = T0.plusSeconds(400);
        try (TestEdge edge = new TestEdge(gateway.mqttUrl(), "ENT001", "edge-health", 0)) {
            edge.connect();
            edge.nbirth(ms(T0));
            edge.device(
                    MessageType.DBIRTH,
                    "SEW-02",
                    ms(T0),
                    List.of(
                            point("speed", DataType.FLOAT, 1.0f, "process", null, null),
                            health(MetricNames.HEALTH_CONNECTED, DataType.BOOLEAN, true, ms(T0))));
            edge.device(
                    MessageType.DDATA,
                    "SEW-02",
                    ms(t1.plusSeconds(5)),
                    List.of(health(MetricNames.HEALTH_CONNECTED, DataType.BOOLEAN, false, ms(t1))));
            edge.device(
                    MessageType.DDATA,
                    "SEW-02",
                    ms(t2.plusSeconds(5)),
                    List.of(health(MetricNames.HEALTH_CONNECTED, DataType.BOOLEAN, true, ms(t2))));
            edge.device(
                    MessageType.DDATA,
                    "SEW-02",
                    ms(t3),
                    List.of(
                            health(MetricNames.HEALTH_CONNECTED, DataType.BOOLEAN, false, ms(t3)),
                            health(MetricNames.HEALTH_CONNECTED, DataType.BOOLEAN, true, ms(t3.plusSeconds(10)))
                                    .setIsHistorical(true)));

            untilStored(() -> assertThat(Db.rows(
                            gateway.dataSource(),
                            "SELECT connected_at, disconnected_at, end_reason, historical FROM device_session"
                                    + " WHERE device_id = 'SEW-02' ORDER BY connected_at"))
                    .containsExactly(
                            Map.of(
                                    "connected_at",
                                    T0,
                                    "disconnected_at",
                                    t1,
                                    "end_reason",
                                    "edge_reported",
                                    "historical",
                                    false),
                            Map.of(
                                    "connected_at",
                                    t2,
                                    "disconnected_at",
                                    t3,
                                    "end_reason",
                                    "edge_reported",
                                    "historical",
                                    false),
                            // a historical true alone: until the stream ends, plus one (default 10 s) health interval
                            row(t3.plusSeconds(10), t3.plusSeconds(20), "history_end", true)));
        }
    }

    private static Map<String, Object> row(Instant from, Instant to, String reason, boolean historical) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("connected_at", from);
        m.put("disconnected_at", to);
        m.put("end_reason", reason);
        m.put("historical", historical);
        return m;
    }

    @Test
    void rollupsCountSamplesQualityAndHistoricalPerMinuteExactly() {
        Instant minute = T0.plusSeconds(3600); // 09:00
        try (TestEdge edge = new TestEdge(gateway.mqttUrl(), "ENT001", "edge-roll", 0)) {
            edge.connect();
            edge.nbirth(ms(T0));
            // the DBIRTH value lands in the 08:00 minute, not in the one asserted below
            edge.device(
                    MessageType.DBIRTH,
                    "IMM-01",
                    ms(T0),
                    List.of(point("melt_temp", DataType.DOUBLE, 200.0, "process", 0.0, 300.0)));
            long t = ms(minute);
            edge.device(
                    MessageType.DDATA,
                    "IMM-01",
                    t + 50_000,
                    List.of(
                            sample("melt_temp", DataType.DOUBLE, 210.0, t + 1_000),
                            sample("melt_temp", DataType.DOUBLE, 220.0, t + 2_000),
                            sample("melt_temp", DataType.DOUBLE, 350.0, t + 3_000), // above eng_high: bad
                            withQuality(sample("melt_temp", DataType.DOUBLE, 215.0, t + 4_000), 0), // bad quality
                            withQuality(sample("melt_temp", DataType.DOUBLE, 216.0, t + 5_000), 64), // uncertain
                            sample("melt_temp", DataType.DOUBLE, 205.0, t + 6_000)
                                    .setIsHistorical(true)));
            edge.device(
                    MessageType.DDATA,
                    "IMM-01",
                    t + 59_000,
                    List.of(sample("melt_temp", DataType.DOUBLE, 230.0, t + 59_000)));
            edge.device(
                    MessageType.DDATA,
                    "IMM-01",
                    t + 61_000,
                    List.of(sample("melt_temp", DataType.DOUBLE, 240.0, t + 61_000)));

            untilStored(() -> {
                Map<String, Object> r = Db.one(
                        gateway.dataSource(),
                        "SELECT * FROM point_minute WHERE device_id = 'IMM-01' AND point_id = 'melt_temp'"
                                + " AND bucket = ?",
                        minute);
                assertThat(r.get("samples")).isEqualTo(7L);
                assertThat(r.get("good")).isEqualTo(4L);
                assertThat(r.get("bad")).isEqualTo(2L);
                assertThat(r.get("uncertain")).isEqualTo(1L);
                assertThat(r.get("historical")).isEqualTo(1L);
                assertThat(r.get("value_count")).isEqualTo(7L);
                assertThat(r.get("value_min")).isEqualTo(205.0);
                assertThat(r.get("value_max")).isEqualTo(350.0);
                assertThat(r.get("value_last")).isEqualTo(230.0);
                assertThat(r.get("last_ts")).isEqualTo(minute.plusSeconds(59));
                // real-time good samples only: 210, 220, 230
                assertThat(r.get("latency_count")).isEqualTo(3L);
            });
            assertThat(Db.one(
                                    gateway.dataSource(),
                                    "SELECT samples FROM point_minute WHERE device_id = 'IMM-01' AND bucket = ?",
                                    minute.plusSeconds(60))
                            .get("samples"))
                    .isEqualTo(1L);
            assertThat(Db.one(
                            gateway.dataSource(),
                            "SELECT samples, good FROM point_hour WHERE device_id = 'IMM-01' AND bucket = ?",
                            minute))
                    .isEqualTo(Map.of("samples", 8L, "good", 5L));
            assertThat(Db.one(
                                    gateway.dataSource(),
                                    "SELECT samples FROM point_day WHERE device_id = 'IMM-01' AND bucket = ?",
                                    Instant.parse("2026-03-02T00:00:00Z"))
                            .get("samples"))
                    .isEqualTo(9L);
        }
    }

    @Test
    void readsOkAndFailedBecomeIncrementsWithResets() {
        Instant m1 = T0.plusSeconds(7200);
        Instant m2 = m1.plusSeconds(60);
        try (TestEdge edge = new TestEdge(gateway.mqttUrl(), "ENT001", "edge-reads", 0)) {
            edge.connect();
            edge.nbirth(ms(m1));
            edge.device(
                    MessageType.DBIRTH,
                    "ASM-01",
                    ms(m1),
                    List.of(
                            point("cycle", DataType.INT32, 1, "process", null, null),
                            health(MetricNames.HEALTH_READS_OK, DataType.UINT64, 0L, ms(m1)),
                            health(MetricNames.HEALTH_READS_FAILED, DataType.UINT64, 0L, ms(m1))));
            edge.device(
                    MessageType.DDATA,
                    "ASM-01",
                    ms(m1.plusSeconds(10)),
                    List.of(
                            health(MetricNames.HEALTH_READS_OK, DataType.UINT64, 10L, ms(m1.plusSeconds(10))),
                            health(MetricNames.HEALTH_READS_FAILED, DataType.UINT64, 1L, ms(m1.plusSeconds(10)))));
            edge.device(
                    MessageType.DDATA,
                    "ASM-01",
                    ms(m1.plusSeconds(20)),
                    List.of(health(MetricNames.HEALTH_READS_OK, DataType.UINT64, 25L, ms(m1.plusSeconds(20)))));
            // the counter went down: the edge restarted it, the new value is the increment
            edge.device(
                    MessageType.DDATA,
                    "ASM-01",
                    ms(m2.plusSeconds(5)),
                    List.of(health(MetricNames.HEALTH_READS_OK, DataType.UINT64, 4L, ms(m2.plusSeconds(5)))));

            untilStored(() -> assertThat(Db.rows(
                            gateway.dataSource(),
                            "SELECT bucket, reads_ok, reads_failed FROM device_minute WHERE device_id = 'ASM-01'"
                                    + " ORDER BY bucket"))
                    .containsExactly(
                            Map.of("bucket", m1, "reads_ok", 25L, "reads_failed", 1L),
                            Map.of("bucket", m2, "reads_ok", 4L, "reads_failed", 0L)));
            assertThat(Db.one(gateway.dataSource(), "SELECT reads_ok FROM device_hour WHERE device_id = 'ASM-01'"))
                    .isEqualTo(Map.of("reads_ok", 29L));
        }
    }

    @Test
    void ndeathWithStaleBdSeqIsIgnored() {
        double before = counter("floorlink.gateway.ndeath.stale");
        try (TestEdge edge = new TestEdge(gateway.mqttUrl(), "ENT001", "edge-stale", 7)) {
            edge.connect();
            edge.nbirth(ms(T0));
            edge.ndeath(6);
            await().atMost(WAIT).until(() -> counter("floorlink.gateway.ndeath.stale") == before + 1);
            gateway.flush();
            Map<String, Object> es = Db.one(
                    gateway.dataSource(),
                    "SELECT disconnected_at, end_reason FROM edge_session WHERE edge_node_id = 'edge-stale'");
            assertThat(es.get("disconnected_at")).isNull();
            assertThat(es.get("end_reason")).isNull();
        }
    }

    @Test
    void seqGapIsCountedAndARebirthIsRequested() throws InterruptedException {
        double before = counter("floorlink.gateway.seq.gaps");
        try (TestEdge edge = new TestEdge(gateway.mqttUrl(), "ENT001", "edge-gap", 0);
                Mqtt5BlockingClient.Mqtt5Publishes commands = edge.connectWithCommands()) {
            edge.nbirth(ms(T0));
            edge.device(
                    MessageType.DBIRTH,
                    "SEW-GAP",
                    ms(T0),
                    List.of(point("speed", DataType.FLOAT, 1.0f, "process", null, null)));
            edge.deviceWithSeq(
                    MessageType.DDATA,
                    "SEW-GAP",
                    ms(T0.plusSeconds(1)),
                    9,
                    List.of(sample("speed", DataType.FLOAT, 2.0f, ms(T0.plusSeconds(1)))));
            await().atMost(WAIT).until(() -> counter("floorlink.gateway.seq.gaps") == before + 1);
            Optional<Mqtt5Publish> ncmd = commands.receive(10, TimeUnit.SECONDS);
            assertThat(ncmd).isPresent();
            assertThat(ncmd.get().getTopic().toString()).isEqualTo("spBv1.0/ENT001/NCMD/edge-gap");
            Payload p = io.floorlink.sparkplug.Metrics.decode("ncmd", ncmd.get().getPayloadAsBytes());
            assertThat(p.getMetrics(0).getName()).isEqualTo(MetricNames.REBIRTH);
            assertThat(p.getMetrics(0).getBooleanValue()).isTrue();
        }
    }

    @Test
    void dataBeforeNbirthIsIgnoredAndARebirthRequested() throws InterruptedException {
        try (TestEdge edge = new TestEdge(gateway.mqttUrl(), "ENT001", "edge-unborn", 0);
                Mqtt5BlockingClient.Mqtt5Publishes commands = edge.connectWithCommands()) {
            edge.device(
                    MessageType.DDATA, "SEW-UNBORN", ms(T0), List.of(sample("speed", DataType.FLOAT, 2.0f, ms(T0))));
            assertThat(commands.receive(10, TimeUnit.SECONDS)).isPresent();
            gateway.flush();
            assertThat(Db.count(
                            gateway.dataSource(), "SELECT COUNT(*) FROM point_minute WHERE device_id = 'SEW-UNBORN'"))
                    .isZero();
        }
    }

    @Test
    void stateOfflineWithTheBirthTimestampIsRetainedAfterClose(@TempDir Path other) throws Exception {
        GatewayConfig cfg = GatewayConfig.defaults(other)
                .withBroker(BrokerConfig.external(gateway.mqttUrl(), null, null))
                .withHostId("second");
        StateMessage online;
        try (Gateway second = Gateway.start(cfg, new SimpleMeterRegistry())) {
            assertThat(second.mqttUrl()).isEqualTo(gateway.mqttUrl());
            online = retainedState("second");
            assertThat(online.online()).isTrue();
        }
        StateMessage offline = retainedState("second");
        assertThat(offline.online()).isFalse();
        assertThat(offline.timestamp()).isEqualTo(online.timestamp());
    }

    private static StateMessage retainedState(String hostId) throws InterruptedException {
        Mqtt5BlockingClient observer = MqttClient.builder()
                .useMqttVersion5()
                .serverHost(gateway.mqttUrl().getHost())
                .serverPort(gateway.mqttUrl().getPort())
                .buildBlocking();
        observer.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = observer.publishes(MqttGlobalPublishFilter.ALL)) {
            observer.subscribeWith()
                    .topicFilter(Topic.state(hostId).toString())
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            Mqtt5Publish p = publishes.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(p.isRetain()).isTrue();
            return StateMessage.parse(p.getPayloadAsBytes());
        } finally {
            observer.disconnect();
        }
    }

    @Test
    void anExternalBrokerThatIsNotUpYetIsRetriedUntilTheStateBirth(@TempDir Path other) throws Exception {
        int port;
        try (java.net.ServerSocket probe =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        GatewayConfig cfg = GatewayConfig.defaults(other)
                .withBroker(BrokerConfig.external(java.net.URI.create("tcp://127.0.0.1:" + port), null, null))
                .withHostId("late");
        java.util.concurrent.CompletableFuture<Gateway> starting =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return Gateway.start(cfg, new SimpleMeterRegistry());
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                });
        Thread.sleep(1500);
        assertThat(starting).as("start blocks while the broker is unreachable").isNotDone();
        try (io.floorlink.broker.EmbeddedBroker broker = io.floorlink.broker.EmbeddedBroker.start(
                        BrokerConfig.embedded("127.0.0.1", port, other.resolve("late-broker")),
                        AuthConfig.anonymousOnLoopback());
                Gateway late = starting.get(30, TimeUnit.SECONDS)) {
            assertThat(late.mqttUrl().getPort()).isEqualTo(broker.port());
        }
    }

    @Test
    void aStaleStateOfflineForTheHostIsAnsweredWithOnline() {
        Mqtt5BlockingClient other = MqttClient.builder()
                .useMqttVersion5()
                .serverHost(gateway.mqttUrl().getHost())
                .serverPort(gateway.mqttUrl().getPort())
                .buildBlocking();
        other.connect();
        try {
            other.publishWith()
                    .topic(Topic.state(gateway.hostId()).toString())
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .retain(true)
                    .payload(new StateMessage(false, 1L).toJson())
                    .send();
        } finally {
            other.disconnect();
        }
        await().atMost(WAIT)
                .untilAsserted(() ->
                        assertThat(retainedState(gateway.hostId()).online()).isTrue());
    }

    @Test
    void restartOnTheSameStoreClosesSessionsLeftOpenAsPlatformRestart(@TempDir Path store) throws Exception {
        GatewayConfig cfg = GatewayConfig.defaults(store)
                .withAuth(AuthConfig.anonymousOnLoopback())
                .withBrokerPort(0)
                .withFlushInterval(Duration.ofHours(1));
        Instant before;
        try (Gateway first = Gateway.start(cfg, new SimpleMeterRegistry());
                TestEdge edge = new TestEdge(first.mqttUrl(), "ENT009", "edge-restart", 0)) {
            edge.connect();
            edge.nbirth(ms(T0));
            edge.device(
                    MessageType.DBIRTH,
                    "SEW-R",
                    ms(T0),
                    List.of(point("speed", DataType.FLOAT, 1.0f, "process", null, null)));
            await().atMost(WAIT).untilAsserted(() -> {
                first.flush();
                assertThat(Db.count(
                                first.dataSource(), "SELECT COUNT(*) FROM device_session WHERE device_id = 'SEW-R'"))
                        .isEqualTo(1);
            });
            before = Instant.now();
        }
        try (Gateway second = Gateway.start(cfg, new SimpleMeterRegistry())) {
            Map<String, Object> es = Db.one(
                    second.dataSource(),
                    "SELECT disconnected_at, end_reason FROM edge_session WHERE edge_node_id = 'edge-restart'");
            Map<String, Object> ds = Db.one(
                    second.dataSource(),
                    "SELECT disconnected_at, end_reason FROM device_session WHERE device_id = 'SEW-R'");
            for (Map<String, Object> r : List.of(es, ds)) {
                assertThat(r.get("end_reason")).isEqualTo("platform_restart");
                // closed when the first run last wrote (its final flush), not at the second start
                assertThat((Instant) r.get("disconnected_at"))
                        .isAfterOrEqualTo(before.minusSeconds(1))
                        .isBefore(Instant.now());
            }
        }
    }

    @Test
    void meteringCountsMessagesByType() {
        assertThat(registry.find("floorlink.gateway.messages.received")
                        .tag("type", "nbirth")
                        .counter())
                .isNotNull();
        assertThat(registry.find("floorlink.gateway.queue.depth").gauge()).isNotNull();
        assertThat(registry.find("floorlink.gateway.broker.dropped.messages").functionCounter())
                .isNotNull();
    }
}
