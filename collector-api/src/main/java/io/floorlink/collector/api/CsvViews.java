package io.floorlink.collector.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.indicators.EquipmentIndicators;
import io.floorlink.collector.indicators.IndicatorReport;
import io.floorlink.collector.profiles.Evaluation;
import java.util.Iterator;
import java.util.Map;

/**
 * The CSV shape of the indicator and evaluation answers: one row per figure (equipment, indicator id, value,
 * formula, numerator, denominator, ...), one row per rule and equipment of an evaluation. The rows are taken from
 * the JSON form, so CSV and JSON always carry the same figures under the same ids.
 */
final class CsvViews {
    private static final String[] FIGURE_COLUMNS = {
        "equipment",
        "indicator",
        "value",
        "unit",
        "formula",
        "numerator",
        "denominator",
        "denominator_label",
        "official",
        "reason"
    };

    private CsvViews() {}

    /** Scope figures (equipment empty), each uplink's availability, then every figure of every equipment. */
    static CsvTable report(IndicatorReport report) {
        JsonNode tree = Json.mapper().valueToTree(report);
        CsvTable t = new CsvTable(FIGURE_COLUMNS);
        figures(t, "", tree.path("indicators"));
        for (JsonNode uplink : tree.path("uplinks")) {
            figure(
                    t,
                    uplink.path("group_id").asText() + "/"
                            + uplink.path("edge_node_id").asText(),
                    "uplink_availability",
                    uplink.path("uplink_availability"));
        }
        for (JsonNode e : tree.path("equipment")) {
            figures(t, e.path("id").asText(), e);
        }
        return t;
    }

    /** Every figure of one equipment. */
    static CsvTable equipment(EquipmentIndicators e) {
        CsvTable t = new CsvTable(FIGURE_COLUMNS);
        figures(t, e.id(), Json.mapper().valueToTree(e));
        return t;
    }

    /** One row per rule, then one per rule and equipment of its evidence. */
    static CsvTable evaluation(Evaluation ev) {
        CsvTable t = new CsvTable(
                "status",
                "rule",
                "indicator",
                "level",
                "comparator",
                "threshold",
                "value",
                "outcome",
                "formula",
                "equipment",
                "equipment_value",
                "equipment_passed",
                "detail",
                "reason");
        if (ev.rules().isEmpty()) {
            t.row(ev.status(), "", "", "", "", "", "", "", "", "", "", "", "", String.join("; ", ev.reasons()));
        }
        for (Evaluation.RuleResult r : ev.rules()) {
            Object[] rule = {
                ev.status(),
                r.id(),
                r.indicator(),
                r.level(),
                r.comparator(),
                r.threshold(),
                r.value(),
                r.outcome(),
                r.formula()
            };
            t.row(concat(rule, "", "", "", "", r.reason()));
            if (r.evidence() != null) {
                for (Evaluation.EvidenceRow row : r.evidence()) {
                    t.row(concat(rule, row.equipment(), row.value(), row.passed(), row.detail(), ""));
                }
            }
        }
        return t;
    }

    private static Object[] concat(Object[] head, Object... tail) {
        Object[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    /** Every field of {@code node} that is a figure (an object with a formula id), by its indicator id. */
    private static void figures(CsvTable t, String equipment, JsonNode node) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode v = f.getValue();
            if (v.isObject() && v.has("formula")) {
                figure(t, equipment, f.getKey(), v);
            } else if (v.isObject() && f.getKey().equals("oee")) {
                for (Iterator<Map.Entry<String, JsonNode>> parts = v.fields(); parts.hasNext(); ) {
                    Map.Entry<String, JsonNode> p = parts.next();
                    if (p.getValue().isObject() && p.getValue().has("formula")) {
                        figure(t, equipment, "oee." + p.getKey(), p.getValue());
                    }
                }
            }
        }
    }

    private static void figure(CsvTable t, String equipment, String id, JsonNode f) {
        t.row(
                equipment,
                id,
                text(f.get("value")),
                text(f.get("unit")),
                text(f.get("formula")),
                text(f.get("numerator")),
                text(f.get("denominator")),
                text(f.get("denominator_label")),
                text(f.get("official")),
                text(f.get("reason")));
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? "" : n.asText();
    }
}
