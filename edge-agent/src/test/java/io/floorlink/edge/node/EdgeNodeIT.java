package io.floorlink.edge.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.edge.EdgeHealth;
import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.config.Reconnect;
import io.floorlink.edge.point.PointSample;
import io.floorlink.edge.point.PointSpec;
import io.floorlink.edge.testing.SparkplugRecorder;
import io.floorlink.edge.testing.SparkplugRecorder.Received;
import io.floorlink.edge.testing.TestConnector;
import io.floorlink.sim.net.TcpProxy;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Quality;
import io.floorlink.sparkplug.Sequence;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.floorlink.testing.TestBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The edge node against a real embedded HiveMQ broker, observed by a real MQTT subscriber. */
class EdgeNodeIT {
    private static final String GROUP = "IT";
    private static final String DEV = "SEW-01";
    private static final PointSpec SPEED =
            new PointSpec("motor_speed", DataType.DOUBLE, Category.PROCESS, "rpm", Duration.ofMillis(500), 0.0, 6000.0);
    private static final PointSpec STATE =
            new PointSpec("run_state", DataType.INT32, Category.STATE, null, Duration.ofSeconds(1), null, null);

    @TempDir
    static Path brokerDir;

    @TempDir
    Path bufferDir;

    private static TestBroker broker;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private SparkplugRecorder recorder;
    private SimpleMeterRegistry registry;
    private String nodeId;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start(brokerDir.resolve("shared"));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @BeforeEach
    void setUp(TestInfo info) throws Exception {
        nodeId = "node-" + info.getTestMethod().orElseThrow().getName();
        recorder = new SparkplugRecorder(broker.url(), GROUP);
        registry = new SimpleMeterRegistry();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        recorder.close();
    }

    private EdgeNode node(URI url, String primaryHost, Duration health, int batchMax) {
        EdgeConfig.Uplink uplink = new EdgeConfig.Uplink(
                url,
                null,
                null,
                primaryHost,
                null,
                // receipts off without a primary host: records are confirmed two keep-alives after they went out
                Duration.ofSeconds(1),
                new Reconnect(Duration.ofMillis(100), Duration.ofMillis(500)),
                null);
        EdgeNode n = new EdgeNode(
                new EdgeConfig.Edge(GROUP, nodeId),
                uplink,
                EdgeConfig.Buffer.at(bufferDir.resolve("buffer.db")),
                health,
                Duration.ofMillis(100),
                batchMax,
                100_000,
                registry);
        closeables.add(n);
        return n;
    }

    private TestConnector startWithDevice(EdgeNode n) {
        TestConnector c = new TestConnector("test", List.of(DEV));
        n.declareDevices(List.of(DEV));
        n.start();
        c.start(n);
        c.up(DEV, List.of(SPEED, STATE));
        return c;
    }

    private static PointSample sample(String point, Object value, Quality q, Instant source) {
        return new PointSample(DEV, point, value, q, source, Instant.now());
    }

    private static long bdSeq(Received r) {
        return (Long) Metrics.value(r.metric(MetricNames.BD_SEQ).orElseThrow(), DataType.UINT64);
    }

    private static Object health(Received r, String name) {
        Metric m = r.metric(name).orElseThrow();
        return Metrics.value(m, DataType.fromCode(m.getDatatype()));
    }

