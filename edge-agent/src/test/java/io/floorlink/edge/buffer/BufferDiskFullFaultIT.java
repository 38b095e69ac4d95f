package io.floorlink.edge.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 12: the buffer on a full disk. Runs on a real small file system (a 2 MiB tmpfs mounted by the test, which
 * needs root as in CI); where mounting is not allowed it falls back to SQLite's {@code max_page_count}, which fails
 * the same way (SQLITE_FULL). The log and the assertion messages say which one ran.
 */
class BufferDiskFullFaultIT {
    private static final Logger LOG = LoggerFactory.getLogger(BufferDiskFullFaultIT.class);
    private static final long MB = 1L << 20;
    private static final String VALUE = "x".repeat(1000);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Path dir;
    private boolean tmpfs;

    @BeforeEach
    void smallFileSystem() throws Exception {
        dir = Files.createTempDirectory("floorlink-diskfull");
        tmpfs = run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir.toString());
        LOG.info("Disk full fault test on {}", tmpfs ? "a 2 MiB tmpfs" : "SQLite max_page_count (mount not allowed)");
    }

    @AfterEach
    void unmount() throws Exception {
        if (tmpfs && !run("umount", dir.toString())) {
            // still busy (a file left open): detach it now, the kernel frees it when the file is closed
            run("umount", "-l", dir.toString());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static boolean run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    private static Metric sample(long i) {
        return Metrics.metric("label", DataType.STRING, VALUE + i)
                .setTimestamp(1_700_000_000_000L + i)
                .build();
    }

    private DurableBuffer open() {
        return DurableBuffer.open(
                dir.resolve("buffer.db"), 64 * MB, Overflow.DROP_OLDEST, Clock.systemUTC(), registry, tmpfs ? 0 : 400);
    }

    /** Appends a batch of {@code n} and commits it; the rids the buffer reports durable go to {@code kept}. */
    private static long batch(DurableBuffer b, int n, List<Long> kept) {
        List<Long> rids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long rid = b.nextRid();
            rids.add(b.append("SEW-01", sample(rid)));
        }
        long durable = b.commit();
        rids.stream().filter(r -> r <= durable).forEach(kept::add);
        return durable;
    }

    @Test
    void afterADiskFullTheNextCommitSucceedsAsSoonAsThereIsRoomAndNothingAcceptedIsLost() throws Exception {
        String how = tmpfs ? "tmpfs" : "max_page_count";
        Path ballast = dir.resolve("ballast");
        if (tmpfs) {
            Files.write(ballast, new byte[(int) MB]);
        }
        List<Long> kept = new ArrayList<>();
        try (DurableBuffer b = open()) {
            String epoch = b.epoch();
            assertThat(b.status().state()).as(how).isEqualTo(BufferStatus.State.OK);

            int failures = 0;
            for (int i = 0; i < 200 && failures < 3; i++) {
                long last = b.nextRid() + 19;
                if (batch(b, 20, kept) < last) {
                    failures++;
                }
            }
            assertThat(failures).as("%s: the disk filled up", how).isEqualTo(3);
            assertThat(kept).as(how).isNotEmpty();
            assertThat(b.status().state()).as(how).isEqualTo(BufferStatus.State.ERROR);
            assertThat(b.status().code()).as(how).isEqualTo(BufferStatus.CODE_DISK_FULL);
            assertThat(b.status().reason()).as(how).contains("disk full");
            assertThat(registry.get("floorlink.edge.buffer.dropped")
                            .tag("reason", "write_failed")
                            .counter()
                            .count())
                    .as("%s: the failed batches are counted", how)
                    .isGreaterThanOrEqualTo(60);

            // free space: the ballast on the file system, or acknowledged records under the page limit
            if (tmpfs) {
                Files.delete(ballast);
            } else {
                List<long[]> ranges = List.of(new long[] {kept.get(0), kept.get(kept.size() / 2)});
                b.acknowledgeRanges(b.epoch(), ranges, kept.get(kept.size() - 1));
                kept.removeIf(r -> r <= kept.get(kept.size() / 2));
            }
            long before = kept.size();
            long last = b.nextRid() + 9;
            assertThat(batch(b, 10, kept))
                    .as("%s: the first commit after space came back is durable", how)
                    .isEqualTo(last);
            assertThat(kept).hasSize((int) before + 10);
            assertThat(b.status().state()).as(how).isEqualTo(BufferStatus.State.OK);
            assertThat(b.status().code()).isNull();
            assertThat(b.epoch()).as("the same buffer, no reset").isEqualTo(epoch);
            for (int i = 0; i < 5; i++) {
                last = b.nextRid() + 9;
                assertThat(batch(b, 10, kept)).isEqualTo(last);
            }

            assertThat(b.read(0, Long.MAX_VALUE, 100_000))
                    .as("%s: everything the buffer accepted is there for the replay", how)
                    .extracting(DurableBuffer.Record::rid)
                    .containsExactlyElementsOf(kept);
        }
        try (DurableBuffer b = open()) {
            List<DurableBuffer.Record> replay = b.read(0, Long.MAX_VALUE, 100_000);
            assertThat(replay)
                    .as("%s: and after a restart", how)
                    .extracting(DurableBuffer.Record::rid)
                    .containsExactlyElementsOf(kept);
            assertThat(replay.get(replay.size() - 1).metric()).isEqualTo(sample(kept.get(kept.size() - 1)));
        }
    }
}
