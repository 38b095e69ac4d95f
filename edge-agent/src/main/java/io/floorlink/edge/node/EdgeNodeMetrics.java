package io.floorlink.edge.node;

import io.floorlink.sparkplug.MessageType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;

/** Micrometer meters of the Sparkplug edge node. Counters are created at bind time; tags are bounded enums. */
final class EdgeNodeMetrics implements MeterBinder {

    /** Why a sample did not reach the uplink. */
    enum DropReason {
        DEVICE_DOWN,
        UNKNOWN_DEVICE,
        UNKNOWN_POINT,
        BAD_VALUE,
        QUEUE_FULL,
        PUBLISH_FAILED;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why a birth was published. */
    enum BirthReason {
        SESSION,
        REBIRTH_REQUEST,
        DEVICE_UP,
        REPLAY,
        BUFFER_RESET;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What became of a receipt the edge node received. */
    enum ReceiptResult {
        APPLIED,
        OTHER_EPOCH,
        OTHER_HOST,
        MALFORMED;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<ReceiptResult, Counter> receipts = new EnumMap<>(ReceiptResult.class);
    private DoubleSupplier unreceipted = () -> 0;
    private Counter receiptTimeouts;
    private final DoubleSupplier uplinkConnected;
    private final DoubleSupplier devicesUp;
    private final DoubleSupplier queuedSamples;
    private final Map<MessageType, Counter> messages = new EnumMap<>(MessageType.class);
    private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
    private final Map<BirthReason, Counter> nodeBirths = new EnumMap<>(BirthReason.class);
    private final Map<BirthReason, Counter> deviceBirths = new EnumMap<>(BirthReason.class);
    private Counter published;
    private Counter unchanged;
    private Counter healthPublishes;

    EdgeNodeMetrics(DoubleSupplier uplinkConnected, DoubleSupplier devicesUp, DoubleSupplier queuedSamples) {
        this.uplinkConnected = uplinkConnected;
        this.devicesUp = devicesUp;
        this.queuedSamples = queuedSamples;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("floorlink.edge.uplink.connected", uplinkConnected, DoubleSupplier::getAsDouble)
                .baseUnit("connections")
                .description("1 while the MQTT connection to the uplink is established, else 0")
                .register(registry);
        Gauge.builder("floorlink.edge.devices.up", devicesUp, DoubleSupplier::getAsDouble)
                .baseUnit("devices")
                .description("Devices whose connector currently reaches them")
                .register(registry);
        Gauge.builder("floorlink.edge.queue.samples", queuedSamples, DoubleSupplier::getAsDouble)
                .baseUnit("samples")
                .description("Samples waiting for the Sparkplug publisher thread")
                .register(registry);
        for (MessageType t : MessageType.values()) {
            if (t == MessageType.STATE || t == MessageType.NCMD || t == MessageType.DCMD) {
                continue;
            }
            messages.put(
                    t,
                    Counter.builder("floorlink.edge.messages")
                            .baseUnit("messages")
                            .tag("type", t.name())
                            .description("Sparkplug messages published by type")
                            .register(registry));
        }
        published = Counter.builder("floorlink.edge.samples.published")
                .baseUnit("samples")
                .description("Point samples published in DDATA (changes, refreshes and replayed records)")
                .register(registry);
        unchanged = Counter.builder("floorlink.edge.samples.unchanged")
                .baseUnit("samples")
                .description("Point samples not published because value and quality did not change")
                .register(registry);
        for (DropReason r : DropReason.values()) {
            dropped.put(
                    r,
                    Counter.builder("floorlink.edge.samples.dropped")
                            .baseUnit("samples")
                            .tag("reason", r.tag())
                            .description("Changed samples that did not reach the uplink, by reason")
                            .register(registry));
        }
        Gauge.builder("floorlink.edge.buffer.unreceipted", () -> unreceipted.getAsDouble())
                .baseUnit("records")
                .description("Buffer records published and not yet confirmed (by a receipt, or by the confirmation"
                        + " window without receipts)")
                .register(registry);
        for (ReceiptResult r : ReceiptResult.values()) {
            receipts.put(
                    r,
                    Counter.builder("floorlink.edge.receipts")
                            .baseUnit("receipts")
                            .tag("result", r.tag())
                            .description("Receipts of the primary host received, by what was done with them")
                            .register(registry));
        }
        receiptTimeouts = Counter.builder("floorlink.edge.receipt.timeouts")
                .baseUnit("events")
                .description("Replays started because a published record stayed without a receipt for"
                        + " uplink.receipt_timeout")
                .register(registry);
        healthPublishes = Counter.builder("floorlink.edge.health.publishes")
                .baseUnit("messages")
                .description("DDATA messages carrying the periodic _health/* metrics")
                .register(registry);
        for (BirthReason r : BirthReason.values()) {
            if (r != BirthReason.DEVICE_UP && r != BirthReason.REPLAY) {
                nodeBirths.put(r, births(registry, "node", r));
            }
            deviceBirths.put(r, births(registry, "device", r));
        }
    }

    private static Counter births(MeterRegistry registry, String kind, BirthReason r) {
        return Counter.builder("floorlink.edge.births")
                .baseUnit("births")
                .tag("kind", kind)
                .tag("reason", r.tag())
                .description("NBIRTH (kind=node) and DBIRTH (kind=device) published, by reason")
                .register(registry);
    }

    void message(MessageType type) {
        Counter c = messages.get(type);
        if (c != null) {
            c.increment();
        }
    }

    void published(int samples) {
        if (samples > 0) {
            published.increment(samples);
        }
    }

    void unchanged() {
        unchanged.increment();
    }

    void dropped(DropReason reason, long samples) {
        if (samples > 0) {
            dropped.get(reason).increment(samples);
        }
    }

    void unreceipted(DoubleSupplier supplier) {
        this.unreceipted = supplier;
    }

    void receipt(ReceiptResult result) {
        receipts.get(result).increment();
    }

    void receiptTimeout() {
        receiptTimeouts.increment();
    }

    void healthPublished() {
        healthPublishes.increment();
    }

    void nodeBirth(BirthReason reason) {
        nodeBirths.get(reason).increment();
    }

    void deviceBirth(BirthReason reason) {
        deviceBirths.get(reason).increment();
    }
}
