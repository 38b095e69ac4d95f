package io.floorlink.collector.indicators;

import io.floorlink.collector.indicators.FactsReader.Declaration;
import io.floorlink.collector.indicators.FactsReader.PointAgg;
import io.floorlink.collector.indicators.FactsReader.Reads;
import io.floorlink.collector.indicators.FactsReader.SessionFact;
import io.floorlink.collector.indicators.FactsReader.StaticRun;
import io.floorlink.collector.inventory.Equipment;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.PointRequirement;
import io.floorlink.collector.profiles.Profile;
import io.floorlink.collector.profiles.Profile.CountMap;
import io.floorlink.collector.profiles.Profile.MachineState;
import io.floorlink.collector.profiles.Profile.StateMap;
import io.floorlink.gateway.facts.FactsSchema;
import io.floorlink.sparkplug.Category;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The formulas of INDICATORS.md over facts already read; pure computation, no I/O. */
final class IndicatorEngine {
    static final String ONLINE_RATIO = "online_ratio.v1";
    static final String POINT_COVERAGE = "point_coverage.v1";
    static final String COMPLETENESS = "completeness.v1";
    static final String NETWORKED = "networked.v1";
    static final String READ_SUCCESS = "read_success.v1";
    static final String LATENCY = "latency_percentile.v1";
    static final String CLOCK_SKEW = "clock_skew.v1";
    static final String GOOD_RATIO = "good_ratio.v1";
    static final String FROZEN_RATIO = "frozen_ratio.v1";
    static final String POWER_ON_RATIO = "power_on_ratio.v1";
    static final String RUN_RATIO = "run_ratio.v1";
    static final String UTILISATION = "utilisation.v1";
    static final String FAULT_RATIO = "fault_ratio.v1";
    static final String OEE = "oee.iso22400.v1";
    static final String OEE_AVAILABILITY = "oee.availability.v1";
    static final String OEE_PERFORMANCE = "oee.performance.v1";
    static final String OEE_QUALITY = "oee.quality.v1";
    static final String NETWORKING_RATE = "networking_rate.v1";
    static final String NETWORKING_RATE_DIGITAL = "networking_rate.digital_denominator.v1";
    static final String KEY_NETWORKING_RATE = "key_networking_rate.v1";
    static final String DIGITALIZATION_RATE = "digitalization_rate.v1";
    static final String SCOPE_ONLINE_RATIO = "online_ratio.scope_time_weighted.v1";
    static final String SCOPE_COMPLETENESS = "completeness.scope_time_weighted.v1";
    static final String SCOPE_GOOD_RATIO = "good_ratio.scope_time_weighted.v1";
    static final String UPLINK_AVAILABILITY = "uplink_availability.v1";

    /** Absorbs floating-point noise when comparing a ratio with a threshold (0.9 stays >= 0.9). */
    private static final double EPSILON = 1e-9;

    private final Profile profile;
    private final Thresholds thresholds;
    private final Map<Category, Duration> maxStatic;

    IndicatorEngine(Profile profile) {
        this.profile = profile;
        this.thresholds = profile.thresholds();
        this.maxStatic = profile.maxStaticByCategory();
    }

    Profile profile() {
        return profile;
    }

    /** Facts of one equipment over S, already read. */
    record EquipmentFacts(
            List<SessionFact> sessions,
            Map<String, PointAgg> points,
            Reads reads,
            Map<String, Map<Double, Double>> stateMillis,
            List<StaticRun> staticRuns,
            Map<String, Declaration> declarations,
            Map<String, Double> counterRunningFrozenMillis,
            String rollups,
            List<EquipmentIndicators.GapFlag> gaps,
            List<Interval> reportedMinutes) {
        static EquipmentFacts sessionsOnly(List<SessionFact> sessions) {
            return new EquipmentFacts(
                    sessions, Map.of(), null, Map.of(), List.of(), Map.of(), Map.of(), "", List.of(), List.of());
        }
    }

