package io.floorlink.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floorlink.edge.buffer.Overflow;
import io.floorlink.sparkplug.config.ConfigException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EdgeConfigTest {
    private static final String HEAD = """
            edge: { group: ENT001, node: edge-01 }
            uplink: { url: "tcp://127.0.0.1:1883" }
            """;

    private static EdgeConfig parse(String yaml) {
        return EdgeConfig.parse("edge.yaml", yaml, Map.of("PW", "s3cret")::get);
    }

    private static String connector(String name, String deviceId) {
        return """
                  - type: opcua
                    name: %s
                    endpoint: opc.tcp://127.0.0.1:4840
                    devices:
                      - id: %s
                        points:
                          - { id: run_state, node: "ns=2;s=A", category: state, interval: 1s }
                """.formatted(name, deviceId);
    }

    @Test
    void sampleConfigurationLoads() {
        EdgeConfig c = EdgeConfig.load(Path.of("src/test/resources/testcases/edge-config/edge.yaml"));

        assertThat(c.edge().group()).isEqualTo("ENT001");
        assertThat(c.edge().node()).isEqualTo("edge-01");
        assertThat(c.uplink().url()).isEqualTo(URI.create("tcp://127.0.0.1:1883"));
        assertThat(c.uplink().primaryHost()).isEqualTo("floorlink");
        assertThat(c.uplink().keepAlive()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.uplink().reconnect().initialDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.uplink().toString()).doesNotContain(c.uplink().password());
        assertThat(c.buffer().maxSize().bytes()).isEqualTo(2L << 30);
        assertThat(c.buffer().overflow()).isEqualTo(Overflow.DROP_OLDEST);
        assertThat(c.buffer().replayRate()).isEqualTo(5000);
        assertThat(c.http().host()).isEqualTo("127.0.0.1");
        assertThat(c.http().port()).isEqualTo(9108);
        assertThat(c.healthInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.connectors()).extracting(ConnectorConfig::name).containsExactly("sewing-line-1", "paint-shop");
        assertThat(c.devices())
                .extracting(EdgeConfig.DeviceOutline::deviceId, EdgeConfig.DeviceOutline::points)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("SEW-01", 3),
                        org.assertj.core.groups.Tuple.tuple("SEW-02", 1),
                        org.assertj.core.groups.Tuple.tuple("PNT-01", 1));
    }

    @Test
    void defaultsApplyToOptionalSections() {
        EdgeConfig c = parse(HEAD + "connectors:\n" + connector("a", "SEW-01"));

        assertThat(c.healthInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.http().host()).isEqualTo("127.0.0.1");
        assertThat(c.http().port()).isEqualTo(9108);
        assertThat(c.uplink().port()).isEqualTo(1883);
        assertThat(c.uplink().primaryHost()).isNull();
        assertThat(c.buffer().path()).isEqualTo(Path.of("data", "buffer.db"));
        assertThat(c.buffer().overflow()).isEqualTo(Overflow.DROP_OLDEST);
        assertThat(c.buffer().replayRate()).isEqualTo(EdgeConfig.Buffer.DEFAULT_REPLAY_RATE);
        assertThat(c.buffer().queueSamples()).isEqualTo(EdgeConfig.Buffer.DEFAULT_QUEUE_SAMPLES);
    }

    @Test
    void bufferSettingsAreReadAndValidatedAtTheirLines() {
        EdgeConfig c = parse(HEAD
                + "buffer: { path: /var/lib/floorlink/buffer.db, max_size: 64MB, overflow: drop_newest,"
                + " replay_rate: 800, queue_samples: 50000 }\nconnectors:\n" + connector("a", "SEW-01"));
        assertThat(c.buffer().queueSamples()).isEqualTo(50_000);
        assertThat(c.buffer().path()).isEqualTo(Path.of("/var/lib/floorlink/buffer.db"));
        assertThat(c.buffer().maxSize().bytes()).isEqualTo(64L << 20);
        assertThat(c.buffer().overflow()).isEqualTo(Overflow.DROP_NEWEST);
        assertThat(c.buffer().replayRate()).isEqualTo(800);

        assertThatThrownBy(() ->
                        parse(HEAD + "buffer: { overflow: drop_random }\nconnectors:\n" + connector("a", "SEW-01")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("edge.yaml:3:")
                .hasMessageContaining("buffer.overflow")
                .hasMessageContaining("unknown overflow policy 'drop_random' (allowed: drop_oldest, drop_newest)");
        assertThatThrownBy(() -> parse(HEAD + "buffer: { replay_rate: 0 }\nconnectors:\n" + connector("a", "SEW-01")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("edge.yaml:3:")
                .hasMessageContaining("buffer.replay_rate: must be at least 1");
        assertThatThrownBy(() -> parse(HEAD + "buffer: { queue_samples: 0 }\nconnectors:\n" + connector("a", "SEW-01")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("edge.yaml:3:")
                .hasMessageContaining("buffer.queue_samples: must be between 1 and 5000000, was 0");
    }

    @Test
    void unknownKeyNamesFileLineAndField() {
        assertThatThrownBy(() -> parse("""
                        edge: { group: ENT001, node: edge-01 }
                        uplink: { url: "tcp://127.0.0.1:1883", primary_hots: floorlink }
                        connectors: []
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("edge.yaml:2:")
                .hasMessageContaining("uplink")
                .hasMessageContaining("unknown key 'primary_hots'");
    }

    @Test
    void missingFieldNamesFileLineAndField() {
        assertThatThrownBy(() -> parse("""
                        edge: { group: ENT001 }
                        uplink: { url: "tcp://127.0.0.1:1883" }
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("edge.yaml:1:")
                .hasMessageContaining("edge.node: required");
    }

    @Test
    void wrongTypeNamesFileLineAndField() {
        assertThatThrownBy(() -> parse(HEAD + "http: { port: [1, 2] }\nconnectors:\n" + connector("a", "SEW-01")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("edge.yaml:3:")
                .hasMessageContaining("http.port")
                .hasMessageContaining("whole number");
    }

    @Test
    void duplicateDeviceIdAcrossConnectorsPointsAtTheSecondDevice() {
        String yaml = HEAD + "connectors:\n" + connector("line-1", "SEW-01") + connector("line-2", "SEW-01");

        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessage("edge.yaml:15:9: connectors[1].devices[0].id: duplicate device id 'SEW-01' (already used"
                        + " in connector 'line-1'); device ids are unique across the agent");
    }

    @Test
    void duplicateConnectorNameIsRejected() {
        String yaml = HEAD + "connectors:\n" + connector("line-1", "SEW-01") + connector("line-1", "SEW-02");

        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessage("edge.yaml:12:5: connectors[1].name: duplicate connector name 'line-1'");
    }

    @Test
    void durationWithoutUnitNamesFileLineAndField() {
        assertThatThrownBy(() -> parse(HEAD + "health_interval: 5\nconnectors:\n" + connector("a", "SEW-01")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("edge.yaml:3:")
                .hasMessageContaining("health_interval")
                .hasMessageContaining("500ms or 10s");
    }

    @Test
    void healthIntervalAboveTenSecondsIsRejectedAtItsLine() {
        assertThatThrownBy(() -> parse(HEAD + "health_interval: 30s\nconnectors:\n" + connector("a", "SEW-01")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("edge.yaml:3:1: health_interval: must be at most 10s");
    }

    @Test
    void invalidSparkplugIdsAreRejected() {
        assertThatThrownBy(() -> parse("""
                        edge: { group: ENT/001, node: edge-01 }
                        uplink: { url: "tcp://127.0.0.1:1883" }
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("edge.yaml:1:")
                .hasMessageContaining("edge.group 'ENT/001' must not contain '/'");
        assertThatThrownBy(() -> parse(HEAD + "connectors:\n" + connector("a", "SEW+01")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("edge.yaml:8:9: connectors[0].devices[0].id: ")
                .hasMessageContaining("SEW+01");
    }

    @Test
    void missingSectionIsPlacedAtTheStartOfTheDocument() {
        assertThatThrownBy(() -> parse("# edge box 1\n" + HEAD))
                .isInstanceOf(ConfigException.class)
                .hasMessage("edge.yaml:2:1: connectors: at least one connector is required");
        assertThatThrownBy(() -> parse("uplink: { url: \"tcp://127.0.0.1:1883\" }\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("edge.yaml:1:1: edge: required");
    }

    @Test
    void reconnectIsValidatedTheSameForUplinkAndConnectorsAtTheirLines() {
        String uplink = """
                edge: { group: ENT001, node: edge-01 }
                uplink:
                  url: "tcp://127.0.0.1:1883"
                  reconnect: { initial_delay: 10s, max_delay: 1s }
                connectors:
                """ + connector("a", "SEW-01");
        assertThatThrownBy(() -> parse(uplink))
                .isInstanceOf(ConfigException.class)
                .hasMessage("edge.yaml:4:3: uplink.reconnect: reconnect.max_delay: must not be below initial_delay");

        String opcua = HEAD + "connectors:\n"
                + connector("a", "SEW-01")
                        .replace("    devices:", "    reconnect: { initial_delay: 0s }\n    devices:");
        assertThatThrownBy(() -> parse(opcua))
                .isInstanceOf(ConfigException.class)
                .hasMessage("edge.yaml:7:5: connectors[0].reconnect: reconnect.initial_delay: must be positive");

        EdgeConfig defaults = parse(HEAD + "connectors:\n" + connector("a", "SEW-01"));
        assertThat(defaults.uplink().reconnect()).isEqualTo(Reconnect.DEFAULT);
        assertThat(Reconnect.DEFAULT.initialDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(Reconnect.DEFAULT.maxDelay()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void uplinkNeedsMqttSchemeAndNoPasswordWithoutUser() {
        assertThatThrownBy(() -> parse("""
                        edge: { group: ENT001, node: edge-01 }
                        uplink: { url: "http://127.0.0.1:1883" }
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("edge.yaml:2:")
                .hasMessageContaining("uplink.url");
        assertThatThrownBy(() -> parse("""
                        edge: { group: ENT001, node: edge-01 }
                        uplink: { url: "tcp://127.0.0.1:1883", password: "${PW}" }
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("uplink.username: required with password")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void receiptsDefaultToTheirPrimaryHostAndAreValidatedAtLoad() {
        String connectors = "connectors:\n" + connector("a", "SEW-01");
        EdgeConfig none = parse(HEAD + connectors);
        assertThat(none.uplink().receipts()).as("no primary host: no receipts").isFalse();
        assertThat(none.uplink().aliases()).isTrue();
        assertThat(none.uplink().receiptTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(none.uplink().hostWait()).isEqualTo(Duration.ofSeconds(10));
        assertThat(none.uplink().serverList()).containsExactly(URI.create("tcp://127.0.0.1:1883"));

        EdgeConfig host = parse("""
                edge: { group: ENT001, node: edge-01 }
                uplink: { url: "tcp://127.0.0.1:1883", primary_host: floorlink, receipt_timeout: 5s, aliases: false }
                """ + connectors);
        assertThat(host.uplink().receipts()).isTrue();
        assertThat(host.uplink().receiptTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(host.uplink().aliases()).isFalse();

        assertThatThrownBy(() -> parse("""
                        edge: { group: ENT001, node: edge-01 }
                        uplink: { url: "tcp://127.0.0.1:1883", receipts: true }
                        """ + connectors))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("edge.yaml:2:")
                .hasMessageContaining("uplink.receipts: true needs uplink.primary_host");
        assertThatThrownBy(() -> parse("""
                        edge: { group: ENT001, node: edge-01 }
                        uplink: { url: "tcp://127.0.0.1:1883", primary_host: floorlink, receipt_timeout: 500ms }
                        """ + connectors))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("uplink.receipt_timeout: must be at least 1s");
    }

    @Test
    void serversAreAnAlternativeToUrl() {
        String connectors = "connectors:\n" + connector("a", "SEW-01");
        EdgeConfig c = parse("""
                edge: { group: ENT001, node: edge-01 }
                uplink:
                  servers: ["tcp://10.0.0.1:1883", "tcp://10.0.0.2"]
                  primary_host: floorlink
                  host_wait: 3s
                """ + connectors);
        assertThat(c.uplink().url()).isNull();
        assertThat(c.uplink().serverList())
                .containsExactly(URI.create("tcp://10.0.0.1:1883"), URI.create("tcp://10.0.0.2"));
        assertThat(EdgeConfig.Uplink.port(c.uplink().serverList().get(1))).isEqualTo(1883);
        assertThat(c.uplink().hostWait()).isEqualTo(Duration.ofSeconds(3));

        assertThatThrownBy(() -> parse("""
                        edge: { group: ENT001, node: edge-01 }
                        uplink: { url: "tcp://10.0.0.1:1883", servers: ["tcp://10.0.0.2:1883"] }
                        """ + connectors))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("uplink.servers: give either uplink.url or uplink.servers, not both");
        assertThatThrownBy(() -> parse("""
                        edge: { group: ENT001, node: edge-01 }
                        uplink: { servers: ["tcp://10.0.0.1:1883", "ssl://10.0.0.2:8883"] }
                        """ + connectors))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("uplink.servers[1]: all servers must use the same scheme");
        assertThatThrownBy(() -> parse("""
                        edge: { group: ENT001, node: edge-01 }
                        uplink: { primary_host: floorlink }
                        """ + connectors))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("uplink.url: required (or uplink.servers)");
    }

    @Test
    void missingFileIsNamed() {
        assertThatThrownBy(() -> EdgeConfig.load(Path.of("does-not-exist.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("does-not-exist.yaml: file not found");
    }
}
