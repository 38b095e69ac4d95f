package io.floorlink.collector.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.indicators.Assessment2024;
import io.floorlink.collector.indicators.EquipmentIndicators;
import io.floorlink.collector.indicators.Figure;
import io.floorlink.collector.indicators.IndicatorReport;
import io.floorlink.collector.inventory.Enterprise;
import io.floorlink.collector.profiles.Evaluation;
import io.floorlink.collector.reports.Messages;
import io.floorlink.collector.reports.ReportLanguage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.poi.ss.usermodel.BorderStyle;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.FillPatternType;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.ss.usermodel.IndexedColors;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;

/**
 * The acceptance report as an XLSX workbook (sheets summary, equipment, evaluation rules, daily evidence) in one
 * language, written from the very {@link IndicatorReport} and {@link Evaluation} objects the JSON answers carry:
 * no figure is computed here. Numbers are numeric cells (ratios in percent format); header rows are bold and
 * frozen. Texts come from {@link Messages}.
 *
 * <p>Streams rows through POI's SXSSF (a window of rows in memory, the rest in compressed temporary files), so a
 * large report needs bounded heap; the finished workbook is returned as bytes.
 */
final class XlsxReport {
    /** Media type of an XLSX answer. */
    static final String CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    /** Most data rows written to one sheet (Excel shows at most 1,048,576); more are cut with a note. */
    static final int MAX_ROWS = 1_000_000;
    /** Excel's limit on the characters of one cell; longer texts are cut with an ellipsis. */
    static final int MAX_CELL_CHARS = 32_767;

    private static final int ROW_WINDOW = 200;
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx", Locale.ROOT);

    /**
     * What a report is made of.
     *
     * @param enterprise the enterprise of the inventory, never null
     * @param report the indicators of the scope and period, as {@code GET /api/v1/indicators} answers them
     * @param evaluation the profile evaluation, as {@code GET /api/v1/evaluations} answers it
     * @param days the report of each enterprise-local day the period touches (cut to the period), as the evidence
     *     bundle's {@code daily/<id>.csv} uses them; never null
     * @param generatedAt when the report was generated
     * @param generatedBy who asked for it (the principal's name), nullable
     */
    record Input(
            Enterprise enterprise,
            IndicatorReport report,
            Evaluation evaluation,
            List<Map.Entry<LocalDate, IndicatorReport>> days,
            Instant generatedAt,
            String generatedBy) {
        Input {
            Objects.requireNonNull(enterprise, "enterprise");
            Objects.requireNonNull(report, "report");
            Objects.requireNonNull(evaluation, "evaluation");
            days = List.copyOf(days);
            Objects.requireNonNull(generatedAt, "generatedAt");
        }
    }

    private final Input in;
    private final Messages m;
    private final ZoneId zone;
    private final SXSSFWorkbook wb;
    private final CellStyle title;
    private final CellStyle header;
    private final CellStyle bold;
    private final CellStyle percent;
    private final CellStyle integer;
    private final CellStyle decimal;
    private final CellStyle signatureLine;

    private XlsxReport(Input in, ReportLanguage language, SXSSFWorkbook wb) {
        this.in = in;
        this.m = Messages.of(language);
        this.zone = ZoneId.of(in.report().window().timezone());
        this.wb = wb;
        Font big = wb.createFont();
        big.setBold(true);
        big.setFontHeightInPoints((short) 14);
        this.title = wb.createCellStyle();
        title.setFont(big);
        Font strong = wb.createFont();
        strong.setBold(true);
        this.bold = wb.createCellStyle();
        bold.setFont(strong);
        this.header = wb.createCellStyle();
        header.setFont(strong);
        header.setFillForegroundColor(IndexedColors.GREY_25_PERCENT.getIndex());
        header.setFillPattern(FillPatternType.SOLID_FOREGROUND);
        header.setBorderBottom(BorderStyle.THIN);
        header.setWrapText(true);
        this.percent = numberStyle("0.00%");
        this.integer = numberStyle("#,##0");
        this.decimal = numberStyle("#,##0.###");
        this.signatureLine = wb.createCellStyle();
        signatureLine.setBorderBottom(BorderStyle.THIN);
    }

