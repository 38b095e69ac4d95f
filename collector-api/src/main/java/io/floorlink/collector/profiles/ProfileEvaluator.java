package io.floorlink.collector.profiles;

import io.floorlink.collector.indicators.EquipmentIndicators;
import io.floorlink.collector.indicators.Figure;
import io.floorlink.collector.indicators.IndicatorReport;
import io.floorlink.collector.indicators.IndicatorService;
import io.floorlink.collector.profiles.Evaluation.EvidenceRow;
import io.floorlink.collector.profiles.Evaluation.RuleResult;
import io.floorlink.sparkplug.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Evaluates an acceptance profile on a scope and window: computes the indicators with the profile's parameters
 * and checks each rule. Reads facts only, never writes them. Blocks on the facts store.
 */
public final class ProfileEvaluator {
    private final IndicatorService service;

    public ProfileEvaluator(IndicatorService service) {
        this.service = Objects.requireNonNull(service, "service");
    }

    /**
     * @throws io.floorlink.collector.inventory.UnknownScopeException if the scope names nothing
     * @throws IllegalArgumentException if {@code from} is after {@code to}
     * @throws io.floorlink.collector.indicators.FactsUnavailableException if the facts store cannot be read
     */
    public Evaluation evaluate(Profile profile, String scope, Instant from, Instant to) {
        return evaluate(profile, service.compute(scope, from, to, profile));
    }

    /**
     * Evaluates a report already computed with this profile's parameters ({@link IndicatorService#compute(String,
     * Instant, Instant, Profile)} of this evaluator's service), without reading facts again.
     */
    public Evaluation evaluate(Profile profile, IndicatorReport report) {
        List<String> reasons = new ArrayList<>();
        Duration length =
                Duration.between(report.window().from(), report.window().to());
        if (length.compareTo(profile.minWindow()) < 0) {
            reasons.add("the window is " + Durations.format(length) + " long; profile " + profile.id()
                    + " needs at least min_window " + Durations.format(profile.minWindow()));
        }
        if (service.inventory().equipment().isEmpty()) {
            reasons.add("the inventory is empty: load an inventory (台账) before evaluating");
        } else if (report.equipment().isEmpty()) {
            reasons.add("scope " + report.scope().expression() + " holds no equipment");
        } else if (report.equipment().stream().noneMatch(ProfileEvaluator::hasFacts)) {
            reasons.add("no facts (device sessions, reads or samples) for any equipment of "
                    + report.scope().expression() + " in the window");
        }
        if (!reasons.isEmpty()) {
            return new Evaluation(
                    report.enterprise(),
                    report.profile(),
                    report.scope(),
                    report.window(),
                    report.computedAt(),
                    Evaluation.CANNOT_EVALUATE,
                    reasons,
                    List.of(),
                    null,
                    report.dataTrust());
        }
        List<RuleResult> results = new ArrayList<>();
        for (Profile.Rule rule : profile.rules()) {
            results.add(rule.level().equals("scope") ? scopeRule(profile, rule, report) : equipmentRule(rule, report));
        }
        String status = results.stream().anyMatch(r -> r.outcome().equals(Evaluation.FAIL))
                ? Evaluation.FAIL
                : results.stream().anyMatch(r -> r.outcome().equals(Evaluation.CANNOT_EVALUATE))
                        ? Evaluation.CANNOT_EVALUATE
                        : Evaluation.PASS;
        List<String> why = results.stream()
                .filter(r -> r.outcome().equals(Evaluation.CANNOT_EVALUATE))
                .map(r -> "rule " + r.id() + ": " + r.reason())
                .toList();
        return new Evaluation(
                report.enterprise(),
                report.profile(),
                report.scope(),
                report.window(),
                report.computedAt(),
                status,
                status.equals(Evaluation.CANNOT_EVALUATE) ? why : List.of(),
                results,
                report.assessment2024(),
                report.dataTrust());
    }

    private static boolean hasFacts(EquipmentIndicators e) {
        Number online = e.onlineRatio().numerator();
        return (online != null && online.doubleValue() > 0)
                || e.readSuccess().value() != null
                || e.goodRatio().value() != null;
    }

    private static RuleResult scopeRule(Profile profile, Profile.Rule rule, IndicatorReport report) {
        String indicator = rule.indicator();
        Double value;
        String formula;
        String reason;
        if (indicator.equals("partial_score")) {
            value = report.assessment2024().partialScore();
            formula = "assessment2024.partial_score.v1";
            reason = null;
        } else {
            String key = indicator.equals("networking_rate")
                            && profile.denominators().networkingRate().equals(Profile.Denominators.DIGITAL_PRODUCTION)
                    ? "networking_rate_digital"
                    : indicator;
            Figure f = report.indicators().get(key);
            if (f == null) {
                return result(
                        rule,
                        null,
                        Evaluation.CANNOT_EVALUATE,
                        null,
                        "unknown scope indicator '" + indicator + "' (known: "
                                + report.indicators().keySet() + ", partial_score)",
                        List.of());
            }
            value = f.value();
            formula = f.formula();
            reason = f.reason();
        }
        List<EvidenceRow> evidence = new ArrayList<>();
        for (EquipmentIndicators e : report.equipment()) {
            if (indicator.startsWith("networking_rate")
                    || indicator.equals("key_networking_rate")
                    || indicator.equals("digitalization_rate")) {
                if (!e.production() || (indicator.equals("key_networking_rate") && !e.key())) {
                    continue;
                }
                boolean counted = indicator.equals("digitalization_rate")
                        ? e.digital()
                        : e.networked().value();
                evidence.add(new EvidenceRow(
                        e.id(),
                        counted ? 1.0 : 0.0,
                        counted,
                        counted || indicator.equals("digitalization_rate")
                                ? null
                                : String.join("; ", e.networked().reasons())));
            } else {
                Double v = equipmentValue(e, indicator);
                if (v != null || e.digital()) {
                    evidence.add(new EvidenceRow(e.id(), v, v != null && rule.passes(v), null));
                }
            }
        }
        if (value == null) {
            return result(rule, null, Evaluation.CANNOT_EVALUATE, formula, "not measurable: " + reason, evidence);
        }
        boolean pass = rule.passes(value);
        return result(
                rule,
                value,
                pass ? Evaluation.PASS : Evaluation.FAIL,
                formula,
                pass ? null : indicator + " " + value + " is not " + rule.comparator() + " " + rule.threshold(),
                evidence);
    }

