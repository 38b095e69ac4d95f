package io.floorlink.edge.connector.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floorlink.edge.config.ConnectorConfig;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig.PointMode;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig.SecurityMode;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.config.YamlConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpcUaConnectorConfigTest {
    private static final Path SAMPLE = Path.of("src/main/java/io/floorlink/edge/connector/opcua/sample.yaml");
    private static final Map<String, String> ENV =
            Map.of("FLOORLINK_OPCUA_USER", "operator", "FLOORLINK_OPCUA_PASSWORD", "s3cret");

    /** The shape of an edge.yaml fragment holding only connectors. */
    record Snippet(List<ConnectorConfig> connectors) {}

    private static OpcUaConnectorConfig parse(String source, String yaml) {
        Snippet s = YamlConfig.parse(source, yaml, ENV::get, Snippet.class);
        return (OpcUaConnectorConfig) s.connectors().get(0);
    }

    @Test
    void sampleYamlLoadsWithEveryDocumentedKey() throws Exception {
        OpcUaConnectorConfig c = parse(SAMPLE.toString(), Files.readString(SAMPLE));

        assertThat(c.name()).isEqualTo("sewing-line-1");
        assertThat(c.endpoint()).hasToString("opc.tcp://10.0.0.5:4840/floorlink");
        assertThat(c.security().mode()).isEqualTo(SecurityMode.SIGN_AND_ENCRYPT);
        assertThat(c.security().policy()).isEqualTo("Basic256Sha256");
        assertThat(c.security().pkiDir()).isEqualTo(Path.of("data", "pki", "opcua"));
        assertThat(c.security().allowPasswordOverNone()).isFalse();
        assertThat(c.security().username()).isEqualTo("operator");
        assertThat(c.security().password()).isEqualTo("s3cret");
        assertThat(c.security().toString()).doesNotContain("s3cret");
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.reconnect().initialDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.reconnect().maxDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.devices()).extracting(OpcUaConnectorConfig.Device::id).containsExactly("SEW-01", "SEW-02");

        var points = c.devices().get(0).points();
        assertThat(points)
                .extracting(OpcUaConnectorConfig.Point::id)
                .containsExactly("run_state", "stitch_count", "pieces", "motor_speed", "fault_code");
        var runState = points.get(0);
        assertThat(runState.node()).isEqualTo("ns=2;s=Line1.SEW-01.RunState");
        assertThat(runState.category()).isEqualTo(Category.STATE);
        assertThat(runState.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(runState.type()).isNull();
        assertThat(runState.mode()).isEqualTo(PointMode.SUBSCRIBE);
        assertThat(runState.effectiveQueueSize()).isEqualTo(1);
        assertThat(points.get(1).type()).isEqualTo(DataType.UINT32);
        var speed = points.get(3);
        assertThat(speed.node()).startsWith("nsu=urn:floorlink:sim:sewing-line;");
        assertThat(speed.interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(speed.unit()).isEqualTo("rpm");
        assertThat(speed.engLow()).isEqualTo(0.0);
        assertThat(speed.engHigh()).isEqualTo(6000.0);
        assertThat(speed.effectiveQueueSize()).isEqualTo(5);
        assertThat(points.get(4).mode()).isEqualTo(PointMode.POLL);
    }

    @Test
    void defaultsApplyWhenOptionalSectionsAreAbsent() {
        OpcUaConnectorConfig c = parse("edge.yaml", """
                connectors:
                  - type: opcua
                    name: l1
                    endpoint: opc.tcp://127.0.0.1:4840
                    devices:
                      - id: D1
                        points:
                          - { id: p, node: "ns=2;i=1001", category: process, interval: 250ms }
                """);
        assertThat(c.security().mode()).isEqualTo(SecurityMode.NONE);
        assertThat(c.security().username()).isNull();
        assertThat(c.security().pkiDir()).isEqualTo(OpcUaPki.DEFAULT_DIR);
        assertThat(c.security().userToken()).isEqualTo("anonymous");
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.reconnect().initialDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.reconnect().maxDelay()).isEqualTo(Duration.ofSeconds(30));
    }

    private static String withPoint(String point) {
        return """
                connectors:
                  - type: opcua
                    name: l1
                    endpoint: opc.tcp://127.0.0.1:4840
                    devices:
                      - id: SEW-07
                        points:
                          - %s
                """.formatted(point);
    }

    @Test
    void badNodeIdSyntaxNamesLineDevicePointAndField() {
        assertThatThrownBy(() -> parse(
                        "edge.yaml", withPoint("{ id: speed, node: \"ns=x;s=A\", category: process, interval: 1s }")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("edge.yaml:8:")
                .hasMessageContaining("point 'speed'")
                .hasMessageContaining("node: 'ns=x;s=A' is not a node id");
        assertThatThrownBy(() -> parse(
                        "edge.yaml",
                        withPoint("{ id: speed, node: \"Line1.Speed\", category: process, interval: 1s }")))
                .hasMessageContaining("is not a node id");
    }

    @Test
    void missingNodeCategoryOrIntervalIsReported() {
        assertThatThrownBy(() -> parse("edge.yaml", withPoint("{ id: speed, category: process, interval: 1s }")))
                .hasMessageContaining("point 'speed': node: required");
        assertThatThrownBy(() -> parse("edge.yaml", withPoint("{ id: speed, node: \"ns=2;s=A\", interval: 1s }")))
                .hasMessageContaining("point 'speed': category: required");
        assertThatThrownBy(() -> parse("edge.yaml", withPoint("{ id: speed, node: \"ns=2;s=A\", category: process }")))
                .hasMessageContaining("point 'speed': interval: required");
    }

    @Test
    void nonPositiveIntervalAndQueueSizeAreRejected() {
        assertThatThrownBy(() -> parse(
                        "edge.yaml", withPoint("{ id: speed, node: \"ns=2;s=A\", category: process, interval: 0ms }")))
                .hasMessageContaining("point 'speed': interval: must be positive");
        assertThatThrownBy(() -> parse(
                        "edge.yaml",
                        withPoint("{ id: speed, node: \"ns=2;s=A\", category: process, interval: 1s, queue_size: 0 }")))
                .hasMessageContaining("point 'speed': queue_size: must be at least 1");
    }

    @Test
    void duplicatePointAndDeviceIdsAreRejected() {
        assertThatThrownBy(() -> parse("edge.yaml", """
                connectors:
                  - type: opcua
                    name: l1
                    endpoint: opc.tcp://127.0.0.1:4840
                    devices:
                      - id: SEW-07
                        points:
                          - { id: speed, node: "ns=2;s=A", category: process, interval: 1s }
                          - { id: speed, node: "ns=2;s=B", category: process, interval: 1s }
                """))
                .hasMessageContaining("device 'SEW-07': duplicate point id 'speed'");
        assertThatThrownBy(() -> parse("edge.yaml", """
                connectors:
                  - type: opcua
                    name: l1
                    endpoint: opc.tcp://127.0.0.1:4840
                    devices:
                      - id: SEW-07
                        points: [ { id: a, node: "ns=2;s=A", category: process, interval: 1s } ]
                      - id: SEW-07
                        points: [ { id: b, node: "ns=2;s=B", category: process, interval: 1s } ]
                """))
                .hasMessageContaining("connector 'l1': devices: duplicate device id 'SEW-07'");
    }

    @Test
    void unknownSecurityModeMismatchedPolicyAndIncompleteUserTokensAreRejected() {
        String base = """
                connectors:
                  - type: opcua
                    name: l1
                    endpoint: opc.tcp://127.0.0.1:4840
                    security: %s
                    devices:
                      - id: D
                        points: [ { id: a, node: "ns=2;s=A", category: process, interval: 1s } ]
                """;
        assertThatThrownBy(() -> parse("edge.yaml", base.formatted("{ mode: encrypt }")))
                .hasMessageStartingWith("edge.yaml:5:")
                .hasMessageContaining("unknown security mode 'encrypt' (allowed: none, sign, sign_and_encrypt)");
        assertThatThrownBy(() -> parse("edge.yaml", base.formatted("{ mode: none, policy: Basic256Sha256 }")))
                .hasMessageContaining("mode none cannot use policy Basic256Sha256");
        assertThatThrownBy(() -> parse("edge.yaml", base.formatted("{ username: op }")))
                .hasMessageContaining("security.password: required with username");
        assertThatThrownBy(() -> parse("edge.yaml", base.formatted("{ mode: sign, policy: Basic128Rsa15 }")))
                .hasMessageContaining("security.policy: unknown policy 'Basic128Rsa15'");
        assertThatThrownBy(() -> parse("edge.yaml", base.formatted("{ mode: sign, private_key: k.pem }")))
                .hasMessageContaining("security.certificate: required with private_key");
        assertThatThrownBy(() -> parse(
                        "edge.yaml",
                        base.formatted("{ mode: sign, certificate: /nonexistent.der, private_key: k.pem }")))
                .hasMessageContaining("security.certificate: /nonexistent.der does not exist");
    }

    @Test
    void signingModesLoadWithEveryPolicy() {
        String base = """
                connectors:
                  - type: opcua
                    name: l1
                    endpoint: opc.tcp://127.0.0.1:4840
                    security: %s
                    devices:
                      - id: D
                        points: [ { id: a, node: "ns=2;s=A", category: process, interval: 1s } ]
                """;
        for (String mode : List.of("sign", "sign_and_encrypt")) {
            for (String policy : List.of("Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss")) {
                OpcUaConnectorConfig c = parse(
                        "edge.yaml",
                        base.formatted("{ mode: " + mode + ", policy: " + policy + ", pki_dir: /var/lib/pki }"));
                assertThat(c.security().mode().wireName()).isEqualTo(mode);
                assertThat(c.security().policy()).isEqualTo(policy);
                assertThat(c.security().pkiDir()).isEqualTo(Path.of("/var/lib/pki"));
            }
        }
        assertThat(parse("edge.yaml", base.formatted("{ mode: sign }"))
                        .security()
                        .policy())
                .isEqualTo("Basic256Sha256");
    }

    @Test
    void part4_7_41_usernameOverNoneIsRefusedUnlessExplicitlyAllowed() {
        String base = """
                connectors:
                  - type: opcua
                    name: l1
                    endpoint: opc.tcp://127.0.0.1:4840
                    security: %s
                    devices:
                      - id: D
                        points: [ { id: a, node: "ns=2;s=A", category: process, interval: 1s } ]
                """;
        assertThatThrownBy(() -> parse("edge.yaml", base.formatted("{ username: op, password: pw }")))
                .hasMessageStartingWith("edge.yaml:5:")
                .hasMessageContaining("security.username: a password over security mode none crosses the network in"
                        + " clear text and is refused")
                .hasMessageContaining("allow_password_over_none: true")
                .hasMessageNotContaining("pw }");
        OpcUaConnectorConfig allowed =
                parse("edge.yaml", base.formatted("{ username: op, password: pw, allow_password_over_none: true }"));
        assertThat(allowed.security().allowPasswordOverNone()).isTrue();
        assertThat(allowed.security().toString()).doesNotContain("pw");
        OpcUaConnectorConfig encrypted =
                parse("edge.yaml", base.formatted("{ mode: sign_and_encrypt, username: op, password: pw }"));
        assertThat(encrypted.security().userToken()).isEqualTo("username");
    }

    @Test
    void endpointMustBeOpcTcp() {
        assertThatThrownBy(() -> parse("edge.yaml", """
                connectors:
                  - type: opcua
                    name: l1
                    endpoint: http://127.0.0.1:4840
                    devices:
                      - id: D
                        points: [ { id: a, node: "ns=2;s=A", category: process, interval: 1s } ]
                """))
                .hasMessageContaining(
                        "connector 'l1': endpoint: 'http://127.0.0.1:4840' is not an opc.tcp://host:port URL");
    }

    @Test
    void unknownKeyIsRejected() {
        assertThatThrownBy(() -> parse(
                        "edge.yaml",
                        withPoint("{ id: a, node: \"ns=2;s=A\", category: process, interval: 1s, sampling: 1s }")))
                .hasMessageContaining("unknown key 'sampling'");
    }
}
