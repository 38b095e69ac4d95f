package io.floorlink.collector.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.indicators.EquipmentIndicators;
import io.floorlink.collector.indicators.IndicatorReport;
import io.floorlink.collector.profiles.Evaluation;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
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
        "reason",
        "data_trust"
    };

    private CsvViews() {}

    /** Scope figures (equipment empty), each uplink's availability, then every figure of every equipment. */
    static CsvTable report(IndicatorReport report) {
        JsonNode tree = Json.mapper().valueToTree(report);
        CsvTable t = new CsvTable(FIGURE_COLUMNS);
        ZoneId zone = ZoneId.of(report.window().timezone());
        String scopeTrust = report.dataTrust().status().equals(IndicatorReport.TRUST_COMPLETE)
                ? ""
                : report.dataTrust().summary();
        figures(t, "", tree.path("indicators"), scopeTrust);
        for (JsonNode uplink : tree.path("uplinks")) {
            figure(
                    t,
                    uplink.path("group_id").asText() + "/"
                            + uplink.path("edge_node_id").asText(),
                    "uplink_availability",
                    uplink.path("uplink_availability"),
                    scopeTrust);
        }
        for (int i = 0; i < report.equipment().size(); i++) {
            EquipmentIndicators e = report.equipment().get(i);
            figures(t, e.id(), tree.path("equipment").get(i), trust(e, zone));
        }
        return t;
    }

    /** Every figure of one equipment; flags in UTC (the drill-down carries no enterprise time zone). */
    static CsvTable equipment(EquipmentIndicators e) {
        CsvTable t = new CsvTable(FIGURE_COLUMNS);
        figures(t, e.id(), Json.mapper().valueToTree(e), trust(e, ZoneOffset.UTC));
        return t;
    }

    /**
     * The data-trust flags of an equipment as one cell: per gap its cause, scope, local interval, count and the
     * time it left out as not known.
     */
    static String trust(EquipmentIndicators e, ZoneId zone) {
        StringBuilder b = new StringBuilder();
        for (EquipmentIndicators.GapFlag f : e.dataTrust()) {
            if (!b.isEmpty()) {
                b.append("; ");
            }
            b.append(f.cause())
                    .append(" (")
                    .append(f.scope().equals("platform") ? "platform" : f.scope() + " " + scopeName(f))
                    .append(") ")
                    .append(f.from().atZone(zone).toOffsetDateTime())
                    .append(" to ")
                    .append(f.to().atZone(zone).toOffsetDateTime());
            if (f.events() > 0) {
                b.append(", ").append(f.events()).append(" events");
            }
            if (f.notKnownSeconds() > 0) {
                b.append(", ").append(Math.round(f.notKnownSeconds())).append(" s not known, left out");
            }
        }
        return b.toString();
    }

    private static String scopeName(EquipmentIndicators.GapFlag f) {
        String node = (f.groupId() == null ? "" : f.groupId() + "/") + (f.edgeNodeId() == null ? "" : f.edgeNodeId());
        return f.deviceId() == null ? node : node.isEmpty() ? f.deviceId() : node + "/" + f.deviceId();
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
                "reason",
                "data_trust");
        String trust = ev.dataTrust().status().equals(IndicatorReport.TRUST_COMPLETE)
                ? ""
                : ev.dataTrust().summary();
        if (ev.rules().isEmpty()) {
            t.row(ev.status(), "", "", "", "", "", "", "", "", "", "", "", "", String.join("; ", ev.reasons()), trust);
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
            t.row(concat(rule, "", "", "", "", r.reason(), trust));
            if (r.evidence() != null) {
                for (Evaluation.EvidenceRow row : r.evidence()) {
                    t.row(concat(rule, row.equipment(), row.value(), row.passed(), row.detail(), "", ""));
                }
            }
        }
        return t;
    }

    private static Object[] concat(Object[] head, Object... tail) {
        Object[] all = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    /** Every field of {@code node} that is a figure (an object with a formula id), by its indicator id. */
    /**
     * Every figure of every equipment per local day: one table per equipment id, the day (enterprise calendar date)
     * first, then the columns of {@link #equipment}; days in the given order.
     */
    static Map<String, CsvTable> equipmentDays(List<Map.Entry<LocalDate, IndicatorReport>> days) {
        Map<String, CsvTable> out = new LinkedHashMap<>();
        for (Map.Entry<LocalDate, IndicatorReport> day : days) {
            IndicatorReport report = day.getValue();
            ZoneId zone = ZoneId.of(report.window().timezone());
            JsonNode tree = Json.mapper().valueToTree(report);
            for (int i = 0; i < report.equipment().size(); i++) {
                EquipmentIndicators e = report.equipment().get(i);
                CsvTable t = out.computeIfAbsent(e.id(), id -> {
                    List<String> columns = new ArrayList<>(List.of("day"));
                    columns.addAll(List.of(FIGURE_COLUMNS));
                    return new CsvTable(columns);
                });
                figures(
                        t,
                        day.getKey().toString(),
                        e.id(),
                        tree.path("equipment").get(i),
                        trust(e, zone));
            }
        }
        return out;
    }

    private static void figures(CsvTable t, String equipment, JsonNode node, String trust) {
        figures(t, null, equipment, node, trust);
    }

    /** @param day nullable: no day column */
    private static void figures(CsvTable t, String day, String equipment, JsonNode node, String trust) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode v = f.getValue();
            if (v.isObject() && v.has("formula")) {
                figure(t, day, equipment, f.getKey(), v, trust);
            } else if (v.isObject() && f.getKey().equals("oee")) {
                for (Iterator<Map.Entry<String, JsonNode>> parts = v.fields(); parts.hasNext(); ) {
                    Map.Entry<String, JsonNode> p = parts.next();
                    if (p.getValue().isObject() && p.getValue().has("formula")) {
                        figure(t, day, equipment, "oee." + p.getKey(), p.getValue(), trust);
                    }
                }
            }
        }
    }

    private static void figure(CsvTable t, String equipment, String id, JsonNode f, String trust) {
        figure(t, null, equipment, id, f, trust);
    }

    private static void figure(CsvTable t, String day, String equipment, String id, JsonNode f, String trust) {
        List<Object> row = new ArrayList<>(FIGURE_COLUMNS.length + 1);
        if (day != null) {
            row.add(day);
        }
        row.addAll(Arrays.asList(
                equipment,
                id,
                text(f.get("value")),
                text(f.get("unit")),
                text(f.get("formula")),
                text(f.get("numerator")),
                text(f.get("denominator")),
                text(f.get("denominator_label")),
                text(f.get("official")),
                text(f.get("reason")),
                trust));
        t.row(row.toArray());
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? "" : n.asText();
    }
}