    private double dropped(String reason) {
        var c = registry.find("floorlink.edge.samples.dropped")
                .tag("reason", reason)
                .counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void birthsDeclarePointsAndHealthThenDataIsPublishedOnlyOnChangeWithSourceTimestamps() {
        EdgeNode n = node(broker.url(), null, Duration.ofSeconds(1), 1000);
        TestConnector c = startWithDevice(n);

        Received nbirth = recorder.await(r -> r.type() == MessageType.NBIRTH);
        assertThat(nbirth.topic().edgeNodeId()).isEqualTo(nodeId);
        assertThat(nbirth.payload().getSeq()).isZero();
        assertThat(bdSeq(nbirth)).isZero();
        assertThat(nbirth.metric(MetricNames.REBIRTH).orElseThrow().getBooleanValue())
                .isFalse();

        Received dbirth = recorder.await(r -> r.type() == MessageType.DBIRTH);
        assertThat(dbirth.topic().deviceId()).isEqualTo(DEV);
        assertThat(dbirth.payload().getSeq()).isEqualTo(1);
        Metric speed = dbirth.metric("motor_speed").orElseThrow();
        assertThat(speed.getDatatype()).isEqualTo(DataType.DOUBLE.code());
        assertThat(Metrics.properties(speed.getProperties()))
                .containsEntry(MetricNames.PROP_CATEGORY, "process")
                .containsEntry(MetricNames.PROP_UNIT, "rpm")
                .containsEntry(MetricNames.PROP_INTERVAL_MS, 500L)
                .containsEntry(MetricNames.PROP_ENG_LOW, 0.0)
                .containsEntry(MetricNames.PROP_ENG_HIGH, 6000.0);
        assertThat(Metrics.properties(dbirth.metric("run_state").orElseThrow().getProperties()))
                .containsEntry(MetricNames.PROP_CATEGORY, "state")
                .containsEntry(MetricNames.PROP_INTERVAL_MS, 1000L)
                .doesNotContainKey(MetricNames.PROP_UNIT);
        assertThat(health(dbirth, MetricNames.HEALTH_CONNECTED)).isEqualTo(true);
        assertThat(health(dbirth, MetricNames.HEALTH_READS_OK)).isEqualTo(0L);
        assertThat(health(dbirth, MetricNames.HEALTH_READS_FAILED)).isEqualTo(0L);

        Instant t1 = Instant.parse("2026-01-05T08:00:00.100Z");
        Instant t2 = t1.plusMillis(500);
        Instant t3 = t1.plusMillis(1000);
        Instant t4 = t1.plusMillis(1500);
        c.sample(sample("motor_speed", 1500.0, Quality.GOOD, t1));
        c.sample(sample("motor_speed", 1500.0, Quality.GOOD, t2));
        c.sample(sample("motor_speed", 1750.5, Quality.GOOD, t3));
        c.sample(sample("motor_speed", 1750.5, Quality.BAD, t4));
        c.reads(DEV, 4, 1);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> recorder.of(MessageType.DDATA, DEV).stream()
                                .mapToLong(r -> r.metrics("motor_speed").size())
                                .sum()
                        >= 3);
        List<Metric> published = recorder.of(MessageType.DDATA, DEV).stream()
                .flatMap(r -> r.metrics("motor_speed").stream())
                .toList();
        assertThat(published)
                .extracting(Metric::getTimestamp)
                .containsExactly(t1.toEpochMilli(), t3.toEpochMilli(), t4.toEpochMilli());
        assertThat(published)
                .extracting(m -> Metrics.value(m, DataType.DOUBLE))
                .containsExactly(1500.0, 1750.5, 1750.5);
        assertThat(published).extracting(Metrics::quality).containsExactly(Quality.GOOD, Quality.GOOD, Quality.BAD);

        // health every interval: at least two health DDATA about one second apart, with the read counters
        await().atMost(Duration.ofSeconds(5))
                .until(() -> recorder.of(MessageType.DDATA, DEV).stream()
                                .filter(r ->
                                        r.metric(MetricNames.HEALTH_READS_OK).isPresent())
                                .count()
                        >= 2);
        List<Received> healths = recorder.of(MessageType.DDATA, DEV).stream()
                .filter(r -> r.metric(MetricNames.HEALTH_READS_OK).isPresent())
                .toList();
        Received last = healths.get(healths.size() - 1);
        assertThat(health(last, MetricNames.HEALTH_CONNECTED)).isEqualTo(true);
        assertThat(health(last, MetricNames.HEALTH_READS_OK)).isEqualTo(4L);
        assertThat(health(last, MetricNames.HEALTH_READS_FAILED)).isEqualTo(1L);
        long gap = healths.get(1).payload().getTimestamp()
                - healths.get(0).payload().getTimestamp();
        assertThat(gap).isBetween(700L, 1500L);

        // every message after NBIRTH continues the seq
        List<Received> all = recorder.all();
        for (int i = 1; i < all.size(); i++) {
            assertThat(Sequence.follows(
                            all.get(i - 1).payload().getSeq(),
                            all.get(i).payload().getSeq()))
                    .as("seq of message %d (%s)", i, all.get(i).topic())
                    .isTrue();
        }
        assertThat(registry.get("floorlink.edge.samples.published").counter().count())
                .isEqualTo(3.0);
        assertThat(registry.get("floorlink.edge.samples.unchanged").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void aChangeAfterAQuietSpellIsPublishedWithinTheBatchIntervalNotAtTheNextTimer() throws Exception {
        // With nothing to publish the publisher stops its batch ticks; the first sample after that must wake it,
        // or it would wait for the next snapshot or health timer (a second or more here).
        EdgeNode n = node(broker.url(), null, Duration.ofSeconds(30), 1000);
        TestConnector c = startWithDevice(n);
        recorder.await(r -> r.type() == MessageType.DBIRTH);
        for (int i = 1; i <= 5; i++) {
            Thread.sleep(700 + 130L * i);
            double value = 1000.0 + i;
            long sent = System.nanoTime();
            c.sample(sample("motor_speed", value, Quality.GOOD, Instant.now()));
            await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> recorder.of(MessageType.DDATA, DEV).stream()
                            .flatMap(r -> r.metrics("motor_speed").stream())
                            .anyMatch(m -> Metrics.value(m, DataType.DOUBLE).equals(value)));
            assertThat(Duration.ofNanos(System.nanoTime() - sent))
                    .as("change %d: batch interval 100 ms", i)
                    .isLessThan(Duration.ofMillis(600));
        }
    }

    @Test
    void anUnchangedGoodValueIsPublishedAgainAtTheRefreshIntervalButABadOneIsNot() {
        EdgeNode n = node(broker.url(), null, Duration.ofMillis(300), 1000);
        n.refreshInterval(Duration.ofSeconds(1));
        TestConnector c = startWithDevice(n);
        recorder.await(r -> r.type() == MessageType.DBIRTH);
        Instant t = Instant.now();
        c.sample(sample("motor_speed", 4200.0, Quality.GOOD, t));
        c.sample(sample("run_state", 2, Quality.BAD, t));
        recorder.await(
                r -> r.type() == MessageType.DDATA && r.metric("motor_speed").isPresent());
        recorder.clear();

        Received refresh = recorder.await(
                r -> r.type() == MessageType.DDATA && r.metric("motor_speed").isPresent());
        Metric speed = refresh.metric("motor_speed").orElseThrow();
        assertThat(Metrics.value(speed, DataType.DOUBLE)).isEqualTo(4200.0);
        assertThat(speed.getTimestamp()).as("stamped when re-published").isGreaterThan(t.toEpochMilli() + 500);
        assertThat(recorder.of(MessageType.DDATA, DEV))
                .as("a bad value is not refreshed")
                .allSatisfy(r -> assertThat(r.metric("run_state")).isEmpty());
    }

    @Test
    void seqWrapsFrom255To0() {
        EdgeNode n = node(broker.url(), null, Duration.ofSeconds(10), 1);
        TestConnector c = startWithDevice(n);
        recorder.await(r -> r.type() == MessageType.DBIRTH);

        Instant t = Instant.parse("2026-01-05T08:00:00Z");
        for (int i = 0; i < 300; i++) {
            c.sample(sample("run_state", i, Quality.GOOD, t.plusMillis(i)));
        }
        await().atMost(Duration.ofSeconds(15))
                .until(() -> recorder.of(MessageType.DDATA, DEV).size() >= 300);

        List<Integer> seqs =
                recorder.all().stream().map(r -> (int) r.payload().getSeq()).toList();
        assertThat(seqs.subList(0, 3)).containsExactly(0, 1, 2);
        assertThat(seqs).containsSubsequence(254, 255, 0, 1);
        for (int i = 1; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).isEqualTo(Sequence.next(seqs.get(i - 1)));
        }
    }

