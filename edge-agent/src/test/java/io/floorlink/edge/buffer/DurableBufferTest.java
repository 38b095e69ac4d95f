package io.floorlink.edge.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The buffer against a real SQLite file. */
class DurableBufferTest {
    private static final long MB = 1L << 20;

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private DurableBuffer open(long maxBytes, Overflow overflow) {
        return DurableBuffer.open(dir.resolve("buffer.db"), maxBytes, overflow, registry);
    }

    private static Metric sample(long i) {
        return Metrics.metric("speed", DataType.DOUBLE, (double) i)
                .setTimestamp(1_700_000_000_000L + i)
                .build();
    }

    private static long[] rids(List<DurableBuffer.Record> records) {
        return records.stream().mapToLong(DurableBuffer.Record::rid).toArray();
    }

    private static List<DurableBuffer.Record> data(List<DurableBuffer.Record> records) {
        return records.stream()
                .filter(r -> !MetricNames.BUFFER_LOST.equals(r.metric().getName()))
                .toList();
    }

    private static List<DurableBuffer.Record> losses(List<DurableBuffer.Record> records) {
        return records.stream()
                .filter(r -> MetricNames.BUFFER_LOST.equals(r.metric().getName()))
                .toList();
    }

    private static long lostFrom(DurableBuffer.Record r) {
        assertThat(r.metric().getProperties().getKeysList()).containsExactly(MetricNames.PROP_LOST_FROM);
        assertThat(r.metric().getProperties().getValues(0).getType()).isEqualTo(DataType.DATETIME.code());
        return r.metric().getProperties().getValues(0).getLongValue();
    }

    /** A clock the test moves: every record's {@code created} is known. */
    private static final class StepClock extends Clock {
        long now = 1_700_000_000_000L;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }

