package io.floorlink.collector.profiles;

import io.floorlink.collector.indicators.Assessment2024;
import io.floorlink.collector.indicators.IndicatorReport;
import java.time.Instant;
import java.util.List;

/**
 * The result of evaluating an acceptance profile on a scope and window. One row per rule, so a flat table per
 * rule (and per rule and equipment through {@code evidence}) is direct.
 *
 * @param enterprise whose evaluation this is: code (= Sparkplug group), name, time zone; never null
 * @param profile the profile evaluated
 * @param scope the resolved scope
 * @param window the window
 * @param computedAt when it was computed
 * @param status {@code pass} (every rule passes), {@code fail} (a rule fails) or {@code cannot_evaluate}
 * @param reasons why it cannot be evaluated; empty otherwise, never null
 * @param rules per rule, in profile order; empty when the whole evaluation cannot be done, never null
 * @param assessment2024 the 2024 items and partial score over the same scope and window; null when the whole
 *     evaluation cannot be done
 * @param dataTrust the platform gaps behind the figures the rules read; a verdict over a flagged window rests on
 *     figures that leave the not-known time out; never null
 */
public record Evaluation(
        io.floorlink.collector.inventory.Enterprise enterprise,
        IndicatorReport.ProfileRef profile,
        IndicatorReport.ScopeRef scope,
        IndicatorReport.WindowRef window,
        Instant computedAt,
        String status,
        List<String> reasons,
        List<RuleResult> rules,
        Assessment2024 assessment2024,
        IndicatorReport.DataTrust dataTrust) {

    public static final String PASS = "pass";
    public static final String FAIL = "fail";
    public static final String CANNOT_EVALUATE = "cannot_evaluate";

    /**
     * One rule's outcome.
     *
     * @param id rule id
     * @param title rule title
     * @param indicator indicator id read
     * @param level scope, production_equipment or key_equipment
     * @param comparator comparator
     * @param threshold threshold
     * @param value the value decided on (scope figure, or the share of equipment passing at equipment level),
     *     null when not measurable
     * @param outcome pass, fail or cannot_evaluate
     * @param formula formula id of the figure read, nullable
     * @param reason why it failed or cannot be evaluated, nullable
     * @param evidence equipment (and their values) that decided it, never null
     */
    public record RuleResult(
            String id,
            String title,
            String indicator,
            String level,
            String comparator,
            double threshold,
            Double value,
            String outcome,
            String formula,
            String reason,
            List<EvidenceRow> evidence) {}

    /**
     * One equipment behind a rule.
     *
     * @param equipment equipment id
     * @param value its value of the indicator, null when not measurable
     * @param passed whether it passes the rule (equipment levels) or counts in the numerator (scope level)
     * @param detail why (e.g. the reasons it is not networked), nullable
     */
    public record EvidenceRow(String equipment, Double value, boolean passed, String detail) {}
}
