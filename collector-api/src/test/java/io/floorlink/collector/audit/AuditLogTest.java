package io.floorlink.collector.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T08:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private Path threeEntries() throws Exception {
        Path file = dir.resolve("audit.log");
        try (AuditLog log = AuditLog.open(file, CLOCK)) {
            log.append("admin", "inventory.import", "inventory", "accepted", Map.of("equipment", 4));
            log.append("admin", "inventory.import", "inventory", "refused", Map.of("errors", 2));
            assertThat(log.recordConfig("profiles", "abc", Map.of())).isTrue();
            assertThat(log.recordConfig("profiles", "abc", Map.of())).isFalse();
        }
        return file;
    }

    @Test
    void entriesChainAndSurviveAReopen() throws Exception {
        Path file = threeEntries();
        try (AuditLog log = AuditLog.open(file, CLOCK)) {
            assertThat(log.recordConfig("profiles", "abc", Map.of())).isFalse();
            assertThat(log.recordConfig("profiles", "def", Map.of())).isTrue();
        }
        AuditLog.Verification v = AuditLog.verify(file);
        assertThat(v.intact()).isTrue();
        assertThat(v.entries()).isEqualTo(4);
        assertThat(Files.readAllLines(file).get(3))
                .contains("\"action\":\"config.changed\"")
                .contains("\"previous_fingerprint\":\"abc\"");
    }

    @Test
    void anEditedRemovedOrInsertedLineIsFound() throws Exception {
        Path file = threeEntries();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);

        List<String> edited = new ArrayList<>(lines);
        edited.set(0, edited.get(0).replace("\"equipment\":4", "\"equipment\":5"));
        Files.write(file, edited, StandardCharsets.UTF_8);
        assertThat(AuditLog.verify(file).problem()).isEqualTo("audit.log:1: hash does not match its content");

        List<String> removed = new ArrayList<>(lines);
        removed.remove(1);
        Files.write(file, removed, StandardCharsets.UTF_8);
        assertThat(AuditLog.verify(file).problem()).isEqualTo("audit.log:2: does not chain to the line before");

        Files.write(file, lines, StandardCharsets.UTF_8);
        assertThat(AuditLog.verify(file).intact()).isTrue();
    }

    @Test
    void aBrokenLogIsKeptAndTheNextEntrySaysSo() throws Exception {
        Path file = threeEntries();
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        lines.set(1, lines.get(1).replace("refused", "accepted"));
        Files.write(file, lines, StandardCharsets.UTF_8);

        try (AuditLog log = AuditLog.open(file, CLOCK)) {
            log.append("admin", "inventory.import", "inventory", "accepted", Map.of());
        }
        List<String> after = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(after).hasSize(5);
        assertThat(after.get(3)).contains("audit.chain_broken").contains("audit.log:2");
    }
}
