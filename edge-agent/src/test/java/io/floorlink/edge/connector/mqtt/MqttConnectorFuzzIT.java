package io.floorlink.edge.connector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.floorlink.edge.config.Reconnect;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Device;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Point;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.TimeFormat;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Timestamp;
import io.floorlink.edge.point.PointSample;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import io.floorlink.testing.TestBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 12: a seeded fuzzer publishes garbage on the topics of an MQTT connector (random bytes, mutated valid JSON,
 * deep nesting, huge numbers, wrong types, oversized payloads) for a bounded time, between the payloads of a
 * legitimate device on the same wildcard filter. Nothing may escape the connector, it keeps running, and the
 * legitimate values arrive exactly. The seed is logged; {@code -Dfloorlink.fuzz.seed=<n>} repeats a run and {@code
 * -Dfloorlink.fuzz.seconds=<n>} changes its length (default 20).
 */
class MqttConnectorFuzzIT {
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnectorFuzzIT.class);
    private static final String GOOD = "GOOD-01";

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RecordingSink sink = new RecordingSink();
    private final String prefix = "fz" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Throwable> escaped = new CopyOnWriteArrayList<>();
    private TestBroker broker;
    private MqttConnector connector;
    private Thread.UncaughtExceptionHandler previousHandler;

    @AfterEach
    void stop() throws Exception {
        if (connector != null) {
            connector.close();
        }
        if (broker != null) {
            broker.close();
        }
        Thread.setDefaultUncaughtExceptionHandler(previousHandler);
    }

    private static Point point(String id, String pointer, DataType type) {
        return new Point(id, pointer, type, null, Category.PROCESS, Duration.ofSeconds(1), null, null, null);
    }

    private double meter(String name, String... tags) {
        var search = registry.find(name).tag("connector", "fz-" + prefix);
        for (int i = 0; i + 1 < tags.length; i += 2) {
            search = search.tag(tags[i], tags[i + 1]);
        }
        var counter = search.functionCounter();
        if (counter != null) {
            return counter.count();
        }
        var gauge = search.gauge();
        return gauge == null ? -1 : gauge.value();
    }

    @Test
    void garbageOnTheDevicesTopicsNeitherEscapesNorStallsNorChangesALegitimateDevicesValues() throws Exception {
        long seed = Long.getLong("floorlink.fuzz.seed", System.nanoTime());
        long seconds = Long.getLong("floorlink.fuzz.seconds", 20);
        LOG.info("MqttConnectorFuzzIT seed {} ({} s); repeat with -Dfloorlink.fuzz.seed={}", seed, seconds, seed);
        Random rnd = new Random(seed);
        previousHandler = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> escaped.add(e));

        broker = TestBroker.start(dir.resolve("broker"));
        List<Point> points = List.of(
                new Point(
                        "state",
                        "/state",
                        null,
                        Map.of("IDLE", 0.0, "RUNNING", 1.0),
                        Category.STATE,
                        Duration.ofSeconds(1),
                        null,
                        null,
                        null),
                point("n", "/n", DataType.INT64),
                point("v", "/m/v", DataType.DOUBLE),
                point("flag", "/flag", DataType.BOOLEAN),
                point("label", "/label", DataType.STRING));
        Device stations = new Device(
                null,
                List.of(GOOD, "FUZZ-01", "FUZZ-02"),
                prefix + "/plant/+/data",
                3,
                1,
                new Timestamp("/ts", TimeFormat.AUTO),
                null,
                null,
                points);
        Device plain = new Device(
                "PLAIN-01",
                null,
                prefix + "/plant/PLAIN-01/temperature",
                null,
                0,
                null,
                null,
                null,
                List.of(point("temperature", null, DataType.DOUBLE)));
        MqttConnectorConfig config = new MqttConnectorConfig(
                "fz-" + prefix,
                broker.url(),
                5,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                new Reconnect(Duration.ofMillis(200), Duration.ofSeconds(1)),
                null,
                List.of(stations, plain));
        connector = new MqttConnector(config, registry);
        connector.start(sink);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> connector.firstSubscription().isDone());

        Mqtt5BlockingClient pub = MqttClient.builder()
                .useMqttVersion5()
                .identifier("pub-" + prefix)
                .serverHost("127.0.0.1")
                .serverPort(broker.port())
                .buildBlocking();
        pub.connect();

        long base = 1_772_323_200_000L;
        int good = 0;
        long fuzzed = 0;
        long oversized = 0;
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < end) {
            for (int i = 0; i < 20; i++) {
                byte[] garbage = garbage(rnd);
                if (garbage.length > MqttConnectorConfig.DEFAULT_MAX_PAYLOAD_SIZE) {
                    oversized++;
                }
                String topic =
                        switch (rnd.nextInt(6)) {
                            case 0 -> prefix + "/plant/PLAIN-01/temperature";
                            case 1 -> prefix + "/plant/FUZZ-02/data";
                            case 2 -> prefix + "/plant/" + randomId(rnd) + "/data";
                            default -> prefix + "/plant/FUZZ-01/data";
                        };
                pub.publishWith()
                        .topic(topic)
                        .qos(MqttQos.AT_MOST_ONCE)
                        .payload(garbage)
                        .send();
                fuzzed++;
            }
            good++;
            pub.publishWith()
                    .topic(prefix + "/plant/" + GOOD + "/data")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(legitimate(base, good).getBytes(StandardCharsets.UTF_8))
                    .send();
        }
        int sent = good;
        LOG.info("MqttConnectorFuzzIT: {} garbage messages ({} oversized), {} legitimate", fuzzed, oversized, sent);

        await().atMost(Duration.ofSeconds(30)).until(() -> goodValues("n").size() >= sent);
        pub.disconnect();

        assertThat(escaped)
                .as("exceptions escaping the connector (seed %d)", seed)
                .isEmpty();
        assertThat(meter("floorlink.edge.mqtt.errors"))
                .as("exceptions thrown while handling a message (seed %d)", seed)
                .isZero();
        assertThat(meter("floorlink.edge.mqtt.messages", "kind", "data"))
                .as("the garbage reached the decoder")
                .isGreaterThan(sent * 10.0);
        assertThat(meter("floorlink.edge.mqtt.connected"))
                .as("still connected (seed %d)", seed)
                .isEqualTo(1.0);
        List<Long> expectedN = new ArrayList<>();
        List<Double> expectedV = new ArrayList<>();
        List<Boolean> expectedFlag = new ArrayList<>();
        List<Long> expectedTimes = new ArrayList<>();
        for (int i = 1; i <= sent; i++) {
            expectedN.add((long) i);
            expectedV.add(i * 0.25);
            expectedFlag.add(i % 2 == 0);
            expectedTimes.add(base + i);
        }
        assertThat(goodValues("n"))
                .as("seed %d", seed)
                .map(s -> ((Number) s.value()).longValue())
                .containsExactlyElementsOf(expectedN);
        assertThat(goodValues("v"))
                .as("seed %d", seed)
                .map(s -> ((Number) s.value()).doubleValue())
                .containsExactlyElementsOf(expectedV);
        assertThat(goodValues("flag")).map(PointSample::value).containsExactlyElementsOf(expectedFlag);
        assertThat(goodValues("state")).allMatch(s -> ((Number) s.value()).intValue() == 1);
        assertThat(goodValues("label")).map(PointSample::value).allMatch("line \"A\"/é"::equals);
        assertThat(goodValues("n")).map(s -> s.sourceTime().toEpochMilli()).containsExactlyElementsOf(expectedTimes);
        assertThat(sink.failed(GOOD))
                .as("the legitimate device never fails a read")
                .isZero();
        assertThat(sink.eventsOf(GOOD)).containsExactly("up:" + GOOD);
        if (oversized > 0) {
            // The garbage goes at QoS 0, which the broker may drop for a busy subscriber: every oversized payload that
            // arrived is counted, none that was not oversized is.
            assertThat(meter("floorlink.edge.mqtt.messages.oversized"))
                    .as("oversized payloads refused and counted (seed %d, %d sent)", seed, oversized)
                    .isPositive()
                    .isLessThanOrEqualTo((double) oversized);
        }
    }

    private List<PointSample> goodValues(String point) {
        return sink.samples.stream()
                .filter(s -> s.deviceId().equals(GOOD) && s.pointId().equals(point))
                .toList();
    }

    private static String legitimate(long base, int i) {
        return "{\"ts\":" + (base + i) + ",\"state\":\"RUNNING\",\"n\":" + i + ",\"m\":{\"v\":" + (i * 0.25)
                + "},\"flag\":" + (i % 2 == 0) + ",\"label\":\"line \\\"A\\\"/\\u00e9\"}";
    }

    private static String randomId(Random rnd) {
        StringBuilder b = new StringBuilder();
        int n = 1 + rnd.nextInt(40);
        for (int i = 0; i < n; i++) {
            b.append((char) (0x21 + rnd.nextInt(0x5d)));
        }
        return b.toString().replace('/', '_').replace('+', '_').replace('#', '_');
    }

    /** One malformed or hostile payload; about 1 in 200 is above the default size limit. */
    private static byte[] garbage(Random rnd) {
        String valid = legitimate(1_772_323_200_000L, rnd.nextInt(1000));
        return switch (rnd.nextInt(12)) {
            case 0 -> {
                byte[] b = new byte[rnd.nextInt(512)];
                rnd.nextBytes(b);
                yield b;
            }
            case 1 -> {
                byte[] b = valid.getBytes(StandardCharsets.UTF_8);
                for (int i = 0, n = 1 + rnd.nextInt(4); i < n; i++) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
                yield b;
            }
            case 2 -> valid.substring(0, rnd.nextInt(valid.length())).getBytes(StandardCharsets.UTF_8);
            case 3 -> {
                int depth = 1 + rnd.nextInt(rnd.nextBoolean() ? 100 : 20_000);
                String open = rnd.nextBoolean() ? "[" : "{\"m\":";
                yield ("{\"n\":" + open.repeat(depth) + "1").getBytes(StandardCharsets.UTF_8);
            }
            case 4 ->
                ("{\"ts\":" + "9".repeat(1 + rnd.nextInt(5000)) + ",\"n\":" + "1".repeat(1 + rnd.nextInt(3000))
                                + ",\"m\":{\"v\":1e" + (rnd.nextBoolean() ? "99999" : "-99999") + "}}")
                        .getBytes(StandardCharsets.UTF_8);
            case 5 -> {
                String[] wrong = {"\"text\"", "true", "null", "[1,2]", "{\"a\":1}", "-0", "1.5e300", "\"NaN\""};
                yield ("{\"ts\":" + wrong[rnd.nextInt(wrong.length)] + ",\"state\":"
                                + wrong[rnd.nextInt(wrong.length)] + ",\"n\":" + wrong[rnd.nextInt(wrong.length)]
                                + ",\"m\":" + wrong[rnd.nextInt(wrong.length)] + ",\"flag\":"
                                + wrong[rnd.nextInt(wrong.length)] + ",\"label\":"
                                + wrong[rnd.nextInt(wrong.length)] + "}")
                        .getBytes(StandardCharsets.UTF_8);
            }
            case 6 ->
                ("{\"label\":\"" + "x".repeat(rnd.nextInt(100_000)) + "\",\"n\":1}").getBytes(StandardCharsets.UTF_8);
            case 7 ->
                rnd.nextInt(200) == 0
                        ? new byte[MqttConnectorConfig.DEFAULT_MAX_PAYLOAD_SIZE + 1 + rnd.nextInt(1000)]
                        : new byte[0];
            case 8 -> {
                String[] odd = {"NaN", "Infinity", "-Infinity", "1e999", "0x10", "\"23.5\"", "23,5", "\u0000"};
                yield odd[rnd.nextInt(odd.length)].getBytes(StandardCharsets.UTF_8);
            }
            case 9 ->
                ("{\"ts\":\"" + (char) rnd.nextInt(0xD800) + "2026-13-45T99:99:99\",\"n\":2}")
                        .getBytes(StandardCharsets.UTF_8);
            case 10 -> new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '"', 'n', '"', ':', (byte) 0xC3};
            default -> {
                StringBuilder b = new StringBuilder(valid);
                for (int i = 0, n = 1 + rnd.nextInt(3); i < n; i++) {
                    int at = rnd.nextInt(b.length());
                    String chars = "{}[],:\"\\0-e.";
                    b.insert(at, chars.charAt(rnd.nextInt(chars.length())));
                }
                yield b.toString().getBytes(StandardCharsets.UTF_8);
            }
        };
    }
}
