package io.floorlink.gateway.host;

import io.floorlink.sparkplug.MessageType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** Meters of the primary host application (message intake and Sparkplug state tracking). */
final class HostMetrics implements MeterBinder {
    private final Map<MessageType, Counter> received = new EnumMap<>(MessageType.class);
    private final Supplier<Number> queueDepth;
    private final Supplier<Number> queueBytes;
    private final Supplier<Number> openEdgeSessions;
    private final Supplier<Number> openDeviceSessions;
    private final Supplier<Number> flushIntervalSeconds;
    Counter decodeErrors;
    Counter decodeUnattributedTopic;
    Counter decodeUnattributedOverflow;
    Counter seqGaps;
    Counter queueDropped;
    Counter staleNdeath;
    Counter ignoredUnborn;
    Counter ignoredUnknownMetric;
    Counter ignoredUnknownAlias;
    Counter seqReordered;
    Counter seqLate;
    Counter duplicates;
    Counter birthRepeats;
    Counter unparked;
    Counter rebirthRequests;
    Counter birthsRefused;
    Counter receiptsPublished;
    Counter refusedLimit;
    Counter rejectedDatatype;
    Counter rejectedNonFinite;
    Counter rebirthSuppressed;
    Counter warningsSuppressed;
    Counter flushBlocked;