    /**
     * Figures of one equipment.
     *
     * @param f its facts: sessions overlapping W (open ones run to min(now, W.end)), rollups over S, static runs
     */
    EquipmentIndicators evaluate(
            Inventory inventory, Equipment e, ScheduledTime s, EquipmentFacts f, Instant now, boolean withEvidence) {
        Map<String, Object> basis = Map.of("scheduled_time", s.basis());
        double scheduled = seconds(s.length());
        List<SessionFact> sessions = f.sessions();

        Instant openEnd = Interval.min(now, s.window().end());
        List<Interval> connected = new ArrayList<>();
        List<EquipmentIndicators.Session> sessionEvidence = new ArrayList<>();
        for (SessionFact sf : sessions) {
            Instant end = sf.disconnectedAt() != null ? sf.disconnectedAt() : Interval.max(sf.connectedAt(), openEnd);
            connected.add(new Interval(sf.connectedAt(), end));
            sessionEvidence.add(new EquipmentIndicators.Session(
                    sf.edgeNodeId(), sf.connectedAt(), sf.disconnectedAt(), sf.endReason(), sf.historical(), end));
        }
        double online = seconds(s.overlap(connected));
        TrustedTime trusted = trustedTime(s, f, connected);
        double known = Math.max(0, scheduled - trusted.notKnownSeconds);
        Map<String, Object> knownBasis = basis;
        String knownLabel = "scheduled time |S(e,W)|";
        if (trusted.notKnownSeconds > 0) {
            knownBasis = new LinkedHashMap<>(basis);
            knownBasis.put("not_known_s", trusted.notKnownSeconds);
            knownLabel = "scheduled time |S(e,W)| minus time not known (platform gaps without facts of the equipment)";
        }
        Figure onlineRatio = Figure.ratio(
                ONLINE_RATIO,
                online,
                known,
                knownLabel,
                "s",
                knownBasis,
                false,
                scheduled > 0
                        ? "not known: platform gaps cover all of S " + trusted.causes
                        : "scheduled time is empty");
        if (onlineRatio.value() != null && sessions.isEmpty()) {
            onlineRatio = onlineRatio.withReason("no device_session facts overlap the window");
        }

        List<PointRequirement> required = e.points();
        List<String> missing = new ArrayList<>();
        List<EquipmentIndicators.Point> pointEvidence = new ArrayList<>();
        Map<String, List<Interval>> frozenParts = frozenParts(e, s, f.staticRuns());
        Map<String, Double> frozenSeconds = new LinkedHashMap<>();
        double expected = 0;
        for (PointRequirement p : required) {
            PointAgg agg = f.points().getOrDefault(p.id(), PointAgg.EMPTY);
            double g = agg.good();
            double exp = known * 1000.0 / p.interval().toMillis();
            expected += exp;
            if (g <= 0) {
                missing.add(p.id());
            }
            double frozen = 0;
            if (maxStatic.containsKey(p.category())) {
                frozen = p.category() == Category.COUNTER
                        ? f.counterRunningFrozenMillis().getOrDefault(p.id(), 0.0) / 1000.0
                        : sumSeconds(frozenParts.getOrDefault(p.id(), List.of()));
                frozenSeconds.put(p.id(), frozen);
            }
            Declaration d = f.declarations().get(p.id());
            pointEvidence.add(new EquipmentIndicators.Point(
                    p.id(),
                    p.category().wireName(),
                    p.interval().toMillis(),
                    g,
                    g > 0,
                    exp,
                    agg.samples(),
                    agg.bad(),
                    agg.outOfRangeBuckets(),
                    d == null ? null : d.engLow(),
                    d == null ? null : d.engHigh(),
                    frozen,
                    agg.increase()));
        }
        Figure coverage;
        if (s.isEmpty()) {
            coverage = Figure.ratio(
                    POINT_COVERAGE, 0L, 0L, "required points", "points", basis, false, "scheduled time is empty");
        } else {
            coverage = Figure.ratio(
                    POINT_COVERAGE,
                    (long) (required.size() - missing.size()),
                    (long) required.size(),
                    "required points",
                    "points",
                    basis,
                    false,
                    "no required points in the inventory");
            if (!missing.isEmpty()) {
                coverage = coverage.withReason("no good sample in S for " + missing);
            }
        }

        Reads reads = f.reads();
        double ok = reads == null ? 0 : reads.ok();
        double failed = reads == null ? 0 : reads.failed();
        Figure completeness = Figure.ratio(
                COMPLETENESS,
                ok,
                expected,
                trusted.notKnownSeconds > 0
                        ? "expected reads = sum over required points of (|S| minus time not known)/interval"
                        : "expected reads = sum over required points of |S|/interval",
                "reads",
                knownBasis,
                false,
                required.isEmpty()
                        ? "no required points in the inventory"
                        : scheduled > 0
                                ? "not known: platform gaps cover all of S " + trusted.causes
                                : "scheduled time is empty");
        if (completeness.value() != null && completeness.value() > 1) {
            completeness = new Figure(
                    1.0,
                    COMPLETENESS,
                    ok,
                    expected,
                    completeness.denominatorLabel(),
                    "reads",
                    knownBasis,
                    false,
                    "capped at 1: more reads than expected");
        } else if (completeness.value() != null && reads == null) {
            completeness = completeness.withReason("no device_minute facts (reads_ok) in the window");
        }
        Figure readSuccess = Figure.ratio(
                READ_SUCCESS,
                ok,
                ok + failed,
                "reads attempted in S (reads_ok + reads_failed)",
                "reads",
                basis,
                false,
                "no reads in S");

        PointAgg all = PointAgg.EMPTY;
        for (PointRequirement p : required) {
            all = all.plus(f.points().getOrDefault(p.id(), PointAgg.EMPTY));
        }
        Figure[] latency = latency(all.latency(), basis);
        EquipmentIndicators.Flag clockSkew = clockSkew(all.latency());
        Figure goodRatio = goodRatio(required, f.points(), basis);
        Figure frozenRatio = frozenRatio(frozenSeconds, scheduled, basis);

        StateTime st = stateTime(e, s, f.stateMillis());
        Figure powerOn;
        Figure runRatio;
        Figure utilisation;
        Figure faultRatio;
        Map<String, Object> stateBasis = new LinkedHashMap<>(basis);
        if (st.reason != null) {
            powerOn = Figure.notMeasurable(POWER_ON_RATIO, "scheduled time |S(e,W)|", "s", stateBasis, st.reason);
            runRatio = Figure.notMeasurable(RUN_RATIO, "time not off", "s", stateBasis, st.reason);
            utilisation = Figure.notMeasurable(UTILISATION, "scheduled time |S(e,W)|", "s", stateBasis, st.reason);
            faultRatio = Figure.notMeasurable(FAULT_RATIO, "scheduled time |S(e,W)|", "s", stateBasis, st.reason);
        } else {
            stateBasis.put("state_point", st.point);
            stateBasis.put("state_map", e.type());
            stateBasis.put("not_connected", "counts as off");
            double on = scheduled - st.seconds.get(MachineState.OFF.wireName());
            double running = st.seconds.get(MachineState.RUNNING.wireName());
            powerOn = Figure.ratio(
                    POWER_ON_RATIO, on, scheduled, "scheduled time |S(e,W)|", "s", stateBasis, false, "S is empty");
            runRatio = Figure.ratio(
                    RUN_RATIO, running, on, "time not off in S", "s", stateBasis, false, "the equipment was never on");
            utilisation = Figure.ratio(
                    UTILISATION,
                    running,
                    scheduled,
                    "scheduled time |S(e,W)| (= power_on_ratio × run_ratio)",
                    "s",
                    stateBasis,
                    false,
                    "S is empty");
            faultRatio = Figure.ratio(
                    FAULT_RATIO,
                    st.seconds.get(MachineState.FAULT.wireName()),
                    scheduled,
                    "scheduled time |S(e,W)|",
                    "s",
                    stateBasis,
                    false,
                    "S is empty");
        }
        EquipmentIndicators.Oee oee = oee(e, scheduled, st, f.points(), basis);

        List<EquipmentIndicators.Counter> counters = new ArrayList<>();
        for (PointRequirement p : required) {
            if (p.category() == Category.COUNTER || p.category() == Category.ENERGY) {
                counters.add(new EquipmentIndicators.Counter(
                        p.id(),
                        p.category().wireName(),
                        f.points().getOrDefault(p.id(), PointAgg.EMPTY).increase()));
            }
        }

        Networked networked = networked(onlineRatio, coverage, completeness, basis);
        EquipmentIndicators.Evidence evidence = withEvidence
                ? new EquipmentIndicators.Evidence(
                        s.intervals(),
                        f.rollups(),
                        sessionEvidence,
                        pointEvidence,
                        ok,
                        failed,
                        expected,
                        st.reason == null ? st.seconds : Map.of(),
                        st.map,
                        frozenParts,
                        null)
                : null;
        return new EquipmentIndicators(
                e.id(),
                e.name(),
                e.type(),
                inventory.siteOf(e).id(),
                inventory.workshopOf(e).id(),
                e.line(),
                e.production(),
                e.digital(),
                e.key(),
                scheduled,
                onlineRatio,
                coverage,
                completeness,
                networked,
                readSuccess,
                latency[0],
                latency[1],
                latency[2],
                clockSkew,
                goodRatio,
                frozenRatio,
                powerOn,
                runRatio,
                utilisation,
                faultRatio,
                oee,
                counters,
                trusted.notKnownSeconds,
                trusted.flags,
                evidence);
    }

