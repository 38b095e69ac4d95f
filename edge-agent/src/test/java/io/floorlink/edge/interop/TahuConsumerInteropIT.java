package io.floorlink.edge.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.config.Reconnect;
import io.floorlink.edge.node.EdgeNode;
import io.floorlink.edge.point.PointSpec;
import io.floorlink.edge.testing.TestConnector;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import io.floorlink.testing.TestBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.eclipse.tahu.model.MetricDataTypeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FloorLink edge node read by a third-party Sparkplug consumer: a plain MQTT subscriber that decodes every
 * payload with Eclipse Tahu's {@link SparkplugBPayloadDecoder} (not our generated classes), the way a Tahu host
 * does: datatypes of DATA metrics come from the births, metrics are resolved by name or by birth alias.
 */
class TahuConsumerInteropIT {
    private static final String GROUP = "INTEROP";
    private static final String NODE = "edge-tahu-consumer";
    private static final String DEV = "IMM-07";
    private static final String HOST = "tahu-host";

    private static final PointSpec SHOTS =
            new PointSpec("shots", DataType.INT32, Category.COUNTER, null, Duration.ofMillis(500), null, null);
    private static final PointSpec TEMP =
            new PointSpec("melt_temp", DataType.DOUBLE, Category.PROCESS, "degC", Duration.ofMillis(500), 0.0, 400.0);
    private static final PointSpec RUNNING =
            new PointSpec("running", DataType.BOOLEAN, Category.STATE, null, Duration.ofSeconds(1), null, null);

    @TempDir
    Path dir;

