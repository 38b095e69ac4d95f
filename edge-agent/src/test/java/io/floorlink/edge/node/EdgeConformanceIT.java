package io.floorlink.edge.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
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
import io.floorlink.sparkplug.Receipt;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.floorlink.testing.TestBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sparkplug 3.0 conformance of the edge node and its end-to-end receipts, against the embedded HiveMQ CE broker and a
 * raw subscriber at QoS 1 (the delivered QoS is min(published, subscribed), so QoS 0 delivered means QoS 0
 * published). The test plays the primary host: STATE, NCMD and receipts as the gateway publishes them.
 */
class EdgeConformanceIT {
    private static final String GROUP = "CONF";
    private static final String DEV = "SEW-01";
    private static final PointSpec SPEED =
            new PointSpec("motor_speed", DataType.DOUBLE, Category.PROCESS, "rpm", Duration.ofMillis(100), 0.0, 1e6);

    @TempDir
    static Path brokerDir;

    private static TestBroker broker;

    @TempDir
    Path bufferDir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private SparkplugRecorder recorder;
    private String nodeId;
    private String host;
    private SimpleMeterRegistry registry;

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
        String name = info.getTestMethod().orElseThrow().getName();
        nodeId = "conf-" + Integer.toHexString(name.hashCode());
        host = "host-" + nodeId;
        recorder = new SparkplugRecorder(broker.url(), GROUP);
        recorder.clearState(host);
        recorder.clearReceipt(host, GROUP, nodeId);
        registry = new SimpleMeterRegistry();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        recorder.clearState(host);
        recorder.clearReceipt(host, GROUP, nodeId);
        recorder.close();
    }

    /** An edge node; {@code primaryHost} null means receipts off. */
    private EdgeNode node(URI url, String primaryHost, Boolean aliases, Duration receiptTimeout, Duration health) {
        return node(url, primaryHost, aliases, receiptTimeout, health, Duration.ofMillis(100));
    }

    private EdgeNode node(
            URI url, String primaryHost, Boolean aliases, Duration receiptTimeout, Duration health, Duration batch) {
        EdgeConfig.Uplink uplink = new EdgeConfig.Uplink(
                url,
                null,
                null,
                primaryHost,
                null,
                Duration.ofSeconds(1),
                new Reconnect(Duration.ofMillis(100), Duration.ofMillis(300)),
                null,
                null,
                null,
                aliases,
                null,
                receiptTimeout);
        EdgeNode n = new EdgeNode(
                new EdgeConfig.Edge(GROUP, nodeId),
                uplink,
                new EdgeConfig.Buffer(bufferDir.resolve("buffer.db"), null, null, 2000, null),
                health,
                batch,
                1000,
                100_000,
                registry);
        closeables.add(n);
        return n;
    }

    private EdgeNode hostNode(Duration receiptTimeout) throws Exception {
        recorder.publishState(host, true, System.currentTimeMillis());
        return node(broker.url(), host, null, receiptTimeout, Duration.ofSeconds(1));
    }

    private static TestConnector startWithDevice(EdgeNode n) {
        TestConnector c = new TestConnector("test", List.of(DEV));
        n.declareDevices(List.of(DEV));
        n.start();
        c.start(n);
        c.up(DEV, List.of(SPEED));
        return c;
    }

    private static void send(TestConnector c, long from, long to) {
        for (long i = from; i <= to; i++) {
            c.sample(new PointSample(DEV, "motor_speed", (double) i, Quality.GOOD, Instant.now(), Instant.now()));
        }
    }

    private record Seen(double value, long rid, boolean historical) {}

    private List<Seen> seen() {
        List<Seen> out = new ArrayList<>();
        for (Received r : recorder.of(MessageType.DDATA, DEV)) {
            for (Metric m : r.metrics("motor_speed")) {
                Object rid = Metrics.properties(m.getProperties()).get(MetricNames.PROP_RID);
                out.add(new Seen(m.getDoubleValue(), rid == null ? 0 : (Long) rid, m.getIsHistorical()));
            }
        }
        return out;
    }

    private Set<Double> values(boolean historical) {
        Set<Double> out = new HashSet<>();
        seen().stream().filter(s -> s.historical() == historical).forEach(s -> out.add(s.value()));
        return out;
    }

    private static Set<Double> range(long from, long to) {
        Set<Double> out = new HashSet<>();
        LongStream.rangeClosed(from, to).forEach(i -> out.add((double) i));
        return out;
    }

    private double counter(String name, String... tags) {
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    private double unreceiptedGauge() {
        return registry.get("floorlink.edge.buffer.unreceipted").gauge().value();
    }

    private static long bdSeq(Received r) {
        Metric m = r.metric(MetricNames.BD_SEQ).orElseThrow();
        assertThat(m.getDatatype())
                .as("message-flow-edge-node-birth-publish-nbirth-payload-bdSeq / will-message-payload-bdSeq: INT64")
                .isEqualTo(DataType.INT64.code());
        return m.getLongValue();
    }

    @Test
    @DisplayName("payloads-ddata-qos, payloads-ddata-retain, topics-ddata-mqtt, payloads-ndata-qos, topics-ndata-mqtt:"
            + " DDATA and NDATA at QoS 0, retain false; births QoS 0; NDEATH QoS 1")
    void payloads_ddata_qos_topics_ddata_mqtt_and_ndata() throws Exception {
        EdgeNode n = node(broker.url(), null, null, null, Duration.ofMillis(300));
        TestConnector c = startWithDevice(n);
        recorder.await(r -> r.type() == MessageType.DBIRTH);
        send(c, 1, 20);
        await().until(() -> values(false).containsAll(range(1, 20)));
        recorder.await(r -> r.type() == MessageType.NDATA);

        assertThat(recorder.of(MessageType.DDATA)).isNotEmpty().allSatisfy(r -> {
            assertThat(r.qos()).isEqualTo(MqttQos.AT_MOST_ONCE);
            assertThat(r.retain()).isFalse();
        });
        assertThat(recorder.of(MessageType.NDATA)).isNotEmpty().allSatisfy(r -> {
            assertThat(r.qos()).isEqualTo(MqttQos.AT_MOST_ONCE);
            assertThat(r.retain()).isFalse();
            assertThat(r.topic().deviceId()).isNull();
        });
        assertThat(recorder.of(MessageType.NBIRTH)).allSatisfy(r -> {
            assertThat(r.qos()).isEqualTo(MqttQos.AT_MOST_ONCE);
            assertThat(r.retain()).isFalse();
        });
        assertThat(recorder.of(MessageType.DBIRTH))
                .allSatisfy(r -> assertThat(r.qos()).isEqualTo(MqttQos.AT_MOST_ONCE));

        n.close();
        Received ndeath = recorder.await(r -> r.type() == MessageType.NDEATH);
        assertThat(ndeath.qos()).as("NDEATH stays QoS 1").isEqualTo(MqttQos.AT_LEAST_ONCE);
    }

    @Test
    @DisplayName("payloads-ndata-seq-inc / topics-ndata-payload: the NBIRTH declares _buffer/* with aliases, NDATA"
            + " updates them by alias when they change")
    void payloads_ndata_node_metrics() throws Exception {
        EdgeNode n = node(broker.url(), null, null, null, Duration.ofMillis(300));
        TestConnector c = startWithDevice(n);
        Received nbirth = recorder.await(r -> r.type() == MessageType.NBIRTH);
        for (String name :
                List.of(MetricNames.BUFFER_RECORDS, MetricNames.BUFFER_DROPPED, MetricNames.BUFFER_UNRECEIPTED)) {
            Metric m = nbirth.metric(name).orElseThrow();
            assertThat(m.hasAlias()).isTrue();
            assertThat(m.getDatatype()).isEqualTo(DataType.UINT64.code());
        }
        send(c, 1, 5);
        Received ndata = recorder.await(r -> r.type() == MessageType.NDATA);
        assertThat(ndata.raw().getMetricsList()).allSatisfy(m -> {
            assertThat(m.getName()).isEmpty();
            assertThat(m.hasAlias()).isTrue();
        });
        assertThat(ndata.payload().getMetricsList())
                .extracting(Metric::getName)
                .as("resolvable from the NBIRTH")
                .isSubsetOf(MetricNames.BUFFER_RECORDS, MetricNames.BUFFER_DROPPED, MetricNames.BUFFER_UNRECEIPTED);
        assertThat(ndata.payload().hasSeq()).isTrue();
    }

    @Test
    @DisplayName("operational-behavior-data-commands-rebirth-action-1: no DATA between the NCMD Rebirth and the NBIRTH;"
            + " pending values follow the births")
    void operational_behavior_data_commands_rebirth_action_1() throws Exception {
        // A long batch interval: a value sent just before the NCMD is still pending when the NCMD arrives.
        EdgeNode n = node(broker.url(), null, null, null, Duration.ofSeconds(10), Duration.ofSeconds(1));
        TestConnector c = startWithDevice(n);
        recorder.await(r -> r.type() == MessageType.DBIRTH);
        send(c, 1, 10);
        await().until(() -> values(false).containsAll(range(1, 10)));

        for (int round = 0; round < 3; round++) {
            int births = recorder.of(MessageType.NBIRTH).size();
            double value = 1000 + round;
            // A value pending for the next DDATA when the NCMD arrives (the batch interval is 100 ms).
            send(c, (long) value, (long) value);
            recorder.requestRebirth(GROUP, nodeId);
            await().until(() -> recorder.of(MessageType.NBIRTH).size() == births + 1);
            await().until(() -> seen().stream().anyMatch(s -> s.value() == value));

            List<Received> all = recorder.all();
            int ncmd = -1;
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).type() == MessageType.NCMD) {
                    ncmd = i;
                }
            }
            int nbirth = -1;
            for (int i = ncmd; i < all.size(); i++) {
                if (all.get(i).type() == MessageType.NBIRTH) {
                    nbirth = i;
                    break;
                }
            }
            assertThat(ncmd).isNotNegative();
            assertThat(nbirth).isGreaterThan(ncmd);
            // A DATA stamped before the NCMD was sent went out before it (its arrival may still follow the NCMD's).
            long ncmdSent = all.get(ncmd).payload().getTimestamp();
            assertThat(all.subList(ncmd + 1, nbirth))
                    .as("messages between NCMD and NBIRTH")
                    .noneMatch(r -> (r.type() == MessageType.DDATA || r.type() == MessageType.NDATA)
                            && r.payload().getTimestamp() >= ncmdSent);
            int dbirth = -1;
            for (int i = nbirth; i < all.size(); i++) {
                if (all.get(i).type() == MessageType.DBIRTH) {
                    dbirth = i;
                    break;
                }
            }
            assertThat(dbirth).as("the DBIRTH follows the NBIRTH").isGreaterThan(nbirth);
            int firstData = -1;
            for (int i = nbirth; i < all.size(); i++) {
                if (all.get(i).type() == MessageType.DDATA) {
                    firstData = i;
                    break;
                }
            }
            assertThat(firstData).as("data only after the DBIRTH").isGreaterThan(dbirth);
            assertThat(recorder.of(MessageType.DBIRTH).stream().anyMatch(r -> r.metric("motor_speed")
                                    .map(m -> m.getDoubleValue() == value)
                                    .orElse(false))
                            || seen().stream().anyMatch(s -> s.value() == value && s.historical()))
                    .as("the pending value is not lost")
                    .isTrue();
        }
    }

    @Test
    @DisplayName("topics-nbirth-bdseq-increment: after a clean close and a restart with the same buffer, bdSeq is the"
            + " previous + 1")
    void topics_nbirth_bdseq_increment() throws Exception {
        List<Long> bdSeqs = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            recorder.clear();
            EdgeNode n = node(broker.url(), null, null, null, Duration.ofSeconds(10));
            startWithDevice(n);
            bdSeqs.add(bdSeq(recorder.await(r -> r.type() == MessageType.NBIRTH)));
            recorder.await(r -> r.type() == MessageType.DBIRTH);
            n.close();
            Received ndeath = recorder.await(r -> r.type() == MessageType.NDEATH);
            assertThat(bdSeq(ndeath)).isEqualTo(bdSeqs.get(run));
        }
        assertThat(bdSeqs).containsExactly(0L, 1L, 2L);
    }

    @Test
    @DisplayName("payloads-alias-uniqueness, payloads-alias-birth-requirement, payloads-alias-data-cmd-requirement:"
            + " births carry name and alias, DDATA the alias only")
    void payloads_alias_birth_and_data() throws Exception {
        EdgeNode n = node(broker.url(), null, null, null, Duration.ofMillis(500));
        TestConnector c = startWithDevice(n);
        Received nbirth = recorder.await(r -> r.type() == MessageType.NBIRTH);
        Received dbirth = recorder.await(r -> r.type() == MessageType.DBIRTH);
        Set<Long> aliases = new HashSet<>();
        for (Received birth : List.of(nbirth, dbirth)) {
            for (Metric m : birth.raw().getMetricsList()) {
                assertThat(m.getName()).isNotEmpty();
                assertThat(m.hasAlias()).as(m.getName()).isTrue();
                assertThat(aliases.add(m.getAlias()))
                        .as("alias of %s unique", m.getName())
                        .isTrue();
            }
        }
        send(c, 1, 10);
        await().until(() -> values(false).containsAll(range(1, 10)));
        recorder.await(r -> r.type() == MessageType.DDATA
                && r.metric(MetricNames.HEALTH_CONNECTED).isPresent());
        Map<Long, String> declared = new HashMap<>();
        dbirth.raw().getMetricsList().forEach(m -> declared.put(m.getAlias(), m.getName()));
        assertThat(recorder.of(MessageType.DDATA, DEV))
                .allSatisfy(r -> assertThat(r.raw().getMetricsList()).allSatisfy(m -> {
                    assertThat(m.getName()).isEmpty();
                    assertThat(declared).containsKey(m.getAlias());
                }));
        assertThat(values(false)).containsAll(range(1, 10));
    }

    @Test
    @DisplayName("uplink.aliases false: DDATA metrics go by name, births carry no alias")
    void aliasesOff() throws Exception {
        EdgeNode n = node(broker.url(), null, false, null, Duration.ofSeconds(10));
        TestConnector c = startWithDevice(n);
        Received dbirth = recorder.await(r -> r.type() == MessageType.DBIRTH);
        assertThat(dbirth.raw().getMetricsList()).noneMatch(Metric::hasAlias);
        send(c, 1, 3);
        await().until(() -> values(false).containsAll(range(1, 3)));
        assertThat(recorder.of(MessageType.DDATA, DEV))
                .allSatisfy(r -> assertThat(r.raw().getMetricsList())
                        .allSatisfy(m -> assertThat(m.getName()).isNotEmpty()));
    }

    @Test
    @DisplayName("receipts: a record is deleted only when a receipt of the buffer's epoch covers it")
    void receiptsDeleteRecords() throws Exception {
        EdgeNode n = hostNode(Duration.ofSeconds(60));
        TestConnector c = startWithDevice(n);
        Received nbirth = recorder.await(r -> r.type() == MessageType.NBIRTH);
        String epoch = nbirth.metric(MetricNames.BUFFER_EPOCH).orElseThrow().getStringValue();
        recorder.await(r -> r.type() == MessageType.DBIRTH);
        send(c, 1, 50);
        await().until(() -> values(false).containsAll(range(1, 50)));
        await().until(() -> unreceiptedGauge() >= 50);
        await().during(Duration.ofSeconds(1)).until(() -> n.health().buffer().records() >= 50);

        // receipts of another epoch, another host, or malformed ones change nothing
        recorder.publishReceipt(
                new Receipt(host, "another-epoch", System.currentTimeMillis(), List.of(new long[] {1, 100_000})),
                GROUP,
                nodeId);
        recorder.publishReceipt(
                host,
                new Receipt("another-host", epoch, System.currentTimeMillis(), List.of(new long[] {1, 100_000})),
                GROUP,
                nodeId);
        await().until(() -> counter("floorlink.edge.receipts", "result", "other_epoch") == 1);
        assertThat(counter("floorlink.edge.receipts", "result", "other_host"))
                .as("a receipt of another host id on this node's topic")
                .isEqualTo(1);
        await().during(Duration.ofMillis(500)).until(() -> n.health().buffer().records() >= 50);

        // the host's receipt covers what it stored: those records go
        recorder.autoReceipts(host);
        send(c, 51, 51);
        await().until(() -> n.health().buffer().records() < 10);
        await().until(() -> counter("floorlink.edge.receipts", "result", "applied") >= 1);
        await().until(() -> unreceiptedGauge() < 10);
        assertThat(counter("floorlink.edge.receipt.timeouts")).isZero();
        assertThat(values(true)).as("nothing replayed").isEmpty();
    }

    @Test
    @DisplayName("receipts: a malformed receipt is counted and ignored")
    void malformedReceipt() throws Exception {
        EdgeNode n = hostNode(Duration.ofSeconds(60));
        startWithDevice(n);
        recorder.await(r -> r.type() == MessageType.DBIRTH);
        recorder.publishRaw(
                Receipt.topic(host, GROUP, nodeId), "{not json".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        await().until(() -> counter("floorlink.edge.receipts", "result", "malformed") == 1);
        assertThat(n.health().nodeBorn()).isTrue();
    }

    @Test
    @DisplayName("receipts: what stays unreceipted for receipt_timeout is replayed as historical, then receipted")
    void receiptTimeoutReplays() throws Exception {
        EdgeNode n = hostNode(Duration.ofSeconds(2));
        TestConnector c = startWithDevice(n);
        recorder.await(r -> r.type() == MessageType.DBIRTH);
        send(c, 1, 20);
        await().until(() -> values(false).containsAll(range(1, 20)));

        await().atMost(Duration.ofSeconds(10)).until(() -> values(true).containsAll(range(1, 20)));
        assertThat(counter("floorlink.edge.receipt.timeouts")).isGreaterThanOrEqualTo(1);
        Map<Double, Set<Long>> rids = new HashMap<>();
        seen().forEach(s ->
                rids.computeIfAbsent(s.value(), v -> new HashSet<>()).add(s.rid()));
        assertThat(rids.values())
                .as("a replayed record keeps its rid, the host counts it once")
                .allSatisfy(r -> assertThat(r).hasSize(1).doesNotContain(0L));

        recorder.autoReceipts(host);
        await().atMost(Duration.ofSeconds(10)).until(() -> n.health().buffer().records() < 10);
    }

    @Test
    @DisplayName("receipts: a new primary host session (STATE online, newer timestamp) replays what is unreceipted")
    void newHostSessionReplays() throws Exception {
        EdgeNode n = hostNode(Duration.ofSeconds(60));
        TestConnector c = startWithDevice(n);
        recorder.await(r -> r.type() == MessageType.DBIRTH);
        send(c, 1, 20);
        await().until(() -> values(false).containsAll(range(1, 20)));
        assertThat(values(true)).isEmpty();

        recorder.publishState(host, true, System.currentTimeMillis() + 1000);
        await().until(() -> values(true).containsAll(range(1, 20)));
        assertThat(recorder.of(MessageType.NBIRTH)).as("no rebirth for it").hasSize(1);
    }

    @Test
    @DisplayName("receipts false: records are deleted two keep-alives after they went out; an uplink loss replays what"
            + " is still buffered as historical")
    void withoutReceipts() throws Exception {
        TcpProxy proxy = new TcpProxy(broker.port());
        closeables.add(proxy);
        EdgeNode n = node(URI.create("tcp://127.0.0.1:" + proxy.port()), null, null, null, Duration.ofSeconds(10));
        TestConnector c = startWithDevice(n);
        recorder.await(r -> r.type() == MessageType.DBIRTH);
        send(c, 1, 30);
        await().until(() -> values(false).containsAll(range(1, 30)));
        await().atMost(Duration.ofSeconds(1)).until(() -> unreceiptedGauge() >= 30);
        await().atMost(Duration.ofMillis(1500))
                .alias("kept for the window")
                .until(() -> n.health().buffer().records() >= 30);
        await().atMost(Duration.ofSeconds(6)).until(() -> n.health().buffer().records() == 0);
        assertThat(values(true)).isEmpty();

        send(c, 31, 60);
        await().until(() -> values(false).containsAll(range(31, 60)));
        proxy.severAll();
        await().atMost(Duration.ofSeconds(15))
                .until(() -> recorder.of(MessageType.NBIRTH).size() == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> values(true).containsAll(range(31, 60)));
        assertThat(values(true)).as("what was confirmed is not replayed").doesNotContainAnyElementsOf(range(1, 30));
        await().atMost(Duration.ofSeconds(10)).until(() -> n.health().buffer().records() == 0);
    }
}