    private static final class TrustedTime {
        double notKnownSeconds;
        final java.util.Set<String> causes = new java.util.TreeSet<>();
        List<EquipmentIndicators.GapFlag> flags = List.of();
    }

    /**
     * The platform gaps of an equipment over S and the time they leave "not known": S ∩ gaps of such a cause,
     * minus the equipment's connected intervals and (for a gateway outage) the whole minutes inside the gap its edge
     * replayed health counters for. That time is neither online nor offline (INDICATORS.md: a platform outage is
     * not a device outage).
     */
    private static TrustedTime trustedTime(ScheduledTime s, EquipmentFacts f, List<Interval> connected) {
        TrustedTime t = new TrustedTime();
        if (f.gaps().isEmpty()) {
            return t;
        }
        List<Interval> sessions = Interval.union(connected);
        List<Interval> notKnown = new ArrayList<>();
        List<EquipmentIndicators.GapFlag> flags = new ArrayList<>();
        for (EquipmentIndicators.GapFlag g : f.gaps()) {
            double gapNotKnown = 0;
            if (g.notKnownTime()) {
                List<Interval> known = sessions;
                if (DataTrust.replayFills(g)) {
                    // Minutes wholly inside the gap with health counters were replayed by the edge: known. A minute
                    // the gap cuts holds only what came before or after it, and an edge buffer loss names exactly
                    // the span whose records are gone, so neither tells anything about the gap itself.
                    List<Interval> replayed = new ArrayList<>(sessions);
                    for (Interval m : f.reportedMinutes()) {
                        for (Instant minute = m.start();
                                minute.isBefore(m.end());
                                minute = minute.plus(Duration.ofMinutes(1))) {
                            Instant end = minute.plus(Duration.ofMinutes(1));
                            if (!minute.isBefore(g.from()) && !end.isAfter(g.to())) {
                                replayed.add(new Interval(minute, end));
                            }
                        }
                    }
                    known = Interval.union(replayed);
                }
                List<Interval> part =
                        Interval.subtract(intersect(s.intervals(), new Interval(g.from(), g.to())), known);
                notKnown.addAll(part);
                gapNotKnown = sumSeconds(part);
                if (gapNotKnown > 0) {
                    t.causes.add(g.cause());
                }
            }
            flags.add(g.withNotKnownSeconds(gapNotKnown));
        }
        t.notKnownSeconds = sumSeconds(Interval.union(notKnown));
        t.flags = DataTrust.bound(flags);
        return t;
    }