    /**
     * Writes the workbook. Blocks while it is written (CPU and temporary files).
     *
     * @return the XLSX bytes
     * @throws IOException when the temporary files cannot be written
     */
    static byte[] write(Input in, ReportLanguage language) throws IOException {
        SXSSFWorkbook wb = new SXSSFWorkbook(null, ROW_WINDOW, true);
        try {
            XlsxReport r = new XlsxReport(in, language, wb);
            wb.getXSSFWorkbook().getProperties().getCoreProperties().setCreator("FloorLink");
            wb.getXSSFWorkbook().getProperties().getCoreProperties().setTitle(r.m.get("title"));
            r.summary();
            r.equipment();
            r.rules();
            r.daily();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            wb.write(out);
            return out.toByteArray();
        } finally {
            wb.close();
            wb.dispose();
        }
    }

    // ---------------------------------------------------------------- summary

    private void summary() {
        IndicatorReport r = in.report();
        Sheet s = wb.createSheet(m.get("sheet.summary"));
        widths(s, 30, 40, 18, 14, 14, 14, 10, 40, 90, 50);
        Cursor c = new Cursor(s);
        Row t = c.next();
        text(t, 0, m.get("title")).setCellStyle(title);
        s.createFreezePane(0, 1);
        text(c.next(), 0, m.get("subtitle"));
        c.skip();
        pair(
                c,
                "label.enterprise",
                in.enterprise().code() + "  " + in.enterprise().name());
        pair(
                c,
                "label.scope",
                m.get("scope." + r.scope().kind(), r.scope().kind()) + "  "
                        + r.scope().name() + "  (" + r.scope().expression() + ")");
        pair(c, "label.period_from", local(r.window().from()));
        pair(c, "label.period_to", local(r.window().to()));
        pair(c, "label.timezone", r.window().timezone());
        pair(c, "label.scheduled_basis", r.window().scheduledBasis());
        pair(
                c,
                "label.profile",
                r.profile().id() + "  v" + r.profile().version()
                        + (r.profile().title() == null ? "" : "  " + r.profile().title()));
        pair(c, "label.generated_at", local(in.generatedAt()));
        if (in.generatedBy() != null) {
            pair(c, "label.generated_by", in.generatedBy());
        }
        Row trust = pair(
                c,
                "label.data_trust",
                m.get("trust." + r.dataTrust().status(), r.dataTrust().status()));
        trust.getCell(1).setCellStyle(bold);
        pair(c, "label.data_trust_summary", r.dataTrust().summary());
        Row nk = c.next();
        text(nk, 0, m.get("label.not_known")).setCellStyle(bold);
        number(nk, 1, r.dataTrust().notKnownSeconds(), decimal);
        Evaluation ev = in.evaluation();
        Row st = pair(c, "label.evaluation_status", status(ev.status()));
        st.getCell(1).setCellStyle(bold);
        if (!ev.reasons().isEmpty()) {
            pair(c, "label.evaluation_reasons", m.reasons(ev.reasons()));
        }
        c.skip();

        section(c, "section.indicators");
        headerRow(
                c,
                "col.indicator_id",
                "col.indicator",
                "col.kind",
                "col.value",
                "col.numerator",
                "col.denominator",
                "col.unit",
                "col.denominator_label",
                "col.formula",
                "col.reason");
        for (Map.Entry<String, Figure> f : r.indicators().entrySet()) {
            Figure fig = f.getValue();
            Row row = c.next();
            text(row, 0, f.getKey());
            text(row, 1, m.indicatorName(f.getKey()));
            text(row, 2, m.kind(f.getKey(), fig));
            number(row, 3, fig.value(), percent);
            number(row, 4, fig.numerator(), numberStyleOf(fig.unit()));
            number(row, 5, fig.denominator(), numberStyleOf(fig.unit()));
            text(row, 6, unit(fig.unit()));
            text(row, 7, fig.denominatorLabel());
            text(row, 8, m.formulaWords(f.getKey(), fig) + "  [" + fig.formula() + "]");
            text(row, 9, m.reason(fig.reason()));
        }
        if (!r.uplinks().isEmpty()) {
            c.skip();
            section(c, "section.uplinks");
            headerRow(
                    c,
                    "col.edge_node",
                    "col.indicator",
                    "col.kind",
                    "col.value",
                    "col.numerator",
                    "col.denominator",
                    "col.unit",
                    "col.equipment_list",
                    "col.formula",
                    "col.reason");
            for (IndicatorReport.Uplink u : r.uplinks()) {
                Figure fig = u.uplinkAvailability();
                Row row = c.next();
                text(row, 0, u.groupId() == null ? u.edgeNodeId() : u.groupId() + "/" + u.edgeNodeId());
                text(row, 1, m.indicatorName("uplink_availability"));
                text(row, 2, m.kind("uplink_availability", fig));
                number(row, 3, fig.value(), percent);
                number(row, 4, fig.numerator(), decimal);
                number(row, 5, fig.denominator(), decimal);
                text(row, 6, unit(fig.unit()));
                text(row, 7, String.join(", ", u.equipment()));
                text(row, 8, m.formulaWords("uplink_availability", fig) + "  [" + fig.formula() + "]");
                text(row, 9, m.reason(fig.reason()));
            }
        }
        c.skip();

        Assessment2024 a = r.assessment2024();
        section(c, "section.assessment");
        headerRow(
                c, "col.item_id", "col.item", "col.kind", "col.points", "col.max_points", "col.basis", "col.evidence");
        for (Assessment2024.Item item : a.items()) {
            Row row = c.next();
            text(row, 0, item.id());
            text(row, 1, m.get("assessment." + item.id(), item.name()));
            text(row, 2, m.get(item.official() ? "kind.official" : "kind.definition"));
            number(row, 3, item.points(), decimal);
            number(row, 4, item.maxPoints(), decimal);
            text(row, 5, item.basis());
            text(row, 6, String.join(", ", item.evidence()));
        }
        Row score = c.next();
        text(score, 1, m.get("label.partial_score")).setCellStyle(bold);
        number(score, 3, a.partialScore(), decimal).setCellStyle(bold);
        number(score, 4, a.maxPartialScore(), decimal);
        Row note = c.next();
        text(note, 1, m.get("label.disclaimer")).setCellStyle(bold);
        text(note, 5, m.get("assessment.disclaimer"));
        c.skip();

        bands(c, a);
        c.skip();

        section(c, "section.scenarios");
        headerRow(c, "col.item_id", "col.scenario", "col.met", "col.reason", "col.evidence");
        for (Assessment2024.Scenario sc : a.scenarios()) {
            Row row = c.next();
            text(row, 0, sc.id());
            text(row, 1, m.get("assessment." + sc.id(), sc.name()));
            text(row, 2, yesNo(sc.met()));
            text(row, 3, m.reason(sc.reason()));
            text(row, 4, String.join(", ", sc.evidence()));
        }
        if (!r.inventoryFindings().isEmpty()) {
            c.skip();
            section(c, "label.inventory_findings");
            for (IndicatorReport.Finding f : r.inventoryFindings()) {
                Row row = c.next();
                text(row, 0, f.equipment());
                text(row, 1, m.reason(f.problem()));
            }
        }
        c.skip();

        section(c, "section.signature");
        c.skip();
        Row sign = c.next();
        text(sign, 0, m.get("signature.expert")).setCellStyle(bold);
        sign.createCell(1).setCellStyle(signatureLine);
        text(sign, 2, m.get("signature.date")).setCellStyle(bold);
        sign.createCell(3).setCellStyle(signatureLine);
        sign.createCell(4).setCellStyle(signatureLine);
    }

