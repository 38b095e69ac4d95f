package io.floorlink.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.config.YamlConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden cases {@code src/test/resources/testcases/<protocol>-config-*} of every connector: an {@code edge.yaml}
 * with one mistake and the exact error a user must see ({@code expected-error.txt}: file, line, column, field
 * path, device/point, fix). Cases {@code edge-config-*} are whole edge configurations (uplink, identity).
 */
class ConnectorConfigGoldenTest {
    private static final Path CASES = Path.of("src/test/resources/testcases");

    record Snippet(List<ConnectorConfig> connectors) {}

    static Stream<Path> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(CASES)) {
            return dirs.filter(d -> d.getFileName().toString().matches("[a-z]+-config-.+")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void configurationMistakeGivesTheDocumentedError(Path dir) throws IOException {
        String yaml = Files.readString(dir.resolve("edge.yaml"));
        String expected = Files.readString(dir.resolve("expected-error.txt")).strip();

        Class<?> root = dir.getFileName().toString().startsWith("edge-config-") ? EdgeConfig.class : Snippet.class;
        Throwable error =
                catchThrowable(() -> YamlConfig.parse("edge.yaml", yaml, Map.<String, String>of()::get, root));

        assertThat(error).isInstanceOf(ConfigException.class);
        assertThat(error.getMessage()).isEqualTo(expected);
    }
}