    @Test
    void deviceDownPublishesHealthThenDdeathAndDeviceUpBirthsAgain() {
        EdgeNode n = node(broker.url(), null, Duration.ofSeconds(10), 1000);
        TestConnector c = startWithDevice(n);
        recorder.await(r -> r.type() == MessageType.DBIRTH);
        c.reads(DEV, 7, 2);

        c.down(DEV, "session_lost");
        Received ddeath = recorder.await(r -> r.type() == MessageType.DDEATH);
        assertThat(ddeath.topic().deviceId()).isEqualTo(DEV);
        Received lastData = recorder.of(MessageType.DDATA, DEV)
                .get(recorder.of(MessageType.DDATA, DEV).size() - 1);
        assertThat(health(lastData, MetricNames.HEALTH_CONNECTED)).isEqualTo(false);
        assertThat(health(lastData, MetricNames.HEALTH_READS_OK)).isEqualTo(7L);
        assertThat(health(lastData, MetricNames.HEALTH_READS_FAILED)).isEqualTo(2L);
        assertThat(recorder.all().indexOf(lastData)).isLessThan(recorder.all().indexOf(ddeath));
        await().until(() ->
                n.health().device(DEV) != null && !n.health().device(DEV).up());
        assertThat(n.health().status()).isEqualTo(EdgeHealth.Status.DEGRADED);
        assertThat(n.health().device(DEV).reason()).isEqualTo("session_lost");

        // a dead device publishes nothing, but the reads failed meanwhile are kept for its next birth
        recorder.clear();
        c.sample(sample("motor_speed", 10.0, Quality.GOOD, Instant.now()));
        c.reads(DEV, 0, 5);
        await().until(() -> dropped("device_down") == 1.0);
        assertThat(recorder.of(MessageType.DDATA, DEV)).isEmpty();

        c.up(DEV, List.of(SPEED, STATE));
        Received dbirth = recorder.await(r -> r.type() == MessageType.DBIRTH);
        assertThat(health(dbirth, MetricNames.HEALTH_CONNECTED)).isEqualTo(true);
        assertThat(health(dbirth, MetricNames.HEALTH_READS_FAILED))
                .as("failed reads made while the device was dead")
                .isEqualTo(5L);
        assertThat(health(dbirth, MetricNames.HEALTH_READS_OK)).isEqualTo(0L);
        assertThat(dbirth.metric("motor_speed")).isPresent();
        assertThat(dbirth.metric("run_state")).isPresent();
        assertThat(recorder.of(MessageType.NBIRTH)).isEmpty();
        await().until(() -> n.health().status() == EdgeHealth.Status.UP);
    }