    HostMetrics(
            Supplier<Number> queueDepth,
            Supplier<Number> queueBytes,
            Supplier<Number> openEdgeSessions,
            Supplier<Number> openDeviceSessions,
            Supplier<Number> flushIntervalSeconds) {
        this.queueDepth = queueDepth;
        this.queueBytes = queueBytes;
        this.openEdgeSessions = openEdgeSessions;
        this.openDeviceSessions = openDeviceSessions;
        this.flushIntervalSeconds = flushIntervalSeconds;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (MessageType t : MessageType.values()) {
            received.put(
                    t,
                    Counter.builder("floorlink.gateway.messages.received")
                            .description("Sparkplug messages received by the primary host, by message type")
                            .baseUnit("messages")
                            .tag("type", t.name().toLowerCase(Locale.ROOT))
                            .register(registry));
        }
        decodeErrors = Counter.builder("floorlink.gateway.decode.errors")
                .description("Messages whose topic or payload is not valid Sparkplug B")
                .baseUnit("messages")
                .register(registry);
        decodeUnattributedTopic = Counter.builder("floorlink.gateway.decode.errors.unattributed")
                .description("Decode errors not recorded as a platform_gap row of their edge node, by reason")
                .baseUnit("messages")
                .tag("reason", "topic")
                .register(registry);
        decodeUnattributedOverflow = Counter.builder("floorlink.gateway.decode.errors.unattributed")
                .description("Decode errors not recorded as a platform_gap row of their edge node, by reason")
                .baseUnit("messages")
                .tag("reason", "overflow")
                .register(registry);
        seqGaps = Counter.builder("floorlink.gateway.seq.gaps")
                .description("Missing payload seq numbers of an edge node not filled within the reorder timeout")
                .baseUnit("events")
                .register(registry);
        seqReordered = Counter.builder("floorlink.gateway.seq.reordered")
                .description("Messages that arrived ahead of a missing seq and were processed in order once it came")
                .baseUnit("messages")
                .register(registry);
        seqLate = Counter.builder("floorlink.gateway.seq.late")
                .description("Messages whose seq was behind the expected one (gap given up, or a redelivery)")
                .baseUnit("messages")
                .register(registry);
        duplicates = Counter.builder("floorlink.gateway.records.duplicate")
                .description("Metrics dropped because their buffer record id was already folded into the facts")
                .baseUnit("metrics")
                .register(registry);
        birthRepeats = Counter.builder("floorlink.gateway.births.repeated.values")
                .description("DBIRTH values without a record id not counted as samples: not newer than the point's"
                        + " last counted live sample")
                .baseUnit("metrics")
                .register(registry);
        queueDropped = Counter.builder("floorlink.gateway.queue.dropped")
                .description("Messages dropped because the host's processing queue was full")
                .baseUnit("messages")
                .register(registry);
        staleNdeath = Counter.builder("floorlink.gateway.ndeath.stale")
                .description("NDEATH messages ignored because their bdSeq did not match the current NBIRTH")
                .baseUnit("messages")
                .register(registry);
        ignoredUnborn = Counter.builder("floorlink.gateway.messages.ignored")
                .description("Messages ignored by the host, by reason")
                .baseUnit("messages")
                .tag("reason", "not_born")
                .register(registry);
        ignoredUnknownMetric = Counter.builder("floorlink.gateway.messages.ignored")
                .description("Messages ignored by the host, by reason")
                .baseUnit("messages")
                .tag("reason", "unknown_metric")
                .register(registry);
        unparked = Counter.builder("floorlink.gateway.messages.unparked")
                .description("DDATA received before its node's NBIRTH, processed after the requested DBIRTH")
                .baseUnit("messages")
                .register(registry);
        ignoredUnknownAlias = Counter.builder("floorlink.gateway.messages.ignored")
                .description("Messages ignored by the host, by reason")
                .baseUnit("messages")
                .tag("reason", "unknown_alias")
                .register(registry);
        rebirthRequests = Counter.builder("floorlink.gateway.rebirth.requests")
                .description("NCMD Node Control/Rebirth requests sent to edge nodes")
                .baseUnit("requests")
                .register(registry);
        birthsRefused = Counter.builder("floorlink.gateway.births.refused")
                .description("NBIRTH messages refused because their bdSeq metric is missing or not an integer")
                .baseUnit("messages")
                .register(registry);
        receiptsPublished = Counter.builder("floorlink.gateway.receipts.published")
                .description("Receipts of committed record ids acknowledged by an MQTT server (one per server)")
                .baseUnit("messages")
                .register(registry);
        refusedLimit = Counter.builder("floorlink.gateway.messages.ignored")
                .description("Messages ignored by the host, by reason")
                .baseUnit("messages")
                .tag("reason", "limit")
                .register(registry);
        rejectedDatatype = Counter.builder("floorlink.gateway.samples.rejected")
                .description("Samples stored as bad because they broke their DBIRTH declaration, by reason")
                .baseUnit("samples")
                .tag("reason", "datatype")
                .register(registry);
        rejectedNonFinite = Counter.builder("floorlink.gateway.samples.rejected")
                .description("Samples stored as bad because they broke their DBIRTH declaration, by reason")
                .baseUnit("samples")
                .tag("reason", "non_finite")
                .register(registry);
        rebirthSuppressed = Counter.builder("floorlink.gateway.rebirth.suppressed")
                .description("Rebirth requests not sent because the global rebirth rate limit was reached")
                .baseUnit("requests")
                .register(registry);
        warningsSuppressed = Counter.builder("floorlink.gateway.warnings.suppressed")
                .description("Log warnings suppressed by the global warning rate limit (summed up in one warning)")
                .baseUnit("warnings")
                .register(registry);
        flushBlocked = Counter.builder("floorlink.gateway.flush.blocked")
                .description("Time flushes were held back because the facts writer's queue was full")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder("floorlink.gateway.flush.interval", flushIntervalSeconds)
                .description(
                        "Time between two flushes now: gateway.flush_interval, stretched up to"
                                + " gateway.flush_interval_max while writing a batch costs the writer more CPU time than a third of it")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder("floorlink.gateway.queue.depth", queueDepth)
                .description("Messages waiting in the host's processing queue")
                .baseUnit("messages")
                .register(registry);
        Gauge.builder("floorlink.gateway.queue.payload", queueBytes)
                .description("Payload bytes of the messages waiting in the host's processing queue (bounded)")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("floorlink.gateway.sessions.open", openEdgeSessions)
                .description("Sessions currently open, by kind")
                .baseUnit("sessions")
                .tag("kind", "edge")
                .register(registry);
        Gauge.builder("floorlink.gateway.sessions.open", openDeviceSessions)
                .description("Sessions currently open, by kind")
                .baseUnit("sessions")
                .tag("kind", "device")
                .register(registry);
    }

    Counter received(MessageType type) {
        return received.get(type);
    }
}
