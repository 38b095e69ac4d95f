package io.floorlink.gateway.host;

import io.floorlink.gateway.facts.DeviceAgg;
import io.floorlink.gateway.facts.FactsBatch;
import io.floorlink.gateway.facts.Keys;
import io.floorlink.gateway.facts.PointAgg;
import io.floorlink.gateway.facts.PointDeclaration;
import io.floorlink.gateway.facts.SessionOp;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Quality;
import io.floorlink.sparkplug.Sequence;
import io.floorlink.sparkplug.SparkplugException;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's single processing thread: takes raw MQTT messages from a bounded lock-free queue (filled by the
 * MQTT callback, which never blocks), tracks Sparkplug state per edge node and device, and aggregates facts in
 * memory. Every flush interval (or on request) it hands the gathered facts to the writer. All state below the
 * queue is confined to the processing thread.
 */
public final class HostProcessor {
    private static final Logger log = LoggerFactory.getLogger(HostProcessor.class);
    private static final long REBIRTH_MIN_INTERVAL_MS = 5_000;

    static final String END_SUPERSEDED = "superseded";
    static final String END_NDEATH = "ndeath";
    static final String END_DDEATH = "ddeath";
    static final String END_EDGE_REPORTED = "edge_reported";

    private record Inbound(String topic, byte[] payload, long receivedAt) {}

    private final ConcurrentLinkedQueue<Inbound> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final int capacity;
    private final long flushIntervalMs;
    private final Function<FactsBatch, CompletableFuture<?>> writer;
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> flushRequests = new ConcurrentLinkedQueue<>();
    private final Throttle throttle = new Throttle(30_000);
    private final HostMetrics metrics;
    private volatile BiConsumer<String, String> rebirthSender = (g, n) -> {};
    private volatile boolean sleeping;
    private volatile boolean running = true;
    private final Thread thread;

    private final Map<String, Map<String, NodeState>> nodes = new HashMap<>();
    private volatile int openEdgeSessions;
    private volatile int openDeviceSessions;

    private List<SessionOp> ops = new ArrayList<>();
    private List<PointDeclaration> declarations = new ArrayList<>();
    private HashMap<Keys.PointKey, PointAgg> points = new HashMap<>();
    private HashMap<Keys.DeviceKey, DeviceAgg> devices = new HashMap<>();
    private int generation;

    /**
     * @param capacity most messages waiting before new ones are dropped (and counted)
     * @param writer takes a batch and returns a future completing when it is stored
     */
    public HostProcessor(
            String hostId, int capacity, long flushIntervalMs, Function<FactsBatch, CompletableFuture<?>> writer) {
        this.capacity = capacity;
        this.flushIntervalMs = flushIntervalMs;
        this.writer = writer;
        this.metrics = new HostMetrics(queued::get, () -> openEdgeSessions, () -> openDeviceSessions);
        this.thread = new Thread(this::run, "floorlink-host-" + hostId);
        this.thread.setDaemon(true);
    }

    /** The processor's meters; bind them before {@link #start}. */
    public io.micrometer.core.instrument.binder.MeterBinder meterBinder() {
        return metrics;
    }

    /** Sets how rebirth requests are sent: (group_id, edge_node_id); called on the processing thread. */
    public void setRebirthSender(BiConsumer<String, String> sender) {
        this.rebirthSender = sender;
    }

    public void start() {
        thread.start();
    }

