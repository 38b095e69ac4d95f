package io.floorlink.collector.api;

import io.floorlink.collector.indicators.Assessment2024;
import io.floorlink.collector.indicators.EquipmentIndicators;
import io.floorlink.collector.indicators.Figure;
import io.floorlink.collector.indicators.IndicatorReport;
import io.floorlink.collector.profiles.Evaluation;
import io.floorlink.collector.reports.Messages;
import io.floorlink.collector.reports.ReportLanguage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.fontbox.ttf.CmapLookup;
import org.apache.fontbox.ttf.TTFParser;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

/**
 * The acceptance report as a PDF (A4 portrait) in one language, written from the same {@link XlsxReport.Input}
 * as the workbook, so from the very {@link IndicatorReport} and {@link Evaluation} objects the JSON answers carry:
 * no figure is computed here. Every page repeats the period (local dates of the enterprise's time zone), scope,
 * profile id and version and generation time, and carries "page n of m". Content: report details, the indicators
 * with their formula in words, the 2024 items with bands and points, the evaluation rule by rule, the whole
 * equipment table (its header repeated on each page), the data-trust status and a signature block.
 *
 * <p>Text is set in Noto Sans SC Regular (SIL OFL 1.1, {@code /fonts/NotoSansSC-Regular.ttf}), embedded as a
 * subset of the glyphs used; characters the font has no glyph for print as {@code ?}.
 */
final class PdfReport {
    /** Media type of a PDF answer. */
    static final String CONTENT_TYPE = "application/pdf";
    /** Classpath resource of the embedded font (TrueType; PDFBox cannot embed CFF-based CJK OpenType fonts). */
    static final String FONT_RESOURCE = "/fonts/NotoSansSC-Regular.ttf";
    /** Most pages written; beyond that the report ends with a note pointing to the XLSX and the evidence bundle. */
    static final int MAX_PAGES = 5_000;

    private static final PDRectangle PAGE = PDRectangle.A4;
    private static final float MARGIN = 40f;
    private static final float WIDTH = PAGE.getWidth() - 2 * MARGIN;
    private static final float HEADER_SIZE = 7.5f;
    private static final float FOOTER_Y = 24f;
    private static final float BOTTOM = MARGIN + 6f;
    private static final float TITLE_SIZE = 15f;
    private static final float SECTION_SIZE = 11f;
    private static final float BODY_SIZE = 9f;
    private static final float TABLE_SIZE = 7.5f;
    private static final float EQUIPMENT_SIZE = 7f;
    private static final float LEADING = 1.3f;
    private static final float PAD = 2.5f;
    private static final float HEADER_GREY = 0.88f;
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx", Locale.ROOT);
    private static final DateTimeFormatter LOCAL_SHORT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    /** The font file's bytes and the code points it has glyphs for: read once, on the first report, then shared. */
    private static final class FontData {
        static final byte[] BYTES;
        static final BitSet GLYPHS = new BitSet();

        static {
            try (InputStream in = PdfReport.class.getResourceAsStream(FONT_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + FONT_RESOURCE);
                }
                BYTES = in.readAllBytes();
                try (TrueTypeFont ttf = new TTFParser().parse(new RandomAccessReadBuffer(BYTES))) {
                    CmapLookup cmap = ttf.getUnicodeCmapLookup();
                    for (int cp = 0x20; cp <= 0x3FFFF; cp++) {
                        if (cmap.getGlyphId(cp) > 0) {
                            GLYPHS.set(cp);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + FONT_RESOURCE, e);
            }
        }

        private FontData() {}
    }

    /** Thrown when {@link #MAX_PAGES} is reached; the report ends there. */
    private static final class PagesExhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PagesExhausted() {
            super(null, null, false, false);
        }
    }

    private final XlsxReport.Input in;
    private final Messages m;
    private final ZoneId zone;
    private final PDDocument doc;
    private final PDType0Font font;
    private final Map<Integer, Float> widths = new HashMap<>();
    private final List<String> headerLines;
    private final float top;
    private PDPageContentStream cs;
    private float y;

    private PdfReport(XlsxReport.Input in, ReportLanguage language, PDDocument doc) throws IOException {
        this.in = in;
        this.m = Messages.of(language);
        this.zone = ZoneId.of(in.report().window().timezone());
        this.doc = doc;
        // embedSubset = true, vertical = false
        this.font = PDType0Font.load(doc, new RandomAccessReadBuffer(FontData.BYTES), true, false);
        this.headerLines = headerLines();
        this.top = PAGE.getHeight() - MARGIN - headerLines.size() * HEADER_SIZE * LEADING - 6f;
    }