    /**
     * Parts of S during which a variable point kept one value longer than its max_static: for each static run,
     * [started_at + max_static, ended_at) ∩ S. For counters these are candidates; only their running time counts.
     */
    Map<String, List<Interval>> frozenParts(Equipment e, ScheduledTime s, List<StaticRun> runs) {
        Map<String, PointRequirement> variable = new LinkedHashMap<>();
        for (PointRequirement p : e.points()) {
            if (maxStatic.containsKey(p.category())) {
                variable.put(p.id(), p);
            }
        }
        Map<String, List<Interval>> out = new LinkedHashMap<>();
        for (StaticRun r : runs) {
            PointRequirement p = variable.get(r.pointId());
            if (p == null) {
                continue;
            }
            Instant frozenFrom = r.startedAt().plus(maxStatic.get(p.category()));
            if (!frozenFrom.isBefore(r.endedAt())) {
                continue;
            }
            List<Interval> part = intersect(s.intervals(), new Interval(frozenFrom, r.endedAt()));
            if (!part.isEmpty()) {
                out.computeIfAbsent(r.pointId(), k -> new ArrayList<>()).addAll(part);
            }
        }
        out.replaceAll((k, v) -> Interval.union(v));
        return out;
    }

    /** The state point of an equipment and its state map, or null when the profile has none for its type. */
    StateMap stateMapOf(Equipment e) {
        return e.type() == null ? null : profile.stateMaps().get(e.type());
    }

