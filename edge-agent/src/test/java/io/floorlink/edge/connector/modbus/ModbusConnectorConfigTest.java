package io.floorlink.edge.connector.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floorlink.edge.config.ConnectorConfig;
import io.floorlink.edge.connector.modbus.ModbusConnectorConfig.Address;
import io.floorlink.edge.connector.modbus.ModbusConnectorConfig.Addressing;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.config.YamlConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModbusConnectorConfigTest {
    private static final Path SAMPLE = Path.of("src/main/java/io/floorlink/edge/connector/modbus/sample.yaml");

    record Snippet(List<ConnectorConfig> connectors) {}

    private static ModbusConnectorConfig parse(String yaml) {
        return (ModbusConnectorConfig) YamlConfig.parse("edge.yaml", yaml, k -> null, Snippet.class)
                .connectors()
                .get(0);
    }

    private static String connector(String addressing, String point) {
        return """
                connectors:
                  - type: modbus
                    name: hall
                    host: 127.0.0.1
                """ + (addressing == null ? "" : "    addressing: " + addressing + "\n") + """
                    devices:
                      - id: IMM-01
                        interval: 1s
                        points:
                          - %s
                """.formatted(point);
    }

    @Test
    void sampleYamlLoadsWithEveryDocumentedKey() throws Exception {
        Snippet s = YamlConfig.parse(SAMPLE.toString(), Files.readString(SAMPLE), k -> null, Snippet.class);
        ModbusConnectorConfig c = (ModbusConnectorConfig) s.connectors().get(0);

        assertThat(c.name()).isEqualTo("molding-hall");
        assertThat(c.host()).isEqualTo("10.0.0.20");
        assertThat(c.port()).isEqualTo(502);
        assertThat(c.addressing()).isEqualTo(Addressing.ZERO_BASED);
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.reconnect().maxDelay()).isEqualTo(Duration.ofSeconds(30));
        var imm1 = c.devices().get(0);
        assertThat(imm1.unit()).isEqualTo(1);
        assertThat(imm1.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(imm1.byteOrder()).isEqualTo(ByteOrder.ABCD);
        assertThat(imm1.maxRegisters()).isEqualTo(125);
        assertThat(imm1.maxBits()).isEqualTo(2000);
        assertThat(imm1.maxGap()).isEqualTo(8);
        assertThat(ReadPlan.of(imm1, c.addressing()))
                .extracting(g -> g.area().shortName() + "@" + g.start() + "+" + g.count())
                .containsExactly("coil@1+1", "discrete@1+1", "holding@0+38");
        assertThat(imm1.points()).hasSize(14);
        var energy = imm1.points().get(9);
        assertThat(energy.byteOrder()).isEqualTo(ByteOrder.ABCD);
        assertThat(energy.dataType()).isEqualTo(DataType.DOUBLE);
        var temp = imm1.points().get(6);
        assertThat(temp.engLow()).isEqualTo(0.0);
        assertThat(temp.engHigh()).isEqualTo(400.0);
        assertThat(temp.unit()).isEqualTo("degC");
        var running = imm1.points().get(10);
        assertThat(running.bit()).isZero();
        assertThat(running.resolve(c.addressing())).isEqualTo(new Address(Area.HOLDING_REGISTER, 26));
        assertThat(imm1.points().get(11).length()).isEqualTo(8);
        assertThat(imm1.points().get(12).resolve(c.addressing())).isEqualTo(new Address(Area.COIL, 1));
        assertThat(imm1.points().get(13).category()).isEqualTo(Category.SAFETY);
        var imm2 = c.devices().get(1);
        assertThat(imm2.byteOrder()).isEqualTo(ByteOrder.CDAB);
        assertThat(imm2.maxRegisters()).isEqualTo(32);
        assertThat(imm2.maxGap()).isZero();
        var oil = imm2.points().get(1);
        assertThat(oil.scale()).isEqualTo(0.1);
        assertThat(oil.dataType()).isEqualTo(DataType.DOUBLE);
        assertThat(oil.resolve(c.addressing())).isEqualTo(new Address(Area.INPUT_REGISTER, 40));
    }

    @Test
    void oneBasedAddressingTurnsRegisterNumbersAndModiconReferencesIntoProtocolAddresses() {
        ModbusConnectorConfig c = parse(connector(
                "one_based",
                "{ id: a, address: \"40001\", type: uint16, category: state }\n"
                        + "          - { id: b, address: \"holding:2\", type: uint16, category: state }\n"
                        + "          - { id: c, address: \"300010\", type: int16, category: state }\n"
                        + "          - { id: d, address: \"00005\", type: bool, category: state }"));
        var points = c.devices().get(0).points();
        assertThat(points.get(0).resolve(c.addressing())).isEqualTo(new Address(Area.HOLDING_REGISTER, 0));
        assertThat(points.get(1).resolve(c.addressing())).isEqualTo(new Address(Area.HOLDING_REGISTER, 1));
        assertThat(points.get(2).resolve(c.addressing())).isEqualTo(new Address(Area.INPUT_REGISTER, 9));
        assertThat(points.get(3).resolve(c.addressing())).isEqualTo(new Address(Area.COIL, 4));
    }

    @Test
    void addressingIsNeverAssumed() {
        assertThatThrownBy(() ->
                        parse(connector(null, "{ id: a, address: \"holding:0\", type: uint16, category: state }")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("addressing: required");
    }

    @Test
    void badPointsAreRejectedNamingTheConnectorDevicePointAndField() {
        assertThatThrownBy(() ->
                        parse(connector("zero_based", "{ id: a, address: \"40001\", type: uint16, category: state }")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("connector 'hall': device 'IMM-01': point 'a': address: '40001'")
                .hasMessageContaining("need addressing: one_based");
        assertThatThrownBy(() -> parse(
                        connector("one_based", "{ id: a, address: \"holding:0\", type: uint16, category: state }")))
                .hasMessageContaining("register numbers start at 1");
        assertThatThrownBy(() -> parse(
                        connector("zero_based", "{ id: a, address: \"coil:3\", type: float32, category: state }")))
                .hasMessageContaining("point 'a': type: float32 is not possible in a bit area (coil)");
        assertThatThrownBy(() -> parse(
                        connector("zero_based", "{ id: a, address: \"holding:3\", type: bool, category: state }")))
                .hasMessageContaining("bit: required for type bool on a register");
        assertThatThrownBy(() -> parse(
                        connector("zero_based", "{ id: a, address: \"holding:3\", type: string, category: state }")))
                .hasMessageContaining("point 'a': length: required for type string");
        assertThatThrownBy(() -> parse(connector(
                        "zero_based",
                        "{ id: a, address: \"holding:3\", type: int16, byte_order: CDAB, category: state }")))
                .hasMessageContaining("byte_order: only for values of two or more registers");
        assertThatThrownBy(() -> parse(connector(
                        "zero_based",
                        "{ id: a, address: \"holding:3\", type: int32, byte_order: XYZW, category: state }")))
                .hasMessageContaining("unknown byte order 'XYZW'");
        assertThatThrownBy(() -> parse(
                        connector("zero_based", "{ id: a, address: \"holding:65535\", type: int32, category: state }")))
                .hasMessageContaining("outside 0..65535");
        assertThatThrownBy(() ->
                        parse(connector("zero_based", "{ id: a, address: \"tank:1\", type: int32, category: state }")))
                .hasMessageContaining("unknown area in 'tank:1'");
        String point = "{ id: a, address: \"holding:3\", type: int16, category: state }";
        assertThatThrownBy(() -> parse(connector("zero_based", point)
                        .replace("        interval: 1s\n", "        interval: 1s\n        max_gap: 125\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("device 'IMM-01': max_gap: must be 0..124, was 125");
    }
}