        @Override
        public long millis() {
            return now;
        }
    }

    private record Span(long from, long to, long count) {
        Span plus(long created) {
            return new Span(Math.min(from, created), Math.max(to, created), count + 1);
        }
    }

    @Test
    void dropOldestLeavesALossRecordPerDeviceWithTheSpanAndCountOfWhatItDroppedAndMergesDroppedLossRecords() {
        StepClock clock = new StepClock();
        long max = 64 * 1024;
        Map<Long, String> deviceOf = new HashMap<>();
        Map<Long, Long> createdOf = new HashMap<>();
        long firstLossRid = 0;
        int overflows = 0;
        try (DurableBuffer b =
                DurableBuffer.open(dir.resolve("buffer.db"), max, Overflow.DROP_OLDEST, clock, registry)) {
            for (int batch = 0; batch < 60; batch++) {
                for (int i = 0; i < 50; i++) {
                    String device = i % 3 == 0 ? "MOLD-02" : "MOLD-01";
                    clock.now++;
                    long rid = b.append(device, sample(batch * 50L + i));
                    deviceOf.put(rid, device);
                    createdOf.put(rid, clock.now);
                }
                clock.now += 1000;
                b.commit();
                List<DurableBuffer.Record> taken = b.takeLosses();
                if (!taken.isEmpty()) {
                    overflows++;
                    assertThat(taken).extracting(DurableBuffer.Record::device).doesNotHaveDuplicates();
                    if (firstLossRid == 0) {
                        firstLossRid = taken.get(0).rid();
                    }
                }
            }
            assertThat(overflows).as("the buffer overflowed several times").isGreaterThan(3);
            List<DurableBuffer.Record> all = b.read(0, Long.MAX_VALUE, 100_000);
            assertThat(rids(all)).as("the first loss record was dropped itself").doesNotContain(firstLossRid);

            Set<Long> kept = new HashSet<>();
            for (DurableBuffer.Record r : data(all)) {
                kept.add(r.rid());
            }
            Map<String, Span> expected = new TreeMap<>();
            for (Map.Entry<Long, String> e : deviceOf.entrySet()) {
                if (!kept.contains(e.getKey())) {
                    long created = createdOf.get(e.getKey());
                    expected.merge(e.getValue(), new Span(created, created, 1), (a, n) -> a.plus(created));
                }
            }
            Map<String, Span> reported = new TreeMap<>();
            for (DurableBuffer.Record r : losses(all)) {
                assertThat(r.metric().getDatatype()).isEqualTo(DataType.INT64.code());
                Span s = new Span(
                        lostFrom(r), r.metric().getTimestamp(), r.metric().getLongValue());
                assertThat(s.from()).isLessThanOrEqualTo(s.to());
                reported.merge(
                        r.device(),
                        s,
                        (a, n) -> new Span(
                                Math.min(a.from(), n.from()), Math.max(a.to(), n.to()), a.count() + n.count()));
            }
            assertThat(reported)
                    .as("per device: oldest and newest created dropped, and how many (merged loss records included)")
                    .isEqualTo(expected);
            assertThat(expected.get("MOLD-02").from())
                    .as("the span starts at the device's first record")
                    .isEqualTo(createdOf.get(1L + 0));
            assertThat(dropped("drop_oldest")).isEqualTo((double)
                    expected.values().stream().mapToLong(Span::count).sum());

            // A loss record is a record: deleted only when acknowledged, and it survives a reopen.
            long lossRid = losses(all).get(0).rid();
            b.acknowledge(b.epoch(), new long[] {lossRid});
            b.commit();
            assertThat(rids(b.read(0, Long.MAX_VALUE, 100_000))).doesNotContain(lossRid);
        }
    }

    @Test
    void lossMetricIsInt64WithTheNewestTimestampAndLostFromAsDateTime() {
        Metric m = DurableBuffer.lossMetric(7, 1000, 2000);
        assertThat(m.getName()).isEqualTo(MetricNames.BUFFER_LOST);
        assertThat(m.getDatatype()).isEqualTo(DataType.INT64.code());
        assertThat(m.getLongValue()).isEqualTo(7);
        assertThat(m.getTimestamp()).isEqualTo(2000);
        DurableBuffer.Record r = new DurableBuffer.Record(5, "MOLD-01", m);
        assertThat(lostFrom(new DurableBuffer.Record(5, "MOLD-01", r.metric()))).isEqualTo(1000);
        Metric replayed = r.historical();
        assertThat(replayed.getIsHistorical()).isTrue();
        assertThat(Metrics.properties(replayed.getProperties()))
                .containsEntry(MetricNames.PROP_LOST_FROM, 1000L)
                .containsEntry(MetricNames.PROP_RID, 5L);
    }

    private double dropped(String reason) {
        return registry.get("floorlink.edge.buffer.dropped")
                .tag("reason", reason)
                .counter()
                .count();
    }

    @Test
    void recordsAreReadInRidOrderAndDeletedOnlyWhenAcknowledged() {
        try (DurableBuffer b = open(64 * MB, Overflow.DROP_OLDEST)) {
            long r1 = b.append("SEW-01", sample(1));
            long r2 = b.append("SEW-02", sample(2));
            long r3 = b.append("SEW-01", sample(3));
            assertThat(b.read(0, Long.MAX_VALUE, 10))
                    .as("nothing before the commit")
                    .isEmpty();

            assertThat(b.commit()).isEqualTo(r3);
            List<DurableBuffer.Record> all = b.read(0, Long.MAX_VALUE, 10);
            assertThat(rids(all)).containsExactly(r1, r2, r3);
            assertThat(r1).isLessThan(r2).isLessThan(r3);
            assertThat(all).extracting(DurableBuffer.Record::device).containsExactly("SEW-01", "SEW-02", "SEW-01");
            assertThat(all.get(1).metric()).isEqualTo(sample(2));
            assertThat(rids(b.read(r1, r3 - 1, 10))).containsExactly(r2);

            b.acknowledge("another epoch", new long[] {r2});
            b.commit();
            assertThat(b.read(0, Long.MAX_VALUE, 10)).as("not of this epoch").hasSize(3);
            b.acknowledge(b.epoch(), new long[] {r2});
            assertThat(b.read(0, Long.MAX_VALUE, 10)).hasSize(3);
            b.commit();
            assertThat(rids(b.read(0, Long.MAX_VALUE, 10))).containsExactly(r1, r3);
            b.refreshStats();
            assertThat(b.status().records()).isEqualTo(2);
            assertThat(b.status().state()).isEqualTo(BufferStatus.State.OK);
            assertThat(registry.get("floorlink.edge.buffer.written").counter().count())
                    .isEqualTo(3.0);
            assertThat(registry.get("floorlink.edge.buffer.acknowledged")
                            .counter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(registry.get("floorlink.edge.buffer.records").gauge().value())
                    .isEqualTo(2.0);
        }
    }

    @Test
    void receiptRangesOfTheCurrentEpochDeleteTheirRecordsClippedToTheRidsSent() {
        try (DurableBuffer b = open(64 * MB, Overflow.DROP_OLDEST)) {
            for (long i = 1; i <= 10; i++) {
                b.append("SEW-01", sample(i));
            }
            b.commit();
            List<long[]> ranges = List.of(new long[] {1, 3}, new long[] {5, 9});
            assertThat(b.acknowledgeRanges("another epoch", ranges, 10)).isZero();
            b.commit();
            assertThat(b.read(0, Long.MAX_VALUE, 100)).hasSize(10);

            assertThat(b.acknowledgeRanges(b.epoch(), ranges, 7)).isEqualTo(2);
            assertThat(b.dirty()).isTrue();
            assertThat(b.read(0, Long.MAX_VALUE, 100))
                    .as("deleted by the next commit")
                    .hasSize(10);
            b.commit();
            assertThat(rids(b.read(0, Long.MAX_VALUE, 100)))
                    .as("8 and 9 were not sent yet: kept")
                    .containsExactly(4, 8, 9, 10);
            assertThat(b.acknowledgeRanges(b.epoch(), List.of(new long[] {9, 12}), 8))
                    .as("clipped away")
                    .isZero();
            b.refreshStats();
            assertThat(b.status().records()).isEqualTo(4);
        }
    }

    @Test
    void recordsEpochAndRidsSurviveReopenAndRidsAreNeverReusedEvenWhenEverythingWasAcknowledged() {
        String epoch;
        long last;
        try (DurableBuffer b = open(64 * MB, Overflow.DROP_OLDEST)) {
            epoch = b.epoch();
            assertThat(epoch).isNotBlank();
            b.append("SEW-01", sample(1));
            last = b.append("SEW-01", sample(2));
            b.commit();
            b.append("SEW-01", sample(3));
            // not committed: lost with the process, as a batch not yet written is
        }
        try (DurableBuffer b = open(64 * MB, Overflow.DROP_OLDEST)) {
            assertThat(b.epoch()).isEqualTo(epoch);
            List<DurableBuffer.Record> kept = b.read(0, Long.MAX_VALUE, 10);
            assertThat(kept).extracting(r -> r.metric().getDoubleValue()).containsExactly(1.0, 2.0);
            assertThat(b.nextRid()).isGreaterThan(last);
            b.acknowledge(b.epoch(), rids(kept));
            b.commit();
            assertThat(b.read(0, Long.MAX_VALUE, 10)).isEmpty();
        }
        try (DurableBuffer b = open(64 * MB, Overflow.DROP_OLDEST)) {
            assertThat(b.epoch()).isEqualTo(epoch);
            assertThat(b.append("SEW-01", sample(4)))
                    .as("a rid given out once is never given out again in the epoch")
                    .isGreaterThan(last);
        }
    }

    @Test
    void bdSeqIsStoredAcrossReopen() {
        try (DurableBuffer b = open(64 * MB, Overflow.DROP_OLDEST)) {
            assertThat(b.bdSeq()).isZero();
            b.bdSeq(7);
        }
        try (DurableBuffer b = open(64 * MB, Overflow.DROP_OLDEST)) {
            assertThat(b.bdSeq()).isEqualTo(7);
            b.bdSeq(DurableBuffer.nextBdSeq(255));
        }
        try (DurableBuffer b = open(64 * MB, Overflow.DROP_OLDEST)) {
            assertThat(b.bdSeq()).isZero();
        }
    }

    @Test
    void dropOldestKeepsTheNewestRecordsWithinTheBoundAndCountsWhatItDropped() {
        long max = 256 * 1024;
        long appended = 0;
        long lastRid = 0;
        try (DurableBuffer b = open(max, Overflow.DROP_OLDEST)) {
            for (int batch = 0; batch < 40; batch++) {
                for (int i = 0; i < 500; i++) {
                    lastRid = b.append("SEW-01", sample(appended++));
                }
                assertThat(b.commit()).as("drop_oldest keeps every new record").isEqualTo(lastRid);
            }
            b.refreshStats();
            BufferStatus s = b.status();
            assertThat(s.bytes()).isLessThanOrEqualTo(max);
            assertThat(s.records()).isBetween(100L, appended - 1);
            List<DurableBuffer.Record> all = b.read(0, Long.MAX_VALUE, (int) appended);
            assertThat(all).hasSize((int) s.records());
            List<DurableBuffer.Record> kept = data(all);
            long[] allRids = rids(all);
            assertThat(rids(kept)[kept.size() - 1]).isEqualTo(lastRid);
            assertThat(allRids[0]).isGreaterThan(1);
            assertThat(Arrays.stream(allRids).distinct().count()).isEqualTo(allRids.length);
            assertThat(allRids[allRids.length - 1] - allRids[0] + 1)
                    .as("what is left is the newest run (loss records included), without holes")
                    .isEqualTo(allRids.length);
            assertThat(dropped("drop_oldest")).isEqualTo((double) (appended - kept.size()));
            assertThat(s.dropped()).isEqualTo(appended - kept.size());
            assertThat(losses(all).stream()
                            .mapToLong(r -> r.metric().getLongValue())
                            .sum())
                    .as("the loss records count every record dropped")
                    .isEqualTo(appended - kept.size());
            assertThat(s.state()).isEqualTo(BufferStatus.State.DEGRADED);
            assertThat(s.reason()).contains("max_size").contains("drop_oldest");
        }
    }

    @Test
    void dropNewestKeepsTheOldestRecordsAndReportsWhichOfTheBatchAreDurable() {
        long max = 256 * 1024;
        long appended = 0;
        try (DurableBuffer b = open(max, Overflow.DROP_NEWEST)) {
            long firstShort = -1;
            for (int batch = 0; batch < 40; batch++) {
                long last = 0;
                for (int i = 0; i < 500; i++) {
                    last = b.append("SEW-01", sample(appended++));
                }
                long durable = b.commit();
                if (durable < last && firstShort < 0) {
                    firstShort = batch;
                }
            }
            assertThat(firstShort).as("the bound was reached").isPositive();
            b.refreshStats();
            BufferStatus s = b.status();
            assertThat(s.bytes()).isLessThanOrEqualTo(max);
            List<DurableBuffer.Record> all = b.read(0, Long.MAX_VALUE, (int) appended);
            List<DurableBuffer.Record> kept = data(all);
            assertThat(kept.get(0).rid()).isEqualTo(1);
            assertThat(kept.get(0).metric().getDoubleValue()).isEqualTo(0.0);
            assertThat(rids(kept)).isSorted().doesNotHaveDuplicates();
            assertThat(kept.size()).isLessThan((int) appended);
            assertThat(dropped("drop_newest")).isEqualTo((double) (appended - kept.size()));
            assertThat(dropped("drop_oldest")).isZero();
            long refused = appended - kept.size();
            assertThat(losses(all))
                    .as("one loss record for the device, merged over the commits while full")
                    .singleElement()
                    .satisfies(r -> assertThat(r.metric().getLongValue()).isEqualTo(refused));
            assertThat(s.state()).isEqualTo(BufferStatus.State.DEGRADED);

            // acknowledged records make room again
            b.acknowledge(b.epoch(), rids(all));
            long next = b.append("SEW-01", sample(appended));
            assertThat(b.commit()).isEqualTo(next);
        }
    }

    @Test
    void aFileThatIsNotADatabaseIsKeptBesideAFreshBufferWithANewEpoch() throws Exception {
        Path file = dir.resolve("buffer.db");
        byte[] garbage = "this is not an sqlite database, it was overwritten by something else\n"
                .repeat(200)
                .getBytes(StandardCharsets.UTF_8);
        Files.write(file, garbage);

        try (DurableBuffer b = open(64 * MB, Overflow.DROP_OLDEST)) {
            assertThat(b.status().state()).isEqualTo(BufferStatus.State.ERROR);
            assertThat(b.status().reason()).contains("corrupted").contains("buffer.db.corrupt-");
            List<Path> moved;
            try (Stream<Path> files = Files.list(dir)) {
                moved = files.filter(p -> p.getFileName().toString().startsWith("buffer.db.corrupt-"))
                        .toList();
            }
            assertThat(moved).hasSize(1);
            assertThat(Files.readAllBytes(moved.get(0)))
                    .as("kept for inspection")
                    .isEqualTo(garbage);

            // collection goes on in the fresh file
            long rid = b.append("SEW-01", sample(1));
            assertThat(rid).isEqualTo(1);
            assertThat(b.commit()).isEqualTo(rid);
            assertThat(b.read(0, Long.MAX_VALUE, 10)).hasSize(1);
            assertThat(registry.get("floorlink.edge.buffer.resets").counter().count())
                    .isEqualTo(1.0);
            assertThat(registry.get("floorlink.edge.buffer.healthy").gauge().value())
                    .isZero();
        }
    }

    @Test
    void aDatabaseWhosePagesAreDamagedIsReplacedAndKeepsItsBdSeq() throws Exception {
        String epoch;
        try (DurableBuffer b = open(64 * MB, Overflow.DROP_OLDEST)) {
            epoch = b.epoch();
            b.bdSeq(42);
            for (int i = 0; i < 5000; i++) {
                b.append("SEW-01", sample(i));
            }
            b.commit();
        }
        Path file = dir.resolve("buffer.db");
        // Checkpoint-free WAL content may still hold the pages: damage both files past the header page.
        for (Path p : List.of(file, dir.resolve("buffer.db-wal"))) {
            if (Files.exists(p) && Files.size(p) > 8192) {
                try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
                    byte[] junk = new byte[(int) Math.min(raf.length() - 4096, 64 * 1024)];
                    Arrays.fill(junk, (byte) 0x5A);
                    raf.seek(4096);
                    raf.write(junk);
                }
            }
        }

        try (DurableBuffer b = open(64 * MB, Overflow.DROP_OLDEST)) {
            if (b.status().state() == BufferStatus.State.OK) {
                // the damage shows on the first read instead of at open
                b.read(0, Long.MAX_VALUE, 10_000);
            }
            assertThat(b.status().state()).isEqualTo(BufferStatus.State.ERROR);
            assertThat(b.status().reason()).contains("corrupted");
            assertThat(b.epoch()).isNotEqualTo(epoch);
            assertThat(b.bdSeq()).as("bdSeq carries over to the fresh buffer").isEqualTo(42);
            assertThat(b.read(0, Long.MAX_VALUE, 10)).isEmpty();
            long rid = b.append("SEW-01", sample(1));
            assertThat(b.commit()).isEqualTo(rid);
        }
        try (DurableBuffer b = open(64 * MB, Overflow.DROP_OLDEST)) {
            assertThat(b.bdSeq()).isEqualTo(42);
            assertThat(b.read(0, Long.MAX_VALUE, 10)).hasSize(1);
        }
    }

    @Test
    void anUnwritableLocationIsAnErrorButAppendAndCommitGoOnAndCountTheLoss() throws Exception {
        Path blocker = dir.resolve("not-a-dir");
        Files.writeString(blocker, "a file where the buffer's directory should be");
        try (DurableBuffer b =
                DurableBuffer.open(blocker.resolve("buffer.db"), 64 * MB, Overflow.DROP_OLDEST, registry)) {
            assertThat(b.status().state()).isEqualTo(BufferStatus.State.ERROR);
            assertThat(b.status().reason()).contains("cannot open").contains("running without the buffer");
            b.append("SEW-01", sample(1));
            b.append("SEW-01", sample(2));
            assertThat(b.commit()).isZero();
            assertThat(dropped("write_failed")).isEqualTo(2.0);
            b.bdSeq(3);
            assertThat(b.bdSeq()).isEqualTo(3);
        }
    }
}