    /** The id of the state point the state map reads, null when there is none. */
    static String statePoint(Equipment e, StateMap map) {
        if (map != null && map.point() != null) {
            return map.point();
        }
        for (PointRequirement p : e.points()) {
            if (p.category() == Category.STATE) {
                return p.id();
            }
        }
        return null;
    }

    private static final class StateTime {
        String reason;
        String point;
        StateMap map;
        final Map<String, Double> seconds = new LinkedHashMap<>();
    }

    private StateTime stateTime(Equipment e, ScheduledTime s, Map<String, Map<Double, Double>> stateMillis) {
        StateTime st = new StateTime();
        StateMap map = stateMapOf(e);
        st.map = map;
        String point = statePoint(e, map);
        st.point = point;
        if (s.isEmpty()) {
            st.reason = "scheduled time is empty";
        } else if (map == null) {
            st.reason = "the profile " + profile.id() + " has no state map for equipment type "
                    + (e.type() == null ? "(none)" : "'" + e.type() + "'");
        } else if (point == null) {
            st.reason = "no state point: the inventory lists no point of category state";
        }
        if (st.reason != null) {
            return st;
        }
        for (MachineState m : MachineState.values()) {
            st.seconds.put(m.wireName(), 0.0);
        }
        double scheduled = seconds(s.length());
        double accounted = 0;
        for (Map.Entry<Double, Double> v :
                stateMillis.getOrDefault(point, Map.of()).entrySet()) {
            MachineState m = map.stateOf(v.getKey());
            double sec = v.getValue() / 1000.0;
            accounted += sec;
            st.seconds.merge(m.wireName(), sec, Double::sum);
        }
        // Time without any state fact (not connected, no sample yet) counts as off.
        st.seconds.merge(MachineState.OFF.wireName(), Math.max(0, scheduled - accounted), Double::sum);
        return st;
    }

    private EquipmentIndicators.Oee oee(
            Equipment e, double scheduled, StateTime st, Map<String, PointAgg> points, Map<String, Object> basis) {
        Map<String, Object> params = new LinkedHashMap<>(basis);
        params.put("planned_stops", "time in state setup");
        CountMap counts = e.type() == null ? null : profile.counts().get(e.type());
        String reason = null;
        if (st.reason != null) {
            reason = st.reason;
        } else if (counts == null) {
            reason = "the profile " + profile.id() + " maps no total/good count points for equipment type "
                    + (e.type() == null ? "(none)" : "'" + e.type() + "'");
        } else if (e.idealCycleTime() == null) {
            reason = "the inventory gives no ideal_cycle_time for " + e.id();
        }
        Double total = null;
        Double good = null;
        if (reason == null) {
            Double t = increase(points, counts.total());
            Double g = increase(points, counts.good());
            Double r = increase(points, counts.reject());
            List<String> absent = new ArrayList<>();
            for (String p : new String[] {counts.total(), counts.good(), counts.reject()}) {
                if (p != null && increase(points, p) == null) {
                    absent.add(p);
                }
            }
            if (!absent.isEmpty()) {
                reason = "no counter facts (value_increase) in S for " + absent;
            } else {
                total = t != null ? t : g + r;
                good = g != null ? g : total - r;
                params.put(
                        "total_count",
                        counts.total() != null ? counts.total() : counts.good() + " + " + counts.reject());
                params.put(
                        "good_count", counts.good() != null ? counts.good() : counts.total() + " - " + counts.reject());
                params.put("ideal_cycle_time_s", e.idealCycleTime().toNanos() / 1e9);
            }
        }
        if (reason != null) {
            return new EquipmentIndicators.Oee(
                    null,
                    OEE,
                    Figure.notMeasurable(OEE_AVAILABILITY, "S - planned stops", "s", params, reason),
                    Figure.notMeasurable(OEE_PERFORMANCE, "running time", "s", params, reason),
                    Figure.notMeasurable(OEE_QUALITY, "total count", "units", params, reason),
                    "not measurable: " + reason);
        }
        double running = st.seconds.get(MachineState.RUNNING.wireName());
        double planned = scheduled - st.seconds.get(MachineState.SETUP.wireName());
        Figure availability = Figure.ratio(
                OEE_AVAILABILITY, running, planned, "S - planned stops (setup)", "s", params, false, "no planned time");
        Figure performance = Figure.ratio(
                OEE_PERFORMANCE,
                total * e.idealCycleTime().toNanos() / 1e9,
                running,
                "running time; numerator = total count × ideal cycle time",
                "s",
                params,
                false,
                "never running in S");
        Figure quality =
                Figure.ratio(OEE_QUALITY, good, total, "total count", "units", params, false, "nothing produced in S");
        Double value = availability.value() == null || performance.value() == null || quality.value() == null
                ? null
                : availability.value() * performance.value() * quality.value();
        String why = value != null
                ? null
                : "not measurable: "
                        + (availability.value() == null
                                ? availability.reason()
                                : performance.value() == null ? performance.reason() : quality.reason());
        return new EquipmentIndicators.Oee(value, OEE, availability, performance, quality, why);
    }