    private TestBroker broker;
    private Mqtt3AsyncClient consumer;
    private EdgeNode node;
    private final TahuConsumer decoded = new TahuConsumer();

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir.resolve("broker"));
        consumer = MqttClient.builder()
                .useMqttVersion3()
                .identifier("tahu-consumer-" + UUID.randomUUID())
                .serverHost(broker.url().getHost())
                .serverPort(broker.url().getPort())
                .buildAsync();
        consumer.connect().get(10, TimeUnit.SECONDS);
        consumer.subscribeWith()
                .topicFilter("spBv1.0/" + GROUP + "/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> decoded.accept(p.getTopic().toString(), p.getPayloadAsBytes()))
                .send()
                .get(10, TimeUnit.SECONDS);
        // the primary host this edge node waits for: a STATE written as plain JSON, not with our StateMessage
        consumer.publishWith()
                .topic("spBv1.0/STATE/" + HOST)
                .qos(MqttQos.AT_LEAST_ONCE)
                .retain(true)
                .payload(("{\"online\":true,\"timestamp\":" + System.currentTimeMillis() + "}")
                        .getBytes(StandardCharsets.UTF_8))
                .send()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (consumer != null) {
            consumer.disconnect().get(10, TimeUnit.SECONDS);
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @DisplayName("payloads-nbirth-seq, payloads-nbirth-bdseq, payloads-metric-datatype-req, payloads-ddata-seq-inc:"
            + " a Tahu consumer decodes births and data of the FloorLink edge node")
    void tahuDecoderReadsBirthsDataAndSeqOfTheFloorLinkEdgeNode() {
        node = new EdgeNode(
                new EdgeConfig.Edge(GROUP, NODE),
                new EdgeConfig.Uplink(
                        broker.url(),
                        null,
                        null,
                        HOST,
                        null,
                        null,
                        new Reconnect(Duration.ofMillis(100), Duration.ofMillis(500)),
                        null),
                EdgeConfig.Buffer.at(dir.resolve("buffer.db")),
                Duration.ofSeconds(1),
                Duration.ofMillis(100),
                1000,
                100_000,
                new SimpleMeterRegistry());
        TestConnector connector = new TestConnector("test", List.of(DEV));
        node.declareDevices(List.of(DEV));
        node.start();
        connector.start(node);
        connector.up(DEV, List.of(SHOTS, TEMP, RUNNING));

        Decoded nbirth = decoded.await("NBIRTH", null);
        assertThat(nbirth.payload().getSeq()).as("payloads-nbirth-seq").isZero();
        Metric bdSeq = nbirth.metric("bdSeq").orElseThrow();
        assertThat(bdSeq.getDataType())
                .as("message-flow-edge-node-birth-publish-nbirth-payload-bdSeq")
                .isEqualTo(MetricDataType.Int64);
        assertThat(((Number) bdSeq.getValue()).longValue())
                .as("payloads-nbirth-bdseq")
                .isBetween(0L, 255L);
        assertThat(nbirth.metric("Node Control/Rebirth").orElseThrow().getValue())
                .isEqualTo(false);

        Decoded dbirth = decoded.await("DBIRTH", DEV);
        assertThat(dbirth.metric("shots").orElseThrow().getDataType()).isEqualTo(MetricDataType.Int32);
        assertThat(dbirth.metric("melt_temp").orElseThrow().getDataType()).isEqualTo(MetricDataType.Double);
        assertThat(dbirth.metric("running").orElseThrow().getDataType()).isEqualTo(MetricDataType.Boolean);
        assertThat(dbirth.metric("melt_temp")
                        .orElseThrow()
                        .getProperties()
                        .getPropertyValue("unit")
                        .getValue())
                .isEqualTo("degC");

        Instant t0 = Instant.parse("2026-02-01T06:00:00Z");
        List<Object> shots = List.of(100, 101, 102);
        List<Object> temps = List.of(231.5, 232.25, 230.0);
        List<Object> running = List.of(true, false, true);
        for (int i = 0; i < 3; i++) {
            Instant t = t0.plusSeconds(i);
            connector.value(DEV, "shots", shots.get(i), t);
            connector.value(DEV, "melt_temp", temps.get(i), t);
            connector.value(DEV, "running", running.get(i), t);
        }

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(decoded.values(DEV, "shots", t0)).containsExactlyElementsOf(shots);
            assertThat(decoded.values(DEV, "melt_temp", t0)).containsExactlyElementsOf(temps);
            assertThat(decoded.values(DEV, "running", t0)).containsExactlyElementsOf(running);
        });
        assertThat(decoded.undecodable).as("every payload decodes with Tahu").isEmpty();

        // payloads-sequence-num-incrementing: NBIRTH 0, then +1 mod 256 on every later message of the node
        List<Long> seqs = decoded.all.stream()
                .filter(d -> !d.type().equals("NDEATH"))
                .map(d -> d.payload().getSeq())
                .toList();
        assertThat(seqs).hasSizeGreaterThanOrEqualTo(3);
        assertThat(seqs.get(0)).isZero();
        for (int i = 1; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).as("seq of message %d of %s", i, seqs).isEqualTo((seqs.get(i - 1) + 1) % 256);
        }
    }

    /** One message as the Tahu decoder returned it, with metric names resolved from birth aliases. */
    record Decoded(String type, String device, SparkplugBPayload payload, List<Metric> resolved) {
        Optional<Metric> metric(String name) {
            return resolved.stream().filter(m -> name.equals(m.getName())).findFirst();
        }
    }

    /**
     * What a Tahu host keeps per edge node: datatypes by metric name and by alias from the births (Tahu needs
     * them for DATA metrics without datatype) and the alias-to-name map.
     */
    private static final class TahuConsumer {
        final List<Decoded> all = new CopyOnWriteArrayList<>();
        final List<String> undecodable = new CopyOnWriteArrayList<>();
        private final MetricDataTypeMap types = new MetricDataTypeMap();
        private final Map<Long, String> aliasNames = new ConcurrentHashMap<>();

        void accept(String topic, byte[] bytes) {
            String[] t = topic.split("/");
            if (t.length < 4) {
                return;
            }
            String type = t[2];
            String device = t.length > 4 ? t[4] : null;
            try {
                SparkplugBPayload p = new SparkplugBPayloadDecoder().buildFromByteArray(bytes, types);
                List<Metric> resolved = new ArrayList<>();
                for (Metric m : p.getMetrics()) {
                    if (m == null) {
                        undecodable.add(topic + ": a metric Tahu could not type");
                        continue;
                    }
                    if (type.endsWith("BIRTH")) {
                        types.addMetricDataType(m.getName(), m.getDataType());
                        if (m.hasAlias()) {
                            types.addMetricDataType(m.getAlias(), m.getDataType());
                            aliasNames.put(m.getAlias(), m.getName());
                        }
                    }
                    if (!m.hasName() && m.hasAlias()) {
                        String name = aliasNames.get(m.getAlias());
                        if (name == null) {
                            undecodable.add(topic + ": unknown alias " + m.getAlias());
                        }
                        m.setName(name);
                    }
                    resolved.add(m);
                }
                all.add(new Decoded(type, device, p, resolved));
            } catch (Exception e) {
                undecodable.add(topic + ": " + e);
            }
        }

        Decoded await(String type, String device) {
            return org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(15))
                    .until(
                            () -> all.stream()
                                    .filter(d -> d.type().equals(type) && java.util.Objects.equals(d.device(), device))
                                    .findFirst(),
                            Optional::isPresent)
                    .orElseThrow();
        }

        /** Values of one point in DDATA with a metric timestamp at or after {@code from}, in arrival order. */
        List<Object> values(String device, String point, Instant from) {
            return all.stream()
                    .filter(d -> d.type().equals("DDATA") && device.equals(d.device()))
                    .flatMap(d -> d.resolved().stream())
                    .filter(m -> point.equals(m.getName()))
                    .filter(m -> m.getTimestamp() != null
                            && !m.getTimestamp().toInstant().isBefore(from))
                    .map(m -> m.getValue() instanceof BigInteger b ? (Object) b.longValue() : m.getValue())
                    .toList();
        }
    }
}
