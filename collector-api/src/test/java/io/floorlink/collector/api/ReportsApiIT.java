package io.floorlink.collector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.Collector;
import io.floorlink.collector.CollectorConfig;
import io.floorlink.collector.HttpConfig;
import io.floorlink.collector.reports.Messages;
import io.floorlink.collector.reports.ReportLanguage;
import io.floorlink.gateway.GatewayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/reports?format=xlsx} on a running collector (in-process gateway, H2 facts store) with facts of
 * IMM-01: the workbook read back with POI carries the same figures, equipment and rules as the JSON answers of
 * {@code /api/v1/indicators} and {@code /api/v1/evaluations} for the same parameters.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportsApiIT {
    private static final String REVIEWER = "reviewer-token-wang-0123456789ab";
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final Instant T1 = T0.plus(Duration.ofHours(1));
    /** A window of the profile's min_window (7d), so every rule is evaluated. */
    private static final String WEEK = "?from=" + T1.minus(Duration.ofDays(7)) + "&to=" + T1;

    private static final String HOUR = "?from=" + T0 + "&to=" + T1;
    private static final List<String> ZH_SHEETS = List.of("汇总", "设备", "评价规则", "每日证据");
    private static final List<String> EN_SHEETS = List.of("Summary", "Equipment", "Evaluation rules", "Daily evidence");

    private Collector collector;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Path inventory = SampleInventory.copyTo(dir);
        CollectorConfig config = CollectorConfig.defaults(dir.resolve("data"))
                .withInventory(inventory)
                .withHttp(new HttpConfig("127.0.0.1", 0, null)
                        .withReviewerTokens(List.of(new HttpConfig.ReviewerToken("wang-fang", REVIEWER))))
                .withGateway(GatewayConfig.defaults(dir.resolve("data")).withBrokerPort(0));
        collector = Collector.start(config, new SimpleMeterRegistry());
        ApiFacts.imm01ConnectedFiftyFourMinutes(collector.gateway().dataSource(), T0);
    }

    @AfterAll
    void stop() {
        if (collector != null) {
            collector.close();
        }
    }

    @Test
    void aChineseReportCarriesTheApiFiguresForEveryEquipment() throws Exception {
        HttpResponse<byte[]> r = get("/api/v1/reports" + HOUR + "&lang=zh-CN&format=xlsx", REVIEWER, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        // 16:00 to 17:00 on 2 March in Asia/Shanghai
        assertThat(r.headers().firstValue("Content-Disposition").orElse(""))
                .contains("filename=\"floorlink-report-ENT001-20260302-20260302.xlsx\"");
        saveArtifact("report-zh-CN-hour.xlsx", r.body());
        JsonNode api = json("/api/v1/indicators" + HOUR);
        assertThat(api.path("indicators").path("networking_rate").path("value").asDouble())
                .as("the facts make IMM-01 networked")
                .isCloseTo(1.0 / 3, within(1e-9));

        try (Workbook wb = new XSSFWorkbook(new ByteArrayInputStream(r.body()))) {
            assertThat(sheetNames(wb)).isEqualTo(ZH_SHEETS);
            Sheet summary = wb.getSheet("汇总");
            String all = text(summary);
            assertThat(string(summary.getRow(0).getCell(0))).contains("验收报告");
            assertThat(summary.getPaneInformation().isFreezePane()).isTrue();
            assertThat(all)
                    .contains("设备联网率", "关键设备联网率", "设备数字化率", "设备数字化", "设备联网")
                    .contains("验收专家签字", "日期")
                    .contains("ENT001", "miit-2024-level2", "2026-03-02 16:00:00 +08:00", "2026-03-02 17:00:00 +08:00")
                    .contains("θ_online = 0.9", "无法评价");

            JsonNode indicators = api.path("indicators");
            int compared = 0;
            for (var it = indicators.fields(); it.hasNext(); ) {
                var f = it.next();
                Row row = rowStartingWith(summary, f.getKey());
                assertNumber(row.getCell(3), f.getValue().path("value"), f.getKey() + " value");
                assertNumber(row.getCell(4), f.getValue().path("numerator"), f.getKey() + " numerator");
                assertNumber(row.getCell(5), f.getValue().path("denominator"), f.getKey() + " denominator");
                compared++;
            }
            assertThat(compared).isGreaterThanOrEqualTo(4);
            Row rate = rowStartingWith(summary, "networking_rate");
            assertThat(rate.getCell(3).getCellStyle().getDataFormatString()).contains("%");
            assertThat(string(rate.getCell(1))).isEqualTo("设备联网率");

            assertThat(api.path("assessment2024").path("items")).isNotEmpty();
            for (JsonNode item : api.path("assessment2024").path("items")) {
                Row row = rowStartingWith(summary, item.path("id").asText());
                assertThat(row.getCell(3).getNumericCellValue())
                        .as(item.path("id").asText())
                        .isEqualTo(item.path("points").asDouble());
            }

            Sheet equipment = wb.getSheet("设备");
            assertThat(equipment.getPaneInformation().isFreezePane()).isTrue();
            assertThat(wb.getFontAt(equipment
                                    .getRow(0)
                                    .getCell(0)
                                    .getCellStyle()
                                    .getFontIndex())
                            .getBold())
                    .isTrue();
            Map<String, Integer> columns = new HashMap<>();
            for (Cell c : equipment.getRow(1)) {
                columns.put(string(c), c.getColumnIndex());
            }
            List<String> apiIds = new ArrayList<>();
            api.path("equipment").forEach(e -> apiIds.add(e.path("id").asText()));
            List<String> rowIds = new ArrayList<>();
            for (int i = 2; i <= equipment.getLastRowNum(); i++) {
                rowIds.add(string(equipment.getRow(i).getCell(0)));
            }
            assertThat(rowIds).hasSize(4).isEqualTo(apiIds);
            int figures = 0;
            for (int i = 0; i < apiIds.size(); i++) {
                JsonNode e = api.path("equipment").get(i);
                Row row = equipment.getRow(i + 2);
                for (Map.Entry<String, Integer> col : columns.entrySet()) {
                    JsonNode v = at(e, col.getKey());
                    if (v.isObject() && v.has("formula") && !v.path("value").isBoolean()) {
                        assertNumber(row.getCell(col.getValue()), v.path("value"), e.path("id") + " " + col.getKey());
                        figures++;
                    } else if (v.isNumber()) {
                        assertNumber(row.getCell(col.getValue()), v, e.path("id") + " " + col.getKey());
                    }
                }
                assertThat(string(row.getCell(columns.get("networked"))))
                        .isEqualTo(e.path("networked").path("value").asBoolean() ? "是" : "否");
            }
            assertThat(figures).as("figures compared").isGreaterThan(4 * 15);

            // The engine's reasons (not networked, cannot evaluate, not measurable ...) are in Chinese too.
            StringBuilder every = new StringBuilder();
            wb.forEach(sheet -> every.append(text(sheet)).append('\n'));
            assertThat(every.toString())
                    .doesNotContain("（原文）")
                    .doesNotContain("not measurable")
                    .doesNotContain("scheduled time is empty")
                    .contains("在线率（online_ratio）");
        }
    }

    @Test
    void rulesAndDailyEvidenceEqualTheApi() throws Exception {
        HttpResponse<byte[]> r = get("/api/v1/reports" + WEEK, REVIEWER, "zh-CN,zh;q=0.9");
        assertThat(r.statusCode()).isEqualTo(200);
        saveArtifact("report-zh-CN-week.xlsx", r.body());
        JsonNode evaluation = json("/api/v1/evaluations" + WEEK);
        assertThat(evaluation.path("rules")).isNotEmpty();
        try (Workbook wb = new XSSFWorkbook(new ByteArrayInputStream(r.body()))) {
            assertThat(sheetNames(wb)).as("zh from Accept-Language").isEqualTo(ZH_SHEETS);
            Sheet rules = wb.getSheet("评价规则");
            assertThat(rules.getPaneInformation().isFreezePane()).isTrue();
            assertThat(string(rules.getRow(0).getCell(1)))
                    .isEqualTo(Map.of("pass", "通过", "fail", "不通过", "cannot_evaluate", "无法评价")
                            .get(evaluation.path("status").asText()));
            int evidenceRows = 0;
            for (JsonNode rule : evaluation.path("rules")) {
                Row row = rowStartingWith(rules, rule.path("id").asText());
                String id = rule.path("id").asText();
                assertThat(string(row.getCell(2)))
                        .isEqualTo(rule.path("indicator").asText());
                assertNumber(row.getCell(6), rule.path("threshold"), id + " threshold");
                assertNumber(row.getCell(7), rule.path("value"), id + " value");
                assertThat(string(row.getCell(8)))
                        .as(id + " verdict")
                        .isEqualTo(Map.of("pass", "通过", "fail", "不通过", "cannot_evaluate", "无法评价")
                                .get(rule.path("outcome").asText()));
                // the API's reason, in Chinese as the page shows it
                assertThat(string(row.getCell(10)))
                        .isEqualTo(Messages.of(ReportLanguage.ZH_CN)
                                .reason(rule.path("reason").asText("")));
                evidenceRows += rule.path("evidence").size();
                for (JsonNode ev : rule.path("evidence")) {
                    Row er = evidenceRow(rules, id, ev.path("equipment").asText());
                    assertNumber(er.getCell(2), ev.path("value"), id + " " + ev.path("equipment"));
                    assertThat(string(er.getCell(3)))
                            .isEqualTo(ev.path("passed").asBoolean() ? "是" : "否");
                }
            }
            assertThat(evidenceRows).isPositive();

            Sheet daily = wb.getSheet("每日证据");
            JsonNode week = json("/api/v1/indicators" + WEEK);
            ZoneId zone = ZoneId.of(week.path("window").path("timezone").asText());
            Instant from = T1.minus(Duration.ofDays(7));
            int days = 0;
            for (LocalDate d = from.atZone(zone).toLocalDate();
                    d.atStartOfDay(zone).toInstant().isBefore(T1);
                    d = d.plusDays(1)) {
                Instant start = max(from, d.atStartOfDay(zone).toInstant());
                Instant end = min(T1, d.plusDays(1).atStartOfDay(zone).toInstant());
                JsonNode day = json("/api/v1/indicators?from=" + start + "&to=" + end);
                for (JsonNode e : day.path("equipment")) {
                    for (String figure : List.of("online_ratio", "completeness", "point_coverage", "read_success")) {
                        Row row = dailyRow(daily, d.toString(), e.path("id").asText(), figure);
                        assertNumber(row.getCell(4), e.path(figure).path("value"), d + " " + e.path("id") + figure);
                        assertNumber(row.getCell(7), e.path(figure).path("numerator"), d + " numerator");
                        assertNumber(row.getCell(8), e.path(figure).path("denominator"), d + " denominator");
                    }
                }
                days++;
            }
            assertThat(days).isEqualTo(8);
        }
    }

    @Test
    void englishByLangOrAcceptLanguageAndLangWins() throws Exception {
        HttpResponse<byte[]> en = get("/api/v1/reports" + HOUR + "&lang=en", REVIEWER, null);
        assertThat(en.statusCode()).isEqualTo(200);
        saveArtifact("report-en-hour.xlsx", en.body());
        try (Workbook wb = new XSSFWorkbook(new ByteArrayInputStream(en.body()))) {
            assertThat(sheetNames(wb)).isEqualTo(EN_SHEETS);
            assertThat(text(wb.getSheet("Summary")))
                    .contains("acceptance report", "Equipment networking rate (设备联网率)", "Acceptance expert");
        }
        HttpResponse<byte[]> accept = get("/api/v1/reports" + HOUR, REVIEWER, "en-US,en;q=0.9,zh;q=0.5");
        try (Workbook wb = new XSSFWorkbook(new ByteArrayInputStream(accept.body()))) {
            assertThat(sheetNames(wb)).isEqualTo(EN_SHEETS);
        }
        HttpResponse<byte[]> none = get("/api/v1/reports" + HOUR, REVIEWER, null);
        try (Workbook wb = new XSSFWorkbook(new ByteArrayInputStream(none.body()))) {
            assertThat(sheetNames(wb)).as("no Accept-Language: en").isEqualTo(EN_SHEETS);
        }
        HttpResponse<byte[]> over = get("/api/v1/reports" + HOUR + "&lang=zh-CN", REVIEWER, "en");
        try (Workbook wb = new XSSFWorkbook(new ByteArrayInputStream(over.body()))) {
            assertThat(sheetNames(wb)).isEqualTo(ZH_SHEETS);
        }
    }

    @Test
    void badParametersAre400NamingTheParameter() throws Exception {
        assertBad("/api/v1/reports" + HOUR + "&format=docx", "format");
        assertBad("/api/v1/reports" + HOUR + "&format=csv", "format");
        assertBad("/api/v1/reports" + HOUR + "&lang=fr", "lang");
        assertBad("/api/v1/reports?from=" + T1 + "&to=" + T0, "from");
        assertBad("/api/v1/reports" + HOUR + "&scope=NO-SUCH-LINE", "scope");
        assertBad("/api/v1/reports" + HOUR + "&profile=no-such-profile", "profile");
        assertBad("/api/v1/reports?window=-3d", "window");
    }

    @Test
    void needsATokenWhereTheJsonNeedsOne() throws Exception {
        assertThat(get("/api/v1/indicators" + HOUR, null, null).statusCode()).isEqualTo(401);
        HttpResponse<byte[]> anonymous = get("/api/v1/reports" + HOUR, null, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(get("/api/v1/reports" + HOUR, "not-a-known-token-0123456789", null)
                        .statusCode())
                .isEqualTo(401);
    }

    // ------------------------------------------------------------------ helpers

    /** Keeps a report as a build artifact for a human look, in target/report-artifacts. */
    private static void saveArtifact(String name, byte[] xlsx) throws Exception {
        Path dir = Path.of("target", "report-artifacts");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), xlsx);
    }

    private void assertBad(String path, String parameter) throws Exception {
        HttpResponse<byte[]> r = get(path, REVIEWER, null);
        assertThat(r.statusCode()).as(path).isEqualTo(400);
        JsonNode body = Json.mapper().readTree(r.body());
        assertThat(body.path("parameter").asText()).as(path + ": " + body).isEqualTo(parameter);
    }

    private static void assertNumber(Cell cell, JsonNode expected, String what) {
        if (expected == null || expected.isNull() || expected.isMissingNode()) {
            assertThat(cell == null || cell.getCellType() == CellType.BLANK)
                    .as(what + " is empty")
                    .isTrue();
            return;
        }
        assertThat(cell).as(what).isNotNull();
        assertThat(cell.getCellType()).as(what + " is a numeric cell").isEqualTo(CellType.NUMERIC);
        assertThat(cell.getNumericCellValue()).as(what).isCloseTo(expected.asDouble(), within(1e-9));
    }

    /** The JSON node at a column id such as {@code online_ratio} or {@code oee.quality}. */
    private static JsonNode at(JsonNode equipment, String id) {
        JsonNode n = equipment;
        for (String part : id.split("\\.")) {
            n = n.path(part);
        }
        return n;
    }

    private static Row rowStartingWith(Sheet s, String first) {
        for (Row row : s) {
            if (first.equals(string(row.getCell(0)))) {
                return row;
            }
        }
        throw new AssertionError("no row starting with " + first + " in sheet " + s.getSheetName());
    }

    private static Row evidenceRow(Sheet s, String rule, String equipment) {
        for (Row row : s) {
            if (rule.equals(string(row.getCell(0))) && equipment.equals(string(row.getCell(1)))) {
                return row;
            }
        }
        throw new AssertionError("no evidence row " + rule + "/" + equipment);
    }

    private static Row dailyRow(Sheet s, String day, String equipment, String figure) {
        for (Row row : s) {
            if (day.equals(string(row.getCell(0)))
                    && equipment.equals(string(row.getCell(1)))
                    && figure.equals(string(row.getCell(2)))) {
                return row;
            }
        }
        throw new AssertionError("no daily row " + day + " " + equipment + " " + figure);
    }

    private static List<String> sheetNames(Workbook wb) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < wb.getNumberOfSheets(); i++) {
            names.add(wb.getSheetName(i));
        }
        return names;
    }

    private static String text(Sheet s) {
        StringBuilder b = new StringBuilder();
        for (Row row : s) {
            for (Cell c : row) {
                b.append(string(c)).append('\n');
            }
        }
        return b.toString();
    }

    private static String string(Cell c) {
        if (c == null) {
            return "";
        }
        return c.getCellType() == CellType.STRING ? c.getStringCellValue() : c.toString();
    }

    private JsonNode json(String path) throws Exception {
        HttpResponse<byte[]> r = get(path, REVIEWER, null);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    private HttpResponse<byte[]> get(String path, String token, String acceptLanguage) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.httpPort() + path))
                .timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (acceptLanguage != null) {
            b.header("Accept-Language", acceptLanguage);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
