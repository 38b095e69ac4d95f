package io.floorlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.gateway.facts.DeviceAgg;
import io.floorlink.gateway.facts.EdgeReceipt;
import io.floorlink.gateway.facts.FactsBatch;
import io.floorlink.gateway.facts.FactsStore;
import io.floorlink.gateway.facts.FactsWriter;
import io.floorlink.gateway.facts.Keys;
import io.floorlink.gateway.facts.PointAgg;
import io.floorlink.gateway.facts.PointDeclaration;
import io.floorlink.gateway.facts.SessionOp;
import io.floorlink.gateway.facts.TestStores;
import io.floorlink.gateway.host.HostProcessor;
import io.floorlink.gateway.host.Uplink;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Receipt;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12, no poison batch: a batch the store refuses for a data reason (here a device id longer than the
 * VARCHAR(128) columns, SQLState 22001, written straight to the writer, past the host's ingest limits) has its
 * refused records quarantined and the rest committed; later batches flow and receipts are published.
 */
class WriterFaultIT {
    private static final String GROUP = "ENT001";
    private static final long MINUTE = 1_775_038_500_000L - 1_775_038_500_000L % 60_000;
    private static final String LONG_ID = "x".repeat(129);

    private FactsStore store;
    private FactsWriter writer;
    private SimpleMeterRegistry registry;

    @BeforeEach
    void open() {
        store = FactsStore.open(TestStores.h2Memory("writer-fault"), "sa", null);
        registry = new SimpleMeterRegistry();
        writer = new FactsWriter(store, "host-fault");
        writer.bindTo(registry);
    }

    @AfterEach
    void close() {
        writer.close();
        store.close();
    }

    private static PointAgg agg(double v) {
        PointAgg a = new PointAgg();
        a.addSample(0, false);
        a.addValue(v, MINUTE + 1000);
        return a;
    }

    private double quarantinedCount() {
        return registry.get("floorlink.gateway.facts.quarantined").counter().count();
    }

    static Stream<String> stores() {
        return Stream.of("h2", "postgresql");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aPoisonRecordIsQuarantinedTheRestIsWrittenAndLaterBatchesFlow(String kind) throws Exception {
        if (kind.equals("postgresql")) {
            String url = PostgresIt.urlOrSkip();
            writer.close();
            store.close();
            store = FactsStore.open(url, null, null);
            writer = new FactsWriter(store, "host-fault");
            writer.bindTo(registry);
        }
        String ok = "dev-ok-" + UUID.randomUUID().toString().substring(0, 8);
        String node = "edge-" + ok;
        java.time.Instant since = java.time.Instant.now().minusSeconds(1);
        Map<Keys.PointKey, PointAgg> points = new HashMap<>();
        points.put(new Keys.PointKey(GROUP, ok, "speed", MINUTE), agg(1.0));
        points.put(new Keys.PointKey(GROUP, LONG_ID, "speed", MINUTE), agg(2.0));
        Map<Keys.DeviceKey, DeviceAgg> devices = new HashMap<>();
        List<SessionOp> sessions = List.of(new SessionOp.OpenEdge("g", node, 1L, MINUTE));
        List<PointDeclaration> decls = List.of(
                new PointDeclaration("g", node, ok, "speed", 10, "process", "rpm", 1000L, null, null, MINUTE),
                new PointDeclaration("g", node, LONG_ID, "speed", 10, "process", "rpm", 1000L, null, null, MINUTE));
        List<EdgeReceipt> receipts = List.of(new EdgeReceipt("g", node, "epoch-1", List.<long[]>of(new long[] {1, 2})));
        FactsBatch poisoned = new FactsBatch(sessions, decls, points, devices, receipts);

        writer.submit(poisoned).get(30, TimeUnit.SECONDS);

        var ds = store.dataSource();
        assertThat(Db.count(ds, "SELECT COUNT(*) FROM point_minute WHERE device_id = ?", ok))
                .isEqualTo(1);
        assertThat(Db.count(ds, "SELECT COUNT(*) FROM point_declaration WHERE device_id = ?", ok))
                .isEqualTo(1);
        assertThat(Db.count(ds, "SELECT COUNT(*) FROM edge_session WHERE edge_node_id = ?", node))
                .isEqualTo(1);
        assertThat(Db.count(ds, "SELECT COUNT(*) FROM edge_receipt WHERE edge_node_id = ?", node))
                .as("the receipts of the batch are committed with the rest")
                .isEqualTo(1);
        List<Map<String, Object>> q = Db.rows(
                ds,
                "SELECT kind, record_key, reason FROM fact_quarantine WHERE record_key LIKE ? AND received_at >= ?"
                        + " ORDER BY kind",
                "%" + LONG_ID + "%",
                since);
        assertThat(q).extracting(r -> r.get("kind")).containsExactly("declaration", "point");
        assertThat(q).allSatisfy(r -> assertThat((String) r.get("reason")).startsWith("22001"));
        assertThat(quarantinedCount()).isEqualTo(2.0);

        // later batches flow
        Map<Keys.PointKey, PointAgg> later = new HashMap<>();
        later.put(new Keys.PointKey(GROUP, ok, "speed", MINUTE + 60_000), agg(3.0));
        writer.submit(new FactsBatch(List.of(), List.of(), later, Map.of())).get(30, TimeUnit.SECONDS);
        assertThat(Db.count(ds, "SELECT COUNT(*) FROM point_minute WHERE device_id = ?", ok))
                .isEqualTo(2);
        assertThat(writer.problems(System.currentTimeMillis())).isEmpty();
    }

    @Test
    void receiptsArePublishedForABatchWithAQuarantinedRecord() throws Exception {
        List<Receipt> published = new CopyOnWriteArrayList<>();
        HostProcessor processor =
                new HostProcessor("host-fault", 1000, 3_600_000, 100, Map.of(), batch -> writer.submit(poison(batch)));
        processor.meterBinder().bindTo(registry);
        processor.addUplink(new Uplink() {
            @Override
            public void sendRebirth(String groupId, String edgeNodeId) {}

            @Override
            public CompletableFuture<?> sendReceipt(String groupId, String edgeNodeId, Receipt receipt) {
                published.add(receipt);
                return CompletableFuture.completedFuture(null);
            }
        });
        processor.start();
        try {
            long now = System.currentTimeMillis();
            offer(
                    processor,
                    Topic.node("g", MessageType.NBIRTH, "edge-r"),
                    Payload.newBuilder()
                            .setTimestamp(now)
                            .setSeq(0)
                            .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, 0L))
                            .addMetrics(Metrics.metric(MetricNames.BUFFER_EPOCH, DataType.STRING, "epoch-r")));
            offer(
                    processor,
                    Topic.device("g", MessageType.DBIRTH, "edge-r", "dev-r"),
                    Payload.newBuilder()
                            .setTimestamp(now)
                            .setSeq(1)
                            .addMetrics(TestEdge.point("speed", DataType.DOUBLE, null, "process", null, null)
                                    .setIsNull(true)));
            offer(
                    processor,
                    Topic.device("g", MessageType.DDATA, "edge-r", "dev-r"),
                    Payload.newBuilder()
                            .setTimestamp(now)
                            .setSeq(2)
                            .addMetrics(TestEdge.rid(TestEdge.sample("speed", DataType.DOUBLE, 5.0, now), 7)));
            processor.requestFlush().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(published).anySatisfy(r -> {
                        assertThat(r.epoch()).isEqualTo("epoch-r");
                        assertThat(r.covers(7)).isTrue();
                    }));
            assertThat(quarantinedCount()).isEqualTo(1.0);
            assertThat(Db.count(store.dataSource(), "SELECT COUNT(*) FROM point_minute WHERE device_id = 'dev-r'"))
                    .isEqualTo(1);
        } finally {
            processor.stop(10_000);
        }
    }

    /** The batch with one extra declaration the store refuses (device id longer than its column). */
    private static FactsBatch poison(FactsBatch b) {
        List<PointDeclaration> decls = new ArrayList<>(b.declarations());
        if (!b.points().isEmpty()) {
            decls.add(new PointDeclaration("g", "edge-r", LONG_ID, "p", 10, null, null, null, null, null, MINUTE));
        }
        return new FactsBatch(
                b.sessions(), decls, b.points(), b.devices(), b.receipts(), b.stateMillis(), b.staticRuns());
    }

    private static void offer(HostProcessor p, Topic topic, Payload.Builder payload) {
        p.offer(topic.toString(), payload.build().toByteArray(), System.currentTimeMillis());
    }
}