    /** The band table of the two rate items, the band each item's points fall in marked. */
    private void bands(Cursor c, Assessment2024 a) {
        section(c, "section.bands");
        Assessment2024.Item dig = item(a, "equipment_digitalization");
        Assessment2024.Item net = item(a, "equipment_networking");
        Row h = c.next();
        cellHeader(h, 0, m.get("col.band"));
        cellHeader(h, 1, m.get("col.band_points"));
        cellHeader(h, 2, dig == null ? "" : m.get("assessment." + dig.id(), dig.name()));
        cellHeader(h, 3, net == null ? "" : m.get("assessment." + net.id(), net.name()));
        double[] points = {0, 1.5, 3, 4.5, 6};
        for (int i = 0; i < points.length; i++) {
            Row row = c.next();
            text(row, 0, m.get("band." + i));
            number(row, 1, points[i], decimal);
            if (dig != null && dig.points() == points[i]) {
                text(row, 2, m.get("current.marker")).setCellStyle(bold);
            }
            if (net != null && net.points() == points[i]) {
                text(row, 3, m.get("current.marker")).setCellStyle(bold);
            }
        }
    }

    private static Assessment2024.Item item(Assessment2024 a, String id) {
        return a.items().stream().filter(i -> i.id().equals(id)).findFirst().orElse(null);
    }

    // ---------------------------------------------------------------- equipment

