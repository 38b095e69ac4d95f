package io.floorlink.edge.connector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floorlink.edge.config.ConnectorConfig;
import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Device;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.TimeFormat;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.config.YamlConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MqttConnectorConfigTest {
    private static final Path SAMPLE = Path.of("src/main/java/io/floorlink/edge/connector/mqtt/sample.yaml");
    // The trust store must exist when the configuration is loaded.
    private static final Path TRUST_STORE = trustStore();
    private static final Map<String, String> ENV = Map.of(
            "FLOORLINK_MQTT_USER", "edge",
            "FLOORLINK_MQTT_PASSWORD", "s3cret",
            "FLOORLINK_MQTT_TRUST_PASSWORD", "changeit",
            "FLOORLINK_MQTT_TRUST_STORE", TRUST_STORE.toString());

    private static Path trustStore() {
        try {
            Path p = Files.createTempFile("plant-ca", ".p12");
            p.toFile().deleteOnExit();
            return p;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    record Snippet(List<ConnectorConfig> connectors) {}

    private static MqttConnectorConfig parse(String source, String yaml) {
        Snippet s = YamlConfig.parse(source, yaml, ENV::get, Snippet.class);
        return (MqttConnectorConfig) s.connectors().get(0);
    }

    @Test
    void sampleYamlLoadsWithEveryDocumentedKey() throws Exception {
        MqttConnectorConfig c = parse(SAMPLE.toString(), Files.readString(SAMPLE));

        assertThat(c.name()).isEqualTo("assembly-line-1");
        assertThat(c.secure()).isTrue();
        assertThat(c.port()).isEqualTo(8883);
        assertThat(c.mqttVersion()).isEqualTo(5);
        assertThat(c.clientId()).isEqualTo("floorlink-asm1");
        assertThat(c.username()).isEqualTo("edge");
        assertThat(c.password()).isEqualTo("s3cret");
        assertThat(c.toString()).doesNotContain("s3cret").doesNotContain("changeit");
        assertThat(c.tls().trustStore()).isEqualTo(TRUST_STORE);
        assertThat(c.maxPayloadSize().bytes()).isEqualTo(MqttConnectorConfig.DEFAULT_MAX_PAYLOAD_SIZE);
        assertThat(c.cleanStart()).isFalse();
        assertThat(c.sessionExpiry()).isEqualTo(Duration.ofHours(1));
        assertThat(c.keepAlive()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.reconnect().maxDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
        assertThat(c.deviceIds()).hasSize(12).startsWith("ST-01").endsWith("EOL-01", "TEMP-01");

        Device stations = c.devices().get(0);
        assertThat(stations.topic()).isEqualTo("plant/asm1/+/data");
        assertThat(stations.deviceSegment()).isEqualTo(3);
        assertThat(stations.qos()).isEqualTo(1);
        assertThat(stations.timestamp().format()).isEqualTo(TimeFormat.AUTO);
        assertThat(stations.silenceTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(stations.status().topic()).isEqualTo("plant/asm1/+/status");
        var state = stations.points().get(0);
        assertThat(state.type()).isEqualTo(DataType.INT32);
        assertThat(state.map()).containsEntry("RUNNING", 1.0).hasSize(4);
        assertThat(state.category()).isEqualTo(Category.STATE);

        Device eol = c.devices().get(1);
        assertThat(eol.timestamp().format()).isEqualTo(TimeFormat.ISO);
        assertThat(eol.points().get(1).engHigh()).isEqualTo(5.0);
        Device temp = c.devices().get(2);
        assertThat(temp.qos()).isZero();
        assertThat(temp.points().get(0).pointer()).isNull();

        assertThat(EdgeConfig.devicesOf(c)).hasSize(12).allSatisfy(o -> assertThat(o.type())
                .isEqualTo("mqtt"));
    }

    @Test
    void defaultsApplyWhenOptionalKeysAreAbsent() {
        MqttConnectorConfig c = parse("edge.yaml", """
                connectors:
                  - type: mqtt
                    name: l1
                    url: tcp://127.0.0.1
                    devices:
                      - id: D1
                        topic: a/b
                        points: [{ id: v, type: double, category: process, interval: 1s }]
                """);
        assertThat(c.port()).isEqualTo(1883);
        assertThat(c.mqttVersion()).isEqualTo(5);
        assertThat(c.clientId()).isEqualTo("floorlink-l1");
        assertThat(c.zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
        assertThat(c.devices().get(0).qos()).isEqualTo(1);
        assertThat(c.devices().get(0).silenceTimeout()).isNull();
    }

    @Test
    void maxPayloadSizeIsReadAndBounded() {
        String yaml = """
                connectors:
                  - type: mqtt
                    name: l1
                    url: tcp://127.0.0.1
                    max_payload_size: %s
                    devices:
                      - id: D1
                        topic: a/b
                        points: [{ id: v, type: double, category: process, interval: 1s }]
                """;
        assertThat(parse("edge.yaml", yaml.formatted("64KB")).maxPayloadSize().bytes())
                .isEqualTo(64 * 1024);
        assertThatThrownBy(() -> parse("edge.yaml", yaml.formatted("100B")))
                .hasMessageContaining("edge.yaml:2:")
                .hasMessageContaining("max_payload_size: must be from 1KB to 16MB");
        assertThatThrownBy(() -> parse("edge.yaml", yaml.formatted("1GB")))
                .hasMessageContaining("max_payload_size: must be from 1KB to 16MB");
    }

    private static String device(String body) {
        return """
                connectors:
                  - type: mqtt
                    name: l1
                    url: tcp://127.0.0.1:1883
                    devices:
                """ + body.indent(6);
    }

    @Test
    void segmentMustPointAtAPlusLevel() {
        assertThatThrownBy(() -> parse("edge.yaml", device("""
                        - ids: [A, B]
                          topic: plant/+/x/data
                          device_segment: 3
                          points: [{ id: v, pointer: /v, type: double, category: process, interval: 1s }]
                        """)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("edge.yaml:")
                .hasMessageContaining(
                        "device 'A,B': device_segment: level 3 of 'plant/+/x/data' must be a + wildcard (levels count from 1; + is at level 2)");
    }

    @Test
    void wildcardNeedsIds() {
        assertThatThrownBy(() -> parse("edge.yaml", device("""
                        - id: A
                          topic: plant/+/data
                          points: [{ id: v, pointer: /v, type: double, category: process, interval: 1s }]
                        """)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("device 'A': topic: 'plant/+/data' has a wildcard");
    }

    @Test
    void pointWithoutTypeOrMapIsRefused() {
        assertThatThrownBy(() -> parse("edge.yaml", device("""
                        - id: A
                          topic: plant/a
                          points: [{ id: v, pointer: /v, category: process, interval: 1s }]
                        """)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("point 'v': type: required");
    }

    @Test
    void badJsonPointerIsNamed() {
        assertThatThrownBy(() -> parse("edge.yaml", device("""
                        - id: A
                          topic: plant/a
                          points: [{ id: v, pointer: "v/x", type: double, category: process, interval: 1s }]
                        """)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("point 'v': pointer: 'v/x' is not a JSON Pointer");
    }

    @Test
    void duplicateIdsAcrossEntriesAreRefused() {
        assertThatThrownBy(() -> parse("edge.yaml", device("""
                        - id: A
                          topic: plant/a
                          points: [{ id: v, type: double, category: process, interval: 1s }]
                        - ids: [A, B]
                          topic: plant/+
                          device_segment: 2
                          points: [{ id: v, type: double, category: process, interval: 1s }]
                        """)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("duplicate device id 'A'");
    }

    @Test
    void unknownZoneIsNamed() {
        assertThatThrownBy(() -> parse("edge.yaml", """
                        connectors:
                          - type: mqtt
                            name: l1
                            url: tcp://127.0.0.1
                            zone: Mars/Olympus
                            devices:
                              - id: D1
                                topic: a/b
                                points: [{ id: v, type: double, category: process, interval: 1s }]
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("edge.yaml:5")
                .hasMessageContaining("unknown time zone 'Mars/Olympus'");
    }

    @Test
    void plainPayloadCannotHaveATimestampField() {
        assertThatThrownBy(() -> parse("edge.yaml", device("""
                        - id: TEMP-01
                          topic: plant/t
                          timestamp: { pointer: /ts }
                          points: [{ id: t, type: double, category: process, interval: 1s }]
                        """)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("device 'TEMP-01': timestamp: a plain payload has no timestamp field");
    }
}
