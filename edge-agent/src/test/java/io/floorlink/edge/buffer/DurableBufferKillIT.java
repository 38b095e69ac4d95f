package io.floorlink.edge.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a process writing the buffer: everything a commit returned for survives, rids are never reused and the
 * epoch stays. The writer is a real separate JVM killed with SIGKILL ({@link Process#destroyForcibly()}).
 */
class DurableBufferKillIT {
    @TempDir
    Path dir;

    @Test
    void everyCommittedRecordSurvivesKillMinus9AndRidsGoOnAfterIt() throws Exception {
        Path file = dir.resolve("buffer.db");
        String epoch = null;
        long lastCommitted = 0;
        for (int round = 0; round < 3; round++) {
            Process p = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            BufferKillVictim.class.getName(),
                            file.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            long committed = 0;
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String first = out.readLine();
                while (first != null && !first.startsWith("epoch ")) {
                    first = out.readLine(); // the victim's log lines share its stdout
                }
                assertThat(first).startsWith("epoch ");
                String[] parts = first.split(" ");
                if (epoch == null) {
                    epoch = parts[1];
                }
                assertThat(parts[1]).as("the epoch survives the kill").isEqualTo(epoch);
                assertThat(Long.parseLong(parts[3]))
                        .as("rids go on after the last one committed before the kill")
                        .isGreaterThan(lastCommitted);
                int commits = 0;
                String line;
                while ((line = out.readLine()) != null && commits < 200 + round * 100) {
                    if (line.startsWith("committed ")) {
                        committed = Long.parseLong(line.substring("committed ".length()));
                        commits++;
                    }
                }
                // killed while it keeps committing: later commits may survive too, these must
                p.destroyForcibly();
            }
            assertThat(p.waitFor()).as("killed, not exited").isNotZero();
            lastCommitted = committed;

            try (DurableBuffer b =
                    DurableBuffer.open(file, 64L << 20, Overflow.DROP_OLDEST, new SimpleMeterRegistry())) {
                assertThat(b.epoch()).isEqualTo(epoch);
                List<DurableBuffer.Record> all = b.read(0, lastCommitted, Integer.MAX_VALUE);
                assertThat(all)
                        .as("every record up to the last reported commit")
                        .hasSize((int) lastCommitted);
                assertThat(all.get(all.size() - 1).rid()).isEqualTo(lastCommitted);
                assertThat(b.status().state()).isEqualTo(BufferStatus.State.OK);
            }
        }
    }
}