    /** One column of the equipment sheet: its message key, JSON id, width and how a row fills it. */
    private record Column(String label, String id, int width, Function<EquipmentIndicators, Object> value) {}

    private List<Column> equipmentColumns() {
        List<Column> cols = new ArrayList<>();
        cols.add(new Column("col.equipment_id", "id", 14, EquipmentIndicators::id));
        cols.add(new Column("col.name", "name", 26, EquipmentIndicators::name));
        cols.add(new Column("col.type", "type", 18, EquipmentIndicators::type));
        cols.add(new Column("col.site", "site", 10, EquipmentIndicators::site));
        cols.add(new Column("col.workshop", "workshop", 12, EquipmentIndicators::workshop));
        cols.add(new Column("col.line", "line", 12, EquipmentIndicators::line));
        cols.add(new Column("col.production", "production", 10, EquipmentIndicators::production));
        cols.add(new Column("col.digital", "digital", 10, EquipmentIndicators::digital));
        cols.add(new Column("col.key", "key", 10, EquipmentIndicators::key));
        cols.add(new Column("col.scheduled_s", "scheduled_seconds", 14, e -> seconds(e.scheduledSeconds())));
        cols.add(new Column(
                "col.online_s",
                "online_ratio.numerator",
                14,
                e -> seconds(e.onlineRatio().numerator())));
        cols.add(new Column("indicator.online_ratio.name", "online_ratio", 12, e -> ratio(e.onlineRatio())));
        cols.add(new Column(
                "col.points_covered",
                "point_coverage.numerator",
                10,
                e -> count(e.pointCoverage().numerator())));
        cols.add(new Column(
                "col.points_required",
                "point_coverage.denominator",
                10,
                e -> count(e.pointCoverage().denominator())));
        cols.add(new Column("indicator.point_coverage.name", "point_coverage", 12, e -> ratio(e.pointCoverage())));
        cols.add(new Column(
                "col.reads_ok",
                "completeness.numerator",
                14,
                e -> count(e.completeness().numerator())));
        cols.add(new Column(
                "col.reads_expected",
                "completeness.denominator",
                14,
                e -> count(e.completeness().denominator())));
        cols.add(new Column("indicator.completeness.name", "completeness", 12, e -> ratio(e.completeness())));
        cols.add(new Column(
                "indicator.networked.name", "networked", 10, e -> e.networked().value()));
        cols.add(new Column(
                "col.networked_reasons",
                "networked.reasons",
                50,
                e -> m.reasons(e.networked().reasons())));
        cols.add(new Column("indicator.read_success.name", "read_success", 12, e -> ratio(e.readSuccess())));
        cols.add(new Column("indicator.latency_p50.name", "latency_p50", 12, e -> measure(e.latencyP50())));
        cols.add(new Column("indicator.latency_p95.name", "latency_p95", 12, e -> measure(e.latencyP95())));
        cols.add(new Column("indicator.latency_p99.name", "latency_p99", 12, e -> measure(e.latencyP99())));
        cols.add(new Column("indicator.clock_skew.name", "clock_skew", 10, e -> e.clockSkew()
                .value()));
        cols.add(new Column("indicator.good_ratio.name", "good_ratio", 12, e -> ratio(e.goodRatio())));
        cols.add(new Column("indicator.frozen_ratio.name", "frozen_ratio", 12, e -> ratio(e.frozenRatio())));
        cols.add(new Column("indicator.power_on_ratio.name", "power_on_ratio", 12, e -> ratio(e.powerOnRatio())));
        cols.add(new Column("indicator.run_ratio.name", "run_ratio", 12, e -> ratio(e.runRatio())));
        cols.add(new Column("indicator.utilisation.name", "utilisation", 12, e -> ratio(e.utilisation())));
        cols.add(new Column("indicator.fault_ratio.name", "fault_ratio", 12, e -> ratio(e.faultRatio())));
        cols.add(new Column(
                "indicator.oee.name", "oee", 12, e -> new Ratio(e.oee().value())));
        cols.add(new Column(
                "indicator.oee.availability.name",
                "oee.availability",
                12,
                e -> ratio(e.oee().availability())));
        cols.add(new Column(
                "indicator.oee.performance.name",
                "oee.performance",
                12,
                e -> ratio(e.oee().performance())));
        cols.add(new Column(
                "indicator.oee.quality.name",
                "oee.quality",
                12,
                e -> ratio(e.oee().quality())));
        cols.add(new Column("col.counters", "counters", 30, XlsxReport::counters));
        cols.add(new Column("col.not_known_s", "not_known_seconds", 12, e -> seconds(e.notKnownSeconds())));
        cols.add(new Column("col.data_trust", "data_trust", 50, e -> CsvViews.trust(e, zone)));
        cols.add(new Column("col.notes", "reasons", 60, this::notMeasurable));
        return cols;
    }

