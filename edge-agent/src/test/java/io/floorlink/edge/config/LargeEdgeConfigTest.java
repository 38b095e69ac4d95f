package io.floorlink.edge.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.sparkplug.config.YamlConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100,000-point edge configurations load (the size limit of YamlConfig). A unit test, not a benchmark: time and
 * memory are not asserted.
 */
class LargeEdgeConfigTest {
    private static final int DEVICES = 1_000;
    private static final int POINTS_PER_DEVICE = 100;
    private static final String HEAD = """
            edge: { group: ENT001, node: edge-01 }
            uplink: { url: "tcp://127.0.0.1:1883" }
            connectors:
            """;

    @Test
    void opcUaConfigWithOneHundredThousandPointsLoads(@TempDir Path dir) throws Exception {
        StringBuilder yaml = new StringBuilder(HEAD);
        yaml.append("""
                  - type: opcua
                    name: plant
                    endpoint: opc.tcp://127.0.0.1:4840
                    devices:
                """);
        for (int d = 0; d < DEVICES; d++) {
            String device = "MC-%04d".formatted(d);
            yaml.append("      - id: ").append(device).append("\n        points:\n");
            for (int p = 0; p < POINTS_PER_DEVICE; p++) {
                // No type: the connector reads the DataType of every node after connecting.
                yaml.append("          - { id: v%03d, node: \"ns=2;s=Plant.%s.Variable%03d\", category: process,"
                                .formatted(p, device, p)
                        + " interval: 1s }\n");
            }
        }
        Path file = dir.resolve("edge.yaml");
        Files.writeString(file, yaml);
        long bytes = Files.size(file);

        EdgeConfig config = EdgeConfig.load(file);

        assertThat(config.devices().stream()
                        .mapToInt(EdgeConfig.DeviceOutline::points)
                        .sum())
                .isEqualTo(DEVICES * POINTS_PER_DEVICE);
        // Measured size of this layout: about 10 MB, well above SnakeYAML's 3 MB default, well below the limit.
        assertThat(bytes).isGreaterThan(3L << 20).isLessThan(YamlConfig.MAX_DOCUMENT_CODE_POINTS / 4);
        System.out.printf("100,000-point OPC UA edge.yaml: %,d bytes%n", bytes);
    }

    @Test
    void modbusConfigWithOneHundredThousandPointsLoads(@TempDir Path dir) throws Exception {
        StringBuilder yaml = new StringBuilder(HEAD);
        yaml.append("""
                  - type: modbus
                    name: hall
                    host: 127.0.0.1
                    port: 502
                    addressing: zero_based
                    devices:
                """);
        for (int d = 0; d < DEVICES; d++) {
            yaml.append("      - id: IMM-%04d\n        unit: %d\n        interval: 1s\n        points:\n"
                    .formatted(d, 1 + d % 247));
            for (int p = 0; p < POINTS_PER_DEVICE; p++) {
                yaml.append("          - { id: r%03d, address: \"holding:%d\", type: uint16, category: process }\n"
                        .formatted(p, p));
            }
        }
        Path file = dir.resolve("edge.yaml");
        Files.writeString(file, yaml);
        long bytes = Files.size(file);

        EdgeConfig config = EdgeConfig.load(file);

        assertThat(config.devices().stream()
                        .mapToInt(EdgeConfig.DeviceOutline::points)
                        .sum())
                .isEqualTo(DEVICES * POINTS_PER_DEVICE);
        assertThat(bytes).isGreaterThan(3L << 20);
        System.out.printf("100,000-point Modbus edge.yaml: %,d bytes%n", bytes);
    }
}
