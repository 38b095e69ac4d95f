package io.floorlink.gateway.facts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes batches to the {@link FactsStore} on one thread, in submission order. Its backlog is bounded by what it
 * holds: it takes a batch while the batches submitted and not yet committed (the one being written included) hold
 * fewer than {@code maxPendingRecords} records ({@link FactsBatch#records}) and fewer than {@link
 * #MAX_PENDING_BATCHES} wait; the producer checks {@link #hasCapacity} and keeps aggregating into its current
 * in-memory batch while it is false. A lagging writer thus gets fewer, larger batches (the same point's rows merged
 * once per batch instead of once per flush interval) and the memory held for it stays about {@code
 * maxPendingRecords} rollups plus the producer's current batch. A write that fails because the store is unreachable or any other transient reason is
 * retried with exponential backoff and jitter until it succeeds or the writer is closed, so a store outage delays
 * facts instead of losing them. A batch the store refuses for a data reason ({@link FactsStore#isDataError}) is
 * written again record by record: the refused records go to the quarantine ({@code fact_quarantine}), the rest
 * is committed and the writer moves on, so one bad record never stops fact writing.
 *
 * <p>An outage is recorded as a {@link PlatformGap.Cause#STORE_UNREACHABLE} gap of every device of the host: from
 * the start of the first failed attempt to the start of the next successful commit, in that commit; a commit that
 * succeeded but took longer than the stall bound (or, when it ended an outage, longer than one second) is recorded
 * from its start to its end with the next batch.
 */
public final class FactsWriter implements MeterBinder, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FactsWriter.class);
    private static final long MAX_BACKOFF_MS = 30_000;
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();
    /** Most batches waiting for the writer thread, not counting the one being written. */
    public static final int MAX_PENDING_BATCHES = 8;
    /**
     * Default bound of the records held by batches submitted and not yet committed: two batches of 50,000 points
     * (about 300 bytes of heap each, key and rollup), one being written and one waiting.
     */
    public static final long DEFAULT_MAX_PENDING_RECORDS = 100_000;
    /** How long the writer may go without a commit while a batch waits before it counts as stalled. */
    public static final long DEFAULT_STALL_BOUND_MS = 120_000;

    /** A commit ending an outage that takes longer than this extends the outage's gap to its end. */
    private static final long OUTAGE_END_SLACK_MS = 1_000;

    /** Health reason: a batch has waited longer than the stall bound without any commit. */
    public static final String WRITER_STALLED = "writer_stalled";
    /** Health reason: the last write attempt could not reach the store. */
    public static final String STORE_UNREACHABLE = "store_unreachable";

    private final FactsStore store;
    private final String hostId;
    private final long stallBoundMs;
    private final ThreadPoolExecutor executor;
    private final AtomicInteger pending = new AtomicInteger();
    private final long maxPendingRecords;
    /** Records of the batches submitted and not yet committed, the one being written included. */
    private final AtomicLong pendingRecords = new AtomicLong();

    private volatile boolean closing;
    /** Last commit, or when the writer got work after being idle (epoch ms). */
    private volatile long progressAt = System.currentTimeMillis();

    private volatile boolean unreachable;
    /**
     * CPU time of the writer thread in the last successful write (start of its attempt to commit), ms; 0 before the
     * first.
     */
    private volatile long lastWriteCpuMillis;
    /** Start of the first failed attempt of the current outage (epoch ms), 0 when the last attempt succeeded. */
    private long failingSince;
    /** SQLState and exception class of the first failure of the current outage, no message (may hold the URL). */
    private String failingReason;

    private int failedAttempts;
    /** A stall noticed after its commit succeeded, written with the next batch; null when none. */
    private PlatformGap stallGap;

    private Counter rowsFlushed;
    private Counter samplesStored;
    private Counter flushErrors;
    private Counter quarantined;
    private Timer flushDuration;

    public FactsWriter(FactsStore store, String hostId) {
        this(store, hostId, DEFAULT_STALL_BOUND_MS);
    }

    /** @param stallBoundMs how long without a commit while a batch waits counts as {@link #WRITER_STALLED} */
    public FactsWriter(FactsStore store, String hostId, long stallBoundMs) {
        this(store, hostId, stallBoundMs, DEFAULT_MAX_PENDING_RECORDS);
    }

    /**
     * @param stallBoundMs how long without a commit while a batch waits counts as {@link #WRITER_STALLED}
     * @param maxPendingRecords {@link #hasCapacity} is false while the batches submitted and not yet committed hold
     *     this many records or more ({@link FactsBatch#records}); one batch is always taken when none is pending
     */
    public FactsWriter(FactsStore store, String hostId, long stallBoundMs, long maxPendingRecords) {
        if (maxPendingRecords < 1) {
            throw new IllegalArgumentException("maxPendingRecords must be positive: " + maxPendingRecords);
        }
        this.store = store;
        this.hostId = hostId;
        this.stallBoundMs = stallBoundMs;
        this.maxPendingRecords = maxPendingRecords;
        this.executor = new ThreadPoolExecutor(
                1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_PENDING_BATCHES), r -> {
                    Thread t = new Thread(r, "floorlink-facts-writer");
                    t.setDaemon(true);
                    return t;
                });
        // Counted somewhere even when nobody binds a registry (a writer used on its own, a test).
        bindTo(new SimpleMeterRegistry());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        rowsFlushed = Counter.builder("floorlink.gateway.rollup.rows.flushed")
                .description("Rollup rows (point and device; minute, hour and day) merged into the facts store")
                .baseUnit("rows")
                .register(registry);
        samplesStored = Counter.builder("floorlink.gateway.samples.stored")
                .description("Samples counted in the point rollups of committed batches")
                .baseUnit("samples")
                .register(registry);
        flushErrors = Counter.builder("floorlink.gateway.flush.errors")
                .description("Failed attempts to write a batch of facts (retried)")
                .baseUnit("errors")
                .register(registry);
        quarantined = Counter.builder("floorlink.gateway.facts.quarantined")
                .description("Records the facts store refused for a data reason, written to fact_quarantine")
                .baseUnit("records")
                .register(registry);
        flushDuration = Timer.builder("floorlink.gateway.flush.duration")
                .description("Time to write one batch of facts in one transaction")
                .register(registry);
        Gauge.builder("floorlink.gateway.writer.pending", pending::get)
                .description("Batches of facts submitted to the writer and not yet written (bounded)")
                .baseUnit("batches")
                .register(registry);
        Gauge.builder("floorlink.gateway.writer.pending.records", pendingRecords::get)
                .description("Records (rollups, state time, static runs, sessions, declarations, receipts, gaps) of the"
                        + " batches submitted to the writer and not yet committed (bounded)")
                .baseUnit("records")
                .register(registry);
    }

    /**
     * Whether the producer should submit a batch now: the pending batches hold fewer than {@code maxPendingRecords}
     * records and fewer than {@link #MAX_PENDING_BATCHES} wait. {@link #submit} refuses only the latter (and a
     * closed writer), so a producer that submits anyway is not refused for the record bound.
     */
    public boolean hasCapacity() {
        return pendingRecords.get() < maxPendingRecords
                && executor.getQueue().remainingCapacity() > 0
                && !executor.isShutdown();
    }

    /** Records of the batches submitted and not yet committed (or given up), the one being written included. */
    public long pendingRecords() {
        return pendingRecords.get();
    }

    /**
     * Queues a batch; the future completes when it is committed (its quarantined records included), or
     * exceptionally if the writer is full ({@link #hasCapacity} false) or closes before it could be written.
     * Never blocks.
     */
    public CompletableFuture<Void> submit(FactsBatch batch) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (pending.getAndIncrement() == 0) {
            progressAt = System.currentTimeMillis();
        }
        long records = batch.records();
        pendingRecords.addAndGet(records);
        try {
            executor.execute(() -> {
                // the batch stops counting as pending before its future completes, so whoever waits on the future
                // sees the writer's capacity back
                CompletableFuture<Void> written = new CompletableFuture<>();
                try {
                    writeWithRetry(batch, written);
                } finally {
                    pendingRecords.addAndGet(-records);
                    pending.decrementAndGet();
                }
                written.whenComplete((r, e) -> {
                    if (e == null) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(e);
                    }
                });
            });
        } catch (RejectedExecutionException e) {
            pendingRecords.addAndGet(-records);
            pending.decrementAndGet();
            done.completeExceptionally(new IllegalStateException(
                    executor.isShutdown()
                            ? "facts writer is closed"
                            : "facts writer is full (" + MAX_PENDING_BATCHES + " batches waiting)"));
        }
        return done;
    }

    /**
     * The writer's problems now: {@link #WRITER_STALLED} when a batch waits and nothing was committed for longer
     * than the stall bound, {@link #STORE_UNREACHABLE} when the last attempt could not reach the store. Empty when
     * healthy. Never blocks.
     */
    public List<String> problems(long now) {
        List<String> out = new ArrayList<>(2);
        if (pending.get() > 0 && now - progressAt > stallBoundMs) {
            out.add(WRITER_STALLED);
        }
        if (unreachable) {
            out.add(STORE_UNREACHABLE);
        }
        return out;
    }

    /**
     * CPU time the writer thread spent on the last successful write, from the start of its attempt to its commit, in
     * milliseconds (its wall time where the JVM does not measure thread CPU time); 0 before the first. The database
     * server's own time is not in it. Never blocks.
     */
    public long lastWriteCpuMillis() {
        return lastWriteCpuMillis;
    }

    /** The writer thread's CPU time in ns, or -1 when the JVM does not measure it. */
    private static long cpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
    }

    /** Batches submitted and not yet written. */
    public int pending() {
        return pending.get();
    }

    private long lastAttemptAt;

    private static long samplesIn(FactsBatch batch) {
        long n = 0;
        for (PointAgg agg : batch.points().values()) {
            n += agg.samples;
        }
        return n;
    }

    private void writeWithRetry(FactsBatch batch, CompletableFuture<Void> done) {
        long backoff = 500;
        boolean isolate = false;
        long uncertainAt = 0;
        FactsBatch uncertain = null;
        for (int attempt = 1; ; attempt++) {
            if (uncertain != null && committedAlready(uncertainAt)) {
                // The attempt committed but its acknowledgement was lost (connection cut after COMMIT): writing the
                // batch again would count its rollups twice.
                log.info(
                        "the facts store had committed the batch whose acknowledgement was lost; not writing it again");
                committed(uncertain != batch, uncertainAt);
                unreachable = false;
                progressAt = System.currentTimeMillis();
                done.complete(null);
                return;
            }
            uncertain = null;
            long start = System.nanoTime();
            long cpuStart = cpuNanos();
            // Strictly increasing: the heartbeat an attempt writes identifies it (committedAlready).
            long attemptAt = Math.max(System.currentTimeMillis(), lastAttemptAt + 1);
            lastAttemptAt = attemptAt;
            FactsBatch toWrite = withGaps(batch, attemptAt);
            try {
                int rows;
                if (isolate) {
                    FactsStore.IsolatedWrite w = store.writeIsolating(toWrite, hostId, attemptAt);
                    rows = w.rows();
                    if (quarantined != null) {
                        quarantined.increment(w.quarantined());
                    }
                    log.warn(
                            "batch refused for a data reason written record by record: {} records quarantined"
                                    + " (fact_quarantine), the rest committed",
                            w.quarantined());
                } else {
                    rows = store.write(toWrite, hostId, attemptAt);
                }
                committed(toWrite != batch, attemptAt);
                long took = System.nanoTime() - start;
                flushDuration.record(took, TimeUnit.NANOSECONDS);
                long cpu = cpuStart < 0 ? took : cpuNanos() - cpuStart;
                lastWriteCpuMillis = TimeUnit.NANOSECONDS.toMillis(cpu);
                rowsFlushed.increment(rows);
                samplesStored.increment(samplesIn(batch));
                unreachable = false;
                progressAt = System.currentTimeMillis();
                done.complete(null);
                return;
            } catch (Exception e) {
                flushErrors.increment();
                if (!isolate && FactsStore.isDataError(e)) {
                    // retrying the same records can never succeed: isolate the refused ones right away
                    isolate = true;
                    log.warn(
                            "facts store refused a batch for a data reason, isolating the refused records: {}",
                            FactsStore.rootMessage(e));
                    attempt--;
                    continue;
                }
                unreachable = FactsStore.isUnreachable(e);
                uncertainAt = attemptAt;
                uncertain = toWrite;
                failed(e, attemptAt);
                if (closing) {
                    log.error(
                            "writing facts failed while closing; {} session changes and {} rollup rows lost",
                            batch.sessions().size(),
                            batch.points().size() + batch.devices().size(),
                            e);
                    done.completeExceptionally(e);
                    return;
                }
                if (attempt == 1 || attempt % 10 == 0) {
                    log.warn(
                            "writing facts failed (attempt {}), retrying in about {} ms: {}",
                            attempt,
                            backoff,
                            e.toString());
                }
                try {
                    Thread.sleep(backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    done.completeExceptionally(e);
                    return;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        }
    }

    /**
     * Whether the attempt that wrote heartbeat {@code attemptAt} committed: the heartbeat is this host's and every
     * attempt writes a distinct one. False when the store cannot tell (still unreachable).
     */
    private boolean committedAlready(long attemptAt) {
        try {
            Long seen = store.heartbeatMillis(hostId);
            return seen != null && seen == attemptAt;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /** {@code batch} with the store gaps known at {@code now} appended; {@code batch} itself when there are none. */
    private FactsBatch withGaps(FactsBatch batch, long now) {
        if (failingSince == 0 && stallGap == null) {
            return batch;
        }
        List<PlatformGap> gaps = new ArrayList<>(batch.gaps());
        if (stallGap != null) {
            gaps.add(stallGap);
        }
        if (failingSince != 0 && failingSince <= now) {
            gaps.add(new PlatformGap(
                    PlatformGap.Cause.STORE_UNREACHABLE,
                    null,
                    null,
                    null,
                    java.time.Instant.ofEpochMilli(failingSince),
                    java.time.Instant.ofEpochMilli(now),
                    0,
                    (unreachable ? "store unreachable: " : "commits failing: ") + failingReason + ", " + failedAttempts
                            + " failed attempt(s)"));
        }
        return new FactsBatch(
                batch.sessions(),
                batch.declarations(),
                batch.points(),
                batch.devices(),
                batch.receipts(),
                batch.stateMillis(),
                batch.staticRuns(),
                gaps,
                batch.leases());
    }

    /** After a commit: the gaps it carried are stored; a commit slower than the stall bound is a gap itself. */
    private void committed(boolean carriedGaps, long attemptAt) {
        boolean endedOutage = failingSince != 0;
        if (carriedGaps) {
            if (failingSince != 0) {
                log.info(
                        "facts store writable again after {} ms and {} failed attempt(s); recorded as a"
                                + " store_unreachable platform gap",
                        attemptAt - failingSince,
                        failedAttempts);
            }
            failingSince = 0;
            failingReason = null;
            failedAttempts = 0;
            stallGap = null;
        }
        long end = System.currentTimeMillis();
        // the commit that ended an outage may itself have waited for the store (e.g. a lock): that wait is part of it
        if (end - attemptAt > (endedOutage ? OUTAGE_END_SLACK_MS : stallBoundMs)) {
            log.warn(
                    "a commit of facts took {} ms (stall bound {} ms); recorded as a store_unreachable platform gap",
                    end - attemptAt,
                    stallBoundMs);
            stallGap = new PlatformGap(
                    PlatformGap.Cause.STORE_UNREACHABLE,
                    null,
                    null,
                    null,
                    java.time.Instant.ofEpochMilli(attemptAt),
                    java.time.Instant.ofEpochMilli(end),
                    0,
                    (endedOutage ? "store slow: the commit ending an outage took " : "writer stalled: one commit took ")
                            + (end - attemptAt) + " ms (stall bound " + stallBoundMs + " ms)");
        }
    }

    /** Remembers when the current outage started and why (SQLState and exception class, never a message). */
    private void failed(Exception e, long attemptAt) {
        failedAttempts++;
        if (failingSince == 0) {
            failingSince = attemptAt;
            String state = null;
            for (Throwable t = e; t != null && state == null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof java.sql.SQLException sql) {
                    state = sql.getSQLState();
                }
            }
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            failingReason = "SQLState " + (state == null ? "none" : state) + " ("
                    + root.getClass().getSimpleName() + ")";
        }
    }

    /** From now on each batch gets one attempt, so shutting down with an unreachable store does not hang. */
    public void stopRetrying() {
        closing = true;
    }

    /** Lets queued batches finish (one attempt each from now on) and stops the thread; blocks up to 30 s. */
    @Override
    public void close() {
        closing = true;
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
