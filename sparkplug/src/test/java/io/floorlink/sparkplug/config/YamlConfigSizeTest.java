package io.floorlink.sparkplug.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The document size limit: well above SnakeYAML's 3 MB default, and a clear error naming the file above it. */
class YamlConfigSizeTest {
    record Item(String id, String node) {}

    record Doc(List<Item> items) {}

    @Test
    void documentAboveSnakeYamlsDefaultThreeMegabytesLoads(@TempDir Path dir) throws Exception {
        StringBuilder yaml = new StringBuilder("items:\n");
        int n = 0;
        while (yaml.length() < 5 * 1024 * 1024) {
            yaml.append("  - { id: p")
                    .append(n)
                    .append(", node: \"ns=2;s=Line1.M")
                    .append(n)
                    .append("\" }\n");
            n++;
        }
        Path file = dir.resolve("big.yaml");
        Files.writeString(file, yaml);

        Doc doc = YamlConfig.load(file, Doc.class);

        assertThat(doc.items()).hasSize(n);
        assertThat(doc.items().get(n - 1).node()).isEqualTo("ns=2;s=Line1.M" + (n - 1));
    }

    @Test
    void documentAboveTheLimitIsRefusedNamingTheFile() {
        String text = "#".repeat(YamlConfig.MAX_DOCUMENT_CODE_POINTS + 1);

        assertThatThrownBy(() -> YamlConfig.parse("huge.yaml", text, Map.<String, String>of()::get, Doc.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("huge.yaml: file is larger than the limit of "
                        + YamlConfig.MAX_DOCUMENT_CODE_POINTS + " characters");
    }
}