    private static Double increase(Map<String, PointAgg> points, String point) {
        if (point == null) {
            return null;
        }
        PointAgg a = points.get(point);
        return a == null ? null : a.increase();
    }

    private static final double[] PERCENTILES = {0.50, 0.95, 0.99};
    static final double CLOCK_SKEW_SHARE = 0.01;

    private static Figure[] latency(double[] buckets, Map<String, Object> basis) {
        double n = 0;
        for (double b : buckets) {
            n += b;
        }
        Figure[] out = new Figure[PERCENTILES.length];
        for (int k = 0; k < PERCENTILES.length; k++) {
            Map<String, Object> params = new LinkedHashMap<>(basis);
            params.put("percentile", PERCENTILES[k]);
            params.put("resolution", "upper bound of the latency bucket holding the percentile");
            if (n <= 0) {
                out[k] = Figure.notMeasurable(
                        LATENCY, "real-time good samples", "ms", params, "no real-time good sample in S");
                continue;
            }
            double target = PERCENTILES[k] * n;
            double cum = 0;
            int bucket = buckets.length - 1;
            for (int i = 0; i < buckets.length; i++) {
                cum += buckets[i];
                if (cum >= target - 1e-9) {
                    bucket = i;
                    break;
                }
            }
            double upper = FactsSchema.latencyUpperMs(bucket);
            boolean open = Double.isInfinite(upper);
            out[k] = new Figure(
                    open ? FactsSchema.latencyUpperMs(bucket - 1) : upper,
                    LATENCY,
                    null,
                    n,
                    "real-time good samples (latency histogram count)",
                    "ms",
                    params,
                    false,
                    open
                            ? "above 300000 ms (the last bucket is open)"
                            : bucket == 0 ? "at or below -2000 ms: source clock ahead (clock skew)" : null);
        }
        return out;
    }

    private static EquipmentIndicators.Flag clockSkew(double[] buckets) {
        double n = 0;
        for (double b : buckets) {
            n += b;
        }
        if (n <= 0) {
            return new EquipmentIndicators.Flag(
                    false, CLOCK_SKEW, null, CLOCK_SKEW_SHARE, "no real-time good sample in S");
        }
        double share = buckets[0] / n;
        boolean skew = share > CLOCK_SKEW_SHARE;
        return new EquipmentIndicators.Flag(
                skew,
                CLOCK_SKEW,
                share,
                CLOCK_SKEW_SHARE,
                skew
                        ? "p01 below -2 s: " + fmt(share * 100) + " % of real-time samples arrived >= 2 s before"
                                + " their source timestamp; the source clock runs ahead"
                        : null);
    }

    private static Figure goodRatio(
            List<PointRequirement> required, Map<String, PointAgg> points, Map<String, Object> basis) {
        double samples = 0;
        double good = 0;
        double outOfRange = 0;
        for (PointRequirement p : required) {
            PointAgg a = points.getOrDefault(p.id(), PointAgg.EMPTY);
            samples += a.samples();
            double oor = Math.min(a.good(), a.outOfRangeBuckets());
            good += a.good() - oor;
            outOfRange += oor;
        }
        Map<String, Object> params = new LinkedHashMap<>(basis);
        params.put("bad", "status bad or uncertain, or value outside [eng_low, eng_high]");
        params.put("out_of_range_samples_lower_bound", outOfRange);
        Figure f = Figure.ratio(
                GOOD_RATIO,
                good,
                samples,
                "samples of the required points in S",
                "samples",
                params,
                false,
                "no samples in S");
        if (f.value() != null && outOfRange > 0) {
            f = f.withReason("upper bound: " + fmt(outOfRange) + " rollup bucket(s) had a value outside the declared"
                    + " eng range, counted as one bad sample each (rollups keep no per-sample count)");
        }
        return f;
    }

