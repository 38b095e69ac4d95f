package io.floorlink.edge.connector;

import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serial executor over a thread pool shared with other strands: tasks of one strand run one at a time, in
 * submission order, never in parallel, so a connector keeps the "all state on one thread" model without owning a
 * thread. The Modbus connectors' strands run on the Netty event loops their channels use, so a thousand connectors
 * cost a few threads, not a thousand.
 *
 * <p>The queue is not bounded here: a connector bounds it by construction (at most one connect, one poll tick and
 * one completion per device waiting). A strand runs at most {@link #BATCH} tasks before yielding its thread, so a
 * busy connector cannot starve the others.
 */
public final class Strand implements Executor {
    /** Tasks a strand runs in a row before letting another strand have the thread. */
    static final int BATCH = 64;

    private static final Logger LOG = LoggerFactory.getLogger(Strand.class);

    private final ScheduledExecutorService pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean shutdown;

    private Strand(ScheduledExecutorService pool) {
        this.pool = pool;
    }

    /**
     * A new strand on {@code pool}, which it shares with other strands and never shuts down. Its tasks run on the
     * pool's threads, so they must not block (a blocked task holds every other strand of a single-threaded pool).
     */
    public static Strand on(ScheduledExecutorService pool) {
        return new Strand(pool);
    }

    /**
     * Runs {@code task} after the tasks already submitted, on a pool thread. Never blocks.
     *
     * @throws RejectedExecutionException after {@link #shutdown()}
     */
    @Override
    public void execute(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException("strand is shut down");
        }
        tasks.add(task);
        if (scheduled.compareAndSet(false, true)) {
            pool.execute(this::drain);
        }
    }

    /**
     * Runs {@code task} on this strand and returns its future, which completes when it has run (or fails with its
     * exception). Never blocks.
     *
     * @throws RejectedExecutionException after {@link #shutdown()}
     */
    public <T> Future<T> submit(Callable<T> task) {
        FutureTask<T> f = new FutureTask<>(task);
        execute(f);
        return f;
    }

    /**
     * Submits {@code task} to this strand after {@code delay}; a shut-down strand drops it. Never blocks.
     *
     * @return cancels the delayed submission
     */
    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        return pool.schedule(() -> offer(task), delay, unit);
    }

    /**
     * Submits {@code tick} to this strand every {@code period} from {@code initialDelay} on (fixed rate); a shut-down
     * strand drops the ticks. At most one tick of this schedule waits on the strand: a tick due while the previous one
     * has not run yet is not queued but handed to {@code dropped} (on a pool thread: it must be quick and
     * thread-safe), so ticks never pile up behind a busy strand. Never blocks.
     *
     * @return cancels the ticks
     */
    public ScheduledFuture<?> scheduleAtFixedRate(
            Runnable tick, long initialDelay, long period, TimeUnit unit, Runnable dropped) {
        AtomicBoolean waiting = new AtomicBoolean();
        Runnable run = () -> {
            waiting.set(false);
            tick.run();
        };
        return pool.scheduleAtFixedRate(
                () -> {
                    if (waiting.compareAndSet(false, true)) {
                        offer(run);
                    } else {
                        dropped.run();
                    }
                },
                initialDelay,
                period,
                unit);
    }

    /** Refuses new tasks; those already queued still run. */
    public void shutdown() {
        shutdown = true;
    }

    private void offer(Runnable task) {
        try {
            execute(task);
        } catch (RejectedExecutionException closed) {
            // the connector closed while this was waiting for its time
        }
    }

    private void drain() {
        try {
            for (int i = 0; i < BATCH; i++) {
                Runnable r = tasks.poll();
                if (r == null) {
                    break;
                }
                try {
                    r.run();
                } catch (RuntimeException e) {
                    // one failing task must not stop the strand: the next tasks still run
                    LOG.error("connector task failed", e);
                }
            }
        } finally {
            scheduled.set(false);
            // a task added after the last poll, or left over from the batch, needs another turn
            if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
                pool.execute(this::drain);
            }
        }
    }
}