    private void equipment() {
        Sheet s = wb.createSheet(m.get("sheet.equipment"));
        List<Column> cols = equipmentColumns();
        Cursor c = new Cursor(s);
        Row labels = c.next();
        Row ids = c.next();
        for (int i = 0; i < cols.size(); i++) {
            cellHeader(labels, i, m.get(cols.get(i).label()));
            text(ids, i, cols.get(i).id()).setCellStyle(header);
            s.setColumnWidth(i, cols.get(i).width() * 256);
        }
        s.createFreezePane(1, 2);
        for (EquipmentIndicators e : in.report().equipment()) {
            if (c.full()) {
                text(c.next(), 0, m.format("truncated", Map.of("limit", MAX_ROWS)));
                break;
            }
            Row row = c.next();
            for (int i = 0; i < cols.size(); i++) {
                put(row, i, cols.get(i).value().apply(e));
            }
        }
    }

    /** A ratio cell (percent format); null value = empty cell. */
    private record Ratio(Double value) {}

    /** A count cell (integer format). */
    private record Count(Number value) {}

    /** A seconds cell (decimal format). */
    private record Seconds(Number value) {}

    /** A measure cell in its own unit (decimal format). */
    private record Measure(Double value) {}

    private static Ratio ratio(Figure f) {
        return new Ratio(f == null ? null : f.value());
    }

    private static Measure measure(Figure f) {
        return new Measure(f == null ? null : f.value());
    }

    private static Count count(Number n) {
        return new Count(n);
    }

    private static Seconds seconds(Number n) {
        return new Seconds(n);
    }

    private void put(Row row, int col, Object v) {
        if (v instanceof Ratio r) {
            number(row, col, r.value(), percent);
        } else if (v instanceof Count n) {
            number(row, col, n.value(), integer);
        } else if (v instanceof Seconds n) {
            number(row, col, n.value(), decimal);
        } else if (v instanceof Measure n) {
            number(row, col, n.value(), decimal);
        } else if (v instanceof Boolean b) {
            text(row, col, yesNo(b));
        } else if (v != null) {
            text(row, col, v.toString());
        }
    }

    private static String counters(EquipmentIndicators e) {
        List<String> out = new ArrayList<>();
        for (EquipmentIndicators.Counter k : e.counters()) {
            out.add(k.point() + " = " + (k.increase() == null ? "-" : trim(k.increase())));
        }
        return String.join("; ", out);
    }

    /** For each figure of the equipment without a value: its name and the engine's reason. */
    private String notMeasurable(EquipmentIndicators e) {
        List<String> out = new ArrayList<>();
        JsonNode tree = Json.mapper().valueToTree(e);
        forEachFigure(tree, (id, f) -> {
            if (f.path("value").isNull() || f.path("value").isMissingNode()) {
                out.add(m.indicatorName(id) + ": "
                        + (f.path("reason").isTextual()
                                ? m.reason(f.path("reason").asText())
                                : m.get("not_measurable")));
            }
        });
        return String.join("; ", out);
    }

    // ---------------------------------------------------------------- rules

