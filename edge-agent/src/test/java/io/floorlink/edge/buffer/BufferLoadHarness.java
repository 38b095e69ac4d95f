package io.floorlink.edge.buffer;

import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Load harness of the durable buffer (not a test): the sustained write rate (append + group commit) and the replay
 * rate (read in rid order + encoded as historical DDATA payloads + acknowledged and deleted) on a real SQLite file.
 *
 * <p>Run from the repository root after {@code test-compile}, e.g.
 *
 * <pre>
 * java -cp "edge-agent/target-w1/test-classes:edge-agent/target-w1/classes:$(cat cp.txt)" \
 *     io.floorlink.edge.buffer.BufferLoadHarness [records] [batch] [dir]
 * </pre>
 *
 * Defaults: 1,000,000 records, batches of 1,000 (the records a 100 ms group commit holds at 10,000 points/s), a
 * temporary directory. The figures are written to docs/benchmarks.md by hand with the machine they ran on.
 */
public final class BufferLoadHarness {
    private static final String[] DEVICES = {"SEW-01", "SEW-02", "SEW-03", "IMM-01", "IMM-02"};
    private static final int REPLAY_CHUNK = 1000;

    private BufferLoadHarness() {}

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        Path dir = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("floorlink-buffer-bench");
        Files.createDirectories(dir);
        Path file = dir.resolve("bench-" + System.nanoTime() + ".db");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        System.out.printf(
                Locale.ROOT,
                "buffer load harness: %,d records, batch %,d, file %s, %d CPUs, Java %s%n",
                records,
                batch,
                file,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));

        // warm-up on a separate file so the JIT has compiled the hot paths before the measured run
        Path warm = dir.resolve("warmup-" + System.nanoTime() + ".db");
        try (DurableBuffer b = DurableBuffer.open(warm, 2L << 30, Overflow.DROP_OLDEST, new SimpleMeterRegistry())) {
            write(b, 200_000, batch);
            replay(b);
        }
        deleteWithSidecars(warm);

        try (DurableBuffer b = DurableBuffer.open(file, 2L << 30, Overflow.DROP_OLDEST, registry)) {
            long t0 = System.nanoTime();
            write(b, records, batch);
            double writeSeconds = (System.nanoTime() - t0) / 1e9;
            b.refreshStats();
            long bytes = b.status().bytes();

            long t1 = System.nanoTime();
            long[] replayed = replay(b);
            double replaySeconds = (System.nanoTime() - t1) / 1e9;
            b.refreshStats();

            System.out.printf(
                    Locale.ROOT,
                    "write:  %,d records in %.2f s = %,.0f records/s (%.1f bytes/record in the file)%n",
                    records,
                    writeSeconds,
                    records / writeSeconds,
                    (double) bytes / records);
            System.out.printf(
                    Locale.ROOT,
                    "replay: %,d records in %.2f s = %,.0f records/s (read + historical DDATA encoding %,d bytes"
                            + " + ack/delete), %d left%n",
                    replayed[0],
                    replaySeconds,
                    replayed[0] / replaySeconds,
                    replayed[1],
                    b.status().records());
        }
        deleteWithSidecars(file);
    }

    private static void write(DurableBuffer b, int records, int batch) {
        long ts = 1_767_600_000_000L;
        for (int i = 0; i < records; i++) {
            Metric m = Metrics.metric("point_" + (i % 50), DataType.DOUBLE, 1000.0 + (i % 977) * 0.25)
                    .setTimestamp(ts + i)
                    .build();
            b.append(DEVICES[i % DEVICES.length], m);
            if ((i + 1) % batch == 0) {
                b.commit();
            }
        }
        b.commit();
    }

    /** Replays everything as the edge node does; returns {records, encoded bytes}. */
    private static long[] replay(DurableBuffer b) {
        long cursor = 0;
        long upTo = b.nextRid() - 1;
        long count = 0;
        long bytes = 0;
        int seq = 0;
        while (true) {
            List<DurableBuffer.Record> chunk = b.read(cursor, upTo, REPLAY_CHUNK);
            if (chunk.isEmpty()) {
                break;
            }
            long[] rids = new long[chunk.size()];
            int n = 0;
            // as the edge node: one DDATA per device and chunk, each device's records in rid order
            java.util.Map<String, List<DurableBuffer.Record>> byDevice = new java.util.LinkedHashMap<>();
            for (DurableBuffer.Record r : chunk) {
                byDevice.computeIfAbsent(r.device(), k -> new java.util.ArrayList<>())
                        .add(r);
            }
            for (List<DurableBuffer.Record> list : byDevice.values()) {
                Payload.Builder p = Payload.newBuilder()
                        .setTimestamp(System.currentTimeMillis())
                        .setSeq(seq++ & 0xFF);
                for (DurableBuffer.Record r : list) {
                    p.addMetrics(r.historical());
                    rids[n++] = r.rid();
                }
                bytes += p.build().toByteArray().length;
            }
            cursor = chunk.get(chunk.size() - 1).rid();
            // the broker's PUBACK: acknowledged records are deleted by the next group commit
            b.acknowledge(b.epoch(), rids);
            b.commit();
            count += chunk.size();
        }
        return new long[] {count, bytes};
    }

    private static void deleteWithSidecars(Path file) throws Exception {
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
        }
    }
}
