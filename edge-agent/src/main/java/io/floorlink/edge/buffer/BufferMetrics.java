package io.floorlink.edge.buffer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Micrometer meters of the durable buffer ({@code floorlink.edge.buffer.*}); tags are bounded enums. */
final class BufferMetrics implements MeterBinder {

    /** Why records left the buffer without being delivered. */
    enum DropReason {
        DROP_OLDEST,
        DROP_NEWEST,
        WRITE_FAILED;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Supplier<BufferStatus> status;
    private final Map<DropReason, AtomicLong> droppedTotals = new EnumMap<>(DropReason.class);
    private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
    private Counter written;
    private Counter replayed;
    private Counter acknowledged;
    private Counter resets;

    BufferMetrics(Supplier<BufferStatus> status) {
        this.status = status;
        for (DropReason r : DropReason.values()) {
            droppedTotals.put(r, new AtomicLong());
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("floorlink.edge.buffer.records", status, s -> value(s.get(), BufferStatus::records))
                .baseUnit("records")
                .description("Records in the durable buffer, not yet confirmed delivered")
                .register(registry);
        Gauge.builder("floorlink.edge.buffer.size", status, s -> value(s.get(), BufferStatus::bytes))
                .baseUnit("bytes")
                .description("Bytes of buffer database pages in use (bounded by buffer.max_size)")
                .register(registry);
        Gauge.builder(
                        "floorlink.edge.buffer.oldest.age",
                        status,
                        s -> value(s.get(), BufferStatus::oldestRecordAgeMillis) / 1000.0)
                .baseUnit("seconds")
                .description("Age of the oldest record in the buffer, 0 when empty")
                .register(registry);
        Gauge.builder("floorlink.edge.buffer.healthy", status, s -> {
                    BufferStatus b = s.get();
                    return b == null ? 0 : b.state() == BufferStatus.State.ERROR ? 0 : 1;
                })
                .description("0 while the buffer is in error (cannot write, or its file was replaced), else 1")
                .register(registry);
        written = Counter.builder("floorlink.edge.buffer.written")
                .baseUnit("records")
                .description("Records committed to the buffer (its rate is the buffer write rate)")
                .register(registry);
        replayed = Counter.builder("floorlink.edge.buffer.replayed")
                .baseUnit("records")
                .description("Records published again from the buffer as historical data (replay rate)")
                .register(registry);
        acknowledged = Counter.builder("floorlink.edge.buffer.acknowledged")
                .baseUnit("records")
                .description("Records deleted once confirmed delivered (a receipt, or the window without receipts)")
                .register(registry);
        resets = Counter.builder("floorlink.edge.buffer.resets")
                .baseUnit("events")
                .description("Corrupted or deleted buffer files replaced by a fresh buffer")
                .register(registry);
        for (DropReason r : DropReason.values()) {
            dropped.put(
                    r,
                    Counter.builder("floorlink.edge.buffer.dropped")
                            .baseUnit("records")
                            .tag("reason", r.tag())
                            .description("Records the buffer could not keep, by reason")
                            .register(registry));
        }
    }

    private static double value(BufferStatus s, java.util.function.ToLongFunction<BufferStatus> f) {
        return s == null ? 0 : f.applyAsLong(s);
    }

    void written(long n) {
        if (n > 0) {
            written.increment(n);
        }
    }

    void replayed(long n) {
        if (n > 0) {
            replayed.increment(n);
        }
    }

    void acknowledged(long n) {
        if (n > 0) {
            acknowledged.increment(n);
        }
    }

    void reset() {
        resets.increment();
    }

    void dropped(DropReason reason, long n) {
        droppedTotals.get(reason).addAndGet(n);
        dropped.get(reason).increment(n);
    }

    long droppedTotal(DropReason reason) {
        return droppedTotals.get(reason).get();
    }

    long droppedTotal() {
        long total = 0;
        for (AtomicLong n : droppedTotals.values()) {
            total += n.get();
        }
        return total;
    }
}
