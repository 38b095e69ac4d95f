package io.floorlink.edge.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.connector.modbus.ModbusConnector;
import io.floorlink.edge.connector.mqtt.MqttConnector;
import io.floorlink.edge.connector.opcua.OpcUaConnector;
import io.floorlink.sparkplug.config.ConfigException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Connector types come from {@code META-INF/services}, not from a list in the configuration code. */
class ConnectorTypesTest {

    private static EdgeConfig parse(String connectors) {
        return EdgeConfig.parse("edge.yaml", """
                edge: { group: ENT001, node: edge-01 }
                uplink: { url: "tcp://127.0.0.1:1883" }
                connectors:
                """ + connectors, Map.<String, String>of()::get);
    }

    /** Secrets for the samples' {@code ${...}}; a store named there must exist (it is not read here). */
    private static String env(String name) {
        return name.endsWith("_STORE")
                ? Path.of("src/main/java/io/floorlink/edge/connector/mqtt/sample.yaml")
                        .toAbsolutePath()
                        .toString()
                : "secret-" + name;
    }

    @Test
    void theThreeShippedTypesAreRegisteredInTheirListedOrder() {
        assertThat(ConnectorTypes.names()).containsExactly("opcua", "modbus", "mqtt");
        assertThat(ConnectorTypes.named("s7")).isEmpty();
        for (String name : ConnectorTypes.names()) {
            assertThat(ConnectorTypes.sample(name)).as("sample of %s", name).isPresent();
        }
        assertThat(ConnectorTypes.sample("s7")).isEmpty();
    }

    @Test
    void eachTypeBuildsItsConnectorAndOutlinesItsDevicesFromItsSample() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        for (String name : ConnectorTypes.names()) {
            String edgeYaml = "edge: { group: ENT001, node: edge-01 }\nuplink: { url: \"tcp://127.0.0.1:1883\" }\n"
                    + ConnectorTypes.sample(name).orElseThrow();
            EdgeConfig config = EdgeConfig.parse(name + "/sample.yaml", edgeYaml, ConnectorTypesTest::env);
            assertThat(config.connectors()).isNotEmpty();
            for (var c : config.connectors()) {
                assertThat(ConnectorTypes.of(c).name()).isEqualTo(name);
                assertThat(EdgeConfig.devicesOf(c))
                        .isNotEmpty()
                        .allSatisfy(d -> assertThat(d.type()).isEqualTo(name))
                        .allSatisfy(d -> assertThat(d.connector()).isEqualTo(c.name()));
                Connector connector = ConnectorTypes.create(c, registry);
                assertThat(connector.name()).isEqualTo(c.name());
                assertThat(connector)
                        .isInstanceOf(
                                switch (name) {
                                    case "opcua" -> OpcUaConnector.class;
                                    case "modbus" -> ModbusConnector.class;
                                    default -> MqttConnector.class;
                                });
            }
        }
    }

    @Test
    void anUnknownTypeIsAnErrorAtItsLineListingTheKnownOnes() {
        assertThatThrownBy(() -> parse("""
                          - type: s7
                            name: press-hall
                        """))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("edge.yaml:4:")
                .hasMessageContaining("unknown type 's7'")
                .hasMessageContaining("opcua, modbus, mqtt");
    }
}