    /**
     * Writes the PDF. Blocks while it is written (CPU; the document is held in memory).
     *
     * @return the PDF bytes
     * @throws IOException when the font cannot be read or the document not written
     */
    static byte[] write(XlsxReport.Input in, ReportLanguage language) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            PdfReport r = new PdfReport(in, language, doc);
            r.metadata(language);
            try {
                r.newPage();
                r.details();
                r.indicators();
                r.assessment();
                r.evaluation();
                r.equipment();
                r.dataTrust();
                r.signature();
            } catch (PagesExhausted e) {
                r.truncatedNote();
            }
            r.close();
            r.headersAndFooters();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        }
    }

    private void metadata(ReportLanguage language) {
        PDDocumentInformation info = doc.getDocumentInformation();
        info.setTitle(m.get("title"));
        info.setCreator("FloorLink");
        info.setSubject(in.enterprise().code() + " " + in.report().scope().name());
        Calendar created = new GregorianCalendar();
        created.setTimeInMillis(in.generatedAt().toEpochMilli());
        info.setCreationDate(created);
        doc.getDocumentCatalog().setLanguage(language.tag());
    }

    // ---------------------------------------------------------------- sections

    private void details() throws IOException {
        IndicatorReport r = in.report();
        paragraph(m.get("title"), TITLE_SIZE);
        paragraph(m.get("subtitle"), BODY_SIZE);
        y -= 6;
        List<String[]> rows = new ArrayList<>();
        rows.add(row(
                m.get("label.enterprise"),
                in.enterprise().code() + "  " + in.enterprise().name()));
        rows.add(row(m.get("label.scope"), scope(r) + "  (" + r.scope().expression() + ")"));
        rows.add(row(m.get("label.period_from"), LOCAL.format(r.window().from().atZone(zone))));
        rows.add(row(m.get("label.period_to"), LOCAL.format(r.window().to().atZone(zone))));
        rows.add(row(m.get("label.timezone"), r.window().timezone()));
        rows.add(row(m.get("label.scheduled_basis"), r.window().scheduledBasis()));
        rows.add(row(
                m.get("label.profile"),
                r.profile().id() + "  v" + r.profile().version()
                        + (r.profile().title() == null ? "" : "  " + r.profile().title())));
        rows.add(row(m.get("label.generated_at"), LOCAL.format(in.generatedAt().atZone(zone))));
        if (in.generatedBy() != null) {
            rows.add(row(m.get("label.generated_by"), in.generatedBy()));
        }
        rows.add(row(
                m.get("label.data_trust"),
                m.get("trust." + r.dataTrust().status(), r.dataTrust().status())));
        rows.add(row(m.get("label.evaluation_status"), status(in.evaluation().status())));
        table(new float[] {150, WIDTH - 150}, null, rows, TABLE_SIZE);
    }

    private void indicators() throws IOException {
        IndicatorReport r = in.report();
        heading("section.indicators");
        List<String[]> rows = new ArrayList<>();
        for (Map.Entry<String, Figure> f : r.indicators().entrySet()) {
            rows.add(figureRow(m.indicatorName(f.getKey()) + "\n" + f.getKey(), f.getKey(), f.getValue()));
        }
        table(
                new float[] {118, 50, 66, 56, WIDTH - 290},
                headers("col.indicator", "col.value", "pdf.col.numerator_denominator", "col.kind", "col.formula"),
                rows,
                TABLE_SIZE);
        if (!r.uplinks().isEmpty()) {
            heading("section.uplinks");
            List<String[]> up = new ArrayList<>();
            for (IndicatorReport.Uplink u : r.uplinks()) {
                String node = u.groupId() == null ? u.edgeNodeId() : u.groupId() + "/" + u.edgeNodeId();
                String[] row = figureRow(
                        node + "\n" + String.join(", ", u.equipment()), "uplink_availability", u.uplinkAvailability());
                up.add(row);
            }
            table(
                    new float[] {118, 50, 66, 56, WIDTH - 290},
                    headers("col.edge_node", "col.value", "pdf.col.numerator_denominator", "col.kind", "col.formula"),
                    up,
                    TABLE_SIZE);
        }
    }

    /** Name, value, numerator / denominator with unit, kind, and the formula in words with its id and reason. */
    private String[] figureRow(String name, String id, Figure f) {
        StringBuilder formula = new StringBuilder(m.formulaWords(id, f))
                .append("\n[")
                .append(f.formula())
                .append(']');
        if (f.denominatorLabel() != null) {
            formula.append("\n")
                    .append(m.get("col.denominator_label"))
                    .append(": ")
                    .append(f.denominatorLabel());
        }
        if (f.reason() != null) {
            formula.append("\n").append(m.get("col.reason")).append(": ").append(m.reason(f.reason()));
        }
        String fraction = f.numerator() == null && f.denominator() == null
                ? "-"
                : number(f.numerator()) + " / " + number(f.denominator()) + " " + unit(f.unit());
        return new String[] {name, value(id, f.value()), fraction.trim(), m.kind(id, f), formula.toString()};
    }

    private void assessment() throws IOException {
        Assessment2024 a = in.report().assessment2024();
        heading("section.assessment");
        List<String[]> rows = new ArrayList<>();
        for (Assessment2024.Item item : a.items()) {
            String basis = item.basis() == null ? "" : item.basis();
            if (!item.evidence().isEmpty()) {
                basis += "\n" + m.get("col.evidence") + ": " + String.join(", ", item.evidence());
            }
            rows.add(new String[] {
                m.get("assessment." + item.id(), item.name()) + "\n" + item.id(),
                m.get(item.official() ? "kind.official" : "kind.definition"),
                number(item.points()),
                number(item.maxPoints()),
                basis
            });
        }
        rows.add(new String[] {
            m.get("label.partial_score"), "", number(a.partialScore()), number(a.maxPartialScore()), ""
        });
        table(
                new float[] {150, 60, 40, 40, WIDTH - 290},
                headers("col.item", "col.kind", "col.points", "col.max_points", "col.basis"),
                rows,
                TABLE_SIZE);
        paragraph(m.get("label.disclaimer") + ": " + m.get("assessment.disclaimer"), TABLE_SIZE);

        subheading("section.bands");
        Assessment2024.Item dig = item(a, "equipment_digitalization");
        Assessment2024.Item net = item(a, "equipment_networking");
        double[] points = {0, 1.5, 3, 4.5, 6};
        List<String[]> bands = new ArrayList<>();
        for (int i = 0; i < points.length; i++) {
            bands.add(new String[] {
                m.get("band." + i),
                number(points[i]),
                dig != null && dig.points() == points[i] ? m.get("current.marker") : "",
                net != null && net.points() == points[i] ? m.get("current.marker") : ""
            });
        }
        table(
                new float[] {110, 60, 130, 130},
                new String[] {
                    m.get("col.band"),
                    m.get("col.band_points"),
                    dig == null ? "" : m.get("assessment." + dig.id(), dig.name()),
                    net == null ? "" : m.get("assessment." + net.id(), net.name())
                },
                bands,
                TABLE_SIZE);

        subheading("section.scenarios");
        List<String[]> scenarios = new ArrayList<>();
        for (Assessment2024.Scenario sc : a.scenarios()) {
            String reason = sc.reason() == null ? "" : m.reason(sc.reason());
            if (!sc.evidence().isEmpty()) {
                reason += "\n" + m.get("col.evidence") + ": " + String.join(", ", sc.evidence());
            }
            scenarios.add(
                    new String[] {m.get("assessment." + sc.id(), sc.name()) + "\n" + sc.id(), yesNo(sc.met()), reason});
        }
        table(
                new float[] {170, 50, WIDTH - 220},
                headers("col.scenario", "col.met", "col.reason"),
                scenarios,
                TABLE_SIZE);
    }

    private static Assessment2024.Item item(Assessment2024 a, String id) {
        return a.items().stream().filter(i -> i.id().equals(id)).findFirst().orElse(null);
    }

    private void evaluation() throws IOException {
        Evaluation ev = in.evaluation();
        heading("pdf.section.evaluation");
        paragraph(m.get("label.evaluation_status") + ": " + status(ev.status()), BODY_SIZE + 1);
        if (!ev.reasons().isEmpty()) {
            paragraph(m.get("label.evaluation_reasons") + ": " + m.reasons(ev.reasons()), TABLE_SIZE);
        }
        List<String[]> rows = new ArrayList<>();
        for (Evaluation.RuleResult r : ev.rules()) {
            StringBuilder note = new StringBuilder();
            if (r.reason() != null) {
                note.append(m.reason(r.reason()));
            }
            if (!r.evidence().isEmpty()) {
                long passed = r.evidence().stream()
                        .filter(Evaluation.EvidenceRow::passed)
                        .count();
                if (!note.isEmpty()) {
                    note.append('\n');
                }
                note.append(m.format(
                        "pdf.rule.evidence",
                        Map.of("passed", passed, "total", r.evidence().size())));
                List<String> failed = new ArrayList<>();
                for (Evaluation.EvidenceRow e : r.evidence()) {
                    if (!e.passed()) {
                        failed.add(e.equipment() + (e.value() == null ? "" : " " + value(r.indicator(), e.value())));
                    }
                }
                if (!failed.isEmpty()) {
                    note.append('\n').append(m.format("pdf.rule.failed", Map.of("list", String.join(", ", failed))));
                }
            }
            rows.add(new String[] {
                (r.title() == null ? "" : r.title() + "\n") + r.id(),
                m.indicatorName(r.indicator()) + "\n[" + r.formula() + "]",
                m.get("level." + r.level(), r.level()),
                r.comparator() + " " + value(r.indicator(), r.threshold()),
                value(r.indicator(), r.value()),
                status(r.outcome()),
                note.toString()
            });
        }
        table(
                new float[] {110, 85, 50, 55, 45, 40, WIDTH - 385},
                headers(
                        "col.rule",
                        "col.indicator",
                        "col.level",
                        "col.threshold",
                        "col.value",
                        "col.verdict",
                        "col.reason"),
                rows,
                TABLE_SIZE);
    }

    private void equipment() throws IOException {
        heading("pdf.section.equipment");
        paragraph(m.get("pdf.equipment.note"), TABLE_SIZE);
        List<String[]> rows = new ArrayList<>();
        for (EquipmentIndicators e : in.report().equipment()) {
            List<String> notes = new ArrayList<>();
            if (!e.networked().reasons().isEmpty()) {
                notes.add(m.reasons(e.networked().reasons()));
            }
            String trust = CsvViews.trust(e, zone);
            if (!trust.isEmpty()) {
                notes.add(m.get("col.data_trust") + ": " + trust);
            }
            rows.add(new String[] {
                e.id(),
                (e.name() == null ? "" : e.name()) + (e.type() == null ? "" : "\n" + e.type()),
                yesNo(e.production()) + " / " + yesNo(e.digital()) + " / " + yesNo(e.key()),
                value("online_ratio", e.onlineRatio().value()),
                value("point_coverage", e.pointCoverage().value()),
                value("completeness", e.completeness().value()),
                value("read_success", e.readSuccess().value()),
                value("latency_p95", e.latencyP95().value()),
                yesNo(e.networked().value()),
                String.join("\n", notes)
            });
        }
        table(
                new float[] {55, 80, 40, 40, 40, 40, 40, 36, 30, WIDTH - 401},
                new String[] {
                    m.get("col.equipment_id"),
                    m.get("col.name") + " / " + m.get("col.type"),
                    m.get("pdf.col.flags"),
                    m.indicatorName("online_ratio"),
                    m.indicatorName("point_coverage"),
                    m.indicatorName("completeness"),
                    m.indicatorName("read_success"),
                    m.indicatorName("latency_p95"),
                    m.indicatorName("networked"),
                    m.get("pdf.col.notes")
                },
                rows,
                EQUIPMENT_SIZE);
    }

    private void dataTrust() throws IOException {
        IndicatorReport.DataTrust t = in.report().dataTrust();
        heading("pdf.section.data_trust");
        List<String[]> rows = new ArrayList<>();
        rows.add(row(m.get("label.data_trust"), m.get("trust." + t.status(), t.status())));
        rows.add(row(m.get("label.data_trust_summary"), t.summary()));
        rows.add(row(m.get("label.not_known"), number(t.notKnownSeconds())));
        table(new float[] {150, WIDTH - 150}, null, rows, TABLE_SIZE);
        if (!t.gaps().isEmpty()) {
            List<String[]> gaps = new ArrayList<>();
            for (IndicatorReport.ReportGap g : t.gaps()) {
                String where = g.scope()
                        + (g.edgeNodeId() == null
                                ? ""
                                : " " + (g.groupId() == null ? "" : g.groupId() + "/") + g.edgeNodeId())
                        + (g.deviceId() == null ? "" : "/" + g.deviceId());
                gaps.add(new String[] {
                    g.cause(),
                    where,
                    LOCAL_SHORT.format(g.from().atZone(zone)) + " – " + LOCAL_SHORT.format(g.to().atZone(zone)),
                    g.detail() == null ? "" : g.detail()
                });
            }
            table(
                    new float[] {90, 110, 130, WIDTH - 330},
                    headers("pdf.col.cause", "pdf.col.where", "pdf.col.when", "col.detail"),
                    gaps,
                    TABLE_SIZE);
        }
        if (!in.report().inventoryFindings().isEmpty()) {
            subheading("label.inventory_findings");
            List<String[]> findings = new ArrayList<>();
            for (IndicatorReport.Finding f : in.report().inventoryFindings()) {
                findings.add(row(f.equipment(), m.reason(f.problem())));
            }
            table(new float[] {100, WIDTH - 100}, headers("col.equipment", "col.reason"), findings, TABLE_SIZE);
        }
    }

    private void signature() throws IOException {
        float line = BODY_SIZE * LEADING;
        ensure(SECTION_SIZE * 2 + line * 6);
        heading("section.signature");
        y -= line * 2;
        String expert = clean(m.get("signature.expert"));
        String date = clean(m.get("signature.date"));
        text(MARGIN, y, expert, BODY_SIZE + 1);
        float x1 = MARGIN + textWidth(expert, BODY_SIZE + 1) + 6;
        rule(x1, y - 2, x1 + 170, y - 2);
        float x2 = x1 + 200;
        text(x2, y, date, BODY_SIZE + 1);
        float x3 = x2 + textWidth(date, BODY_SIZE + 1) + 6;
        rule(x3, y - 2, Math.min(x3 + 110, MARGIN + WIDTH), y - 2);
        y -= line * 2;
    }

    private void truncatedNote() throws IOException {
        String note = m.format("pdf.truncated", Map.of("limit", MAX_PAGES));
        text(MARGIN, BOTTOM - 4, note, TABLE_SIZE);
    }

    // ---------------------------------------------------------------- page furniture

    private List<String> headerLines() {
        IndicatorReport r = in.report();
        Map<String, Object> v = Map.of(
                "from", LOCAL_SHORT.format(r.window().from().atZone(zone)),
                "to", LOCAL_SHORT.format(r.window().to().atZone(zone)),
                "timezone", r.window().timezone(),
                "scope", scope(r),
                "profile", r.profile().id(),
                "version", r.profile().version(),
                "generated_at", LOCAL.format(in.generatedAt().atZone(zone)));
        List<String> lines = new ArrayList<>();
        lines.add(m.get("title") + "  " + in.enterprise().code());
        lines.add(m.format("pdf.header.period", v) + "    " + m.format("pdf.header.scope", v));
        lines.add(m.format("pdf.header.profile", v) + "    " + m.format("pdf.header.generated_at", v));
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            out.addAll(wrap(l, HEADER_SIZE, WIDTH));
        }
        return out;
    }

    private void headersAndFooters() throws IOException {
        int total = doc.getNumberOfPages();
        int n = 0;
        for (PDPage page : doc.getPages()) {
            n++;
            try (PDPageContentStream s =
                    new PDPageContentStream(doc, page, PDPageContentStream.AppendMode.APPEND, true, true)) {
                float hy = PAGE.getHeight() - MARGIN;
                for (String l : headerLines) {
                    show(s, MARGIN, hy - HEADER_SIZE, l, HEADER_SIZE);
                    hy -= HEADER_SIZE * LEADING;
                }
                s.setLineWidth(0.5f);
                s.moveTo(MARGIN, hy - 2);
                s.lineTo(MARGIN + WIDTH, hy - 2);
                s.stroke();
                String pageText = clean(m.format("pdf.page", Map.of("n", n, "m", total)));
                float w = textWidth(pageText, HEADER_SIZE);
                show(s, MARGIN + (WIDTH - w) / 2, FOOTER_Y, pageText, HEADER_SIZE);
            }
        }
    }

    // ---------------------------------------------------------------- layout

    private void newPage() throws IOException {
        if (doc.getNumberOfPages() >= MAX_PAGES) {
            throw new PagesExhausted();
        }
        close();
        PDPage page = new PDPage(PAGE);
        doc.addPage(page);
        cs = new PDPageContentStream(doc, page);
        y = top;
    }

    private void close() throws IOException {
        if (cs != null) {
            cs.close();
            cs = null;
        }
    }

    /** Starts a new page unless {@code height} points fit above the bottom margin. */
    private void ensure(float height) throws IOException {
        if (y - height < BOTTOM) {
            newPage();
        }
    }

    private void heading(String key) throws IOException {
        ensure(SECTION_SIZE * LEADING * 2 + TABLE_SIZE * LEADING * 4);
        y -= SECTION_SIZE * 0.8f;
        String t = clean(m.get(key));
        text(MARGIN, y - SECTION_SIZE, t, SECTION_SIZE);
        rule(MARGIN, y - SECTION_SIZE - 2.5f, MARGIN + textWidth(t, SECTION_SIZE), y - SECTION_SIZE - 2.5f);
        y -= SECTION_SIZE * LEADING + 4;
    }

    private void subheading(String key) throws IOException {
        ensure(BODY_SIZE * LEADING * 2 + TABLE_SIZE * LEADING * 4);
        y -= 4;
        paragraph(m.get(key), BODY_SIZE);
    }

    private void paragraph(String text, float size) throws IOException {
        for (String line : wrap(text, size, WIDTH)) {
            ensure(size * LEADING);
            text(MARGIN, y - size, line, size);
            y -= size * LEADING;
        }
        y -= 2;
    }

    /**
     * A table with wrapped cells; a row that does not fit the rest of the page goes to the next one (split by lines
     * only when taller than a page), and the header row is repeated at the top of every page the table spans.
     */
    private void table(float[] cols, String[] header, List<String[]> rows, float size) throws IOException {
        float lh = size * LEADING;
        List<List<String>> head = header == null ? null : wrapRow(header, cols, size);
        float headH = head == null ? 0 : lines(head) * lh + 2 * PAD;
        float pageRoom = top - BOTTOM - headH;
        // the header stays with the whole first row (or one line of it when the row is taller than a page)
        float first = rows.isEmpty() ? 0 : lines(wrapRow(rows.get(0), cols, size)) * lh + 2 * PAD;
        ensure(headH + (first <= pageRoom ? first : lh + 2 * PAD));
        drawRow(cols, head, 0, head == null ? 0 : lines(head), size, true);
        for (String[] row : rows) {
            List<List<String>> cells = wrapRow(row, cols, size);
            int n = lines(cells);
            int start = 0;
            while (start < n) {
                int fit = (int) ((y - BOTTOM - 2 * PAD) / lh);
                boolean wholeFitsOnFreshPage = (n - start) * lh + 2 * PAD <= pageRoom;
                if (fit < 1 || (fit < n - start && wholeFitsOnFreshPage)) {
                    newPage();
                    drawRow(cols, head, 0, head == null ? 0 : lines(head), size, true);
                    continue;
                }
                int k = Math.min(fit, n - start);
                drawRow(cols, cells, start, start + k, size, false);
                start += k;
            }
        }
        y -= 4;
    }

    private List<List<String>> wrapRow(String[] row, float[] cols, float size) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < cols.length; i++) {
            out.add(wrap(i < row.length ? row[i] : "", size, cols[i] - 2 * PAD));
        }
        return out;
    }

    private static int lines(List<List<String>> cells) {
        int n = 1;
        for (List<String> c : cells) {
            n = Math.max(n, c.size());
        }
        return n;
    }

    /** Draws lines [from, to) of a row's cells at the cursor, with cell borders, and moves the cursor below. */
    private void drawRow(float[] cols, List<List<String>> cells, int from, int to, float size, boolean header)
            throws IOException {
        if (cells == null) {
            return;
        }
        float lh = size * LEADING;
        float h = (to - from) * lh + 2 * PAD;
        float x = MARGIN;
        if (header) {
            cs.setNonStrokingColor(HEADER_GREY);
            float total = 0;
            for (float c : cols) {
                total += c;
            }
            cs.addRect(MARGIN, y - h, total, h);
            cs.fill();
            cs.setNonStrokingColor(0f);
        }
        for (int i = 0; i < cols.length; i++) {
            List<String> cell = cells.get(i);
            for (int l = from; l < to && l < cell.size(); l++) {
                String s = cell.get(l);
                if (!s.isEmpty()) {
                    show(cs, x + PAD, y - PAD - size - (l - from) * lh + size * 0.12f, s, size);
                }
            }
            x += cols[i];
        }
        // borders after the text: a text object may not start inside a path under construction
        cs.setLineWidth(0.4f);
        x = MARGIN;
        for (float c : cols) {
            cs.addRect(x, y - h, c, h);
            x += c;
        }
        cs.stroke();
        y -= h;
    }

    private void text(float x, float baseline, String s, float size) throws IOException {
        show(cs, x, baseline, clean(s), size);
    }

    private void show(PDPageContentStream s, float x, float baseline, String text, float size) throws IOException {
        s.beginText();
        s.setFont(font, size);
        s.newLineAtOffset(x, baseline);
        s.showText(text);
        s.endText();
    }

    private void rule(float x1, float y1, float x2, float y2) throws IOException {
        cs.setLineWidth(0.6f);
        cs.moveTo(x1, y1);
        cs.lineTo(x2, y2);
        cs.stroke();
    }

    /**
     * The lines of a text set in {@code width} points: hard breaks at {@code \n}, else after the last space that
     * fits, else (CJK, long ids) after the last character that fits.
     */
    private List<String> wrap(String text, float size, float width) {
        List<String> out = new ArrayList<>();
        for (String para : clean(text).split("\n", -1)) {
            StringBuilder line = new StringBuilder();
            float w = 0;
            int lastSpace = -1;
            for (int i = 0; i < para.length(); ) {
                int cp = para.codePointAt(i);
                i += Character.charCount(cp);
                float cw = width(cp) * size;
                if (w + cw > width && !line.isEmpty()) {
                    if (cp == ' ') {
                        out.add(line.toString());
                        line.setLength(0);
                        w = 0;
                        lastSpace = -1;
                        continue;
                    }
                    if (lastSpace > 0) {
                        String tail = line.substring(lastSpace + 1);
                        out.add(line.substring(0, lastSpace));
                        line = new StringBuilder(tail);
                        w = textWidth(tail, size);
                    } else {
                        out.add(line.toString());
                        line.setLength(0);
                        w = 0;
                    }
                    lastSpace = -1;
                }
                if (cp == ' ') {
                    lastSpace = line.length();
                }
                line.appendCodePoint(cp);
                w += cw;
            }
            out.add(line.toString());
        }
        return out;
    }

    /** The text with tabs as spaces, other controls dropped and characters without a glyph as {@code ?}. */
    private static String clean(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (cp == '\n') {
                b.append('\n');
            } else if (cp == '\t') {
                b.append(' ');
            } else if (Character.isISOControl(cp)) {
                return;
            } else {
                b.appendCodePoint(FontData.GLYPHS.get(cp) ? cp : '?');
            }
        });
        return b.toString();
    }

    private float textWidth(String s, float size) {
        float w = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            w += width(cp);
        }
        return w * size;
    }

    /** Advance of a code point in em (1/1000 of the font's units, per point of size). */
    private float width(int cp) {
        return widths.computeIfAbsent(cp, c -> {
            try {
                return font.getStringWidth(new String(Character.toChars(c))) / 1000f;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    // ---------------------------------------------------------------- texts

    private String[] headers(String... keys) {
        String[] out = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            out[i] = m.get(keys[i]);
        }
        return out;
    }

    private static String[] row(String label, String value) {
        return new String[] {label, value == null ? "" : value};
    }

    private String scope(IndicatorReport r) {
        return m.get("scope." + r.scope().kind(), r.scope().kind()) + " "
                + r.scope().name();
    }

    /** A figure value as printed: ratios in percent with two decimals, latencies in ms, none as "-". */
    static String value(String indicator, Double v) {
        if (v == null || !Double.isFinite(v)) {
            return "-";
        }
        if (indicator != null && indicator.startsWith("latency")) {
            return trim(v);
        }
        return String.format(Locale.ROOT, "%.2f %%", v * 100);
    }

    /** A number as printed: integers without decimals, others with up to three. */
    static String number(Number n) {
        return n == null || !Double.isFinite(n.doubleValue()) ? "-" : trim(n.doubleValue());
    }

    private static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15
                ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.3f", v).replaceAll("\\.?0+$", "");
    }

    private String unit(String unit) {
        return unit == null ? "" : m.get("unit." + unit, unit);
    }

    private String status(String status) {
        return m.get("status." + status, status);
    }

    private String yesNo(boolean b) {
        return m.get(b ? "yes" : "no");
    }
}
