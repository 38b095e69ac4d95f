package io.floorlink.gateway.facts;

import io.floorlink.sparkplug.DataType;

/**
 * The fact state of one point declared in a DBIRTH: its contract (datatype, engineering range, kind), the rollup
 * it currently adds to and its counter, state and static-run trackers (live and historical stream). Confined to
 * the processing thread.
 */
public final class PointFacts {
    final String name;
    final DataType type;
    /** the {@code category} property of the declaration, nullable */
    final String category;

    final Double engLow;
    final Double engHigh;
    final PointKind kind;
    PointAgg agg;
    long bucket = Long.MIN_VALUE;
    int generation = -1;
    final CounterTracker liveCounter = new CounterTracker();
    final CounterTracker histCounter = new CounterTracker();
    final StateTracker liveState;
    final StateTracker histState;
    final StaticRunTracker liveStatic;
    final StaticRunTracker histStatic;
    /**
     * Timestamp (epoch ms) of the newest live sample counted for this point name in this process, carried over from
     * the device's previous declaration; {@link Long#MIN_VALUE} when none.
     */
    long lastLiveTs = Long.MIN_VALUE;

    boolean histTracked;
    boolean histTouched;
    /** the device and its declaration ({@link DeviceFacts#declarations}) this point was declared in */
    DeviceFacts device;

    int declaration;

    /** @param birthAt the DBIRTH time: live facts start there, historical ones end there */
    PointFacts(
            String groupId,
            String deviceId,
            String name,
            DataType type,
            String category,
            Double engLow,
            Double engHigh,
            long birthAt) {
        this.name = name;
        this.type = type;
        this.category = category;
        PointKind kind = PointKind.of(category);
        this.engLow = engLow;
        this.engHigh = engHigh;
        this.kind = kind;
        boolean state = kind == PointKind.STATE;
        boolean runs = kind == PointKind.COUNTER || kind == PointKind.STATIC;
        liveState = state ? new StateTracker(groupId, deviceId, name, birthAt, Long.MAX_VALUE) : null;
        histState = state ? new StateTracker(groupId, deviceId, name, Long.MIN_VALUE, birthAt) : null;
        liveStatic = runs ? new StaticRunTracker(groupId, deviceId, name, birthAt) : null;
        histStatic = runs ? new StaticRunTracker(groupId, deviceId, name, Long.MIN_VALUE) : null;
    }

    /** The point (metric) name. */
    public String name() {
        return name;
    }

    /** The datatype its DBIRTH declared. */
    public DataType type() {
        return type;
    }

    /**
     * Whether a DBIRTH value without a record id at {@code ts} repeats a live sample already counted: not newer than
     * the newest one (a DBIRTH repeats the point's current value; without its rid, after a failed buffer commit or a
     * new buffer epoch, only its timestamp tells it from a new sample).
     */
    public boolean repeatsCountedSample(long ts) {
        return ts <= lastLiveTs;
    }

    /** The {@code category} property its DBIRTH declared, null when none. */
    public String category() {
        return category;
    }
}