    @Test
    void rebirthCommandRepublishesAllBirthsWithTheSameBdSeq() throws Exception {
        EdgeNode n = node(broker.url(), null, Duration.ofSeconds(10), 1000);
        TestConnector c = startWithDevice(n);
        recorder.await(r -> r.type() == MessageType.DBIRTH);
        c.sample(sample("motor_speed", 42.0, Quality.GOOD, Instant.parse("2026-01-05T08:00:00Z")));
        recorder.await(
                r -> r.type() == MessageType.DDATA && r.metric("motor_speed").isPresent());
        recorder.clear();

        recorder.requestRebirth(GROUP, nodeId);

        Received nbirth = recorder.await(r -> r.type() == MessageType.NBIRTH);
        assertThat(nbirth.payload().getSeq()).isZero();
        assertThat(bdSeq(nbirth)).isZero();
        Received dbirth = recorder.await(r -> r.type() == MessageType.DBIRTH);
        assertThat(dbirth.payload().getSeq()).isEqualTo(1);
        Metric speed = dbirth.metric("motor_speed").orElseThrow();
        assertThat(Metrics.value(speed, DataType.DOUBLE)).isEqualTo(42.0);
        assertThat(speed.getTimestamp())
                .isEqualTo(Instant.parse("2026-01-05T08:00:00Z").toEpochMilli());
        assertThat(registry.get("floorlink.edge.births")
                        .tags("kind", "node", "reason", "rebirth_request")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void waitsForPrimaryHostOnlineAndRebirthsWithNextBdSeqAfterItWasOffline() throws Exception {
        String host = "host-" + nodeId;
        recorder.clearState(host);
        EdgeNode n = node(broker.url(), host, Duration.ofSeconds(10), 1000);
        startWithDevice(n);

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> n.health()
                .uplinkConnected());
        assertThat(recorder.of(MessageType.NBIRTH)).isEmpty();
        assertThat(n.health().status()).isEqualTo(EdgeHealth.Status.DOWN);
        assertThat(n.health().primaryHostOnline()).isFalse();

        long ts = System.currentTimeMillis();
        recorder.publishState(host, true, ts);
        Received first = recorder.await(r -> r.type() == MessageType.NBIRTH);
        assertThat(bdSeq(first)).isZero();
        recorder.await(r -> r.type() == MessageType.DBIRTH);

        // an older STATE is stale and ignored
        recorder.publishState(host, false, ts - 10_000);
        await().during(Duration.ofMillis(500))
                .until(() -> recorder.of(MessageType.NDEATH).isEmpty());

        recorder.publishState(host, false, ts + 1);
        Received ndeath = recorder.await(r -> r.type() == MessageType.NDEATH);
        assertThat(bdSeq(ndeath)).isZero();
        await().during(Duration.ofMillis(500))
                .until(() -> recorder.of(MessageType.NBIRTH).size() == 1);

        recorder.publishState(host, true, ts + 2);
        await().until(() -> recorder.of(MessageType.NBIRTH).size() == 2);
        Received second = recorder.of(MessageType.NBIRTH).get(1);
        assertThat(bdSeq(second)).isEqualTo(1L);
        await().until(() -> recorder.of(MessageType.DBIRTH).size() == 2);
        recorder.clearState(host);
    }

    @Test
    void willNdeathIsDeliveredWhenTheConnectionDiesAndTheNodeRebirthsWithNextBdSeq() throws Exception {
        TcpProxy proxy = new TcpProxy(broker.port());
        closeables.add(proxy);
        EdgeNode n = node(URI.create("tcp://127.0.0.1:" + proxy.port()), null, Duration.ofSeconds(10), 1000);
        startWithDevice(n);
        recorder.await(r -> r.type() == MessageType.DBIRTH);

        proxy.severAll();

        Received will = recorder.await(r -> r.type() == MessageType.NDEATH);
        assertThat(bdSeq(will)).isZero();
        await().atMost(Duration.ofSeconds(15))
                .until(() -> recorder.of(MessageType.NBIRTH).size() == 2);
        assertThat(bdSeq(recorder.of(MessageType.NBIRTH).get(1))).isEqualTo(1L);
        await().until(() -> recorder.of(MessageType.DBIRTH).size() == 2);
    }

    @Test
    void brokerRestartReconnectsRebirthsWithNextBdSeqAndReplaysWhatWasBuffered(@TempDir Path dir) throws Exception {
        TestBroker own = TestBroker.start(dir);
        closeables.add(own);
        SparkplugRecorder before = new SparkplugRecorder(own.url(), GROUP);
        closeables.add(before);
        EdgeNode n = node(own.url(), null, Duration.ofSeconds(10), 1000);
        TestConnector c = startWithDevice(n);
        assertThat(bdSeq(before.await(r -> r.type() == MessageType.NBIRTH))).isZero();

        own.stop();
        await().until(() -> !n.health().uplinkConnected());
        c.sample(sample("motor_speed", 99.0, Quality.GOOD, Instant.now()));
        await().until(() -> n.health().buffer().records() >= 1);
        assertThat(dropped("device_down") + dropped("queue_full")).isZero();

        own.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> n.health().nodeBorn());
        assertThat(n.health().bdSeq()).isEqualTo(1L);
        SparkplugRecorder after = new SparkplugRecorder(own.url(), GROUP);
        closeables.add(after);
        after.requestRebirth(GROUP, nodeId);
        Received nbirth = after.await(r -> r.type() == MessageType.NBIRTH);
        assertThat(bdSeq(nbirth)).isEqualTo(1L);
        Received dbirth = after.await(r -> r.type() == MessageType.DBIRTH);
        assertThat(Metrics.value(dbirth.metric("motor_speed").orElseThrow(), DataType.DOUBLE))
                .as("the latest value read while the uplink was down is in the new birth")
                .isEqualTo(99.0);
        assertThat(registry.get("floorlink.edge.uplink.connected").gauge().value())
                .isEqualTo(1.0);
        await().until(() ->
                registry.get("floorlink.edge.buffer.replayed").counter().count() >= 1.0);
        await().until(() -> n.health().buffer().records() == 0);
    }

    @Test
    void closePublishesNdeath() {
        EdgeNode n = node(broker.url(), null, Duration.ofSeconds(10), 1000);
        startWithDevice(n);
        recorder.await(r -> r.type() == MessageType.DBIRTH);

        n.close();

        Received ndeath = recorder.await(r -> r.type() == MessageType.NDEATH);
        assertThat(bdSeq(ndeath)).isZero();
        assertThat(n.health().uplinkConnected()).isFalse();
        assertThat(Map.of("status", n.health().status())).containsEntry("status", EdgeHealth.Status.DOWN);
    }
}