    private static RuleResult equipmentRule(Profile.Rule rule, IndicatorReport report) {
        boolean keyOnly = rule.level().equals("key_equipment");
        List<EvidenceRow> evidence = new ArrayList<>();
        int passed = 0;
        int measurable = 0;
        List<String> failing = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        String formula = null;
        for (EquipmentIndicators e : report.equipment()) {
            if (!e.production() || (keyOnly && !e.key())) {
                continue;
            }
            Double v = equipmentValue(e, rule.indicator());
            formula = equipmentFormula(e, rule.indicator());
            if (v == null) {
                unknown.add(e.id());
                evidence.add(new EvidenceRow(e.id(), null, false, "not measurable"));
                continue;
            }
            measurable++;
            boolean ok = rule.passes(v);
            if (ok) {
                passed++;
            } else {
                failing.add(e.id());
            }
            evidence.add(new EvidenceRow(
                    e.id(),
                    v,
                    ok,
                    ok || !rule.indicator().equals("networked")
                            ? null
                            : String.join("; ", e.networked().reasons())));
        }
        if (evidence.isEmpty()) {
            return result(
                    rule,
                    null,
                    Evaluation.CANNOT_EVALUATE,
                    formula,
                    "no " + (keyOnly ? "key " : "") + "production equipment in scope",
                    evidence);
        }
        if (formula == null && measurable == 0) {
            return result(
                    rule,
                    null,
                    Evaluation.CANNOT_EVALUATE,
                    null,
                    "unknown or unmeasurable equipment indicator '" + rule.indicator() + "' for " + unknown,
                    evidence);
        }
        double share = (double) passed / evidence.size();
        String outcome =
                !failing.isEmpty() ? Evaluation.FAIL : unknown.isEmpty() ? Evaluation.PASS : Evaluation.CANNOT_EVALUATE;
        String reason = !failing.isEmpty()
                ? "fails for " + failing
                : unknown.isEmpty() ? null : "not measurable for " + unknown;
        return result(rule, share, outcome, formula, reason, evidence);
    }

    /** The value of a per-equipment indicator by id; networked is 1 or 0; null when unknown or not measurable. */
    static Double equipmentValue(EquipmentIndicators e, String indicator) {
        if (indicator.equals("networked")) {
            return e.networked().value() ? 1.0 : 0.0;
        }
        if (indicator.equals("oee")) {
            return e.oee().value();
        }
        if (indicator.equals("clock_skew")) {
            return e.clockSkew().value() ? 1.0 : 0.0;
        }
        Figure f = equipmentFigure(e, indicator);
        return f == null ? null : f.value();
    }

    private static String equipmentFormula(EquipmentIndicators e, String indicator) {
        return switch (indicator) {
            case "networked" -> e.networked().formula();
            case "oee" -> e.oee().formula();
            case "clock_skew" -> e.clockSkew().formula();
            default -> {
                Figure f = equipmentFigure(e, indicator);
                yield f == null ? null : f.formula();
            }
        };
    }

    private static Figure equipmentFigure(EquipmentIndicators e, String indicator) {
        return switch (indicator) {
            case "online_ratio" -> e.onlineRatio();
            case "point_coverage" -> e.pointCoverage();
            case "completeness" -> e.completeness();
            case "read_success" -> e.readSuccess();
            case "latency_p50" -> e.latencyP50();
            case "latency_p95" -> e.latencyP95();
            case "latency_p99" -> e.latencyP99();
            case "good_ratio" -> e.goodRatio();
            case "frozen_ratio" -> e.frozenRatio();
            case "power_on_ratio" -> e.powerOnRatio();
            case "run_ratio" -> e.runRatio();
            case "utilisation" -> e.utilisation();
            case "fault_ratio" -> e.faultRatio();
            default -> null;
        };
    }

    private static RuleResult result(
            Profile.Rule rule,
            Double value,
            String outcome,
            String formula,
            String reason,
            List<EvidenceRow> evidence) {
        return new RuleResult(
                rule.id(),
                rule.title(),
                rule.indicator(),
                rule.level(),
                rule.comparator(),
                rule.threshold(),
                value,
                outcome,
                formula,
                reason,
                List.copyOf(evidence));
    }
}
