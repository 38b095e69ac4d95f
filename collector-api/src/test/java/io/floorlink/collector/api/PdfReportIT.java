package io.floorlink.collector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.Collector;
import io.floorlink.collector.CollectorConfig;
import io.floorlink.collector.HttpConfig;
import io.floorlink.gateway.GatewayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/reports?format=pdf} on a running collector (in-process gateway, H2 facts store) with an
 * inventory of 60 injection-molding machines, 40 of them networked: the PDF read back with PDFBox is A4, embeds its
 * font, numbers its pages, repeats period, scope and profile on every page, lists every equipment (the table spans
 * pages and repeats its header) and prints the figures of the JSON answers for the same parameters.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PdfReportIT {
    private static final String REVIEWER = "reviewer-token-wang-0123456789ab";
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final Instant T1 = T0.plus(Duration.ofHours(1));
    private static final String HOUR = "?from=" + T0 + "&to=" + T1;
    private static final int EQUIPMENT = 60;
    private static final int NETWORKED = 40;
    /** A window of the profile's min_window (7d), so every rule is evaluated. */
    private static final String WEEK = "?from=" + T1.minus(Duration.ofDays(7)) + "&to=" + T1;

    private static final Map<String, String> STATUS = Map.of("pass", "通过", "fail", "不通过", "cannot_evaluate", "无法评价");

    private Collector collector;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Path inventory = dir.resolve("inventory.yaml");
        Files.writeString(inventory, inventory());
        CollectorConfig config = CollectorConfig.defaults(dir.resolve("data"))
                .withInventory(inventory)
                .withHttp(new HttpConfig("127.0.0.1", 0, null)
                        .withReviewerTokens(List.of(new HttpConfig.ReviewerToken("wang-fang", REVIEWER))))
                .withGateway(GatewayConfig.defaults(dir.resolve("data")).withBrokerPort(0));
        collector = Collector.start(config, new SimpleMeterRegistry());
        insertFacts();
    }

    @AfterAll
    void stop() {
        if (collector != null) {
            collector.close();
        }
    }

    @Test
    void aChinesePdfIsA4WithItsFontEmbeddedAndTheApiFiguresForEveryEquipment() throws Exception {
        HttpResponse<byte[]> r = get("/api/v1/reports" + HOUR + "&lang=zh-CN&format=pdf");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/pdf");
        assertThat(r.headers().firstValue("Content-Disposition").orElse(""))
                .contains("filename=\"floorlink-report-ENT001-20260302-20260302.pdf\"");
        assertThat(r.headers().firstValue("Content-Language")).contains("zh-CN");
        saveArtifact("report-zh-CN-60-equipment.pdf", r.body());
        JsonNode api = json("/api/v1/indicators" + HOUR);
        JsonNode evaluation = json("/api/v1/evaluations" + HOUR);
        assertThat(api.path("indicators").path("networking_rate").path("value").asDouble())
                .as("the facts make 40 of 60 networked")
                .isCloseTo((double) NETWORKED / EQUIPMENT, within(1e-9));

        try (PDDocument pdf = Loader.loadPDF(r.body())) {
            int pages = pdf.getNumberOfPages();
            assertThat(pages).as("60 equipment need more than one page").isGreaterThanOrEqualTo(2);
            for (PDPage page : pdf.getPages()) {
                PDRectangle box = page.getMediaBox();
                assertThat(box.getWidth()).as("A4 width").isCloseTo(595f, within(1f));
                assertThat(box.getHeight()).as("A4 height").isCloseTo(842f, within(1f));
                for (COSName name : page.getResources().getFontNames()) {
                    PDFont font = page.getResources().getFont(name);
                    assertThat(font.isEmbedded())
                            .as(font.getName() + " embedded")
                            .isTrue();
                    assertThat(font.getName()).contains("NotoSansSC");
                }
            }

            String all = text(pdf, 1, pages);
            assertThat(all)
                    .contains("验收报告", "设备联网率", "关键设备联网率", "设备数字化率", "验收专家签字", "日期")
                    .contains("θ_online = 0.9")
                    .contains("数据可信状态", "规则集评价");
            List<String> lines = all.lines().toList();

            for (String id : List.of("networking_rate", "key_networking_rate", "digitalization_rate")) {
                JsonNode f = api.path("indicators").path(id);
                String name = Map.of(
                                "networking_rate", "设备联网率",
                                "key_networking_rate", "关键设备联网率",
                                "digitalization_rate", "设备数字化率")
                        .get(id);
                String printed = PdfReport.value(id, f.path("value").asDouble());
                assertThat(lineStartingWith(lines, name + " "))
                        .as(id)
                        .contains(printed)
                        .contains(PdfReport.number(f.path("numerator").numberValue()) + " / "
                                + PdfReport.number(f.path("denominator").numberValue()));
            }
            assertThat(lineStartingWith(lines, "设备联网率 ")).contains("66.67 %", "40 / 60");

            for (JsonNode item : api.path("assessment2024").path("items")) {
                String id = item.path("id").asText();
                if (id.equals("equipment_networking") || id.equals("equipment_digitalization")) {
                    String name = id.equals("equipment_networking") ? "设备联网 " : "设备数字化 ";
                    assertThat(lineStartingWith(lines, name))
                            .as(id)
                            .contains(" " + PdfReport.number(item.path("points").asDouble()) + " "
                                    + PdfReport.number(item.path("max_points").asDouble()));
                }
            }
            assertThat(all)
                    .contains("规则集评价结论", STATUS.get(evaluation.path("status").asText()));

            int equipmentPages = 0;
            List<String> apiIds = new ArrayList<>();
            api.path("equipment").forEach(e -> apiIds.add(e.path("id").asText()));
            assertThat(apiIds).hasSize(EQUIPMENT);
            for (int p = 1; p <= pages; p++) {
                String page = text(pdf, p, p);
                assertThat(page)
                        .as("page %d numbered", p)
                        .contains(String.format(Locale.ROOT, "第 %d 页 / 共 %d 页", p, pages));
                assertThat(page)
                        .as("page %d shows period, scope, profile and generation time", p)
                        .contains("评测期间：2026-03-02 16:00 至 2026-03-02 17:00（Asia/Shanghai")
                        .contains("评测范围：")
                        .contains("验收规则集：miit-2024-level2 v")
                        .contains("生成时间：");
                List<String> pageLines = page.lines().toList();
                boolean rows = apiIds.stream().anyMatch(id -> pageLines.stream().anyMatch(l -> l.startsWith(id + " ")));
                if (rows) {
                    equipmentPages++;
                    assertThat(page)
                            .as("page %d repeats the equipment header", p)
                            .contains("设备编号");
                }
            }
            assertThat(equipmentPages).as("the equipment table spans pages").isGreaterThanOrEqualTo(2);
            for (JsonNode e : api.path("equipment")) {
                String id = e.path("id").asText();
                String row = lineStartingWith(lines, id + " ");
                assertThat(row)
                        .as(id)
                        .contains(PdfReport.value(
                                "online_ratio",
                                e.path("online_ratio").path("value").isNull()
                                        ? null
                                        : e.path("online_ratio").path("value").asDouble()))
                        .contains(e.path("networked").path("value").asBoolean() ? " 是" : " 否");
            }
        }
    }

    @Test
    void everyRuleOfTheProfileWithItsVerdictOverAWeek() throws Exception {
        HttpResponse<byte[]> r = get("/api/v1/reports" + WEEK + "&lang=zh-CN&format=pdf");
        assertThat(r.statusCode()).isEqualTo(200);
        saveArtifact("report-zh-CN-60-equipment-week.pdf", r.body());
        JsonNode evaluation = json("/api/v1/evaluations" + WEEK);
        assertThat(evaluation.path("rules")).isNotEmpty();
        try (PDDocument pdf = Loader.loadPDF(r.body())) {
            String all = text(pdf, 1, pdf.getNumberOfPages());
            assertThat(all).contains("规则集评价（逐条规则）");
            for (JsonNode rule : evaluation.path("rules")) {
                String id = rule.path("id").asText();
                assertThat(all).as(id).contains(id);
                String threshold = PdfReport.value(
                        rule.path("indicator").asText(), rule.path("threshold").asDouble());
                assertThat(all)
                        .as(id + " threshold")
                        .contains(rule.path("comparator").asText() + " " + threshold);
                if (rule.path("value").isNumber()) {
                    assertThat(all)
                            .as(id + " value")
                            .contains(PdfReport.value(
                                    rule.path("indicator").asText(),
                                    rule.path("value").asDouble()));
                }
                assertThat(all).contains(STATUS.get(rule.path("outcome").asText()));
            }
        }
    }

    @Test
    void englishWithLangEn() throws Exception {
        HttpResponse<byte[]> r = get("/api/v1/reports" + HOUR + "&lang=en&format=pdf");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Language")).contains("en");
        saveArtifact("report-en-60-equipment.pdf", r.body());
        JsonNode api = json("/api/v1/indicators" + HOUR);
        try (PDDocument pdf = Loader.loadPDF(r.body())) {
            int pages = pdf.getNumberOfPages();
            String all = text(pdf, 1, pages);
            assertThat(all)
                    .contains("acceptance report", "Acceptance expert signature", "Equipment id")
                    .contains("Page 1 of " + pages, "Page " + pages + " of " + pages)
                    .contains("Period: 2026-03-02 16:00 to 2026-03-02 17:00 (Asia/Shanghai")
                    .contains(PdfReport.value(
                            "networking_rate",
                            api.path("indicators")
                                    .path("networking_rate")
                                    .path("value")
                                    .asDouble()))
                    .doesNotContain("验收规则集：", "第 1 页");
            api.path("equipment")
                    .forEach(e -> assertThat(all).contains(e.path("id").asText()));
        }
    }

    @Test
    void anUnknownFormatIs400NamingFormat() throws Exception {
        HttpResponse<byte[]> r = get("/api/v1/reports" + HOUR + "&format=docx");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = Json.mapper().readTree(r.body());
        assertThat(body.path("parameter").asText()).isEqualTo("format");
        assertThat(body.toString()).contains("xlsx, pdf");
    }

    // ------------------------------------------------------------------ helpers

    private static String inventory() {
        StringBuilder b = new StringBuilder("""
                enterprise:
                  code: ENT001
                  name: 示范注塑有限公司
                  timezone: Asia/Shanghai
                sites:
                  - id: S1
                    name: 一厂
                    workshops:
                      - id: W-MOLD
                        name: 注塑车间
                        lines:
                          - { id: L-MOLD, name: 注塑线 }
                equipment:
                """);
        for (int i = 1; i <= EQUIPMENT; i++) {
            b.append(String.format(Locale.ROOT, """
                      - id: %s
                        name: 注塑机 %d 号
                        type: injection_molding
                        line: L-MOLD
                        production: true
                        digital: true
                        key: %s
                        ideal_cycle_time: 12s
                        points:
                          - { id: production_status, category: state, interval: 1s }
                          - { id: shot_count, category: counter, interval: 1s }
                          - { id: energy_kwh, category: energy, interval: 10s }
                    """, id(i), i, i <= 5));
        }
        return b.toString();
    }

    private static String id(int i) {
        return String.format(Locale.ROOT, "IMM-%03d", i);
    }

    /** The first {@link #NETWORKED} machines connected 54 of the 60 minutes with every point sampled. */
    private void insertFacts() {
        for (int i = 1; i <= NETWORKED; i++) {
            ApiFacts.moldingMachineConnectedFiftyFourMinutes(collector.gateway().dataSource(), id(i), T0);
        }
    }

    private static String text(PDDocument pdf, int from, int to) throws Exception {
        PDFTextStripper stripper = new PDFTextStripper();
        stripper.setSortByPosition(true);
        stripper.setStartPage(from);
        stripper.setEndPage(to);
        return stripper.getText(pdf);
    }

    private static String lineStartingWith(List<String> lines, String start) {
        return lines.stream()
                .filter(l -> l.startsWith(start))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + start + "'"));
    }

    /** Keeps a report as a build artifact for a human look, in target/report-artifacts. */
    private static void saveArtifact(String name, byte[] bytes) throws Exception {
        Path dir = Path.of("target", "report-artifacts");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), bytes);
    }

    private JsonNode json(String path) throws Exception {
        HttpResponse<byte[]> r = get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.httpPort() + path))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + REVIEWER)
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }
}
