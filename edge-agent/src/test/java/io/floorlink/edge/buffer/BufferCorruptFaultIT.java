package io.floorlink.edge.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12: a damaged buffer file is replaced by a fresh buffer beside it, at start and while running. */
class BufferCorruptFaultIT {
    private static final long MB = 1L << 20;

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private DurableBuffer open() {
        return DurableBuffer.open(dir.resolve("buffer.db"), 64 * MB, Overflow.DROP_OLDEST, registry);
    }

    private static Metric sample(long i) {
        return Metrics.metric("speed", DataType.DOUBLE, (double) i)
                .setTimestamp(1_700_000_000_000L + i)
                .build();
    }

    private List<Path> besides(String prefix) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .toList();
        }
    }

    @Test
    void aCorruptFileAtStartIsKeptBesideAFreshBufferAndCollectionGoesOn() throws Exception {
        String epoch;
        try (DurableBuffer b = open()) {
            epoch = b.epoch();
            b.append("SEW-01", sample(1));
            b.commit();
        }
        byte[] garbage = "SQLite format 3\0 but then garbage\n".repeat(500).getBytes(StandardCharsets.ISO_8859_1);
        Files.write(dir.resolve("buffer.db"), garbage);
        Files.deleteIfExists(dir.resolve("buffer.db-wal"));
        Files.deleteIfExists(dir.resolve("buffer.db-shm"));

        try (DurableBuffer b = open()) {
            if (b.status().state() == BufferStatus.State.OK) {
                b.read(0, Long.MAX_VALUE, 10);
            }
            assertThat(b.status().state()).isEqualTo(BufferStatus.State.ERROR);
            assertThat(b.status().code()).isEqualTo(BufferStatus.CODE_CORRUPT);
            assertThat(b.epoch()).isNotNull().isNotEqualTo(epoch);
            assertThat(besides("buffer.db.corrupt-")).hasSize(1);
            assertThat(Files.readAllBytes(besides("buffer.db.corrupt-").get(0))).isEqualTo(garbage);
            for (int i = 1; i <= 10; i++) {
                b.append("SEW-01", sample(i));
            }
            assertThat(b.commit()).isEqualTo(10);
        }
        try (DurableBuffer b = open()) {
            assertThat(b.status().state()).as("a restart starts clean").isEqualTo(BufferStatus.State.OK);
            assertThat(b.read(0, Long.MAX_VALUE, 100)).hasSize(10);
        }
    }

    @Test
    void aFileDeletedWhileRunningIsReplacedByAFreshBufferWithANewEpoch() throws Exception {
        try (DurableBuffer b = open()) {
            String epoch = b.epoch();
            for (int i = 1; i <= 100; i++) {
                b.append("SEW-01", sample(i));
            }
            assertThat(b.commit()).isEqualTo(100);
            for (String f : new String[] {"buffer.db", "buffer.db-wal", "buffer.db-shm"}) {
                Files.deleteIfExists(dir.resolve(f));
            }

            b.refreshStats();
            assertThat(b.status().state()).isEqualTo(BufferStatus.State.ERROR);
            assertThat(b.status().code()).isEqualTo(BufferStatus.CODE_DELETED);
            assertThat(b.status().reason()).contains("deleted");
            assertThat(b.epoch()).isNotEqualTo(epoch);
            assertThat(Files.exists(dir.resolve("buffer.db")))
                    .as("a fresh file")
                    .isTrue();
            assertThat(registry.get("floorlink.edge.buffer.resets").counter().count())
                    .isEqualTo(1.0);

            for (int i = 1; i <= 10; i++) {
                b.append("SEW-01", sample(i));
            }
            assertThat(b.commit()).as("rids start again in the new epoch").isEqualTo(10);
            assertThat(b.read(0, Long.MAX_VALUE, 100)).hasSize(10);
        }
        try (DurableBuffer b = open()) {
            assertThat(b.read(0, Long.MAX_VALUE, 100)).as("on disk").hasSize(10);
        }
    }

    @Test
    void aFileDeletedWhileRunningIsNoticedByTheNextCommit() throws Exception {
        try (DurableBuffer b = open()) {
            String epoch = b.epoch();
            b.append("SEW-01", sample(1));
            b.commit();
            Files.delete(dir.resolve("buffer.db"));
            b.append("SEW-01", sample(2));
            assertThat(b.commit())
                    .as("the batch of the old epoch is lost with the file")
                    .isZero();
            assertThat(b.epoch()).isNotEqualTo(epoch);
            assertThat(b.status().code()).isEqualTo(BufferStatus.CODE_DELETED);
            long rid = b.append("SEW-01", sample(3));
            assertThat(b.commit()).isEqualTo(rid).isEqualTo(1);
        }
    }
}
