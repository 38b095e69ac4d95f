package io.floorlink.gateway;

import static io.floorlink.gateway.TestEdge.point;
import static io.floorlink.gateway.TestEdge.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 12: a seeded fuzzer publishes random and mutated Sparkplug messages (valid births with flipped bits,
 * wrong datatypes, NaN, huge metric counts, garbage bytes and topics) for a bounded time while a legitimate edge
 * publishes known data. Nothing escapes the host (no error logged; the decode-error meter grows instead), the
 * legitimate data keeps arriving, and its facts are exact. The seed is logged; {@code -Dfloorlink.fuzz.seed=<n>}
 * repeats a run, {@code -Dfloorlink.fuzz.seconds=<n>} sets its length (default 20).
 */
class HostFuzzIT {
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(HostFuzzIT.class);
    private static final Instant T0 = Instant.parse("2026-03-04T08:00:00Z");
    private static final String GROUP = "ENT009";

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Logger gatewayLogger;
    private Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        gatewayLogger = (Logger) LoggerFactory.getLogger("io.floorlink.gateway");
        logs.start();
        gatewayLogger.addAppender(logs);
        gateway = Gateway.start(
                GatewayConfig.defaults(dir)
                        .withAuth(AuthConfig.anonymousOnLoopback())
                        .withBrokerPort(0)
                        .withFlushInterval(Duration.ofHours(1))
                        .withReorderTimeout(Duration.ofMillis(500)),
                registry);
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        gatewayLogger.detachAppender(logs);
    }

    private double counter(String name) {
        return registry.find(name).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    @Test
    void garbageNeitherEscapesTheHostNorStallsItNorChangesTheFactsOfALegitimateEdge() throws Exception {
        long seed = Long.getLong("floorlink.fuzz.seed", System.nanoTime());
        long seconds = Long.getLong("floorlink.fuzz.seconds", 20);
        LOG.info("HostFuzzIT seed {} ({} s); repeat with -Dfloorlink.fuzz.seed={}", seed, seconds, seed);
        Random rnd = new Random(seed);
        double decodeErrors = counter("floorlink.gateway.decode.errors");

        Mqtt5BlockingClient fuzzer = MqttClient.builder()
                .useMqttVersion5()
                .identifier("fuzz-" + UUID.randomUUID())
                .serverHost(gateway.mqttUrl().getHost())
                .serverPort(gateway.mqttUrl().getPort())
                .buildBlocking();
        fuzzer.connect();
        int good = 0;
        long fuzzed = 0;
        try (TestEdge edge = new TestEdge(gateway.mqttUrl(), GROUP, "edge-good", 0)) {
            edge.connect();
            edge.nbirth(T0.toEpochMilli());
            edge.device(
                    MessageType.DBIRTH,
                    "GOOD-1",
                    T0.toEpochMilli(),
                    List.of(point("speed", DataType.DOUBLE, 0.0, "process", null, null)));
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            while (System.nanoTime() < end) {
                for (int i = 0; i < 10; i++) {
                    Fuzz f = fuzz(rnd);
                    fuzzer.publishWith()
                            .topic(f.topic())
                            .qos(MqttQos.AT_MOST_ONCE)
                            .payload(f.payload())
                            .send();
                    fuzzed++;
                }
                good++;
                // one sample a second from T0 on, values 1..good: the facts are known exactly
                edge.device(
                        MessageType.DDATA,
                        "GOOD-1",
                        T0.plusSeconds(good).toEpochMilli(),
                        List.of(sample(
                                "speed",
                                DataType.DOUBLE,
                                (double) good,
                                T0.plusSeconds(good).toEpochMilli())));
            }
            // the DBIRTH's value 0.0 counts as a sample too
            int sent = good;
            LOG.info("HostFuzzIT: {} fuzzed messages, {} legitimate samples", fuzzed, sent);

            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        gateway.flush();
                        assertThat(Db.one(
                                                gateway.dataSource(),
                                                "SELECT COALESCE(SUM(samples), 0) AS n FROM point_minute"
                                                        + " WHERE device_id = 'GOOD-1'")
                                        .get("n"))
                                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.type(Number.class))
                                .extracting(Number::longValue)
                                .as("seed %d", seed)
                                .isEqualTo(sent + 1L);
                    });
            Map<String, Object> facts = Db.one(
                    gateway.dataSource(),
                    "SELECT CAST(SUM(samples) AS BIGINT) AS samples, CAST(SUM(value_count) AS BIGINT) AS n,"
                            + " MIN(value_min) AS lo, MAX(value_max) AS hi, CAST(SUM(value_sum) AS DOUBLE PRECISION) AS total"
                            + " FROM point_minute WHERE device_id = 'GOOD-1' AND point_id = 'speed'");
            assertThat(facts)
                    .as("seed %d", seed)
                    .isEqualTo(Map.of(
                            "samples",
                            sent + 1L,
                            "n",
                            sent + 1L,
                            "lo",
                            0.0,
                            "hi",
                            (double) sent,
                            "total",
                            sent * (sent + 1) / 2.0));
        } finally {
            fuzzer.disconnect();
        }
        assertThat(counter("floorlink.gateway.decode.errors"))
                .as("invalid messages are counted (seed %d)", seed)
                .isGreaterThan(decodeErrors);
        assertThat(logs.list)
                .as("errors logged by the host (seed %d)", seed)
                .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .extracting(ILoggingEvent::getFormattedMessage)
                .isEmpty();
    }

    private record Fuzz(String topic, byte[] payload) {}

    private static final MessageType[] TYPES = {
        MessageType.NBIRTH,
        MessageType.DBIRTH,
        MessageType.NDATA,
        MessageType.DDATA,
        MessageType.DDEATH,
        MessageType.NDEATH
    };

    /** One hostile message; never on the legitimate edge's topics nor on a STATE topic. */
    private static Fuzz fuzz(Random rnd) {
        String node = "fz-" + rnd.nextInt(8);
        String device = "FZ-" + rnd.nextInt(4);
        MessageType type = TYPES[rnd.nextInt(TYPES.length)];
        String topic = type.isDeviceMessage()
                ? Topic.device(GROUP, type, node, device).toString()
                : Topic.node(GROUP, type, node).toString();
        byte[] payload =
                switch (rnd.nextInt(8)) {
                    case 0 -> {
                        byte[] b = new byte[rnd.nextInt(600)];
                        rnd.nextBytes(b);
                        yield b;
                    }
                    case 1 -> {
                        byte[] b = valid(rnd, type).toByteArray();
                        for (int i = 0, n = 1 + rnd.nextInt(4); i < n && b.length > 0; i++) {
                            b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                        }
                        yield b;
                    }
                    case 2 -> {
                        Payload.Builder p = valid(rnd, type).toBuilder();
                        for (int i = 0; i < p.getMetricsCount(); i++) {
                            p.getMetricsBuilder(i).setDatatype(rnd.nextInt(40));
                        }
                        yield p.build().toByteArray();
                    }
                    case 3 -> {
                        Payload.Builder p = valid(rnd, type).toBuilder();
                        double[] odd = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 1e308};
                        p.addMetrics(Metrics.metric("speed", DataType.DOUBLE, odd[rnd.nextInt(odd.length)])
                                .setTimestamp(rnd.nextLong()));
                        p.addMetrics(Metrics.metric("f", DataType.FLOAT, Float.NaN));
                        yield p.build().toByteArray();
                    }
                    case 4 -> {
                        Payload.Builder p = Payload.newBuilder()
                                .setTimestamp(T0.toEpochMilli())
                                .setSeq(rnd.nextInt(256));
                        int n = rnd.nextInt(10) == 0 ? 20_000 : 1 + rnd.nextInt(2000);
                        for (int i = 0; i < n; i++) {
                            p.addMetrics(Metrics.metric("m" + i, DataType.DOUBLE, (double) i));
                        }
                        yield p.build().toByteArray();
                    }
                    case 5 -> {
                        Payload.Builder p = valid(rnd, type).toBuilder();
                        p.setSeq(rnd.nextLong()).setTimestamp(rnd.nextLong());
                        p.addMetrics(Metric.newBuilder()
                                .setName("x".repeat(rnd.nextInt(5000)))
                                .setAlias(rnd.nextLong())
                                .setDatatype(DataType.STRING.code())
                                .setStringValue("y".repeat(rnd.nextInt(10_000))));
                        yield p.build().toByteArray();
                    }
                    case 6 -> {
                        topic = "spBv1.0/" + garbageSegment(rnd) + "/" + garbageSegment(rnd) + "/" + garbageSegment(rnd)
                                + (rnd.nextBoolean() ? "/" + garbageSegment(rnd) : "");
                        yield valid(rnd, type).toByteArray();
                    }
                    default -> new byte[0];
                };
        return new Fuzz(topic, payload);
    }

    private static String garbageSegment(Random rnd) {
        StringBuilder b = new StringBuilder();
        for (int i = 0, n = rnd.nextInt(20); i < n; i++) {
            b.append((char) (0x21 + rnd.nextInt(0x5d)));
        }
        String s = b.toString().replace('/', '_').replace('+', '_').replace('#', '_');
        return s.contains("STATE") ? "x" : s;
    }

    private static Payload valid(Random rnd, MessageType type) {
        Payload.Builder p = Payload.newBuilder().setTimestamp(T0.toEpochMilli()).setSeq(rnd.nextInt(256));
        switch (type) {
            case NBIRTH -> {
                p.setSeq(0);
                p.addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, (long) rnd.nextInt(256)));
                p.addMetrics(Metrics.metric(MetricNames.REBIRTH, DataType.BOOLEAN, false));
            }
            case NDEATH -> p.addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, (long) rnd.nextInt(256)));
            case DBIRTH -> p.addMetrics(point("speed", DataType.DOUBLE, 1.0, "process", 0.0, 100.0));
            default ->
                p.addMetrics(sample(
                        "speed",
                        DataType.DOUBLE,
                        rnd.nextDouble(),
                        T0.plusMillis(rnd.nextInt(1_000_000)).toEpochMilli()));
        }
        return p.build();
    }
}