    /**
     * Queues one received message; never blocks. Safe on MQTT callback threads.
     *
     * @return false when the queue was full and the message was dropped (counted)
     */
    public boolean offer(String topic, byte[] payload, long receivedAt) {
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            metrics.queueDropped.increment();
            long suppressed = throttle.allow("queue-full", receivedAt);
            if (suppressed >= 0) {
                log.warn(
                        "processing queue full ({} messages): dropping messages ({} more since last warning)",
                        capacity,
                        suppressed);
            }
            return false;
        }
        queue.offer(new Inbound(topic, payload, receivedAt));
        if (sleeping) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    /** Asks for everything received so far to be written; the future completes when it is stored. */
    public CompletableFuture<Void> requestFlush() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        flushRequests.add(f);
        LockSupport.unpark(thread);
        return f;
    }

    /** Processes what is queued, flushes once more and ends the thread; blocks up to {@code timeoutMs}. */
    public void stop(long timeoutMs) throws InterruptedException {
        CompletableFuture<Void> last = requestFlush();
        running = false;
        LockSupport.unpark(thread);
        thread.join(timeoutMs);
        try {
            last.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("final flush did not complete: {}", e.toString());
        }
    }

    private void run() {
        long nextFlush = System.currentTimeMillis() + flushIntervalMs;
        while (true) {
            if (flushRequests.peek() != null) {
                // A flush covers what was received before it was asked for.
                for (int n = queued.get(); n > 0; n--) {
                    if (!processOne()) {
                        break;
                    }
                }
                flush();
                nextFlush = System.currentTimeMillis() + flushIntervalMs;
            }
            boolean worked = false;
            for (int i = 0; i < 1024 && processOne(); i++) {
                worked = true;
            }
            long now = System.currentTimeMillis();
            if (now >= nextFlush) {
                flush();
                nextFlush = now + flushIntervalMs;
            }
            if (!running && queue.isEmpty() && flushRequests.isEmpty()) {
                return;
            }
            if (!worked) {
                sleeping = true;
                if (queue.isEmpty() && flushRequests.isEmpty() && running) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.max(1, Math.min(nextFlush - now, 200))));
                }
                sleeping = false;
            }
        }
    }

    private boolean processOne() {
        Inbound in = queue.poll();
        if (in == null) {
            return false;
        }
        queued.decrementAndGet();
        try {
            handle(in);
        } catch (SparkplugException e) {
            decodeError(in.topic(), e.getMessage(), in.receivedAt());
        } catch (RuntimeException e) {
            long suppressed = throttle.allow("handle-error", in.receivedAt());
            if (suppressed >= 0) {
                log.error("failed to process message on {} ({} similar suppressed)", in.topic(), suppressed, e);
            }
        }
        return true;
    }

    private void flush() {
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        for (CompletableFuture<Void> f; (f = flushRequests.poll()) != null; ) {
            waiting.add(f);
        }
        FactsBatch batch = new FactsBatch(ops, declarations, points, devices);
        ops = new ArrayList<>();
        declarations = new ArrayList<>();
        points = new HashMap<>();
        devices = new HashMap<>();
        generation++;
        CompletableFuture<?> stored;
        try {
            stored = writer.apply(batch);
        } catch (RuntimeException e) {
            stored = CompletableFuture.failedFuture(e);
        }
        stored.whenComplete((r, e) -> {
            for (CompletableFuture<Void> f : waiting) {
                if (e == null) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(e);
                }
            }
        });
    }

    private void decodeError(String topic, String message, long now) {
        metrics.decodeErrors.increment();
        long suppressed = throttle.allow("decode", now);
        if (suppressed >= 0) {
            log.warn(
                    "ignoring invalid Sparkplug message on {}: {} ({} more since last warning)",
                    topic,
                    message,
                    suppressed);
        }
    }

    private void handle(Inbound in) {
        Topic topic = Topic.parse(in.topic());
        MessageType type = topic.type();
        if (type == MessageType.STATE || type == MessageType.NCMD || type == MessageType.DCMD) {
            return;
        }
        Payload payload = Metrics.decode(in.topic(), in.payload());
        metrics.received(type).increment();
        long now = in.receivedAt();
        long ts = payload.hasTimestamp() ? payload.getTimestamp() : now;
        NodeState node = node(topic.groupId(), topic.edgeNodeId());
        switch (type) {
            case NBIRTH -> nbirth(node, payload, ts);
            case NDEATH -> ndeath(node, payload, now);
            default -> {
                if (!node.born) {
                    notBorn(node, type, now);
                    return;
                }
                checkSeq(node, payload, now);
                switch (type) {
                    case DBIRTH -> dbirth(node, topic.deviceId(), payload, ts, now);
                    case DDATA -> ddata(node, topic.deviceId(), payload, ts, now);
                    case DDEATH -> ddeath(node, topic.deviceId(), ts);
                    default -> {}
                }
            }
        }
    }

    private NodeState node(String group, String edgeNode) {
        return nodes.computeIfAbsent(group, g -> new HashMap<>())
                .computeIfAbsent(edgeNode, n -> new NodeState(group, edgeNode));
    }

    private void notBorn(NodeState node, MessageType type, long now) {
        metrics.ignoredUnborn.increment();
        long suppressed = throttle.allow("unborn:" + node.group + "/" + node.edgeNode, now);
        if (suppressed >= 0) {
            log.warn("{} from {}/{} before its NBIRTH: ignored, asking for a rebirth", type, node.group, node.edgeNode);
        }
        requestRebirth(node, now);
    }

    private void requestRebirth(NodeState node, long now) {
        if (now - node.lastRebirthRequest < REBIRTH_MIN_INTERVAL_MS) {
            return;
        }
        node.lastRebirthRequest = now;
        metrics.rebirthRequests.increment();
        rebirthSender.accept(node.group, node.edgeNode);
    }

    private void checkSeq(NodeState node, Payload payload, long now) {
        if (!payload.hasSeq()) {
            return;
        }
        long seq = Sequence.check(payload.getSeq());
        if (node.lastSeq >= 0 && !Sequence.follows(node.lastSeq, seq)) {
            metrics.seqGaps.increment();
            long suppressed = throttle.allow("gap:" + node.group + "/" + node.edgeNode, now);
            if (suppressed >= 0) {
                log.warn(
                        "seq gap from {}/{}: {} after {} ({} missing; {} more gaps since last warning)",
                        node.group,
                        node.edgeNode,
                        seq,
                        node.lastSeq,
                        Sequence.missingBetween(node.lastSeq, seq),
                        suppressed);
            }
            requestRebirth(node, now);
        }
        node.lastSeq = (int) seq;
    }

    private void nbirth(NodeState node, Payload payload, long ts) {
        Long bdSeq = null;
        for (Metric m : payload.getMetricsList()) {
            if (MetricNames.BD_SEQ.equals(m.getName())) {
                Object v = Metrics.value(m, DataType.UINT64);
                bdSeq = v instanceof Number n ? n.longValue() : null;
            }
        }
        if (node.born) {
            ops.add(new SessionOp.CloseEdge(node.group, node.edgeNode, ts, END_SUPERSEDED));
            openEdgeSessions--;
        }
        closeDevices(node, ts, END_SUPERSEDED);
        ops.add(new SessionOp.OpenEdge(node.group, node.edgeNode, bdSeq, ts));
        openEdgeSessions++;
        node.born = true;
        node.bdSeq = bdSeq;
        node.lastSeq = payload.hasSeq() ? (int) Sequence.check(payload.getSeq()) : -1;
    }

    private void ndeath(NodeState node, Payload payload, long now) {
        Long bdSeq = null;
        for (Metric m : payload.getMetricsList()) {
            if (MetricNames.BD_SEQ.equals(m.getName())) {
                Object v = Metrics.value(m, DataType.UINT64);
                bdSeq = v instanceof Number n ? n.longValue() : null;
            }
        }
        if (!node.born || bdSeq == null || !bdSeq.equals(node.bdSeq)) {
            metrics.staleNdeath.increment();
            long suppressed = throttle.allow("stale-ndeath:" + node.group + "/" + node.edgeNode, now);
            if (suppressed >= 0) {
                log.info(
                        "NDEATH of {}/{} with bdSeq {} ignored (current NBIRTH bdSeq {})",
                        node.group,
                        node.edgeNode,
                        bdSeq,
                        node.born ? node.bdSeq : "none");
            }
            return;
        }
        // The will's payload timestamp is from the edge's connect time; the death is when the broker sent it.
        ops.add(new SessionOp.CloseEdge(node.group, node.edgeNode, now, END_NDEATH));
        openEdgeSessions--;
        closeDevices(node, now, END_NDEATH);
        node.born = false;
        node.lastSeq = -1;
    }

    private void closeDevices(NodeState node, long at, String reason) {
        boolean any = false;
        for (DeviceState d : node.devices.values()) {
            if (d.sessionOpen) {
                d.sessionOpen = false;
                openDeviceSessions--;
                any = true;
            }
        }
        if (any) {
            ops.add(new SessionOp.CloseNodeDevices(node.group, node.edgeNode, at, reason));
        }
        node.devices.clear();
    }

    private void dbirth(NodeState node, String deviceId, Payload payload, long ts, long now) {
        DeviceState d = node.devices.computeIfAbsent(deviceId, DeviceState::new);
        if (d.sessionOpen) {
            ops.add(new SessionOp.CloseDevice(node.group, node.edgeNode, deviceId, ts, END_SUPERSEDED));
            openDeviceSessions--;
        }
        ops.add(new SessionOp.OpenDevice(node.group, node.edgeNode, deviceId, ts, false));
        d.sessionOpen = true;
        openDeviceSessions++;
        d.born = true;
        d.points.clear();
        d.readsOk = 0;
        d.readsFailed = 0;
        for (Metric m : payload.getMetricsList()) {
            String name = m.getName();
            if (name.isEmpty() || MetricNames.isHealthMetric(name)) {
                continue;
            }
            DataType type;
            try {
                type = DataType.fromCode(m.getDatatype());
            } catch (SparkplugException e) {
                decodeError(
                        "DBIRTH " + node.group + "/" + node.edgeNode + "/" + deviceId + " metric " + name,
                        e.getMessage(),
                        now);
                continue;
            }
            Map<String, Object> props = m.hasProperties() ? Metrics.properties(m.getProperties()) : Map.of();
            PointState p = new PointState(
                    name,
                    type,
                    number(props.get(MetricNames.PROP_ENG_LOW)),
                    number(props.get(MetricNames.PROP_ENG_HIGH)));
            d.points.put(name, p);
            Double interval = number(props.get(MetricNames.PROP_INTERVAL_MS));
            declarations.add(new PointDeclaration(
                    node.group,
                    node.edgeNode,
                    deviceId,
                    name,
                    type.code(),
                    text(props.get(MetricNames.PROP_CATEGORY)),
                    text(props.get(MetricNames.PROP_UNIT)),
                    interval == null ? null : interval.longValue(),
                    p.engLow,
                    p.engHigh,
                    ts));
        }
        metricsOf(node, d, payload, ts, now);
    }

    private void ddata(NodeState node, String deviceId, Payload payload, long ts, long now) {
        DeviceState d = node.devices.get(deviceId);
        if (d == null || !d.born) {
            notBorn(node, MessageType.DDATA, now);
            return;
        }
        metricsOf(node, d, payload, ts, now);
    }

    private void ddeath(NodeState node, String deviceId, long ts) {
        DeviceState d = node.devices.get(deviceId);
        if (d == null) {
            return;
        }
        if (d.sessionOpen) {
            ops.add(new SessionOp.CloseDevice(node.group, node.edgeNode, deviceId, ts, END_DDEATH));
            d.sessionOpen = false;
            openDeviceSessions--;
        }
        d.born = false;
    }

    /** Health metrics and point samples of a DBIRTH or DDATA, in payload order. */
    private void metricsOf(NodeState node, DeviceState d, Payload payload, long payloadTs, long now) {
        int n = payload.getMetricsCount();
        for (int i = 0; i < n; i++) {
            Metric m = payload.getMetrics(i);
            String name = m.getName();
            long ts = m.hasTimestamp() ? m.getTimestamp() : payloadTs;
            if (name.startsWith(MetricNames.HEALTH_PREFIX)) {
                health(node, d, m, name, ts);
                continue;
            }
            PointState p = d.points.get(name);
            if (p == null) {
                metrics.ignoredUnknownMetric.increment();
                long suppressed = throttle.allow("unknown:" + d.deviceId, now);
                if (suppressed >= 0) {
                    log.warn(
                            "device {} of {}/{} sent metric '{}' not declared in its DBIRTH (aliases are not"
                                    + " supported): ignored, asking for a rebirth",
                            d.deviceId,
                            node.group,
                            node.edgeNode,
                            name);
                }
                requestRebirth(node, now);
                continue;
            }
            sample(d, p, m, ts, now);
        }
    }

    private void health(NodeState node, DeviceState d, Metric m, String name, long ts) {
        if (MetricNames.HEALTH_CONNECTED.equals(name)) {
            if (!m.hasBooleanValue()) {
                return;
            }
            if (m.getBooleanValue()) {
                if (!d.sessionOpen) {
                    ops.add(new SessionOp.OpenDevice(node.group, node.edgeNode, d.deviceId, ts, m.getIsHistorical()));
                    d.sessionOpen = true;
                    openDeviceSessions++;
                }
            } else if (d.sessionOpen) {
                ops.add(new SessionOp.CloseDevice(node.group, node.edgeNode, d.deviceId, ts, END_EDGE_REPORTED));
                d.sessionOpen = false;
                openDeviceSessions--;
            }
            return;
        }
        boolean ok = MetricNames.HEALTH_READS_OK.equals(name);
        if (!ok && !MetricNames.HEALTH_READS_FAILED.equals(name)) {
            return;
        }
        Object v = Metrics.value(m, DataType.UINT64);
        if (!(v instanceof Number num)) {
            return;
        }
        long value = num.longValue();
        long previous = ok ? d.readsOk : d.readsFailed;
        long increment = value >= previous ? value - previous : value; // a decrease is a counter reset
        if (ok) {
            d.readsOk = value;
        } else {
            d.readsFailed = value;
        }
        if (increment == 0) {
            return;
        }
        DeviceAgg agg = devices.computeIfAbsent(new Keys.DeviceKey(d.deviceId, Keys.minute(ts)), k -> new DeviceAgg());
        if (ok) {
            agg.addReadsOk(increment);
        } else {
            agg.addReadsFailed(increment);
        }
    }

    private void sample(DeviceState d, PointState p, Metric m, long ts, long now) {
        long bucket = Keys.minute(ts);
        PointAgg agg;
        if (p.generation == generation && p.bucket == bucket) {
            agg = p.agg;
        } else {
            agg = points.computeIfAbsent(new Keys.PointKey(d.deviceId, p.name, bucket), k -> new PointAgg());
            p.agg = agg;
            p.bucket = bucket;
            p.generation = generation;
        }
        DataType type = p.type;
        if (m.hasDatatype() && m.getDatatype() != type.code()) {
            type = DataType.fromCode(m.getDatatype());
        }
        double value = numeric(m, type);
        Quality q = Metrics.quality(m);
        if (q == Quality.GOOD && !Double.isNaN(value)) {
            if ((p.engLow != null && value < p.engLow) || (p.engHigh != null && value > p.engHigh)) {
                q = Quality.BAD;
            }
        }
        boolean historical = m.getIsHistorical();
        agg.addSample(q == Quality.GOOD ? 0 : q == Quality.UNCERTAIN ? 1 : 2, historical);
        agg.addValue(value, ts);
        if (!historical && q == Quality.GOOD) {
            agg.addLatency(now - ts);
        }
    }

    /** The numeric view of {@link Metrics#asDouble}, without boxing: NaN when the value is not numeric. */
    static double numeric(Metric m, DataType type) {
        if (m.getIsNull()) {
            return Double.NaN;
        }
        switch (m.getValueCase()) {
            case INT_VALUE -> {
                int v = m.getIntValue();
                return switch (type) {
                    case INT8 -> (byte) v;
                    case INT16 -> (short) v;
                    case UINT8 -> v & 0xFF;
                    case UINT16 -> v & 0xFFFF;
                    case UINT32, INT64, UINT64, DATETIME -> Integer.toUnsignedLong(v);
                    default -> v;
                };
            }
            case LONG_VALUE -> {
                return m.getLongValue();
            }
            case FLOAT_VALUE -> {
                return m.getFloatValue();
            }
            case DOUBLE_VALUE -> {
                return m.getDoubleValue();
            }
            case BOOLEAN_VALUE -> {
                return m.getBooleanValue() ? 1.0 : 0.0;
            }
            default -> {
                return Double.NaN;
            }
        }
    }

    private static Double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : null;
    }

    private static String text(Object o) {
        return o == null ? null : o.toString();
    }

    private static final class NodeState {
        final String group;
        final String edgeNode;
        final Map<String, DeviceState> devices = new HashMap<>();
        boolean born;
        Long bdSeq;
        int lastSeq = -1;
        long lastRebirthRequest = Long.MIN_VALUE / 2;

        NodeState(String group, String edgeNode) {
            this.group = group;
            this.edgeNode = edgeNode;
        }
    }

    private static final class DeviceState {
        final String deviceId;
        final Map<String, PointState> points = new HashMap<>();
        boolean born;
        boolean sessionOpen;
        long readsOk;
        long readsFailed;

        DeviceState(String deviceId) {
            this.deviceId = deviceId;
        }
    }

    private static final class PointState {
        final String name;
        final DataType type;
        final Double engLow;
        final Double engHigh;
        PointAgg agg;
        long bucket = Long.MIN_VALUE;
        int generation = -1;

        PointState(String name, DataType type, Double engLow, Double engHigh) {
            this.name = name;
            this.type = type;
            this.engLow = engLow;
            this.engHigh = engHigh;
        }
    }
}
