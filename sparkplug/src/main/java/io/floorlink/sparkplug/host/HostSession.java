package io.floorlink.sparkplug.host;

import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Quality;
import io.floorlink.sparkplug.Sequence;
import io.floorlink.sparkplug.SparkplugException;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Sparkplug B session rules a primary host applies to one edge node (specification 3.0, chapters 5 and 6),
 * without MQTT, threads or storage: NBIRTH/NDEATH with bdSeq, the seq expectation with a reorder window and gap
 * detection, metric aliases (unique across the node and its devices), the rebirth request throttle, and the live
 * state of every metric a birth declared (last value, quality, timestamp, STALE).
 *
 * <p>Not thread-safe: one owner thread (the host's processing thread) calls everything; {@link #view} copies.
 *
 * @param <M> the caller's message type held while waiting for a missing seq
 */
public final class HostSession<M> {
    /** Most metrics whose live state is kept per edge node (node and devices); births beyond it are not tracked. */
    public static final int MAX_LIVE_METRICS = 100_000;
    /** Most devices tracked per edge node. */
    public static final int MAX_DEVICES = 10_000;

    /** What an NBIRTH did. */
    public enum Birth {
        /** a session is open with the NBIRTH's bdSeq */
        OPENED,
        /** no bdSeq metric, or one that is not an integer: no session, a rebirth is due */
        REFUSED_NO_BDSEQ
    }

    /** Where a sequenced message stands. */
    public enum Order {
        /** process it now (in order, or the node is not sequenced yet), then {@link #pollInOrder} */
        NEXT,
        /** kept until the missing seq arrives or the reorder timeout gives the gap up */
        HELD,
        /** behind the expected seq (its gap was given up, or a duplicate): process it, counted as late */
        LATE
    }

    private final String groupId;
    private final String edgeNodeId;
    private final long reorderTimeoutMs;
    private final long rebirthMinIntervalMs;

    private boolean born;
    private Long bdSeq;
    private Long lastBirth;
    private Long lastDeath;
    private int expectedSeq = -1;
    private final Object[] held = new Object[Sequence.MODULUS];
    private int heldCount;
    private long heldSince;
    private long lastRebirthRequest = Long.MIN_VALUE / 2;

    /** alias -> owner (null key part for the node) and name; aliases are unique across node and devices. */
    private final AliasTable aliases = new AliasTable();

    private final Owner node = new Owner();
    private final Map<String, Owner> devices = new LinkedHashMap<>();
    private int liveCount;

    /**
     * What an alias stands for in this session: the metric's name, its live state and a slot where the caller keeps
     * its own state of the metric (the gateway keeps its point there), so a DATA metric sent by alias costs one array
     * lookup instead of lookups by name. Every birth that declares an alias makes a new one, so the slot starts
     * empty for every declaration. Confined to the thread that uses the session.
     */
    public static final class Alias {
        private final String deviceId;
        private final String name;
        /** null when the metric is not tracked live (unknown datatype, live metric limit) */
        private LiveMetric live;

        private Object attachment;

        private Alias(String deviceId, String name) {
            this.deviceId = deviceId;
            this.name = name;
        }

        /** The metric's name as its birth declared it. */
        public String name() {
            return name;
        }

        /** What the caller attached to this declaration of the alias, or null. */
        public Object attachment() {
            return attachment;
        }

        /** Keeps {@code value} with this declaration of the alias (a rebirth starts over with none); nullable. */
        public void attach(Object value) {
            this.attachment = value;
        }
    }

    /**
     * Alias to target without boxing the alias on every lookup (once per DATA metric): the small dense aliases edges
     * hand out (1, 2, 3, ...) in an array at most about four times as long as the aliases declared, any other in a
     * map. An alias below the array's length is never in the map.
     */
    private static final class AliasTable {
        private Alias[] dense = new Alias[0];
        private final Map<Long, Alias> sparse = new HashMap<>();
        private int size;

        Alias get(long alias) {
            if (alias >= 0 && alias < dense.length) {
                return dense[(int) alias];
            }
            return sparse.get(alias);
        }

        void put(long alias, Alias target) {
            if (alias >= 0 && alias >= dense.length && alias < 4L * (size + 1) + 64) {
                int length = (int) Math.min(Math.max(alias + 1, dense.length * 2L), 4L * (size + 1) + 64);
                Alias[] grown = Arrays.copyOf(dense, length);
                for (Iterator<Map.Entry<Long, Alias>> it = sparse.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<Long, Alias> e = it.next();
                    long a = e.getKey();
                    if (a >= 0 && a < length) {
                        grown[(int) a] = e.getValue();
                        it.remove();
                    }
                }
                dense = grown;
            }
            if (alias >= 0 && alias < dense.length) {
                if (dense[(int) alias] == null) {
                    size++;
                }
                dense[(int) alias] = target;
            } else if (sparse.put(alias, target) == null) {
                size++;
            }
        }

        void removeDevice(String deviceId) {
            for (int i = 0; i < dense.length; i++) {
                if (dense[i] != null && deviceId.equals(dense[i].deviceId)) {
                    dense[i] = null;
                    size--;
                }
            }
            int before = sparse.size();
            sparse.values().removeIf(t -> deviceId.equals(t.deviceId));
            size -= before - sparse.size();
        }

        void clear() {
            dense = new Alias[0];
            sparse.clear();
            size = 0;
        }
    }

    /** {@link LiveMetric#value} of a Double value kept unboxed in {@link LiveMetric#number}. */
    private static final Object UNBOXED_DOUBLE = new Object();
    /** {@link LiveMetric#value} of a Float value kept unboxed in {@link LiveMetric#number}. */
    private static final Object UNBOXED_FLOAT = new Object();

    private static final class LiveMetric {
        final String name;
        final DataType type;
        /** the value, or {@link #UNBOXED_DOUBLE} / {@link #UNBOXED_FLOAT}: then it is {@link #number} */
        Object value;

        double number;
        Quality quality = Quality.GOOD;
        long timestamp;
        boolean stale;

        LiveMetric(String name, DataType type) {
            this.name = name;
            this.type = type;
        }
    }

    private static final class Owner {
        final Map<String, LiveMetric> metrics = new LinkedHashMap<>();
        boolean online;
        boolean stale;
    }

    /**
     * @param reorderTimeoutMs how long a message ahead of a missing seq is held before the gap is given up
     * @param rebirthMinIntervalMs least time between two rebirth requests to this node
     */
    public HostSession(String groupId, String edgeNodeId, long reorderTimeoutMs, long rebirthMinIntervalMs) {
        this.groupId = groupId;
        this.edgeNodeId = edgeNodeId;
        this.reorderTimeoutMs = reorderTimeoutMs;
        this.rebirthMinIntervalMs = rebirthMinIntervalMs;
    }

    public String groupId() {
        return groupId;
    }

    public String edgeNodeId() {
        return edgeNodeId;
    }

    /** Whether a session (accepted NBIRTH, no matching NDEATH since) is open. */
    public boolean isBorn() {
        return born;
    }

    /** The bdSeq of the open (or last) session, null before the first accepted NBIRTH. */
    public Long bdSeq() {
        return bdSeq;
    }

    /**
     * The bdSeq metric of a birth or death payload: an integer datatype and an integer value, else null.
     * (tck-id {@code payloads-ndeath-bdseq}, {@code payloads-nbirth-bdseq})
     */
    public static Long bdSeqOf(Payload payload) {
        for (Metric m : payload.getMetricsList()) {
            if (!MetricNames.BD_SEQ.equals(m.getName())) {
                continue;
            }
            if (m.getIsNull()) {
                return null;
            }
            if (m.hasDatatype()) {
                DataType t;
                try {
                    t = DataType.fromCode(m.getDatatype());
                } catch (SparkplugException e) {
                    return null;
                }
                if (!isInteger(t)) {
                    return null;
                }
            }
            return switch (m.getValueCase()) {
                case INT_VALUE -> Integer.toUnsignedLong(m.getIntValue());
                case LONG_VALUE -> m.getLongValue();
                default -> null;
            };
        }
        return null;
    }

    private static boolean isInteger(DataType t) {
        return switch (t) {
            case INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64 -> true;
            default -> false;
        };
    }

    /**
     * An NBIRTH: with a valid bdSeq it opens a new session (a previous one ends: its devices go offline, their
     * metrics and aliases are dropped), sets the seq expectation from the NBIRTH's seq and records the node
     * metrics it declares. Without one it is refused and nothing changes; the caller asks for a rebirth.
     *
     * @param at epoch milliseconds (host clock) of the birth
     */
    public Birth nbirth(Payload payload, long at) {
        Long seqOf = bdSeqOf(payload);
        if (seqOf == null) {
            return Birth.REFUSED_NO_BDSEQ;
        }
        born = true;
        bdSeq = seqOf;
        lastBirth = at;
        clearHeldUnsafe();
        expectedSeq = payload.hasSeq() ? Sequence.next(Sequence.check(payload.getSeq())) : -1;
        aliases.clear();
        devices.clear();
        node.metrics.clear();
        liveCount = 0;
        node.online = true;
        node.stale = false;
        declare(null, node, payload);
        return Birth.OPENED;
    }

    /**
     * An NDEATH: when its bdSeq matches the open session's, the session ends and every metric of the node and its
     * devices becomes STALE (tck-ids {@code
     * operational-behavior-edge-node-termination-host-action-ndeath-node-tags-stale}, {@code
     * ...-ndeath-devices-tags-stale}).
     *
     * @return false when it does not match (no session, no bdSeq, another bdSeq): a stale will, ignored
     */
    public boolean ndeath(Payload payload, long at) {
        Long seqOf = bdSeqOf(payload);
        if (!born || seqOf == null || !seqOf.equals(bdSeq)) {
            return false;
        }
        born = false;
        expectedSeq = -1;
        lastDeath = at;
        node.online = false;
        markStale(node);
        for (Owner d : devices.values()) {
            d.online = false;
            markStale(d);
        }
        return true;
    }

    /**
     * A DBIRTH of a born node: the device is online, its previous aliases and metrics are replaced by the ones
     * declared here.
     *
     * @return false when the node is not born or the device limit is reached (nothing recorded)
     */
    public boolean dbirth(String deviceId, Payload payload, long at) {
        if (!born) {
            return false;
        }
        Owner d = devices.get(deviceId);
        if (d == null) {
            if (devices.size() >= MAX_DEVICES) {
                return false;
            }
            d = new Owner();
            devices.put(deviceId, d);
        } else {
            liveCount -= d.metrics.size();
            d.metrics.clear();
            aliases.removeDevice(deviceId);
        }
        d.online = true;
        d.stale = false;
        declare(deviceId, d, payload);
        return true;
    }

    /**
     * A DDEATH: the device is offline and every metric of it STALE (tck-id {@code
     * operational-behavior-edge-node-termination-host-action-ddeath-devices-tags-stale}).
     *
     * @return false for a device this session does not know
     */
    public boolean ddeath(String deviceId, long at) {
        Owner d = devices.get(deviceId);
        if (d == null) {
            return false;
        }
        d.online = false;
        markStale(d);
        return true;
    }

    /** Whether the device had a DBIRTH in this session and no DDEATH since. */
    public boolean isDeviceOnline(String deviceId) {
        Owner d = devices.get(deviceId);
        return born && d != null && d.online;
    }

    private static void markStale(Owner o) {
        o.stale = true;
        for (LiveMetric m : o.metrics.values()) {
            m.stale = true;
        }
    }

    private void declare(String deviceId, Owner owner, Payload payload) {
        long payloadTs = payload.hasTimestamp() ? payload.getTimestamp() : 0;
        for (Metric m : payload.getMetricsList()) {
            String name = m.getName();
            if (name.isEmpty()) {
                continue;
            }
            Alias alias = null;
            if (m.hasAlias()) {
                alias = new Alias(deviceId, name);
                alias.live = owner.metrics.get(name);
                aliases.put(m.getAlias(), alias);
            }
            if (liveCount >= MAX_LIVE_METRICS || owner.metrics.containsKey(name)) {
                continue;
            }
            DataType type;
            try {
                type = DataType.fromCode(m.getDatatype());
            } catch (SparkplugException e) {
                continue;
            }
            LiveMetric lm = new LiveMetric(name, type);
            owner.metrics.put(name, lm);
            if (alias != null) {
                alias.live = lm;
            }
            liveCount++;
            set(lm, m, m.hasTimestamp() ? m.getTimestamp() : payloadTs);
        }
    }

    /**
     * The metric name an alias stands for, for a metric of {@code deviceId} (null: the node).
     *
     * @return null when the alias is not declared by that node's or device's birth
     */
    public String resolveAlias(String deviceId, long alias) {
        Alias t = alias(deviceId, alias);
        return t == null ? null : t.name;
    }

    /**
     * What an alias stands for, for a metric of {@code deviceId} (null: the node): its name, live state and the
     * caller's slot ({@link Alias#attach}).
     *
     * @return null when the alias is not declared by that node's or device's birth
     */
    public Alias alias(String deviceId, long alias) {
        Alias t = aliases.get(alias);
        if (t == null) {
            return null;
        }
        return deviceId == null ? (t.deviceId == null ? t : null) : deviceId.equals(t.deviceId) ? t : null;
    }

    /**
     * A live (not historical) value of the metric an alias of this session stands for ({@link #alias}); the same as
     * {@link #update(String, String, Metric, long)} without looking the metric up by name.
     *
     * @return false when the metric is not tracked live
     */
    public boolean update(Alias alias, Metric metric, long ts) {
        LiveMetric lm = alias.live;
        if (lm == null) {
            return false;
        }
        set(lm, metric, ts);
        return true;
    }

    /**
     * A live (not historical) value of a metric a birth declared; others are ignored.
     *
     * @param deviceId null for a node metric
     * @param name the metric's name (aliases already resolved)
     * @param ts epoch milliseconds of the value
     * @return false when the metric is not declared (or not tracked)
     */
    public boolean update(String deviceId, String name, Metric metric, long ts) {
        Owner o = deviceId == null ? node : devices.get(deviceId);
        if (o == null) {
            return false;
        }
        LiveMetric lm = o.metrics.get(name);
        if (lm == null) {
            return false;
        }
        set(lm, metric, ts);
        return true;
    }

    private static void set(LiveMetric lm, Metric m, long ts) {
        DataType t = lm.type;
        if (m.hasDatatype() && m.getDatatype() != t.code()) {
            try {
                t = DataType.fromCode(m.getDatatype());
            } catch (SparkplugException e) {
                return;
            }
        }
        // most live values are floating point: kept without boxing one object per sample
        if (!m.getIsNull() && m.getValueCase() == Metric.ValueCase.DOUBLE_VALUE) {
            lm.number = m.getDoubleValue();
            lm.value = UNBOXED_DOUBLE;
        } else if (!m.getIsNull() && m.getValueCase() == Metric.ValueCase.FLOAT_VALUE) {
            lm.number = m.getFloatValue();
            lm.value = UNBOXED_FLOAT;
        } else {
            lm.value = Metrics.value(m, t);
        }
        lm.quality = Metrics.quality(m);
        lm.timestamp = ts;
        lm.stale = false;
    }

    /**
     * Places a message that carries a seq. Messages of a node that is not born, or has no seq expectation yet
     * (its NBIRTH had none), are {@link Order#NEXT}; the first seq seen then sets the expectation.
     *
     * @param seq the payload's seq, 0..255; null when the payload has none (always NEXT)
     */
    public Order order(Long seq, M message, long now) {
        if (!born || seq == null || expectedSeq < 0) {
            if (born && seq != null && expectedSeq < 0) {
                expectedSeq = Sequence.next(Sequence.check(seq));
            }
            return Order.NEXT;
        }
        int s = (int) Sequence.check(seq);
        int ahead = Math.floorMod(s - expectedSeq, Sequence.MODULUS);
        if (ahead == 0) {
            expectedSeq = Sequence.next(s);
            return Order.NEXT;
        }
        if (ahead < Sequence.MODULUS / 2 && held[s] == null) {
            held[s] = message;
            if (heldCount++ == 0) {
                heldSince = now;
            }
            return Order.HELD;
        }
        return Order.LATE;
    }

    /** The next held message that now follows in seq order, or null; the expectation moves past it. */
    @SuppressWarnings("unchecked")
    public M pollInOrder(long now) {
        if (heldCount == 0 || expectedSeq < 0) {
            return null;
        }
        Object h = held[expectedSeq];
        if (h == null) {
            // the next gap's wait starts now
            heldSince = now;
            return null;
        }
        held[expectedSeq] = null;
        expectedSeq = Sequence.next(expectedSeq);
        heldCount--;
        return (M) h;
    }

    /**
     * The next held message in seq order from the expected one, skipping missing seqs (the gap is given up), or
     * null when none is held.
     */
    @SuppressWarnings("unchecked")
    public M pollSkippingGaps() {
        if (heldCount == 0) {
            return null;
        }
        int start = Math.max(expectedSeq, 0);
        for (int i = 0; i < Sequence.MODULUS; i++) {
            int s = (start + i) % Sequence.MODULUS;
            Object h = held[s];
            if (h != null) {
                held[s] = null;
                expectedSeq = Sequence.next(s);
                heldCount--;
                return (M) h;
            }
        }
        heldCount = 0;
        return null;
    }

    private void clearHeldUnsafe() {
        Arrays.fill(held, null);
        heldCount = 0;
    }

    /** How many messages wait for a missing seq. */
    public int heldCount() {
        return heldCount;
    }

    /** The seq the session expects next, -1 when none (not born or not sequenced yet). */
    public int expectedSeq() {
        return expectedSeq;
    }

    /**
     * When the current gap is given up (epoch milliseconds), {@link Long#MAX_VALUE} when nothing is held. At or after
     * it, the caller drains with {@link #pollSkippingGaps} and asks for a rebirth.
     */
    public long gapDeadline() {
        return heldCount == 0 ? Long.MAX_VALUE : heldSince + reorderTimeoutMs;
    }

    /** Since when (epoch milliseconds) the oldest unfilled gap waits; meaningful while {@link #heldCount} > 0. */
    public long heldSince() {
        return heldSince;
    }

    /**
     * Whether a rebirth request may go out now (at most one per {@code rebirthMinIntervalMs}); true records it as
     * sent.
     */
    public boolean rebirthDue(long now) {
        if (now - lastRebirthRequest < rebirthMinIntervalMs) {
            return false;
        }
        lastRebirthRequest = now;
        return true;
    }

    /** A copy of the node's live state. */
    public LiveView.Node view() {
        List<LiveView.Device> ds = new ArrayList<>(devices.size());
        devices.forEach((id, d) -> ds.add(new LiveView.Device(id, born && d.online, d.stale, metricsOf(d))));
        return new LiveView.Node(groupId, edgeNodeId, born, bdSeq, lastBirth, lastDeath, metricsOf(node), ds);
    }

    private static List<LiveView.Metric> metricsOf(Owner o) {
        List<LiveView.Metric> out = new ArrayList<>(o.metrics.size());
        for (LiveMetric m : o.metrics.values()) {
            Object value = m.value == UNBOXED_DOUBLE
                    ? (Object) m.number
                    : m.value == UNBOXED_FLOAT ? (Object) (float) m.number : m.value;
            out.add(new LiveView.Metric(m.name, m.type.name(), value, m.quality, m.timestamp, m.stale));
        }
        return out;
    }
}
