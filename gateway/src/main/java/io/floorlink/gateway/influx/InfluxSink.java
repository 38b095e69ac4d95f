package io.floorlink.gateway.influx;

import com.influxdb.client.InfluxDBClient;
import com.influxdb.client.InfluxDBClientFactory;
import com.influxdb.client.InfluxDBClientOptions;
import com.influxdb.client.WriteApiBlocking;
import com.influxdb.client.domain.WritePrecision;
import com.influxdb.client.write.Point;
import com.influxdb.exceptions.InfluxException;
import io.floorlink.gateway.InfluxConfig;
import io.floorlink.gateway.facts.Sample;
import io.floorlink.gateway.facts.SampleSink;
import io.floorlink.sparkplug.DataType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every accepted sample to a server of the InfluxDB v2 write API (InfluxDB 2.x, or QuestDB's ILP over
 * HTTP), from its own thread. The host's processing thread only appends to a bounded lock-free buffer ({@link
 * #accept} never blocks and never does I/O); when the buffer holds {@code buffer_samples}, new samples are dropped
 * and counted ({@code floorlink.gateway.influx.samples.dropped{reason=buffer_full}}). The sink's thread writes
 * batches of at most {@code batch_size} samples, as soon as that many wait or {@code flush_interval} after the
 * first of them; a batch that fails on a connection error, a 5xx or a 429 answer is tried again with exponential
 * backoff ({@value #MIN_BACKOFF_MS} ms doubling to {@value #MAX_BACKOFF_MS} ms, jittered) up to {@code
 * max_retries} times and then given up (counted); one the server refuses (another 4xx: bad token, unknown bucket,
 * a field type conflict) is given up at once (counted). While it retries, the buffer absorbs what arrives.
 *
 * <p>Line protocol, one line per sample: measurement = the point's {@code category} ({@value #UNCATEGORIZED}
 * without one); tags {@code enterprise} (Sparkplug group), {@code edge}, {@code device}, {@code point}; fields
 * {@code value} (float, every numeric datatype), {@code value_bool} (Boolean) or {@code value_text} (String,
 * Text), and {@code quality} ({@code good}, {@code uncertain}, {@code bad}); time = the sample's source timestamp
 * in ms. A sample refused for breaking its declaration has {@code quality=bad} and no value field. Numeric values
 * share one float field because InfluxDB refuses a field whose type differs from the one its measurement already
 * holds (and QuestDB fixes a column's type at its first write): integer and float points of one category must not
 * meet in one field, and a string or boolean point must not either.
 *
 * <p>At-least-once: a sample is sent when the host accepts it, before its facts are committed. If the gateway
 * stops before the commit, the edge replays the record and the sample is sent again with the same series and
 * timestamp, which InfluxDB stores as one point (the last write wins); QuestDB keeps both rows unless the table
 * has deduplication on {@code timestamp, enterprise, edge, device, point} enabled.
 */
public final class InfluxSink implements SampleSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InfluxSink.class);

    /** Default of {@code gateway.influx.buffer_samples}: about 10 MB of waiting samples. */
    public static final int DEFAULT_BUFFER_SAMPLES = 100_000;
    /**
     * Most samples the buffer may be configured to hold ({@code buffer_samples}): the memory bound of the sink, about
     * 100 MB at roughly 100 bytes per waiting sample.
     */
    public static final int MAX_BUFFER_SAMPLES = 1_000_000;
    /** The measurement of a point declared without a {@code category}. */
    public static final String UNCATEGORIZED = "uncategorized";

    static final long MIN_BACKOFF_MS = 500;
    static final long MAX_BACKOFF_MS = 30_000;
    /** How long {@link #close} keeps writing what is buffered before the rest is dropped (counted as shutdown). */
    static final long CLOSE_GRACE_MS = 5_000;

    private static final long WARN_INTERVAL_MS = 30_000;
    private static final long MAX_PARK_MS = 200;

    private final ConcurrentLinkedQueue<Sample> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final int capacity;
    private final int batchSize;
    private final long flushIntervalMs;
    private final int maxRetries;
    private final long timeoutMs;
    private final String target;
    private final InfluxDBClient client;
    private final WriteApiBlocking writeApi;
    private final InfluxMetrics metrics;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean sleeping;
    private volatile long closeDeadline = Long.MAX_VALUE;

    /** Only the caller of {@link #accept} (the processing thread) reads and writes these two. */
    private long fullSince = Long.MIN_VALUE / 2;

    private long fullDropped;

    /** Only the sink's thread reads and writes this. */
    private boolean failing;

    /**
     * A sink for {@code config}, not started: nothing is sent and nothing is connected until {@link #start}.
     *
     * @param token the API token with {@code ${...}} references already resolved; null sends no Authorization header
     */
    public InfluxSink(InfluxConfig config, String token) {
        this.capacity = config.bufferSamples();
        this.batchSize = config.batchSize();
        this.flushIntervalMs = config.flushInterval().toMillis();
        this.maxRetries = config.maxRetries();
        this.target = config.url() + " (org " + config.org() + ", bucket " + config.bucket() + ")";
        this.timeoutMs = config.timeout().toMillis();
        InfluxDBClientOptions.Builder options = InfluxDBClientOptions.builder()
                .url(config.url())
                .org(config.org())
                .bucket(config.bucket())
                .precision(WritePrecision.MS)
                .okHttpClient(new OkHttpClient.Builder()
                        .connectTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                        .readTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                        .writeTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                        // retries are ours, counted and bounded
                        .retryOnConnectionFailure(false));
        if (token != null && !token.isEmpty()) {
            options.authenticateToken(token.toCharArray());
        }
        this.client = InfluxDBClientFactory.create(options.build());
        this.writeApi = client.getWriteApiBlocking();
        this.metrics = new InfluxMetrics(queued::get);
        this.thread = new Thread(this::run, "floorlink-influx");
        this.thread.setDaemon(true);
    }

    /** The sink's meters; bind them before the first {@link #accept} and {@link #start}. */
    public MeterBinder meterBinder() {
        return metrics;
    }

    /** Starts the sink's thread, which connects and writes. */
    public void start() {
        thread.start();
    }

    /** Samples waiting in the buffer. */
    public int buffered() {
        return queued.get();
    }

    /**
     * Buffers one sample for writing; never blocks. When the buffer is full (or the sink closed) the sample is
     * dropped and counted, with a warning at most every 30 s. Called by one thread (the host's processing thread).
     */
    @Override
    public void accept(Sample sample) {
        if (!running) {
            metrics.droppedShutdown.increment();
            return;
        }
        int n = queued.incrementAndGet();
        if (n > capacity) {
            queued.decrementAndGet();
            metrics.droppedBufferFull.increment();
            bufferFull();
            return;
        }
        queue.offer(sample);
        if (sleeping && (n == 1 || n == batchSize)) {
            LockSupport.unpark(thread);
        }
    }

    private void bufferFull() {
        fullDropped++;
        long now = System.currentTimeMillis();
        if (now - fullSince >= WARN_INTERVAL_MS) {
            log.warn(
                    "influx sink buffer full ({} samples, {} not reachable or too slow): dropped {} samples since the"
                            + " last warning",
                    capacity,
                    target,
                    fullDropped);
            fullSince = now;
            fullDropped = 0;
        }
    }

    /**
     * Stops taking samples, writes what is buffered for at most {@value #CLOSE_GRACE_MS} ms (a failing batch is not
     * retried then), drops and counts the rest and closes the HTTP client. Blocks up to the grace time plus one
     * request timeout. Idempotent.
     */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        closeDeadline = System.currentTimeMillis() + CLOSE_GRACE_MS;
        running = false;
        if (thread.isAlive()) {
            LockSupport.unpark(thread);
            try {
                // a request under way when the grace time ends may take its whole timeout
                thread.join(CLOSE_GRACE_MS + timeoutMs + 1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int left = clear();
        if (left > 0) {
            metrics.droppedShutdown.increment(left);
            log.warn("influx sink closed with {} samples not written to {}", left, target);
        }
        client.close();
    }

    private void run() {
        long dueAt = 0;
        while (true) {
            int n = queued.get();
            boolean stopping = !running;
            long now = System.currentTimeMillis();
            if (n == 0) {
                if (stopping) {
                    return;
                }
                dueAt = 0;
                park(MAX_PARK_MS);
                continue;
            }
            if (stopping && now >= closeDeadline) {
                return;
            }
            if (n < batchSize && !stopping) {
                if (dueAt == 0) {
                    dueAt = now + flushIntervalMs;
                }
                if (now < dueAt) {
                    park(Math.min(dueAt - now, MAX_PARK_MS));
                    continue;
                }
            }
            dueAt = 0;
            List<Sample> batch = new ArrayList<>(Math.min(n, batchSize));
            for (Sample s; batch.size() < batchSize && (s = queue.poll()) != null; ) {
                queued.decrementAndGet();
                batch.add(s);
            }
            write(batch);
        }
    }

    private void park(long ms) {
        sleeping = true;
        // a sample offered between the check in run() and here unparks us (or we wake within MAX_PARK_MS)
        if (running && queued.get() < batchSize) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.max(1, ms)));
        }
        sleeping = false;
    }

    /** Writes one batch, retrying as documented; counts the outcome. */
    private void write(List<Sample> batch) {
        List<Point> points = new ArrayList<>(batch.size());
        for (Sample s : batch) {
            points.add(point(s));
        }
        long backoff = MIN_BACKOFF_MS;
        for (int attempt = 0; ; attempt++) {
            long t0 = System.nanoTime();
            String cause;
            String error;
            try {
                writeApi.writePoints(points);
                metrics.writeDuration.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
                metrics.written.increment(batch.size());
                metrics.batchesWritten.increment();
                if (failing) {
                    failing = false;
                    log.info("influx sink writes to {} again", target);
                }
                return;
            } catch (InfluxException e) {
                int status = e.status();
                cause = status == 0 ? "connection" : status == 429 || status >= 500 ? "server" : "refused";
                error = (status == 0 ? "" : "HTTP " + status + ": ") + e.getMessage();
            } catch (RuntimeException e) {
                cause = "connection";
                error = e.toString();
            }
            metrics.writeDuration.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            metrics.error(cause).increment();
            if ("refused".equals(cause)) {
                log.warn("influx sink: {} refused a batch of {} samples, dropped: {}", target, batch.size(), error);
                dropBatch(batch.size(), metrics.droppedRefused);
                return;
            }
            if (!running) {
                dropBatch(batch.size(), metrics.droppedShutdown);
                return;
            }
            if (attempt >= maxRetries) {
                log.warn(
                        "influx sink: batch of {} samples given up after {} attempts to {}: {}",
                        batch.size(),
                        attempt + 1,
                        target,
                        error);
                dropBatch(batch.size(), metrics.droppedRetries);
                return;
            }
            if (!failing) {
                failing = true;
                log.warn("influx sink cannot write to {}, retrying with backoff: {}", target, error);
            }
            long wait = backoff + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
            long until = System.currentTimeMillis() + wait;
            for (long left = wait; left > 0 && running; left = until - System.currentTimeMillis()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(left));
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
    }

    private void dropBatch(int samples, Counter reason) {
        reason.increment(samples);
        metrics.batchesDropped.increment();
    }

    /** Empties the buffer; returns how many samples it held. */
    private int clear() {
        int n = 0;
        while (queue.poll() != null) {
            queued.decrementAndGet();
            n++;
        }
        return n;
    }

    /** The line-protocol point of one sample (see the class comment). */
    static Point point(Sample s) {
        String category = s.category();
        Point p = Point.measurement(category == null || category.isBlank() ? UNCATEGORIZED : category)
                .addTag("enterprise", s.group())
                .addTag("edge", s.edgeNode())
                .addTag("device", s.deviceId())
                .addTag("point", s.point())
                .time(s.timestamp(), WritePrecision.MS);
        Object v = s.value();
        if (v instanceof Boolean b) {
            p.addField("value_bool", b.booleanValue());
        } else if (v instanceof String text) {
            p.addField("value_text", text);
        } else if (v instanceof Number num) {
            p.addField("value", numeric(num, s.type()));
        }
        p.addField("quality", s.quality().name().toLowerCase(Locale.ROOT));
        return p;
    }

    private static double numeric(Number n, DataType type) {
        if (n instanceof Float f) {
            // the float's shortest decimal (1.1f is written 1.1, not 1.100000023841858)
            return Double.parseDouble(Float.toString(f));
        }
        if (n instanceof Long l && l < 0 && type == DataType.UINT64) {
            return unsigned(l);
        }
        return n.doubleValue();
    }

    private static double unsigned(long v) {
        return (double) (v >>> 1) * 2.0 + (v & 1);
    }
}