    private Figure frozenRatio(Map<String, Double> frozenSeconds, double scheduled, Map<String, Object> basis) {
        Map<String, Object> params = new LinkedHashMap<>(basis);
        params.put("max_static", profile.maxStatic());
        params.put("counters", "frozen only while running");
        double frozen =
                frozenSeconds.values().stream().mapToDouble(Double::doubleValue).sum();
        return Figure.ratio(
                FROZEN_RATIO,
                frozen,
                scheduled * frozenSeconds.size(),
                "|S| × variable points (process, energy, counter with a max_static)",
                "s",
                params,
                false,
                frozenSeconds.isEmpty()
                        ? "no variable point with a max_static in the profile"
                        : "scheduled time is empty");
    }

    private static List<Interval> intersect(List<Interval> sorted, Interval i) {
        List<Interval> out = new ArrayList<>();
        for (Interval s : sorted) {
            Instant a = Interval.max(s.start(), i.start());
            Instant b = Interval.min(s.end(), i.end());
            if (a.isBefore(b)) {
                out.add(new Interval(a, b));
            }
        }
        return out;
    }

    private static double sumSeconds(List<Interval> intervals) {
        double s = 0;
        for (Interval i : intervals) {
            s += seconds(i.length());
        }
        return s;
    }

    private Networked networked(Figure online, Figure coverage, Figure completeness, Map<String, Object> basis) {
        List<Networked.Condition> conditions = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        check("online_ratio", online, thresholds.thetaOnline(), "θ_online", conditions, reasons);
        check("point_coverage", coverage, 1.0, "1", conditions, reasons);
        check("completeness", completeness, thresholds.thetaComplete(), "θ_complete", conditions, reasons);
        Map<String, Object> params = new LinkedHashMap<>(parameters());
        params.putAll(basis);
        return new Networked(reasons.isEmpty(), NETWORKED, params, false, conditions, reasons);
    }

    private static void check(
            String id,
            Figure f,
            double threshold,
            String thresholdName,
            List<Networked.Condition> conditions,
            List<String> reasons) {
        String requirement = (threshold == 1.0 ? "= " : ">= ") + fmt(threshold);
        boolean passed = f.value() != null && f.value() >= threshold - EPSILON;
        conditions.add(new Networked.Condition(id, f.value(), requirement, passed));
        if (!passed) {
            String why = f.value() == null
                    ? id + " not measurable"
                    : id + " " + fmt(f.value()) + " < " + thresholdName
                            + (thresholdName.equals("1") ? "" : " " + fmt(threshold));
            reasons.add(f.reason() == null ? why : why + ": " + f.reason());
        }
    }