    private void rules() {
        Evaluation ev = in.evaluation();
        Sheet s = wb.createSheet(m.get("sheet.rules"));
        widths(s, 26, 36, 18, 24, 18, 8, 10, 10, 12, 30, 60, 60);
        Cursor c = new Cursor(s);
        Row st = c.next();
        text(st, 0, m.get("label.evaluation_status")).setCellStyle(bold);
        text(st, 1, status(ev.status())).setCellStyle(bold);
        text(st, 3, m.get("label.profile")).setCellStyle(bold);
        text(st, 4, ev.profile().id() + "  v" + ev.profile().version());
        Row reasons = c.next();
        if (!ev.reasons().isEmpty()) {
            text(reasons, 0, m.get("label.evaluation_reasons")).setCellStyle(bold);
            text(reasons, 1, m.reasons(ev.reasons()));
        } else {
            text(reasons, 0, m.get("label.data_trust")).setCellStyle(bold);
            text(
                    reasons,
                    1,
                    m.get("trust." + ev.dataTrust().status(), ev.dataTrust().status()));
        }
        headerRow(
                c,
                "col.rule_id",
                "col.rule",
                "col.indicator_id",
                "col.indicator",
                "col.level",
                "col.comparator",
                "col.threshold",
                "col.value",
                "col.verdict",
                "col.formula_id",
                "col.reason",
                "col.evidence");
        s.createFreezePane(1, 3);
        for (Evaluation.RuleResult r : ev.rules()) {
            Row row = c.next();
            CellStyle style = measureStyle(r.indicator());
            text(row, 0, r.id());
            text(row, 1, r.title());
            text(row, 2, r.indicator());
            text(row, 3, m.indicatorName(r.indicator()));
            text(row, 4, m.get("level." + r.level(), r.level()));
            text(row, 5, r.comparator());
            number(row, 6, r.threshold(), style);
            number(row, 7, r.value(), style);
            text(row, 8, status(r.outcome())).setCellStyle(bold);
            text(row, 9, r.formula());
            text(row, 10, m.reason(r.reason()));
            text(row, 11, evidence(r));
        }
        c.skip();
        section(c, "section.rule_evidence");
        headerRow(c, "col.rule_id", "col.equipment", "col.value", "col.passed", "col.detail");
        outer:
        for (Evaluation.RuleResult r : ev.rules()) {
            CellStyle style = measureStyle(r.indicator());
            for (Evaluation.EvidenceRow e : r.evidence()) {
                if (c.full()) {
                    text(c.next(), 0, m.format("truncated", Map.of("limit", MAX_ROWS)));
                    break outer;
                }
                Row row = c.next();
                text(row, 0, r.id());
                text(row, 1, e.equipment());
                number(row, 2, e.value(), style);
                text(row, 3, yesNo(e.passed()));
                text(row, 4, m.reason(e.detail()));
            }
        }
    }

