package io.floorlink.edge.connector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import io.floorlink.edge.config.Reconnect;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Device;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Point;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Status;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.TimeFormat;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Timestamp;
import io.floorlink.edge.point.PointSample;
import io.floorlink.edge.point.PointSpec;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import io.floorlink.testing.TestBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connector against a real HiveMQ CE broker in this JVM (127.0.0.1, free port) and a real MQTT publisher. */
class MqttConnectorIT {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    static Path dir;

    private static TestBroker broker;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RecordingSink sink = new RecordingSink();
    private final String prefix = "it" + UUID.randomUUID().toString().substring(0, 8);
    private MqttConnector connector;
    private Mqtt5BlockingClient publisher;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start(dir.resolve("broker"));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.close();
        }
        if (publisher != null && publisher.getState().isConnected()) {
            publisher.disconnect();
        }
    }

    static Point point(String id, String pointer, DataType type) {
        return new Point(id, pointer, type, null, Category.PROCESS, Duration.ofSeconds(1), null, null, null);
    }

    private MqttConnector start(URI url, int version, List<Device> devices) {
        MqttConnectorConfig config = new MqttConnectorConfig(
                "asm-" + prefix,
                url,
                version,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                new Reconnect(Duration.ofMillis(200), Duration.ofSeconds(1)),
                null,
                devices);
        connector = new MqttConnector(config, registry);
        connector.start(sink);
        await().atMost(WAIT).until(() -> connector.firstSubscription().isDone());
        assertThat(meter("floorlink.edge.mqtt.connected")).isEqualTo(1.0);
        return connector;
    }

    private Mqtt5BlockingClient publisher() {
        publisher = MqttClient.builder()
                .useMqttVersion5()
                .identifier("pub-" + prefix)
                .serverHost("127.0.0.1")
                .serverPort(broker.port())
                .buildBlocking();
        publisher.connect();
        return publisher;
    }

    private void publish(String topic, String payload) {
        publisher
                .publishWith()
                .topic(prefix + "/" + topic)
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.getBytes(StandardCharsets.UTF_8))
                .send();
    }

    private double meter(String name, String... tags) {
        var search = registry.find(name).tag("connector", "asm-" + prefix);
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

    private Device stations(Duration silence, Status status) {
        return new Device(
                null,
                List.of("ST-01", "ST-02"),
                prefix + "/asm1/+/data",
                3,
                1,
                new Timestamp("/ts", TimeFormat.AUTO),
                silence,
                status,
                List.of(
                        new Point(
                                "state",
                                "/state",
                                null,
                                Map.of("IDLE", 0.0, "RUNNING", 1.0, "FAULT", 3.0),
                                Category.STATE,
                                Duration.ofSeconds(1),
                                null,
                                null,
                                null),
                        point("cycle_time", "/cycle_time_s", DataType.DOUBLE),
                        point("ok_count", "/counts/ok", DataType.INT64)));
    }

    @Test
    void wildcardFixedAndPlainTopicsMapToDevicesWithTypedTimestampedValues() {
        Device eol = new Device(
                "EOL-01",
                null,
                prefix + "/asm1/EOL-01/result",
                null,
                1,
                new Timestamp("/time", TimeFormat.ISO),
                null,
                null,
                List.of(point("passed", "/passed", DataType.BOOLEAN), point("leak", "/m/leak", DataType.FLOAT)));
        Device temp = new Device(
                "TEMP-01",
                null,
                prefix + "/asm1/TEMP-01/temperature",
                null,
                0,
                null,
                null,
                null,
                List.of(point("temperature", null, DataType.DOUBLE)));
        start(broker.url(), 5, List.of(stations(null, null), eol, temp));
        publisher();

        Instant before = Instant.now();
        publish(
                "asm1/ST-01/data",
                "{\"ts\":1772323200250,\"state\":\"RUNNING\",\"cycle_time_s\":41.5,\"counts\":{\"ok\":7}}");
        publish(
                "asm1/ST-02/data",
                "{\"ts\":\"2026-03-01T08:00:01+08:00\",\"state\":\"FAULT\",\"cycle_time_s\":0,\"counts\":{\"ok\":3}}");
        publish("asm1/ST-99/data", "{\"ts\":1772323200,\"state\":\"IDLE\",\"cycle_time_s\":1,\"counts\":{\"ok\":1}}");
        publish("asm1/EOL-01/result", "{\"time\":\"2026-03-01T08:00:02\",\"passed\":true,\"m\":{\"leak\":0.25}}");
        publish("asm1/TEMP-01/temperature", "23.5");

        await().atMost(WAIT).until(() -> sink.samples.size() == 3 + 3 + 2 + 1);
        assertThat(sink.events).containsExactlyInAnyOrder("up:ST-01", "up:ST-02", "up:EOL-01", "up:TEMP-01");
        assertThat(sink.births.get("ST-01"))
                .extracting(PointSpec::id, PointSpec::type)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("state", DataType.INT32),
                        org.assertj.core.groups.Tuple.tuple("cycle_time", DataType.DOUBLE),
                        org.assertj.core.groups.Tuple.tuple("ok_count", DataType.INT64));

        assertThat(sink.last("ST-01", "state"))
                .get()
                .extracting(PointSample::value)
                .isEqualTo(1);
        assertThat(sink.last("ST-01", "ok_count"))
                .get()
                .extracting(PointSample::value)
                .isEqualTo(7L);
        assertThat(sink.last("ST-01", "cycle_time").get().sourceTime())
                .isEqualTo(Instant.parse("2026-03-01T00:00:00.250Z"));
        assertThat(sink.last("ST-02", "state"))
                .get()
                .extracting(PointSample::value)
                .isEqualTo(3);
        assertThat(sink.last("ST-02", "state").get().sourceTime()).isEqualTo(Instant.parse("2026-03-01T00:00:01Z"));
        // A local time without offset is read in the default zone, Asia/Shanghai (UTC+8).
        assertThat(sink.last("EOL-01", "passed").get().sourceTime()).isEqualTo(Instant.parse("2026-03-01T00:00:02Z"));
        assertThat(sink.last("EOL-01", "leak"))
                .get()
                .extracting(PointSample::value)
                .isEqualTo(0.25f);
        PointSample t = sink.last("TEMP-01", "temperature").orElseThrow();
        assertThat(t.value()).isEqualTo(23.5);
        assertThat(t.sourceTime()).isEqualTo(t.readTime()).isBetween(before, Instant.now());

        assertThat(sink.samples).noneMatch(s -> s.deviceId().equals("ST-99"));
        await().atMost(WAIT).until(() -> meter("floorlink.edge.mqtt.messages.unknown_device") == 1.0);
        assertThat(sink.ok("ST-01")).isEqualTo(3);
        assertThat(sink.ok("TEMP-01")).isEqualTo(1);
        assertThat(meter("floorlink.edge.mqtt.reads", "outcome", "ok")).isEqualTo(9.0);
        assertThat(meter("floorlink.edge.mqtt.devices.up")).isEqualTo(4.0);
    }

    @Test
    void silentDeviceGoesDownAndComesBackWithItsNextMessage() {
        start(broker.url(), 5, List.of(stations(Duration.ofMillis(600), null)));
        publisher();
        String msg = "{\"ts\":%d,\"state\":\"RUNNING\",\"cycle_time_s\":40,\"counts\":{\"ok\":%d}}";

        publish("asm1/ST-01/data", msg.formatted(System.currentTimeMillis(), 1));
        await().atMost(WAIT).until(() -> sink.eventsOf("ST-01").equals(List.of("up:ST-01")));
        await().atMost(WAIT).until(() -> sink.eventsOf("ST-01").equals(List.of("up:ST-01", "down:ST-01:silence")));
        assertThat(sink.eventsOf("ST-02"))
                .as("a device never heard is never born")
                .isEmpty();

        publish("asm1/ST-01/data", msg.formatted(System.currentTimeMillis(), 2));
        await().atMost(WAIT).until(() -> sink.eventsOf("ST-01").size() == 3);
        assertThat(sink.eventsOf("ST-01")).containsExactly("up:ST-01", "down:ST-01:silence", "up:ST-01");
        await().atMost(WAIT).until(() -> sink.last("ST-01", "ok_count")
                .map(PointSample::value)
                .orElse(0L)
                .equals(2L));
        assertThat(meter("floorlink.edge.mqtt.device.downs", "reason", "silence"))
                .isEqualTo(1.0);
    }

    @Test
    void lastWillOnTheStatusTopicTakesTheDeviceDown() {
        start(broker.url(), 5, List.of(stations(null, new Status(prefix + "/asm1/+/status", null, null, null))));
        publisher();
        // The station itself: a separate client whose last will says offline, as a real station would set it.
        Mqtt5BlockingClient station = MqttClient.builder()
                .useMqttVersion5()
                .identifier("st01-" + prefix)
                .serverHost("127.0.0.1")
                .serverPort(broker.port())
                .willPublish()
                .topic(prefix + "/asm1/ST-01/status")
                .payload("offline".getBytes(StandardCharsets.UTF_8))
                .qos(MqttQos.AT_LEAST_ONCE)
                .applyWillPublish()
                .buildBlocking();
        station.connect();
        station.publishWith()
                .topic(prefix + "/asm1/ST-01/status")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload("online".getBytes(StandardCharsets.UTF_8))
                .send();
        await().atMost(WAIT).until(() -> sink.eventsOf("ST-01").equals(List.of("up:ST-01")));

        station.disconnectWith()
                .reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE)
                .send();
        await().atMost(WAIT).until(() -> sink.eventsOf("ST-01").equals(List.of("up:ST-01", "down:ST-01:offline")));
        assertThat(meter("floorlink.edge.mqtt.device.downs", "reason", "offline"))
                .isEqualTo(1.0);
        assertThat(sink.ok("ST-01")).as("status messages are not reads").isZero();
    }

    @Test
    void malformedPayloadsAreCountedAsFailedReadsAndGoodOnesStillArrive() {
        start(broker.url(), 5, List.of(stations(null, null)));
        publisher();
        long now = System.currentTimeMillis();

        publish("asm1/ST-01/data", "{\"ts\":" + now + ",\"state\":\"RUNN");
        publish("asm1/ST-01/data", "\u0000\u00ff garbage");
        publish(
                "asm1/ST-01/data",
                "{\"ts\":" + now + ",\"state\":\"WARP\",\"cycle_time_s\":\"fast\",\"counts\":{\"ok\":5}}");
        publish("asm1/ST-01/data", "{\"ts\":" + now + ",\"state\":\"IDLE\",\"cycle_time_s\":12,\"counts\":{\"ok\":6}}");

        await().atMost(WAIT).until(() -> sink.ok("ST-01") + sink.failed("ST-01") == 12);
        assertThat(sink.failed("ST-01")).isEqualTo(3 + 3 + 2);
        assertThat(sink.ok("ST-01")).isEqualTo(1 + 3);
        assertThat(sink.samples)
                .extracting(PointSample::pointId, PointSample::value)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("ok_count", 5L),
                        org.assertj.core.groups.Tuple.tuple("state", 0),
                        org.assertj.core.groups.Tuple.tuple("cycle_time", 12.0),
                        org.assertj.core.groups.Tuple.tuple("ok_count", 6L));
        assertThat(meter("floorlink.edge.mqtt.reads", "outcome", "failed")).isEqualTo(8.0);
        assertThat(sink.eventsOf("ST-01")).containsExactly("up:ST-01");
    }

    @Test
    void skewedSourceClockIsKeptAsTheSampleSourceTime() {
        start(broker.url(), 5, List.of(stations(null, null)));
        publisher();
        Instant skewed = Instant.now().minus(Duration.ofMinutes(3)).truncatedTo(ChronoUnit.MILLIS);

        publish(
                "asm1/ST-02/data",
                "{\"ts\":" + skewed.toEpochMilli() + ",\"state\":\"IDLE\",\"cycle_time_s\":1,\"counts\":{\"ok\":1}}");

        await().atMost(WAIT).until(() -> sink.last("ST-02", "state").isPresent());
        PointSample s = sink.last("ST-02", "state").get();
        assertThat(s.sourceTime()).isEqualTo(skewed);
        assertThat(Duration.between(s.sourceTime(), s.readTime())).isGreaterThan(Duration.ofMinutes(2));
    }

    @Test
    void brokerRestartTakesDevicesDownAndTheConnectorResubscribesAfterIt() throws Exception {
        start(broker.url(), 5, List.of(stations(null, null)));
        publisher();
        String msg = "{\"ts\":%d,\"state\":\"RUNNING\",\"cycle_time_s\":40,\"counts\":{\"ok\":%d}}";
        publish("asm1/ST-01/data", msg.formatted(System.currentTimeMillis(), 1));
        await().atMost(WAIT).until(() -> sink.eventsOf("ST-01").equals(List.of("up:ST-01")));

        broker.stop();
        await().atMost(WAIT).until(() -> sink.eventsOf("ST-01").equals(List.of("up:ST-01", "down:ST-01:broker_lost")));
        broker.start();
        await().atMost(WAIT).until(() -> meter("floorlink.edge.mqtt.connected") == 1.0);
        publisher(); // the old publisher lost its connection with the broker

        // The in-memory broker forgot every session: data flows again only if the connector resubscribed.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
            publish("asm1/ST-01/data", msg.formatted(System.currentTimeMillis(), 2));
            return sink.last("ST-01", "ok_count")
                    .map(PointSample::value)
                    .orElse(0L)
                    .equals(2L);
        });
        assertThat(sink.eventsOf("ST-01")).startsWith("up:ST-01", "down:ST-01:broker_lost", "up:ST-01");
        assertThat(meter("floorlink.edge.mqtt.connections.lost")).isEqualTo(1.0);
    }

    @Test
    void brokerDownAtStartIsRetriedUntilItComesUp() throws Exception {
        broker.stop();
        try {
            MqttConnectorConfig config = new MqttConnectorConfig(
                    "asm-" + prefix,
                    broker.url(),
                    3,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    new Reconnect(Duration.ofMillis(200), Duration.ofMillis(500)),
                    null,
                    List.of(stations(null, null)));
            connector = new MqttConnector(config, registry);
            connector.start(sink);
            Thread.sleep(1000);
            assertThat(meter("floorlink.edge.mqtt.connected")).isZero();
        } finally {
            broker.start();
        }
        await().atMost(WAIT).until(() -> meter("floorlink.edge.mqtt.connected") == 1.0);
        publisher();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
            publish(
                    "asm1/ST-01/data",
                    "{\"ts\":1772323200,\"state\":\"IDLE\",\"cycle_time_s\":1,\"counts\":{\"ok\":1}}");
            return sink.last("ST-01", "ok_count").isPresent();
        });
        assertThat(sink.eventsOf("ST-01")).containsExactly("up:ST-01");
    }
}
