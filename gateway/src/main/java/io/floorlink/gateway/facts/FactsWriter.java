package io.floorlink.gateway.facts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes batches to the {@link FactsStore} on one thread, in submission order. A failed write is retried with
 * exponential backoff and jitter until it succeeds or the writer is closed, so a store outage delays facts
 * instead of losing them (later batches wait behind it).
 */
public final class FactsWriter implements MeterBinder, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FactsWriter.class);
    private static final long MAX_BACKOFF_MS = 30_000;

    private final FactsStore store;
    private final String hostId;
    private final ExecutorService executor;
    private volatile boolean closing;
    private Counter rowsFlushed;
    private Counter flushErrors;
    private Timer flushDuration;

    public FactsWriter(FactsStore store, String hostId) {
        this.store = store;
        this.hostId = hostId;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "floorlink-facts-writer");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        rowsFlushed = Counter.builder("floorlink.gateway.rollup.rows.flushed")
                .description("Rollup rows (point and device; minute, hour and day) merged into the facts store")
                .baseUnit("rows")
                .register(registry);
        flushErrors = Counter.builder("floorlink.gateway.flush.errors")
                .description("Failed attempts to write a batch of facts (retried)")
                .baseUnit("errors")
                .register(registry);
        flushDuration = Timer.builder("floorlink.gateway.flush.duration")
                .description("Time to write one batch of facts in one transaction")
                .register(registry);
    }

    /**
     * Queues a batch; the future completes when it is committed, or exceptionally if the writer closes before
     * it could be written. Never blocks.
     */
    public CompletableFuture<Void> submit(FactsBatch batch) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            executor.execute(() -> writeWithRetry(batch, done));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            done.completeExceptionally(new IllegalStateException("facts writer is closed"));
        }
        return done;
    }

    private void writeWithRetry(FactsBatch batch, CompletableFuture<Void> done) {
        long backoff = 500;
        for (int attempt = 1; ; attempt++) {
            long start = System.nanoTime();
            try {
                int rows = store.write(batch, hostId, System.currentTimeMillis());
                flushDuration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                rowsFlushed.increment(rows);
                done.complete(null);
                return;
            } catch (Exception e) {
                flushErrors.increment();
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