    /** The evidence of a rule in one cell: each equipment with ✓ or ✗ and its value. */
    private String evidence(Evaluation.RuleResult r) {
        StringBuilder b = new StringBuilder();
        boolean ratio = !isMeasure(r.indicator());
        for (Evaluation.EvidenceRow e : r.evidence()) {
            if (b.length() > MAX_CELL_CHARS) {
                break;
            }
            if (!b.isEmpty()) {
                b.append("; ");
            }
            b.append(e.equipment()).append(e.passed() ? " ✓" : " ✗");
            if (e.value() != null) {
                b.append(' ').append(ratio ? String.format(Locale.ROOT, "%.2f%%", e.value() * 100) : trim(e.value()));
            }
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- daily evidence

    private void daily() {
        Sheet s = wb.createSheet(m.get("sheet.daily"));
        widths(s, 14, 14, 22, 26, 12, 10, 36, 14, 14, 50, 50, 50);
        Cursor c = new Cursor(s);
        headerRow(
                c,
                "col.day",
                "col.equipment",
                "col.indicator_id",
                "col.indicator",
                "col.value",
                "col.unit",
                "col.formula_id",
                "col.numerator",
                "col.denominator",
                "col.denominator_label",
                "col.reason",
                "col.data_trust");
        s.createFreezePane(2, 1);
        outer:
        for (Map.Entry<LocalDate, IndicatorReport> day : in.days()) {
            IndicatorReport report = day.getValue();
            ZoneId dayZone = ZoneId.of(report.window().timezone());
            for (EquipmentIndicators e : report.equipment()) {
                String trust = CsvViews.trust(e, dayZone);
                List<Map.Entry<String, JsonNode>> figures = new ArrayList<>();
                forEachFigure(Json.mapper().valueToTree(e), (id, f) -> figures.add(Map.entry(id, f)));
                for (Map.Entry<String, JsonNode> f : figures) {
                    if (c.full()) {
                        text(c.next(), 0, m.format("truncated", Map.of("limit", MAX_ROWS)));
                        break outer;
                    }
                    dailyRow(c.next(), day.getKey(), e.id(), f.getKey(), f.getValue(), trust);
                }
            }
        }
    }

    private void dailyRow(Row row, LocalDate day, String equipment, String id, JsonNode f, String trust) {
        text(row, 0, day.toString());
        text(row, 1, equipment);
        text(row, 2, id);
        text(row, 3, m.indicatorName(id));
        JsonNode v = f.path("value");
        if (v.isNumber()) {
            number(row, 4, v.doubleValue(), measureStyle(id));
        } else if (v.isBoolean()) {
            text(row, 4, yesNo(v.booleanValue()));
        }
        String unit = f.path("unit").isTextual() ? f.path("unit").asText() : null;
        text(row, 5, unit(unit));
        text(row, 6, f.path("formula").asText(null));
        if (f.path("numerator").isNumber()) {
            number(row, 7, f.path("numerator").doubleValue(), numberStyleOf(unit));
        }
        if (f.path("denominator").isNumber()) {
            number(row, 8, f.path("denominator").doubleValue(), numberStyleOf(unit));
        }
        text(row, 9, f.path("denominator_label").asText(null));
        text(row, 10, m.reason(f.path("reason").asText(null)));
        text(row, 11, trust);
    }

    /**
     * Each figure of an equipment's JSON form (an object with a formula id) by its indicator id, then the parts of
     * OEE as {@code oee.<part>}: the figures CSV and JSON carry.
     */
    private static void forEachFigure(JsonNode node, java.util.function.BiConsumer<String, JsonNode> action) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode v = f.getValue();
            if (v.isObject() && v.has("formula")) {
                action.accept(f.getKey(), v);
                if (f.getKey().equals("oee")) {
                    for (String part : List.of("availability", "performance", "quality")) {
                        JsonNode p = v.path(part);
                        if (p.isObject() && p.has("formula")) {
                            action.accept("oee." + part, p);
                        }
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Rows of a sheet written top to bottom (SXSSF keeps only a window of them). */
    private static final class Cursor {
        private final Sheet sheet;
        private int next;

        Cursor(Sheet sheet) {
            this.sheet = sheet;
        }

        Row next() {
            return sheet.createRow(next++);
        }

        void skip() {
            next++;
        }

        boolean full() {
            return next >= MAX_ROWS;
        }
    }

    private Row pair(Cursor c, String labelKey, String value) {
        Row row = c.next();
        text(row, 0, m.get(labelKey)).setCellStyle(bold);
        text(row, 1, value);
        return row;
    }

    private void section(Cursor c, String key) {
        text(c.next(), 0, m.get(key)).setCellStyle(bold);
    }

    private void headerRow(Cursor c, String... keys) {
        Row row = c.next();
        for (int i = 0; i < keys.length; i++) {
            cellHeader(row, i, m.get(keys[i]));
        }
    }

    private void cellHeader(Row row, int col, String value) {
        text(row, col, value).setCellStyle(header);
    }

    private static void widths(Sheet s, int... chars) {
        for (int i = 0; i < chars.length; i++) {
            s.setColumnWidth(i, chars[i] * 256);
        }
    }

    private static Cell text(Row row, int col, String value) {
        Cell cell = row.createCell(col);
        if (value != null) {
            cell.setCellValue(value.length() > MAX_CELL_CHARS ? value.substring(0, MAX_CELL_CHARS - 1) + "…" : value);
        }
        return cell;
    }

    private static Cell number(Row row, int col, Number value, CellStyle style) {
        Cell cell = row.createCell(col);
        if (value != null && Double.isFinite(value.doubleValue())) {
            cell.setCellValue(value.doubleValue());
            cell.setCellStyle(style);
        }
        return cell;
    }

    private CellStyle numberStyle(String format) {
        CellStyle s = wb.createCellStyle();
        s.setDataFormat(wb.createDataFormat().getFormat(format));
        return s;
    }

    /** Style of a numerator or denominator by its unit: counts as integers, seconds and the rest as decimals. */
    private CellStyle numberStyleOf(String unit) {
        return "equipment".equals(unit) || "points".equals(unit) ? integer : decimal;
    }

    /** Figures in ms (latency) are measures; every other figure value is a ratio. */
    private CellStyle measureStyle(String indicator) {
        return isMeasure(indicator) ? decimal : percent;
    }

    private static boolean isMeasure(String indicator) {
        return indicator != null && indicator.startsWith("latency");
    }

    private String unit(String unit) {
        return unit == null ? null : m.get("unit." + unit, unit);
    }

    private String status(String status) {
        return m.get("status." + status, status);
    }

    private String yesNo(boolean b) {
        return m.get(b ? "yes" : "no");
    }

    private String local(Instant t) {
        return LOCAL.format(t.atZone(zone));
    }

    private static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15
                ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.3f", v);
    }
}
