package io.floorlink.edge.buffer;

import io.floorlink.edge.node.RateLimitedLog;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Sequence;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.PropertySet;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.PropertyValue;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge agent's durable store-and-forward buffer: one SQLite file (WAL journal, {@code synchronous=NORMAL})
 * holding every sample and health record until it is confirmed delivered: covered by a receipt of the primary host
 * ({@link #acknowledgeRanges}), or by the edge node's confirmation window without receipts ({@link #acknowledge}).
 *
 * <p>Records are {@link #append appended} to an in-memory batch, each with the next record id (rid), and written
 * together by {@link #commit()} (group commit on the publisher's cadence). A rid is unique and increasing within
 * the buffer's {@link #epoch()}, also across restarts: the last rid given out is stored with every commit. Records
 * are deleted when acknowledged (the deletion is part of the next commit). The buffer also
 * keeps the edge node's small state: the epoch and the last birth of every device in the database, and the next
 * bdSeq in a state file beside it.
 *
 * <p>With WAL and {@code synchronous=NORMAL} a committed transaction survives a crash of the process (kill -9)
 * because it is in the WAL file the operating system holds; after a power loss the last transactions before the
 * latest checkpoint may be missing, but the file stays consistent.
 *
 * <p>Failures never stop collection. A corrupted file (SQLITE_CORRUPT, SQLITE_NOTADB) is renamed beside itself
 * ({@code buffer.db.corrupt-<UTC time>}, kept for inspection) and a fresh buffer with a new epoch replaces it; so is
 * a file deleted while the agent runs (what it held is gone). A failed write (disk full, I/O error) loses that batch,
 * counted in {@code floorlink.edge.buffer.dropped}; the connection is then closed and opened again (SQLite may have
 * rolled the transaction back by itself, which leaves a JDBC connection unable to commit), so the next commit
 * succeeds as soon as the disk has room again. All of it shows in {@link #status()} with a {@link
 * BufferStatus#code() code}.
 *
 * <p>Overflow leaves a trace: when the {@link Overflow} policy drops records, the same transaction appends, per
 * device, a loss record ({@link #lossMetric}: {@code _buffer/lost}, the count of records dropped, stamped with the
 * creation time of the newest and carrying that of the oldest in {@code lost_from}). It is replayed and deleted like
 * any record. A loss record dropped by a later overflow is merged into the device's next one (earliest {@code
 * lost_from}, counts added), so the counts of all loss records equal the records dropped. {@link #takeLosses()}
 * hands the loss records of the last commits to the publisher, for a device that is live.
 *
 * <p>Not thread-safe: one thread (the edge node's publisher) calls everything except {@link #acknowledge},
 * {@link #acknowledgeRanges}, {@link #status()} and the meters, which any thread may call.
 */
public final class DurableBuffer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DurableBuffer.class);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    // How often a buffer without a usable file tries to open it again: cheap, and data is lost while it fails.
    private static final long REOPEN_PERIOD_MS = 1_000;
    private static final long DEGRADED_AFTER_DROP_MS = 5 * 60_000;
    private static final long STATS_PERIOD_MS = 1_000;
    // Rough B-tree cost of a row beyond its payload, for the first estimate before averages are known.
    private static final int ROW_OVERHEAD = 32;
    // Rows per JDBC batch inside one transaction: sqlite-jdbc keeps a batch's parameters in one array that it grows
    // by copying, which at 10,000 rows per commit was a quarter of the edge's allocation at 100,000 values/s.
    private static final int STATEMENT_BATCH_ROWS = 256;

    private static final int SQLITE_IOERR = 10;
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_NOTADB = 26;

    /** One buffered record: a metric of a device, as written (no rid property, not marked historical). */
    public record Record(long rid, String device, Metric metric) {
        /**
         * The metric as it is replayed: {@code is_historical}, the {@code rid} property, and for {@code
         * _health/reads_ok} and {@code _health/reads_failed} the {@code increment} property (the buffer keeps reads
         * as increments since the device's previous health record).
         */
        public Metric historical() {
            Metric m = withRid(metric, rid);
            String name = m.getName();
            if (name.equals(MetricNames.HEALTH_READS_OK) || name.equals(MetricNames.HEALTH_READS_FAILED)) {
                m = withProperty(m, MetricNames.PROP_INCREMENT, Boolean.TRUE);
            }
            return m.toBuilder().setIsHistorical(true).build();
        }
    }

    /** {@code m} with the UInt64 property {@code rid} added to its properties. */
    public static Metric withRid(Metric m, long rid) {
        return withProperty(m, MetricNames.PROP_RID, rid);
    }

    private static Metric withProperty(Metric m, String key, Object value) {
        PropertySet extra = Metrics.properties(Map.of(key, value));
        Metric.Builder b = m.toBuilder();
        b.getPropertiesBuilder().addKeys(key).addValues(extra.getValues(0));
        return b.build();
    }

    private final Path path;
    private final Path bdSeqFile;
    private final long maxBytes;
    private final Overflow overflow;
    private final Clock clock;
    private final BufferMetrics metrics;
    private final ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<long[]> ackedRanges = new ConcurrentLinkedQueue<>();
    private final List<Pending> batch = new ArrayList<>();
    private final List<Record> newLosses = new ArrayList<>();
    // Device -> its newest loss record of drop_newest, while no record of the device was kept since: the next
    // drop of the device merges into it instead of adding one loss record per commit while the buffer stays full.
    private final Map<String, Long> openLoss = new HashMap<>();
    private final RateLimitedLog warnings = new RateLimitedLog(LOG, Duration.ofMinutes(1));

    private Connection db;
    // The statements of every commit and statistics read, prepared once per connection: preparing them per commit
    // was most of the publisher's CPU at a few commits a second (a 20-machine Modbus fleet).
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private long maxPageCount;
    private volatile String epoch;
    private long nextRid = 1;
    private long bdSeq;
    private long records;
    private long usedBytes;
    // Estimated bytes written since usedBytes was read: deletes only free pages, so usedBytes plus this is at least
    // the size in use until the next read (a commit reads the exact size only from half of max_size on).
    private long writtenSinceRead;
    private long pageSize = 4096;
    private long lastReopenAttempt;
    private long lastStats;
    private long lastDropMillis;
    private String dropReason;
    private String errorReason;
    private String errorCode;
    private String corruptReason;
    private String corruptCode;

    private volatile BufferStatus status;

    private record Pending(long rid, String device, long created, byte[] metric) {}

    /** Records of a device dropped by one overflow, with the loss records among them merged in. */
    private static final class Loss {
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        long count;

        void add(long lossFrom, long lossTo, long n) {
            from = Math.min(from, lossFrom);
            to = Math.max(to, lossTo);
            count += n;
        }
    }

    /**
     * The loss record of a device: {@code _buffer/lost}, Int64 {@code count}, timestamp {@code to}, and the DateTime
     * property {@code lost_from} = {@code from}.
     *
     * @param count records dropped
     * @param from creation time of the oldest record dropped, epoch milliseconds
     * @param to creation time of the newest record dropped, epoch milliseconds
     */
    public static Metric lossMetric(long count, long from, long to) {
        PropertySet props = PropertySet.newBuilder()
                .addKeys(MetricNames.PROP_LOST_FROM)
                .addValues(PropertyValue.newBuilder()
                        .setType(DataType.DATETIME.code())
                        .setLongValue(from))
                .build();
        return Metrics.metric(MetricNames.BUFFER_LOST, DataType.INT64, count)
                .setTimestamp(to)
                .setProperties(props)
                .build();
    }

    private DurableBuffer(Path path, long maxBytes, Overflow overflow, Clock clock, MeterRegistry registry) {
        this.path = path.toAbsolutePath().normalize();
        this.bdSeqFile = this.path.resolveSibling(this.path.getFileName() + ".bdseq");
        this.maxBytes = maxBytes;
        this.overflow = overflow;
        this.clock = clock;
        this.metrics = new BufferMetrics(() -> status);
        metrics.bindTo(registry);
    }

    /**
     * Opens (or creates) the buffer file; blocks on file I/O. Never throws for a damaged or unwritable file: the
     * buffer then reports the error in {@link #status()} and keeps trying (see the class comment).
     *
     * @param path database file; its directory is created when missing
     * @param maxBytes upper bound of the bytes of database pages in use, at least 64 KiB
     * @param overflow what to drop when the bound is reached
     * @param registry where the {@code floorlink.edge.buffer.*} meters are registered
     */
    public static DurableBuffer open(Path path, long maxBytes, Overflow overflow, MeterRegistry registry) {
        return open(path, maxBytes, overflow, Clock.systemUTC(), registry);
    }

    static DurableBuffer open(Path path, long maxBytes, Overflow overflow, Clock clock, MeterRegistry registry) {
        return open(path, maxBytes, overflow, clock, registry, 0);
    }

    /** For fault tests without a small file system: {@code maxPageCount} > 0 makes SQLite fail with SQLITE_FULL. */
    static DurableBuffer open(
            Path path, long maxBytes, Overflow overflow, Clock clock, MeterRegistry registry, long maxPageCount) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(overflow, "overflow");
        if (maxBytes < 65536) {
            throw new IllegalArgumentException("maxBytes must be at least 64 KiB");
        }
        DurableBuffer b = new DurableBuffer(path, maxBytes, overflow, clock, registry);
        b.maxPageCount = maxPageCount;
        b.loadBdSeq();
        b.openOrRecover();
        b.publishStatus();
        return b;
    }

    /**
     * Id of the buffer's state: a random string created with a fresh buffer file and kept across restarts. A new
     * epoch means rids start again from 1 (after a corrupted file was replaced).
     */
    public String epoch() {
        return epoch;
    }

    /** The bdSeq the next MQTT session uses (0..255); stored beside the buffer, or in memory while that fails. */
    public synchronized long bdSeq() {
        return bdSeq;
    }

    /**
     * Stores the bdSeq of the next MQTT session at once, in a small state file beside the database ({@code
     * <file>.bdseq}, replaced atomically) so that it survives even a corrupted database. Blocks on file I/O.
     * Thread-safe (the MQTT client's callback thread stores the bdSeq of the next session before reconnecting).
     */
    public synchronized void bdSeq(long next) {
        bdSeq = next;
        Path tmp = bdSeqFile.resolveSibling(bdSeqFile.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap((next + "\n").getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            Files.move(tmp, bdSeqFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            warnings.warn("bdseq", "Buffer: cannot store bdSeq in {}: {}", bdSeqFile, e.toString());
        }
    }

    private void loadBdSeq() {
        try {
            if (Files.exists(bdSeqFile)) {
                bdSeq = Long.parseLong(
                        Files.readString(bdSeqFile, StandardCharsets.US_ASCII).trim());
            }
        } catch (IOException | NumberFormatException e) {
            LOG.warn("Buffer: unreadable bdSeq file {} ({}); starting at 0", bdSeqFile, e.toString());
        }
    }

    /** Convenience: the stored bdSeq for a session after the one using {@code current}. */
    public static long nextBdSeq(long current) {
        return Sequence.next((int) current);
    }

    /**
     * Adds a record to the current batch and returns its rid. Nothing is written before {@link #commit()}.
     *
     * @param device Sparkplug device id
     * @param metric the metric as it must be replayed (name, datatype, value, timestamp, properties)
     */
    public long append(String device, Metric metric) {
        long rid = nextRid++;
        batch.add(new Pending(rid, device, clock.millis(), metric.toByteArray()));
        return rid;
    }

    /** Number of appended records not committed yet. */
    public int batchSize() {
        return batch.size();
    }

    /**
     * Marks records as delivered; they are deleted by the next commit.
     * Thread-safe, never blocks.
     *
     * @param epoch the epoch the rids were given out in; acknowledgements of an earlier epoch (a DDATA published
     *     before a corrupted file was replaced) are ignored, their rids mean other records now
     */
    public void acknowledge(String epoch, long[] rids) {
        if (!Objects.equals(epoch, this.epoch)) {
            return;
        }
        for (long rid : rids) {
            acked.add(rid);
        }
    }

    /**
     * Marks the records of inclusive rid ranges as delivered (a receipt of the host covers them); they are deleted by
     * the next commit. Thread-safe, never blocks.
     *
     * @param epoch the epoch the ranges are of; ranges of another epoch are ignored (their rids mean other records)
     * @param ranges inclusive {from, to} pairs
     * @param upToRid the highest rid that may be deleted (the highest rid actually sent); ranges are clipped to it
     * @return the number of ranges queued for deletion (0 for another epoch)
     */
    public int acknowledgeRanges(String epoch, List<long[]> ranges, long upToRid) {
        if (!Objects.equals(epoch, this.epoch)) {
            return 0;
        }
        int n = 0;
        for (long[] r : ranges) {
            long from = Math.max(1, r[0]);
            long to = Math.min(r[1], upToRid);
            if (from <= to) {
                ackedRanges.add(new long[] {from, to});
                n++;
            }
        }
        return n;
    }

    /** Whether a commit has anything to write (batch or acknowledgements). */
    public boolean dirty() {
        return !batch.isEmpty() || !acked.isEmpty() || !ackedRanges.isEmpty();
    }

    /**
     * Writes the batch and deletes the acknowledged records in one transaction, applying the overflow policy.
     * Blocks on file I/O.
     *
     * @return the highest rid of this batch that is now durable; records of the batch above it were dropped
     *     (drop_newest) or could not be written, and must not be published with their rid. 0 when nothing of the
     *     batch was kept.
     */
    public long commit() {
        if (db == null) {
            maybeReopen();
        } else {
            checkFileExists();
        }
        List<Pending> writing = new ArrayList<>(batch);
        batch.clear();
        List<Long> deleting = new ArrayList<>();
        for (Long rid = acked.poll(); rid != null; rid = acked.poll()) {
            deleting.add(rid);
        }
        List<long[]> deletingRanges = new ArrayList<>();
        for (long[] r = ackedRanges.poll(); r != null; r = ackedRanges.poll()) {
            deletingRanges.add(r);
        }
        if (db == null) {
            lost(writing.size(), BufferMetrics.DropReason.WRITE_FAILED);
            publishStatus();
            return 0;
        }
        if (writing.isEmpty() && deleting.isEmpty() && deletingRanges.isEmpty()) {
            refreshStatsThrottled();
            return 0;
        }
        long durableThrough = 0;
        boolean recovered = false;
        int deleted = 0;
        int droppedOldest = 0;
        int droppedNewest = 0;
        long rowsDropped = 0;
        List<Record> losses = new ArrayList<>();
        Map<String, Long> openLossBefore = new HashMap<>(openLoss);
        try {
            if (!deleting.isEmpty()) {
                PreparedStatement del = prepared("DELETE FROM record WHERE rid = ?");
                for (long rid : deleting) {
                    del.setLong(1, rid);
                    del.addBatch();
                }
                for (int n : del.executeBatch()) {
                    deleted += Math.max(0, n);
                }
            }
            if (!deletingRanges.isEmpty()) {
                PreparedStatement del = prepared("DELETE FROM record WHERE rid BETWEEN ? AND ?");
                for (long[] r : deletingRanges) {
                    del.setLong(1, r[0]);
                    del.setLong(2, r[1]);
                    del.addBatch();
                }
                for (int n : del.executeBatch()) {
                    deleted += Math.max(0, n);
                }
            }
            if (deleted > 0) {
                prepared("DELETE FROM loss WHERE rid NOT IN (SELECT rid FROM record)")
                        .executeUpdate();
            }
            List<Pending> keep = writing;
            Map<String, Loss> lost = new LinkedHashMap<>();
            if (!writing.isEmpty()) {
                long incoming = 0;
                for (Pending p : writing) {
                    incoming += estimate(p);
                }
                long used = usedBytes + writtenSinceRead;
                if (used + incoming > maxBytes / 2) {
                    used = readUsedBytes();
                }
                if (used + incoming > maxBytes) {
                    if (overflow == Overflow.DROP_OLDEST) {
                        long[] n = dropOldest(used, incoming, records - deleted, lost);
                        rowsDropped = n[0];
                        droppedOldest = (int) n[1];
                    } else {
                        keep = fitting(writing, maxBytes - used);
                        droppedNewest = writing.size() - keep.size();
                        rowsDropped = dropNewest(writing.subList(keep.size(), writing.size()), lost);
                    }
                }
                PreparedStatement ins =
                        prepared("INSERT INTO record(rid, device, created, metric) VALUES (?, ?, ?, ?)");
                int rows = 0;
                for (Pending p : keep) {
                    ins.setLong(1, p.rid());
                    ins.setString(2, p.device());
                    ins.setLong(3, p.created());
                    ins.setBytes(4, p.metric());
                    ins.addBatch();
                    if (++rows == STATEMENT_BATCH_ROWS) {
                        ins.executeBatch();
                        rows = 0;
                    }
                }
                if (rows > 0) {
                    ins.executeBatch();
                }
                for (Pending p : keep) {
                    openLoss.remove(p.device());
                }
                for (Map.Entry<String, Loss> e : lost.entrySet()) {
                    losses.add(insertLoss(e.getKey(), e.getValue()));
                }
                putState("last_rid", Long.toString(nextRid - 1));
                writtenSinceRead += incoming;
            }
            db.commit();
            records += keep.size() + losses.size() - deleted - rowsDropped;
            newLosses.addAll(losses);
            if (!keep.isEmpty()) {
                durableThrough = keep.get(keep.size() - 1).rid();
            }
            metrics.written(keep.size());
            metrics.acknowledged(deleted);
            recovered = errorReason != null;
            errorReason = null;
            errorCode = null;
        } catch (SQLException e) {
            rollback();
            // Loss records not written: their rids stay unused, what they merged is still in the file.
            openLoss.clear();
            openLoss.putAll(openLossBefore);
            lost(writing.size(), BufferMetrics.DropReason.WRITE_FAILED);
            // Acknowledged records stay; their deletion is retried with the next commit.
            acked.addAll(deleting);
            ackedRanges.addAll(deletingRanges);
            failed(e, "writing " + writing.size() + " records");
            if (db != null && !isCorrupt(e)) {
                reconnect();
            }
            publishStatus();
            return 0;
        }
        if (droppedOldest > 0) {
            lost(droppedOldest, BufferMetrics.DropReason.DROP_OLDEST);
        }
        if (droppedNewest > 0) {
            lost(droppedNewest, BufferMetrics.DropReason.DROP_NEWEST);
        }
        if (recovered) {
            LOG.info("Buffer {} writes again", path);
            refreshStats();
        } else if (!refreshStatsThrottled()) {
            // The record count is known without reading the file: the status has it at once.
            publishStatus();
        }
        return durableThrough;
    }

    /**
     * The loss records committed since the previous call, oldest first, and forgets them: the publisher sends those of
     * a live device at once (the others are replayed). Not thread-safe (the publisher's thread).
     */
    public List<Record> takeLosses() {
        if (newLosses.isEmpty()) {
            return List.of();
        }
        List<Record> out = new ArrayList<>(newLosses);
        newLosses.clear();
        return out;
    }

    /**
     * Reads committed records in rid order. Blocks on file I/O.
     *
     * @param afterRid records with a larger rid
     * @param upToRid and at most this rid
     * @param limit at most this many
     * @return the records; empty when there are none or the buffer cannot be read
     */
    public List<Record> read(long afterRid, long upToRid, int limit) {
        List<Record> out = new ArrayList<>();
        if (db == null || limit <= 0) {
            return out;
        }
        try (PreparedStatement q = db.prepareStatement(
                "SELECT rid, device, metric FROM record WHERE rid > ? AND rid <= ? ORDER BY rid LIMIT ?")) {
            q.setLong(1, afterRid);
            q.setLong(2, upToRid);
            q.setInt(3, limit);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Metric m;
                    try {
                        m = Metric.parseFrom(rs.getBytes(3));
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        warnings.warn(
                                "record", "Buffer record {} unreadable, skipped: {}", rs.getLong(1), e.toString());
                        continue;
                    }
                    out.add(new Record(rs.getLong(1), rs.getString(2), m));
                }
            }
            db.commit();
        } catch (SQLException e) {
            rollback();
            failed(e, "reading records");
        }
        return out;
    }

    /** Whether the database is open (false while the buffer runs without a file after an error). */
    public boolean usable() {
        return db != null;
    }

    /** The rid the next appended record gets; every rid below it has been given out in this epoch. */
    public long nextRid() {
        return nextRid;
    }

    /** Records replayed from the buffer (for the replay counter); called by the publisher. */
    public void replayed(int n) {
        metrics.replayed(n);
    }

    /** Stores the last birth of a device (opaque bytes) so a later run can birth it before replaying. */
    public void saveDevice(String device, byte[] birth) {
        if (db == null) {
            return;
        }
        try (PreparedStatement st = db.prepareStatement("INSERT OR REPLACE INTO device(id, birth) VALUES (?, ?)")) {
            st.setString(1, device);
            st.setBytes(2, birth);
            st.executeUpdate();
            db.commit();
        } catch (SQLException e) {
            rollback();
            failed(e, "storing the birth of " + device);
        }
    }

    /** The last stored birth of a device, or null. */
    public byte[] device(String device) {
        if (db == null) {
            return null;
        }
        try (PreparedStatement st = db.prepareStatement("SELECT birth FROM device WHERE id = ?")) {
            st.setString(1, device);
            try (ResultSet rs = st.executeQuery()) {
                byte[] out = rs.next() ? rs.getBytes(1) : null;
                db.commit();
                return out;
            }
        } catch (SQLException e) {
            rollback();
            failed(e, "reading the birth of " + device);
            return null;
        }
    }

    /** Latest status, refreshed by every commit (at most once a second for the statistics). Thread-safe. */
    public BufferStatus status() {
        return status;
    }

    /** The database file. */
    public Path path() {
        return path;
    }

    /** Closes the file; appended records not committed are lost (they are committed on the edge node's stop). */
    @Override
    public void close() {
        closeQuietly();
    }

    // ---------------------------------------------------------------- internals

    private void openOrRecover() {
        open(true);
    }

    /**
     * Opens the file, quarantining a corrupt one; on another failure, with {@code report}, the buffer status names
     * it and it is logged (rate-limited).
     */
    private void open(boolean report) {
        lastReopenAttempt = clock.millis();
        try {
            openFile();
        } catch (SQLException e) {
            closeQuietly();
            if (isCorrupt(e)) {
                quarantine(e);
            } else if (report) {
                errorReason = "cannot open " + path + ": " + describe(e) + "; running without the buffer";
                errorCode = codeOf(e, BufferStatus.CODE_UNAVAILABLE);
                warnings.warn("open", "Buffer {}", errorReason);
            }
        } catch (IOException e) {
            closeQuietly();
            if (report) {
                errorReason = "cannot open " + path + ": " + e.getMessage() + "; running without the buffer";
                errorCode = BufferStatus.CODE_UNAVAILABLE;
                warnings.warn("open", "Buffer {}", errorReason);
            }
        }
    }

    /**
     * After a failed write: a fresh connection, so no transaction state of the failed one (SQLite rolls back by
     * itself on SQLITE_FULL and some I/O errors) is left behind. When the file cannot be opened now, the buffer runs
     * without it and {@link #maybeReopen()} tries again.
     */
    private void reconnect() {
        closeQuietly();
        open(false);
    }

    /** A file deleted under the running agent: the connection would go on writing into the unlinked file. */
    private void checkFileExists() {
        if (Files.exists(path)) {
            return;
        }
        closeQuietly();
        replace("buffer file was deleted while running", "deleted", BufferStatus.CODE_DELETED);
        publishStatus();
    }

    private void openFile() throws SQLException, IOException {
        Path dir = path.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Properties props = new Properties();
        // Without it every executeUpdate asks SQLite for the last rowid through JNI; nothing here reads it.
        props.setProperty("jdbc.get_generated_keys", "false");
        db = DriverManager.getConnection("jdbc:sqlite:" + path, props);
        try (Statement st = db.createStatement()) {
            st.execute("PRAGMA busy_timeout = 5000");
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
                rs.next();
            }
            st.execute("PRAGMA synchronous = NORMAL");
            // 512 KiB of page cache instead of SQLite's 2 MB: the live records are appended at the end of the rid
            // B-tree and deleted from its start, so few pages are hot; the file's pages stay in the OS page cache.
            st.execute("PRAGMA cache_size = -512");
            if (maxPageCount > 0) {
                try (ResultSet rs = st.executeQuery("PRAGMA max_page_count = " + maxPageCount)) {
                    rs.next();
                }
            }
            st.execute("CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
            st.execute("CREATE TABLE IF NOT EXISTS record (rid INTEGER PRIMARY KEY, device TEXT NOT NULL, "
                    + "created INTEGER NOT NULL, metric BLOB NOT NULL)");
            st.execute("CREATE TABLE IF NOT EXISTS device (id TEXT PRIMARY KEY, birth BLOB NOT NULL)");
            // The loss records among the records (rid of a record), so an overflow merges the ones it drops.
            st.execute("CREATE TABLE IF NOT EXISTS loss (rid INTEGER PRIMARY KEY, device TEXT NOT NULL, "
                    + "lost_from INTEGER NOT NULL, lost_to INTEGER NOT NULL, count INTEGER NOT NULL)");
            try (ResultSet rs = st.executeQuery("PRAGMA page_size")) {
                pageSize = rs.next() ? rs.getLong(1) : 4096;
            }
        }
        db.setAutoCommit(false);
        String storedEpoch = getState("epoch");
        if (storedEpoch == null) {
            epoch = UUID.randomUUID().toString();
            putState("epoch", epoch);
            LOG.info("Buffer {} created (epoch {})", path, epoch);
        } else {
            epoch = storedEpoch;
        }
        long maxRid = 0;
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT max(rid), count(*) FROM record")) {
            if (rs.next()) {
                maxRid = rs.getLong(1);
                records = rs.getLong(2);
            }
        }
        String lastRid = getState("last_rid");
        nextRid = Math.max(maxRid, lastRid == null ? 0 : Long.parseLong(lastRid)) + 1;
        db.commit();
        readUsedBytes();
        db.commit();
        if (records > 0) {
            LOG.info("Buffer {} opened with {} records to replay (epoch {})", path, records, epoch);
        }
    }

    private void maybeReopen() {
        long now = clock.millis();
        if (now - lastReopenAttempt < REOPEN_PERIOD_MS) {
            return;
        }
        lastReopenAttempt = now;
        String before = epoch;
        openOrRecover();
        if (db != null) {
            errorReason = null;
            errorCode = null;
            LOG.info("Buffer {} usable again (epoch {}{})", path, epoch, Objects.equals(before, epoch) ? "" : ", new");
        }
    }

    /** Moves the damaged file (and its WAL and shared-memory files) aside and starts a fresh buffer. */
    private void quarantine(SQLException cause) {
        replace("buffer file was corrupted (" + describe(cause) + ")", "corrupt", BufferStatus.CODE_CORRUPT);
    }

    /**
     * Moves what is left of the damaged file aside ({@code <file>.<kind>-<UTC time>}, with its WAL and shared-memory
     * files) and starts a fresh buffer with a new epoch.
     */
    private void replace(String what, String kind, String code) {
        closeQuietly();
        String suffix = "." + kind + "-" + STAMP.format(clock.instant());
        Path moved = path.resolveSibling(path.getFileName() + suffix);
        try {
            if (Files.exists(path)) {
                Files.move(path, moved, StandardCopyOption.REPLACE_EXISTING);
            } else {
                moved = null;
            }
            for (String side : new String[] {"-wal", "-shm"}) {
                Path p = path.resolveSibling(path.getFileName() + side);
                if (Files.exists(p)) {
                    Files.move(
                            p,
                            path.resolveSibling(path.getFileName() + suffix + side),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            errorReason = what + " (" + path + ") and cannot be moved aside: " + e.getMessage()
                    + "; running without the buffer";
            errorCode = code;
            LOG.error("Buffer {}", errorReason);
            return;
        }
        // Records of the batch have rids of the old epoch: lost with the file.
        lost(batch.size(), BufferMetrics.DropReason.WRITE_FAILED);
        batch.clear();
        acked.clear();
        ackedRanges.clear();
        newLosses.clear();
        openLoss.clear();
        records = 0;
        epoch = null;
        try {
            openFile();
        } catch (SQLException | IOException e) {
            closeQuietly();
            errorReason = "cannot create a fresh buffer at " + path + ": " + e.getMessage();
            errorCode = BufferStatus.CODE_UNAVAILABLE;
            LOG.error("Buffer {}", errorReason);
            return;
        }
        metrics.reset();
        errorReason = null;
        errorCode = null;
        corruptCode = code;
        corruptReason = what + (moved == null ? "" : "; kept as " + moved.getFileName() + " for inspection")
                + ", buffering into a fresh file (epoch " + epoch + ")";
        LOG.error("Buffer {}: {}", path, corruptReason);
    }

    private void failed(SQLException e, String what) {
        if (isCorrupt(e)) {
            quarantine(e);
            publishStatus();
            return;
        }
        int code = e.getErrorCode() & 0xff;
        String kind = code == SQLITE_FULL ? "disk full" : code == SQLITE_IOERR ? "I/O error" : "write error";
        errorReason = kind + " while " + what + " (" + describe(e) + "); buffered data is not kept until it clears";
        errorCode = codeOf(e, BufferStatus.CODE_WRITE_ERROR);
        warnings.warn("failed", "Buffer {}: {}", path, errorReason);
        publishStatus();
    }

    private static String codeOf(SQLException e, String otherwise) {
        int code = e.getErrorCode() & 0xff;
        return code == SQLITE_FULL
                ? BufferStatus.CODE_DISK_FULL
                : code == SQLITE_IOERR ? BufferStatus.CODE_IO_ERROR : otherwise;
    }

    private static boolean isCorrupt(SQLException e) {
        int code = e.getErrorCode() & 0xff;
        return code == SQLITE_CORRUPT || code == SQLITE_NOTADB;
    }

    private static String describe(SQLException e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private void lost(int n, BufferMetrics.DropReason reason) {
        if (n <= 0) {
            return;
        }
        metrics.dropped(reason, n);
        if (reason != BufferMetrics.DropReason.WRITE_FAILED) {
            lastDropMillis = clock.millis();
            dropReason = "buffer reached max_size (" + maxBytes + " bytes): " + reason.tag() + " dropped "
                    + metrics.droppedTotal(reason) + " records so far";
            warnings.warn("overflow", "Buffer {}: {}", path, dropReason);
        }
    }

    /**
     * Deletes the oldest records and adds, per device, what they held to {@code lost} (a loss record among them
     * carries its span and count).
     *
     * @return {rows deleted, data records among them (loss records not counted)}
     */
    private long[] dropOldest(long used, long incoming, long current, Map<String, Loss> lost) throws SQLException {
        if (current <= 0) {
            return new long[2];
        }
        // Free a little more than needed so the next commits do not each delete a handful of rows.
        long target = maxBytes - maxBytes / 100;
        long excess = used + incoming - target;
        long avg = Math.max(1, used / Math.max(1, current));
        long n = Math.min(current, (excess + avg - 1) / avg);
        if (n <= 0) {
            return new long[2];
        }
        long upTo;
        try (PreparedStatement q =
                db.prepareStatement("SELECT max(rid) FROM (SELECT rid FROM record ORDER BY rid LIMIT ?)")) {
            q.setLong(1, n);
            try (ResultSet rs = q.executeQuery()) {
                upTo = rs.next() ? rs.getLong(1) : 0;
            }
        }
        if (upTo <= 0) {
            return new long[2];
        }
        long dataRecords = 0;
        try (PreparedStatement q = db.prepareStatement("SELECT r.device, min(coalesce(l.lost_from, r.created)), "
                + "max(coalesce(l.lost_to, r.created)), sum(coalesce(l.count, 1)), count(*) - count(l.rid) "
                + "FROM record r LEFT JOIN loss l ON l.rid = r.rid WHERE r.rid <= ? GROUP BY r.device")) {
            q.setLong(1, upTo);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    lost.computeIfAbsent(rs.getString(1), k -> new Loss())
                            .add(rs.getLong(2), rs.getLong(3), rs.getLong(4));
                    dataRecords += rs.getLong(5);
                }
            }
        }
        int rows;
        try (PreparedStatement del = db.prepareStatement("DELETE FROM record WHERE rid <= ?");
                PreparedStatement delLoss = db.prepareStatement("DELETE FROM loss WHERE rid <= ?")) {
            del.setLong(1, upTo);
            rows = del.executeUpdate();
            delLoss.setLong(1, upTo);
            delLoss.executeUpdate();
        }
        return new long[] {rows, dataRecords};
    }

    /**
     * The incoming records refused by drop_newest, per device into {@code lost}; a device's loss record of an earlier
     * commit with no record of the device kept since is merged in and deleted.
     *
     * @return the rows deleted (merged loss records)
     */
    private long dropNewest(List<Pending> refused, Map<String, Loss> lost) throws SQLException {
        for (Pending p : refused) {
            lost.computeIfAbsent(p.device(), k -> new Loss()).add(p.created(), p.created(), 1);
        }
        long rows = 0;
        try (PreparedStatement q =
                        db.prepareStatement("SELECT lost_from, lost_to, count FROM loss WHERE rid = ? AND device = ?");
                PreparedStatement del = db.prepareStatement("DELETE FROM record WHERE rid = ?");
                PreparedStatement delLoss = db.prepareStatement("DELETE FROM loss WHERE rid = ?")) {
            for (Map.Entry<String, Loss> e : lost.entrySet()) {
                Long rid = openLoss.get(e.getKey());
                if (rid == null) {
                    continue;
                }
                q.setLong(1, rid);
                q.setString(2, e.getKey());
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        continue;
                    }
                    e.getValue().add(rs.getLong(1), rs.getLong(2), rs.getLong(3));
                }
                del.setLong(1, rid);
                rows += del.executeUpdate();
                delLoss.setLong(1, rid);
                delLoss.executeUpdate();
            }
        }
        return rows;
    }

    /** Appends the loss record of a device (next rid) to the open transaction. */
    private Record insertLoss(String device, Loss loss) throws SQLException {
        long rid = nextRid++;
        Metric m = lossMetric(loss.count, loss.from, loss.to);
        try (PreparedStatement ins =
                        db.prepareStatement("INSERT INTO record(rid, device, created, metric) VALUES (?, ?, ?, ?)");
                PreparedStatement insLoss = db.prepareStatement(
                        "INSERT INTO loss(rid, device, lost_from, lost_to, count) VALUES (?, ?, ?, ?, ?)")) {
            ins.setLong(1, rid);
            ins.setString(2, device);
            ins.setLong(3, clock.millis());
            ins.setBytes(4, m.toByteArray());
            ins.executeUpdate();
            insLoss.setLong(1, rid);
            insLoss.setString(2, device);
            insLoss.setLong(3, loss.from);
            insLoss.setLong(4, loss.to);
            insLoss.setLong(5, loss.count);
            insLoss.executeUpdate();
        }
        if (overflow == Overflow.DROP_NEWEST) {
            openLoss.put(device, rid);
        }
        return new Record(rid, device, m);
    }

    private static List<Pending> fitting(List<Pending> writing, long room) {
        List<Pending> keep = new ArrayList<>();
        long used = 0;
        for (Pending p : writing) {
            used += estimate(p);
            if (used > room) {
                break;
            }
            keep.add(p);
        }
        return keep;
    }

    private static long estimate(Pending p) {
        return p.metric().length + p.device().length() + ROW_OVERHEAD;
    }

    /** Reads the bytes in use into {@code usedBytes} (nothing written since then) and returns them. */
    private long readUsedBytes() throws SQLException {
        try (ResultSet rs = prepared("SELECT p.page_count - f.freelist_count FROM pragma_page_count() p, "
                        + "pragma_freelist_count() f")
                .executeQuery()) {
            usedBytes = (rs.next() ? rs.getLong(1) : 0) * pageSize;
        }
        writtenSinceRead = 0;
        return usedBytes;
    }

    /**
     * {@link #refreshStats()} unless it ran less than a second ago. Blocks on file I/O when it runs.
     *
     * @return whether it ran
     */
    public boolean refreshStatsThrottled() {
        if (clock.millis() - lastStats < STATS_PERIOD_MS) {
            return false;
        }
        refreshStats();
        return true;
    }

    /** Re-reads size and oldest record age for the status and gauges. Blocks on file I/O. */
    public void refreshStats() {
        lastStats = clock.millis();
        long oldest = 0;
        if (db != null) {
            checkFileExists();
        }
        if (db != null) {
            try {
                readUsedBytes();
                try (ResultSet rs = prepared("SELECT created FROM record ORDER BY rid LIMIT 1")
                        .executeQuery()) {
                    oldest = rs.next() ? rs.getLong(1) : 0;
                }
                db.commit();
            } catch (SQLException e) {
                rollback();
                failed(e, "reading statistics");
            }
        }
        publishStatus(oldest == 0 ? 0 : Math.max(0, clock.millis() - oldest));
    }

    private void publishStatus() {
        BufferStatus s = status;
        publishStatus(s == null ? 0 : s.oldestRecordAgeMillis());
    }

    private void publishStatus(long oldestAge) {
        BufferStatus.State state;
        String reason;
        String code;
        if (errorReason != null) {
            state = BufferStatus.State.ERROR;
            reason = errorReason;
            code = errorCode == null ? BufferStatus.CODE_WRITE_ERROR : errorCode;
        } else if (corruptReason != null) {
            state = BufferStatus.State.ERROR;
            reason = corruptReason;
            code = corruptCode;
        } else if (dropReason != null && clock.millis() - lastDropMillis < DEGRADED_AFTER_DROP_MS) {
            state = BufferStatus.State.DEGRADED;
            reason = dropReason;
            code = BufferStatus.CODE_OVERFLOW;
        } else {
            state = BufferStatus.State.OK;
            reason = null;
            code = null;
        }
        status = new BufferStatus(
                state,
                code,
                reason,
                path.toString(),
                epoch,
                Math.max(0, records),
                usedBytes,
                oldestAge,
                metrics.droppedTotal());
    }

    private String getState(String key) throws SQLException {
        try (PreparedStatement st = db.prepareStatement("SELECT value FROM state WHERE key = ?")) {
            st.setString(1, key);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private void putState(String key, String value) throws SQLException {
        PreparedStatement st = prepared("INSERT OR REPLACE INTO state(key, value) VALUES (?, ?)");
        st.setString(1, key);
        st.setString(2, value);
        st.executeUpdate();
    }

    /** The statement of {@code sql} on the open connection, prepared on first use; closed with the connection. */
    private PreparedStatement prepared(String sql) throws SQLException {
        PreparedStatement st = statements.get(sql);
        if (st == null) {
            st = db.prepareStatement(sql);
            statements.put(sql, st);
        }
        return st;
    }

    private void rollback() {
        if (db == null) {
            return;
        }
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // The connection is unusable; the next operation reports why.
        }
    }

    private void closeQuietly() {
        if (db == null) {
            return;
        }
        for (PreparedStatement st : statements.values()) {
            try {
                st.close();
            } catch (SQLException e) {
                LOG.debug("Closing a statement of buffer {}: {}", path, e.toString());
            }
        }
        statements.clear();
        try {
            if (!db.getAutoCommit()) {
                db.rollback();
            }
        } catch (SQLException e) {
            // After SQLITE_FULL SQLite may have rolled back itself ("no transaction is active"); close anyway.
            LOG.debug("Rolling back buffer {}: {}", path, e.toString());
        }
        try {
            db.close();
        } catch (SQLException e) {
            LOG.debug("Closing buffer {}: {}", path, e.toString());
        }
        db = null;
    }
}
