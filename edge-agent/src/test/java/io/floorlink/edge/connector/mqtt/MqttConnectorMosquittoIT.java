package io.floorlink.edge.connector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import io.floorlink.edge.config.Reconnect;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Device;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Point;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.TimeFormat;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Timestamp;
import io.floorlink.edge.point.PointSample;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connector over MQTT 3.1.1 against an external Mosquitto ({@code FLOORLINK_IT_MQTT_URL}, started by .ci/run);
 * skipped without it. Topics carry a random prefix because the broker is shared with other tests.
 */
class MqttConnectorMosquittoIT {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final RecordingSink sink = new RecordingSink();
    private final String prefix = "mqttit-" + UUID.randomUUID().toString().substring(0, 8);
    private URI url;
    private MqttConnector connector;
    private Mqtt3BlockingClient publisher;

    @BeforeEach
    void requireBroker() {
        String env = System.getenv("FLOORLINK_IT_MQTT_URL");
        assumeTrue(
                env != null && !env.isBlank(),
                "FLOORLINK_IT_MQTT_URL is not set (an external Mosquitto, started by .ci/run)");
        url = URI.create(env);
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

    @Test
    void mqtt311MappingMalformedInputAndSilenceAgainstMosquitto() {
        Device stations = new Device(
                null,
                List.of("ST-01", "ST-02"),
                prefix + "/asm1/+/data",
                3,
                1,
                new Timestamp("/ts", TimeFormat.EPOCH_S),
                Duration.ofMillis(800),
                null,
                List.of(
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
                        new Point(
                                "ok_count",
                                "/ok",
                                DataType.UINT32,
                                null,
                                Category.COUNTER,
                                Duration.ofSeconds(1),
                                null,
                                null,
                                null)));
        MqttConnectorConfig config = new MqttConnectorConfig(
                prefix,
                url,
                3,
                null,
                null,
                null,
                null,
                true,
                null,
                null,
                new Reconnect(Duration.ofMillis(200), Duration.ofSeconds(1)),
                null,
                List.of(stations));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        connector = new MqttConnector(config, registry);
        connector.start(sink);
        await().atMost(WAIT)
                .until(() ->
                        registry.find("floorlink.edge.mqtt.connected").gauge().value() == 1.0);
        publisher = MqttClient.builder()
                .useMqttVersion3()
                .identifier("pub-" + prefix)
                .serverHost(url.getHost())
                .serverPort(url.getPort())
                .buildBlocking();
        publisher.connect();

        // Warm up on ST-02 until the subscription is active (the SUBACK may still be on its way); ST-01 stays exact.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            publish("ST-02", "{\"ts\":1772323201,\"state\":\"IDLE\",\"ok\":9}");
            return sink.last("ST-02", "ok_count").isPresent();
        });
        publish("ST-01", "{\"ts\":1772323200,\"state\":\"RUNNING\",\"ok\":4}");
        publish("ST-01", "not json at all");

        await().atMost(WAIT).until(() -> sink.failed("ST-01") == 2);
        assertThat(sink.ok("ST-01")).isEqualTo(2);
        assertThat(sink.last("ST-01", "state"))
                .get()
                .extracting(PointSample::value)
                .isEqualTo(1);
        assertThat(sink.last("ST-01", "state").get().sourceTime()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(sink.last("ST-01", "ok_count"))
                .get()
                .extracting(PointSample::value)
                .isEqualTo(4L);
        assertThat(sink.last("ST-02", "ok_count"))
                .get()
                .extracting(PointSample::value)
                .isEqualTo(9L);

        await().atMost(WAIT).until(() -> sink.lastEvent("ST-02").equals("down:ST-02:silence"));
        assertThat(sink.eventsOf("ST-02")).startsWith("up:ST-02", "down:ST-02:silence");
    }

    private void publish(String station, String payload) {
        publisher
                .publishWith()
                .topic(prefix + "/asm1/" + station + "/data")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.getBytes(StandardCharsets.UTF_8))
                .send();
    }
}