    /** Scope figures over already evaluated equipment, keyed by indicator id. */
    Map<String, Figure> scope(List<EquipmentIndicators> all) {
        long production = 0;
        long digitalProduction = 0;
        long networkedProduction = 0;
        long networkedDigitalProduction = 0;
        long keyProduction = 0;
        long networkedKeyProduction = 0;
        double onlineSeconds = 0;
        double scheduledSeconds = 0;
        double notKnownSeconds = 0;
        double[] completeness = new double[2];
        double[] good = new double[2];
        for (EquipmentIndicators e : all) {
            if (e.production()) {
                production++;
                if (e.digital()) {
                    digitalProduction++;
                }
                if (e.key()) {
                    keyProduction++;
                }
                if (e.networked().value()) {
                    networkedProduction++;
                    if (e.digital()) {
                        networkedDigitalProduction++;
                    }
                    if (e.key()) {
                        networkedKeyProduction++;
                    }
                }
            }
            if (e.digital()) {
                onlineSeconds += e.onlineRatio().numerator().doubleValue();
                scheduledSeconds += e.scheduledSeconds() - e.notKnownSeconds();
                notKnownSeconds += e.notKnownSeconds();
                weigh(completeness, e.completeness(), e.scheduledSeconds());
                weigh(good, e.goodRatio(), e.scheduledSeconds());
            }
        }
        Map<String, Object> params = parameters();
        Map<String, Figure> out = new LinkedHashMap<>();
        out.put(
                "networking_rate",
                Figure.ratio(
                        NETWORKING_RATE,
                        networkedProduction,
                        production,
                        "production equipment (生产设备), official denominator",
                        "equipment",
                        params,
                        true,
                        "no production equipment in scope"));
        out.put(
                "networking_rate_digital",
                Figure.ratio(
                        NETWORKING_RATE_DIGITAL,
                        networkedDigitalProduction,
                        digitalProduction,
                        "variant: digital production equipment (数字化生产设备)",
                        "equipment",
                        params,
                        false,
                        "no digital production equipment in scope"));
        out.put(
                "key_networking_rate",
                Figure.ratio(
                        KEY_NETWORKING_RATE,
                        networkedKeyProduction,
                        keyProduction,
                        "key production equipment (关键生产设备)",
                        "equipment",
                        params,
                        false,
                        "no key production equipment in scope"));
        out.put(
                "digitalization_rate",
                Figure.ratio(
                        DIGITALIZATION_RATE,
                        digitalProduction,
                        production,
                        "production equipment (生产设备)",
                        "equipment",
                        Map.of(),
                        true,
                        "no production equipment in scope"));
        out.put(
                "online_ratio",
                Figure.ratio(
                        SCOPE_ONLINE_RATIO,
                        onlineSeconds,
                        scheduledSeconds,
                        notKnownSeconds > 0
                                ? "scheduled time of the digital equipment in scope, sum of |S(e,W)| minus time"
                                        + " not known (platform gaps)"
                                : "scheduled time of the digital equipment in scope, sum of |S(e,W)|",
                        "s",
                        notKnownSeconds > 0
                                ? Map.of("weights", "|S(e,W)|", "not_known_s", notKnownSeconds)
                                : Map.of("weights", "|S(e,W)|"),
                        false,
                        "no digital equipment or no scheduled time in scope"));
        out.put(
                "completeness",
                Figure.ratio(
                        SCOPE_COMPLETENESS,
                        completeness[0],
                        completeness[1],
                        "sum of |S(e,W)| over digital equipment with a measurable completeness",
                        "s",
                        Map.of("weights", "|S(e,W)|"),
                        false,
                        "no digital equipment with required points and scheduled time in scope"));
        out.put(
                "good_ratio",
                Figure.ratio(
                        SCOPE_GOOD_RATIO,
                        good[0],
                        good[1],
                        "sum of |S(e,W)| over digital equipment with samples",
                        "s",
                        Map.of("weights", "|S(e,W)|"),
                        false,
                        "no samples of digital equipment in scope"));
        return out;
    }

    /** Adds value × weight to acc[0] and weight to acc[1] when the figure is measurable. */
    private static void weigh(double[] acc, Figure f, double weight) {
        if (f.value() != null && weight > 0) {
            acc[0] += f.value() * weight;
            acc[1] += weight;
        }
    }

    /**
     * uplink_availability of one edge node: |edge sessions ∩ W| / |W|; open sessions run to min(now, W.end).
     */
    static Figure uplink(List<FactsReader.EdgeSessionFact> sessions, Interval w, Instant now) {
        List<Interval> up = new ArrayList<>();
        Instant openEnd = Interval.min(now, w.end());
        for (FactsReader.EdgeSessionFact f : sessions) {
            Instant end = f.disconnectedAt() != null ? f.disconnectedAt() : Interval.max(f.connectedAt(), openEnd);
            up.add(new Interval(f.connectedAt(), end));
        }
        double upSeconds = seconds(Interval.overlap(List.of(w), Interval.union(up)));
        return Figure.ratio(
                UPLINK_AVAILABILITY,
                upSeconds,
                seconds(w.length()),
                "window |W| (edge nodes are not scheduled)",
                "s",
                Map.of("sessions", sessions.size()),
                false,
                "the window is empty");
    }

    private Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("theta_online", thresholds.thetaOnline());
        p.put("theta_complete", thresholds.thetaComplete());
        return p;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", ".0");
    }
}
