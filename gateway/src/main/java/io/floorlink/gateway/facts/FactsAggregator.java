package io.floorlink.gateway.facts;

import io.floorlink.gateway.host.MetricValues;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Quality;
import io.floorlink.sparkplug.SparkplugException;
import io.floorlink.sparkplug.host.HostSession;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The facts gathered in memory between two flushes: session changes, point declarations, point and device
 * rollups, historical connectivity runs, time in state, static runs and counter increases, with the per-device
 * and per-point trackers they come from ({@link DeviceFacts}, {@link PointFacts}). Fed by the host's processing
 * thread after the Sparkplug session rules accepted a message; {@link #takeBatch} hands everything gathered to the
 * writer and starts over. Not thread-safe: confined to the processing thread.
 */
public final class FactsAggregator {
    public static final String END_SUPERSEDED = "superseded";
    public static final String END_NDEATH = "ndeath";
    public static final String END_DDEATH = "ddeath";
    public static final String END_EDGE_REPORTED = "edge_reported";
    public static final String END_HISTORY_END = "history_end";
    public static final String END_HISTORY_PART = "history_part";
    /** The contract's longest health publishing period; the assumed interval until a shorter one is observed. */
    public static final long HEALTH_MAX_INTERVAL_MS = 10_000;

    /** Told about a DBIRTH metric that cannot be declared (e.g. an unknown datatype). */
    @FunctionalInterface
    public interface DecodeErrors {
        void decodeError(String where, String message, long now);
    }

    /** Told about a sample stored as bad because it broke its declaration. */
    @FunctionalInterface
    public interface Rejections {
        /** @param reason {@link #REJECTED_DATATYPE} or {@link #REJECTED_NON_FINITE} */
        void rejected(String reason);
    }

    /** A DATA metric whose datatype differs from its DBIRTH declaration. */
    public static final String REJECTED_DATATYPE = "datatype";
    /** A NaN or infinite value of a numeric point. */
    public static final String REJECTED_NON_FINITE = "non_finite";

    private final Rejections rejections;
    private SampleSink sampleSink;
    private final Set<DeviceFacts> historyOpen = new LinkedHashSet<>();
    /** Points whose historical stream may still continue (ended after a flush interval without a value). */
    private final Set<PointFacts> histPoints = new LinkedHashSet<>();

    private List<SessionOp> ops = new ArrayList<>();
    private List<PointDeclaration> declarations = new ArrayList<>();
    private HashMap<Keys.PointKey, PointAgg> points = new HashMap<>();
    private HashMap<Keys.DeviceKey, DeviceAgg> devices = new HashMap<>();
    private StateTime stateTime = new StateTime();
    private List<StaticRun> staticRuns = new ArrayList<>();
    private List<PlatformGap> gaps = new ArrayList<>();
    private int generation;
    private volatile int openDeviceSessions;

    /** An aggregator that does not report rejected samples. */
    public FactsAggregator() {
        this(reason -> {});
    }

    /** @param rejections told (on the processing thread) about every sample stored as bad for breaking its declaration */
    public FactsAggregator(Rejections rejections) {
        this.rejections = rejections;
    }

    /**
     * Where every accepted sample goes besides the rollups (e.g. a time-series store), called on the processing
     * thread; null for none. Set before the first sample.
     */
    public void sampleSink(SampleSink sink) {
        this.sampleSink = sink;
    }

    /** Device sessions open now (a gauge; readable from any thread). */
    public int openDeviceSessions() {
        return openDeviceSessions;
    }

    /** The fact state of a device new to its edge node; the caller keeps it with the node. */
    public DeviceFacts device(String group, String edgeNode, String deviceId) {
        return device(group, edgeNode, deviceId, null);
    }

    /**
     * The fact state of a device born again in a new session of its node.
     *
     * @param carried the newest counted live sample time per point name from its earlier session ({@link
     *     #liveTimesToCarry}), so a DBIRTH repeating one is recognised ({@link PointFacts#repeatsCountedSample});
     *     null or empty when none
     */
    public DeviceFacts device(String group, String edgeNode, String deviceId, Map<String, Long> carried) {
        DeviceFacts d = new DeviceFacts(group, edgeNode, deviceId);
        if (carried != null) {
            d.carriedLiveTs = carried;
        }
        return d;
    }

    /**
     * What a device's next session needs of this one: per point name, the newest live sample time counted (empty
     * when none); the caller keeps it instead of the whole state of a closed device.
     */
    public static Map<String, Long> liveTimesToCarry(DeviceFacts d) {
        if (d.points.isEmpty()) {
            return d.carriedLiveTs;
        }
        Map<String, Long> times = new HashMap<>();
        for (PointFacts p : d.points.values()) {
            if (p.lastLiveTs != Long.MIN_VALUE) {
                times.put(p.name, p.lastLiveTs);
            }
        }
        return times;
    }

    /** Records a session change (edge node sessions are decided by the host). */
    /** Records a known platform gap with the next batch. */
    public void addGap(PlatformGap gap) {
        gaps.add(gap);
    }

    public void add(SessionOp op) {
        ops.add(op);
    }

    /** The node's device sessions end at {@code at}; every stream of their points ends there. */
    public void closeDevices(
            String group, String edgeNode, Collection<DeviceFacts> nodeDevices, long at, String reason) {
        boolean any = false;
        for (DeviceFacts d : nodeDevices) {
            if (d.sessionOpen) {
                d.sessionOpen = false;
                openDeviceSessions--;
                any = true;
            }
        }
        if (any) {
            ops.add(new SessionOp.CloseNodeDevices(group, edgeNode, at, reason));
        }
        for (DeviceFacts d : nodeDevices) {
            endHistory(d);
            endPoints(d, at);
        }
    }

    /** The session part of a DBIRTH: a previous session is superseded, a new one opens unless declared disconnected. */
    public void dbirthSession(DeviceFacts d, Payload payload, long ts) {
        if (d.sessionOpen) {
            ops.add(new SessionOp.CloseDevice(d.group, d.edgeNode, d.deviceId, ts, END_SUPERSEDED));
            d.sessionOpen = false;
            openDeviceSessions--;
        }
        if (!declaresDisconnected(payload)) {
            ops.add(new SessionOp.OpenDevice(d.group, d.edgeNode, d.deviceId, ts, false));
            d.sessionOpen = true;
            openDeviceSessions++;
        }
    }

    /** The declaration part of a DBIRTH: the previous points' streams end, the declared points replace them. */
    public void declare(DeviceFacts d, Payload payload, long ts, long now, DecodeErrors errors) {
        endPoints(d, ts);
        d.tracked = false;
        // a device declared again keeps its points' times; one new in this session takes what its last one counted
        Map<String, Long> carried = liveTimesToCarry(d);
        d.carriedLiveTs = Map.of();
        d.points.clear();
        d.declarations++;
        d.readsOk = 0;
        d.readsFailed = 0;
        for (Metric m : payload.getMetricsList()) {
            String name = m.getName();
            if (name.isEmpty()) {
                continue;
            }
            if (MetricNames.isHealthMetric(name) || MetricNames.BUFFER_LOST.equals(name)) {
                continue;
            }
            DataType type;
            try {
                type = DataType.fromCode(m.getDatatype());
            } catch (SparkplugException e) {
                errors.decodeError(
                        "DBIRTH " + d.group + "/" + d.edgeNode + "/" + d.deviceId + " metric " + name,
                        e.getMessage(),
                        now);
                continue;
            }
            Map<String, Object> props = m.hasProperties() ? Metrics.properties(m.getProperties()) : Map.of();
            String category = MetricValues.text(props.get(MetricNames.PROP_CATEGORY));
            PointFacts p = new PointFacts(
                    d.group,
                    d.deviceId,
                    name,
                    type,
                    category,
                    MetricValues.number(props.get(MetricNames.PROP_ENG_LOW)),
                    MetricValues.number(props.get(MetricNames.PROP_ENG_HIGH)),
                    ts);
            p.device = d;
            p.declaration = d.declarations;
            p.lastLiveTs = carried.getOrDefault(name, Long.MIN_VALUE);
            d.points.put(name, p);
            d.tracked |= p.kind != PointKind.OTHER;
            Double interval = MetricValues.number(props.get(MetricNames.PROP_INTERVAL_MS));
            declarations.add(new PointDeclaration(
                    d.group,
                    d.edgeNode,
                    d.deviceId,
                    name,
                    type.code(),
                    category,
                    MetricValues.text(props.get(MetricNames.PROP_UNIT)),
                    interval == null ? null : interval.longValue(),
                    p.engLow,
                    p.engHigh,
                    ts));
        }
    }

    /** A DBIRTH whose real-time {@code _health/connected} is false declares the device without a session. */
    private static boolean declaresDisconnected(Payload payload) {
        for (Metric m : payload.getMetricsList()) {
            if (MetricNames.HEALTH_CONNECTED.equals(m.getName())
                    && !m.getIsHistorical()
                    && m.hasBooleanValue()
                    && !m.getBooleanValue()) {
                return true;
            }
        }
        return false;
    }

    /** A DDEATH: the device session and its live streams end at {@code ts}. */
    public void ddeath(DeviceFacts d, long ts) {
        if (d.sessionOpen) {
            ops.add(new SessionOp.CloseDevice(d.group, d.edgeNode, d.deviceId, ts, END_DDEATH));
            d.sessionOpen = false;
            openDeviceSessions--;
        }
        endLive(d, ts);
    }

    /** The point the device's DBIRTH declared under {@code name}, or null. */
    public PointFacts point(DeviceFacts d, String name) {
        return d.points.get(name);
    }

    /**
     * The point the device's DBIRTH declared under the name {@code alias} stands for, or null: found by name once,
     * then kept with the alias ({@link HostSession.Alias#attach}) while it is the device's current declaration.
     */
    public PointFacts point(DeviceFacts d, HostSession.Alias alias) {
        if (alias.attachment() instanceof PointFacts p && p.device == d && p.declaration == d.declarations) {
            return p;
        }
        PointFacts p = d.points.get(alias.name());
        alias.attach(p);
        return p;
    }

    /**
     * A {@code _health/...} metric of the device (connectivity and read counters), or its {@code _buffer/lost}
     * (see {@link #bufferLost}).
     */
    public void health(DeviceFacts d, Metric m, String name, long ts) {
        if (MetricNames.BUFFER_LOST.equals(name)) {
            bufferLost(d, m, ts);
            return;
        }
        if (MetricNames.HEALTH_CONNECTED.equals(name)) {
            if (!m.hasBooleanValue()) {
                return;
            }
            if (m.getIsHistorical()) {
                historicalConnected(d, m.getBooleanValue(), ts);
                return;
            }
            if (m.getBooleanValue()) {
                if (!d.sessionOpen) {
                    ops.add(new SessionOp.OpenDevice(d.group, d.edgeNode, d.deviceId, ts, m.getIsHistorical()));
                    d.sessionOpen = true;
                    openDeviceSessions++;
                }
            } else if (d.sessionOpen) {
                ops.add(new SessionOp.CloseDevice(d.group, d.edgeNode, d.deviceId, ts, END_EDGE_REPORTED));
                d.sessionOpen = false;
                openDeviceSessions--;
                endLive(d, ts);
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
        if (m.getIsHistorical() && MetricValues.booleanProperty(m, MetricNames.PROP_INCREMENT)) {
            addReads(d, ok, value, ts);
            return;
        }
        long previous = ok ? d.readsOk : d.readsFailed;
        long increment = value >= previous ? value - previous : value; // a decrease is a counter reset
        if (ok) {
            d.readsOk = value;
        } else {
            d.readsFailed = value;
        }
        addReads(d, ok, increment, ts);
    }

    /**
     * A loss record of the edge agent's buffer (not a sample): records of the device created from {@code lost_from}
     * to the metric's timestamp were dropped, an {@link PlatformGap.Cause#EDGE_BUFFER_LOSS} gap. A value of 0 (the
     * DBIRTH declaration) is nothing; a missing or invalid {@code lost_from} gives a gap of the timestamp alone. The
     * caller passes a replayed duplicate (a record id already stored) on to nobody, so a record gives one gap.
     */
    private void bufferLost(DeviceFacts d, Metric m, long ts) {
        Object v = Metrics.value(m, DataType.INT64);
        if (!(v instanceof Number num) || num.longValue() <= 0) {
            return;
        }
        long count = num.longValue();
        long from = m.hasProperties() ? MetricValues.longProperty(m.getProperties(), MetricNames.PROP_LOST_FROM) : -1;
        if (from < 0 || from > ts) {
            from = ts;
        }
        addGap(new PlatformGap(
                PlatformGap.Cause.EDGE_BUFFER_LOSS,
                d.group,
                d.edgeNode,
                d.deviceId,
                Instant.ofEpochMilli(from),
                Instant.ofEpochMilli(ts + 1),
                count,
                "edge buffer overflow: " + count + " records dropped"));
    }

    private void addReads(DeviceFacts d, boolean ok, long increment, long ts) {
        if (increment <= 0) {
            return;
        }
        DeviceAgg agg =
                devices.computeIfAbsent(new Keys.DeviceKey(d.group, d.deviceId, Keys.minute(ts)), k -> new DeviceAgg());
        if (ok) {
            agg.addReadsOk(increment);
        } else {
            agg.addReadsFailed(increment);
        }
    }

    /**
     * Historical connectivity: a run of true values opens at the first true and ends at a false (its time), or,
     * when the next true is more than two health intervals later or the stream ends, at the last true plus one
     * health interval. The interval is the longest spacing of consecutive historical values of the device seen
     * so far that does not exceed {@link #HEALTH_MAX_INTERVAL_MS}, else that maximum.
     */
    private void historicalConnected(DeviceFacts d, boolean connected, long ts) {
        if (d.histSeen != Long.MIN_VALUE && ts > d.histSeen) {
            long spacing = ts - d.histSeen;
            if (spacing <= HEALTH_MAX_INTERVAL_MS) {
                d.histInterval = d.histInterval < 0 ? spacing : Math.max(d.histInterval, spacing);
            }
        }
        d.histSeen = Math.max(d.histSeen, ts);
        if (!connected) {
            for (PointFacts p : d.points.values()) {
                if (p.histTracked) {
                    endHistorical(p, ts);
                }
            }
            if (d.histOpen && ts >= d.histLast) {
                emitHistory(d, Math.max(ts, d.histFrom), END_EDGE_REPORTED);
                d.histOpen = false;
                historyOpen.remove(d);
            }
            return;
        }
        if (d.histOpen) {
            if (ts <= d.histLast) {
                return;
            }
            if (ts - d.histLast > 2 * d.interval()) {
                emitHistory(d, d.histLast + d.interval(), END_HISTORY_END);
            } else {
                d.histLast = ts;
                d.histTouched = true;
                return;
            }
        }
        d.histOpen = true;
        d.histFrom = ts;
        d.histLast = ts;
        d.histTouched = true;
        historyOpen.add(d);
    }

    private void emitHistory(DeviceFacts d, long to, String reason) {
        if (to > d.histFrom) {
            ops.add(new SessionOp.HistoricalDevice(d.group, d.edgeNode, d.deviceId, d.histFrom, to, reason));
        }
    }

    /** Ends a device's open historical run at its last true plus one interval (stream end). */
    private void endHistory(DeviceFacts d) {
        if (d.histOpen) {
            emitHistory(d, d.histLast + d.interval(), END_HISTORY_END);
            d.histOpen = false;
            historyOpen.remove(d);
        }
    }

    /**
     * At each flush, an open historical run is written up to its last true value (the next row continues from
     * there), so the record ids it consumed and the interval they describe are committed together. A run that got
     * no value during a whole flush interval has ended.
     */
    private void splitHistory() {
        if (historyOpen.isEmpty()) {
            return;
        }
        for (DeviceFacts d : List.copyOf(historyOpen)) {
            if (d.histTouched) {
                if (d.histLast > d.histFrom) {
                    emitHistory(d, d.histLast, END_HISTORY_PART);
                    d.histFrom = d.histLast;
                }
                d.histTouched = false;
            } else {
                endHistory(d);
            }
        }
    }

    /** A sample of a declared point (not a duplicate): rolled up and fed to the point's trackers. */
    public void sample(DeviceFacts d, PointFacts p, Metric m, long ts, long now) {
        long bucket = Keys.minute(ts);
        PointAgg agg;
        if (p.generation == generation && p.bucket == bucket) {
            agg = p.agg;
        } else {
            agg = points.computeIfAbsent(new Keys.PointKey(d.group, d.deviceId, p.name, bucket), k -> new PointAgg());
            p.agg = agg;
            p.bucket = bucket;
            p.generation = generation;
        }
        double value;
        Quality q;
        String rejected = rejection(p, m);
        if (rejected != null) {
            // stored as a bad sample, never silently as a good one
            rejections.rejected(rejected);
            value = Double.NaN;
            q = Quality.BAD;
        } else {
            value = MetricValues.numeric(m, p.type);
            q = quality(p, m, value);
        }
        boolean historical = m.getIsHistorical();
        if (!historical && ts > p.lastLiveTs) {
            p.lastLiveTs = ts;
        }
        if (sampleSink != null) {
            sampleSink.accept(new Sample(
                    d.group,
                    d.edgeNode,
                    d.deviceId,
                    p.name,
                    p.category,
                    p.type,
                    rejected == null ? Metrics.value(m, p.type) : null,
                    q,
                    ts,
                    historical));
        }
        agg.addSample(q == Quality.GOOD ? 0 : q == Quality.UNCERTAIN ? 1 : 2, historical);
        agg.addValue(value, ts);
        if (!historical && q == Quality.GOOD) {
            agg.addLatency(now - ts);
        }
        if (p.kind != PointKind.OTHER) {
            track(d, p, q == Quality.GOOD ? value : Double.NaN, ts, historical, agg, true);
        }
    }

    /**
     * A replayed duplicate of a declared point: not a sample again, but the value is still the predecessor of the
     * next counter value, and a DBIRTH value is what the point holds from the birth on.
     */
    public void duplicate(DeviceFacts d, PointFacts p, Metric m, long ts, boolean birth) {
        track(d, p, value(p, m), ts, m.getIsHistorical(), null, birth);
    }

    /** Why a sample breaks its point's declaration, or null: a datatype other than the DBIRTH's, a NaN or infinity. */
    private static String rejection(PointFacts p, Metric m) {
        if (m.hasDatatype() && m.getDatatype() != p.type.code()) {
            return REJECTED_DATATYPE;
        }
        switch (m.getValueCase()) {
            case FLOAT_VALUE -> {
                return Float.isFinite(m.getFloatValue()) ? null : REJECTED_NON_FINITE;
            }
            case DOUBLE_VALUE -> {
                return Double.isFinite(m.getDoubleValue()) ? null : REJECTED_NON_FINITE;
            }
            default -> {
                return null;
            }
        }
    }

    /** Quality after the engineering range check: a good value outside the declared range is bad. */
    private static Quality quality(PointFacts p, Metric m, double value) {
        Quality q = Metrics.quality(m);
        if (q == Quality.GOOD && !Double.isNaN(value)) {
            if ((p.engLow != null && value < p.engLow) || (p.engHigh != null && value > p.engHigh)) {
                q = Quality.BAD;
            }
        }
        return q;
    }

    /** The good numeric value of a metric, or NaN. */
    private static double value(PointFacts p, Metric m) {
        if (rejection(p, m) != null) {
            return Double.NaN;
        }
        double value = MetricValues.numeric(m, p.type);
        return quality(p, m, value) == Quality.GOOD ? value : Double.NaN;
    }

    /**
     * Feeds a value (NaN: bad or not numeric) to the point's counter, state and static-run trackers of its stream.
     *
     * @param agg the rollup the counter increase goes to; null when the value is not counted (a duplicate)
     * @param segments whether state segments and static runs follow the value (false for a replayed duplicate)
     */
    private void track(
            DeviceFacts d, PointFacts p, double value, long ts, boolean historical, PointAgg agg, boolean segments) {
        if (p.kind == PointKind.OTHER) {
            return;
        }
        if (historical) {
            p.histTouched = true;
            if (!p.histTracked) {
                p.histTracked = true;
                histPoints.add(p);
            }
        }
        if (p.kind == PointKind.COUNTER && !Double.isNaN(value)) {
            double increase = (historical ? p.histCounter : p.liveCounter).next(value, ts);
            if (agg != null) {
                agg.addIncrease(increase);
            }
        }
        if (!segments || (!historical && !d.sessionOpen)) {
            return;
        }
        if (p.kind == PointKind.STATE) {
            (historical ? p.histState : p.liveState).sample(value, ts, stateTime);
        } else {
            addRun((historical ? p.histStatic : p.liveStatic).sample(value, ts));
        }
    }

    private void addRun(StaticRun run) {
        if (run != null) {
            staticRuns.add(run);
        }
    }

    /** The live session of a device ended at {@code at}: its state segments and static runs end there. */
    private void endLive(DeviceFacts d, long at) {
        for (PointFacts p : d.points.values()) {
            if (p.kind == PointKind.STATE) {
                p.liveState.close(at, stateTime);
            } else if (p.kind != PointKind.OTHER) {
                addRun(p.liveStatic.close(at));
            }
        }
    }

    /**
     * The historical stream of a point ended: a state value holds until where the live stream started (or
     * {@code at} when earlier), a static run ends at its last sample or at {@code at}.
     */
    private void endHistorical(PointFacts p, long at) {
        if (p.kind == PointKind.STATE) {
            p.histState.close(at, stateTime);
        } else if (p.kind != PointKind.OTHER) {
            addRun(at == Long.MAX_VALUE ? p.histStatic.closeAtLast() : p.histStatic.close(at));
        }
        if (p.histTracked) {
            p.histTracked = false;
            histPoints.remove(p);
        }
    }

    /** A device's points are dropped (rebirth, node death): every stream of them ends at {@code at}. */
    private void endPoints(DeviceFacts d, long at) {
        endLive(d, at);
        for (PointFacts p : d.points.values()) {
            if (p.histTracked) {
                endHistorical(p, Long.MAX_VALUE);
            }
        }
    }

    /**
     * Before a flush: open historical runs are split, open live state segments are credited up to now (the next
     * credit continues from there), open static runs of at least a minute are written as they stand, and a
     * historical stream that got no value during a whole flush interval has ended.
     *
     * @param all every device of every edge node, in the host's order
     */
    public void prepareFlush(long now, Iterable<DeviceFacts> all) {
        splitHistory();
        for (DeviceFacts d : all) {
            if (!d.tracked) {
                continue;
            }
            for (PointFacts p : d.points.values()) {
                if (p.kind == PointKind.STATE) {
                    p.liveState.creditUpTo(now, stateTime);
                } else if (p.kind != PointKind.OTHER) {
                    addRun(p.liveStatic.openRunIfChanged());
                    addRun(p.histStatic.openRunIfChanged());
                }
            }
        }
        for (PointFacts p : List.copyOf(histPoints)) {
            if (p.histTouched) {
                p.histTouched = false;
            } else {
                endHistorical(p, Long.MAX_VALUE);
            }
        }
    }

    /** Everything gathered since the last batch, with {@code receipts}; gathering starts over. */
    public FactsBatch takeBatch(List<EdgeReceipt> receipts) {
        FactsBatch batch =
                new FactsBatch(ops, declarations, points, devices, receipts, stateTime.millis(), staticRuns, gaps);
        gaps = new ArrayList<>();
        stateTime = new StateTime();
        staticRuns = new ArrayList<>();
        ops = new ArrayList<>();
        declarations = new ArrayList<>();
        points = new HashMap<>();
        devices = new HashMap<>();
        generation++;
        return batch;
    }
}
