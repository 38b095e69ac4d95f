package io.floorlink.collector.indicators;

import io.floorlink.collector.indicators.FactsStore.Reads;
import io.floorlink.collector.indicators.FactsStore.SessionFact;
import io.floorlink.collector.inventory.Equipment;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.PointRequirement;
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
    static final String NETWORKING_RATE = "networking_rate.v1";
    static final String NETWORKING_RATE_DIGITAL = "networking_rate.digital_denominator.v1";
    static final String DIGITALIZATION_RATE = "digitalization_rate.v1";
    static final String SCOPE_ONLINE_RATIO = "online_ratio.scope_time_weighted.v1";

    /** Absorbs floating-point noise when comparing a ratio with a threshold (0.9 stays >= 0.9). */
    private static final double EPSILON = 1e-9;

    private final Thresholds thresholds;

    IndicatorEngine(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    /**
     * Figures of one equipment.
     *
     * @param sessions its sessions overlapping W (any order); open ones run to min(now, W.end)
     * @param good good samples per point id in S
     * @param reads reads in S, null when the device has no device_minute rows
     */
    EquipmentIndicators evaluate(
            Inventory inventory,
            Equipment e,
            ScheduledTime s,
            List<SessionFact> sessions,
            Map<String, Long> good,
            Reads reads,
            Instant now,
            boolean withEvidence) {
        Map<String, Object> basis = Map.of("scheduled_time", s.basis());
        double scheduled = seconds(s.length());

        Instant openEnd = Interval.min(now, s.window().end());
        List<Interval> connected = new ArrayList<>();
        List<EquipmentIndicators.Session> sessionEvidence = new ArrayList<>();
        for (SessionFact f : sessions) {
            Instant end = f.disconnectedAt() != null ? f.disconnectedAt() : Interval.max(f.connectedAt(), openEnd);
            connected.add(new Interval(f.connectedAt(), end));
            sessionEvidence.add(new EquipmentIndicators.Session(
                    f.edgeNodeId(), f.connectedAt(), f.disconnectedAt(), f.endReason(), f.historical(), end));
        }
        double online = seconds(s.overlap(connected));
        Figure onlineRatio = Figure.ratio(
                ONLINE_RATIO,
                online,
                scheduled,
                "scheduled time |S(e,W)|",
                "s",
                basis,
                false,
                "scheduled time is empty");
        if (onlineRatio.value() != null && sessions.isEmpty()) {
            onlineRatio = onlineRatio.withReason("no device_session facts overlap the window");
        }

        List<PointRequirement> required = e.points();
        List<String> missing = new ArrayList<>();
        List<EquipmentIndicators.Point> pointEvidence = new ArrayList<>();
        double expected = 0;
        for (PointRequirement p : required) {
            long g = good.getOrDefault(p.id(), 0L);
            double exp = scheduled * 1000.0 / p.interval().toMillis();
            expected += exp;
            if (g <= 0) {
                missing.add(p.id());
            }
            pointEvidence.add(new EquipmentIndicators.Point(
                    p.id(), p.category().wireName(), p.interval().toMillis(), g, g > 0, exp));
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

        double ok = reads == null ? 0 : reads.ok();
        Figure completeness = Figure.ratio(
                COMPLETENESS,
                ok,
                expected,
                "expected reads = sum over required points of |S|/interval",
                "reads",
                basis,
                false,
                required.isEmpty() ? "no required points in the inventory" : "scheduled time is empty");
        if (completeness.value() != null && completeness.value() > 1) {
            completeness = new Figure(
                    1.0,
                    COMPLETENESS,
                    ok,
                    expected,
                    completeness.denominatorLabel(),
                    "reads",
                    basis,
                    false,
                    "capped at 1: more reads than expected");
        } else if (completeness.value() != null && reads == null) {
            completeness = completeness.withReason("no device_minute facts (reads_ok) in the window");
        }

        Networked networked = networked(onlineRatio, coverage, completeness, basis);
        EquipmentIndicators.Evidence evidence = withEvidence
                ? new EquipmentIndicators.Evidence(
                        s.intervals(), sessionEvidence, pointEvidence, ok, reads == null ? 0 : reads.failed(), expected)
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
                evidence);
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

    /** Scope figures over already evaluated equipment. */
    Map<String, Figure> scope(List<EquipmentIndicators> all) {
        long production = 0;
        long digitalProduction = 0;
        long networkedProduction = 0;
        long networkedDigitalProduction = 0;
        double onlineSeconds = 0;
        double scheduledSeconds = 0;
        for (EquipmentIndicators e : all) {
            if (e.production()) {
                production++;
                if (e.digital()) {
                    digitalProduction++;
                }
                if (e.networked().value()) {
                    networkedProduction++;
                    if (e.digital()) {
                        networkedDigitalProduction++;
                    }
                }
            }
            if (e.digital()) {
                onlineSeconds += e.onlineRatio().numerator().doubleValue();
                scheduledSeconds += e.scheduledSeconds();
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
                        "scheduled time of the digital equipment in scope, sum of |S(e,W)|",
                        "s",
                        Map.of("weights", "|S(e,W)|"),
                        false,
                        "no digital equipment or no scheduled time in scope"));
        return out;
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
