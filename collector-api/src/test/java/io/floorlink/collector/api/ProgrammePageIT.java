package io.floorlink.collector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.Collector;
import io.floorlink.collector.CollectorConfig;
import io.floorlink.collector.HttpConfig;
import io.floorlink.collector.district.GoldenDistrictFiles;
import io.floorlink.collector.indicators.FactsFixture;
import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.GatewayConfig;
import io.floorlink.testing.HeadlessChromium;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;

/**
 * The web page of a district collector (the golden district: ENT-SEW, ENT-MOLD, ENT-ASM) for a programme admin, in
 * a real headless Chromium: the programme page lists, sorts and filters the enterprises as {@code GET
 * /api/v1/enterprises} does, each row opens that enterprise's overview whose every request names it, and the
 * overview's download buttons save real report files. One closed local day has facts that make the three 设备联网率
 * differ (ENT-SEW 2 of 3, ENT-ASM 1 of 2, ENT-MOLD 0 of 5), so sorting by them is not sorting by code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProgrammePageIT {
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String ADMIN = "admin-token-programme-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(40);

    private Collector collector;
    private WebDriver driver;
    private String base;
    private Path downloads;
    /** A closed Wednesday (a working day of every calendar), at least two days back in every zone. */
    private LocalDate day;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        HeadlessChromium.assumeInstalled();
        GoldenDistrictFiles files = GoldenDistrictFiles.copyTo(dir);
        CollectorConfig config = CollectorConfig.defaults(dir.resolve("data"))
                // anonymous reads off (a loopback collector allows them by default): the page must send the token
                .withHttp(new HttpConfig("127.0.0.1", 0, ADMIN, List.of(), false, null))
                .withGateway(GatewayConfig.defaults(dir.resolve("data"))
                        .withAuth(AuthConfig.anonymousOnLoopback())
                        .withBrokerPort(0))
                .withDistrict(files.registry(), files.inventories());
        collector = Collector.start(config, new SimpleMeterRegistry());
        base = "http://127.0.0.1:" + collector.httpPort() + "/";

        day = LocalDate.now(ZoneOffset.UTC).minusDays(2);
        while (day.getDayOfWeek() != DayOfWeek.WEDNESDAY) {
            day = day.minusDays(1);
        }
        // covers the local day in every zone of the district (UTC+8 to UTC+1)
        Instant from = day.minusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(Duration.ofHours(2));
        connected("ENT-SEW", "SEW-01", List.of("run_state", "ok_count"), from, to);
        connected("ENT-SEW", "IMM-01", List.of("production_status"), from, to);
        connected("ENT-ASM", "SEW-01", List.of("run_state"), from, to);

        downloads = Files.createDirectories(dir.resolve("downloads"));
        Files.createDirectories(SCREENSHOTS);
        driver = HeadlessChromium.start("en", dir, downloads);
    }

    @AfterAll
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (collector != null) {
            collector.close();
        }
    }

    @Test
    void withSeveralEnterprisesThePageStartsOnTheProgrammeWithTheApiDefaultPeriod() throws Exception {
        openFresh(base + "#/?lang=en");
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(driver.getCurrentUrl()).contains("#/programme?"));
        JsonNode api = api("/api/v1/enterprises");
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(rowCodes())
                .containsExactly("ENT-ASM", "ENT-MOLD", "ENT-SEW"));
        assertThat(driver.getCurrentUrl())
                .contains("from=" + api.path("from").asText())
                .contains("to=" + api.path("to").asText());
        assertThat(api.path("to").asText())
                .isEqualTo(LocalDate.now(ZoneOffset.UTC).minusDays(1).toString());
        assertThat(driver.findElement(By.id("prog-from")).getAttribute("value"))
                .isEqualTo(api.path("from").asText());
        assertThat(driver.findElement(By.id("controls")).isDisplayed()).isFalse();
    }

    @Test
    void theLiveChoiceAsksForTheSameLastHoursOfEveryEnterpriseAndTheDaysComeBack() throws Exception {
        openFresh(base + "#/programme?lang=en&from=" + day + "&to=" + day);
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(rowCodes())
                .hasSize(3));
        js("performance.clearResourceTimings();");
        new Select(driver.findElement(By.id("prog-live"))).selectByValue("8h");
        await().atMost(WAIT)
                .untilAsserted(() ->
                        assertThat(driver.getCurrentUrl()).contains("window=8h").doesNotContain("from="));
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(text(By.id("window")))
                .contains("the last 8h"));
        assertThat(apiRequests()).anyMatch(u -> u.contains("/api/v1/enterprises?") && u.contains("window=8h"));
        assertThat(rowCodes()).containsExactlyInAnyOrder("ENT-ASM", "ENT-MOLD", "ENT-SEW");
        JsonNode live = api("/api/v1/enterprises?window=8h");
        assertThat(live.path("window").asText()).isEqualTo("8h");
        for (JsonNode row : live.path("enterprises")) {
            assertThat(cell(row.path("code").asText(), "production"))
                    .isEqualTo(row.at("/counts/production").asText());
        }

        new Select(driver.findElement(By.id("prog-live"))).selectByValue("");
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(driver.getCurrentUrl()).doesNotContain("window="));
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(text(By.id("window")))
                .doesNotContain("the last"));
    }

    @Test
    void theProgrammeTableSortsAndFiltersAsTheApiAndOpensAnEnterprise() throws Exception {
        openFresh(base + "#/programme?lang=en&from=" + day + "&to=" + day);
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(rowCodes())
                .hasSize(3));
        JsonNode api = api("/api/v1/enterprises?from=" + day + "&to=" + day);
        // names as the registry writes them, Chinese and English, and the sub-industry by name
        assertThat(cell("ENT-SEW", "name")).isEqualTo("晋江运动服饰有限公司");
        assertThat(cell("ENT-MOLD", "name")).isEqualTo("Molding GmbH (Berlin)");
        assertThat(cell("ENT-ASM", "name")).isEqualTo("Appliance Assembly Ltd");
        assertThat(cell("ENT-MOLD", "industry")).isEqualTo("新能源汽车零部件注塑");
        assertThat(cell("ENT-MOLD", "contractor")).isEqualTo("西部数字化工程总承包商");
        for (JsonNode row : api.path("enterprises")) {
            String code = row.path("code").asText();
            assertThat(cell(code, "networking_rate"))
                    .as(code)
                    .isEqualTo(pct(row.at("/networking_rate/value").asDouble()));
            assertThat(cell(code, "digitalization_rate"))
                    .as(code)
                    .isEqualTo(pct(row.at("/digitalization_rate/value").asDouble()));
            assertThat(cell(code, "production"))
                    .isEqualTo(row.at("/counts/production").asText());
            assertThat(cell(code, "networked"))
                    .isEqualTo(row.at("/counts/networked").asText());
        }
        assertThat(cell("ENT-SEW", "networking_rate")).isEqualTo("66.7 %");
        assertThat(cell("ENT-ASM", "networking_rate")).isEqualTo("50.0 %");
        assertThat(cell("ENT-MOLD", "networking_rate")).isEqualTo("0.0 %");
        assertThat(text(By.id("prog-totals")))
                .contains("FloorLink pooled aggregate, not an official figure")
                .contains(pct(api.at("/totals/networking_rate/value").asDouble()));
        assertThat(api.at("/totals/networking_rate/numerator").asInt()).isEqualTo(3);

        // sorting by 设备联网率: the API's order, both ways
        click(By.cssSelector("th[data-sort=networking_rate]"));
        List<String> ascending = apiCodes("sort=networking_rate&order=asc");
        assertThat(ascending).containsExactly("ENT-MOLD", "ENT-ASM", "ENT-SEW");
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(rowCodes())
                .isEqualTo(ascending));
        assertThat(driver.getCurrentUrl()).contains("sort=networking_rate").contains("order=asc");
        click(By.cssSelector("th[data-sort=networking_rate]"));
        List<String> descending = apiCodes("sort=networking_rate&order=desc");
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(rowCodes())
                .isEqualTo(descending));
        assertThat(driver.getCurrentUrl()).contains("order=desc");
        click(By.cssSelector("th[data-sort=digitalization_rate]"));
        List<String> byDigital = apiCodes("sort=digitalization_rate&order=asc");
        assertThat(byDigital).containsExactly("ENT-MOLD", "ENT-SEW", "ENT-ASM");
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(rowCodes())
                .isEqualTo(byDigital));
        screenshot("programme-en");

        // filtering by sub-industry leaves one row, kept in the link
        new Select(driver.findElement(By.id("filter-industry"))).selectByValue("auto-part-molding");
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(rowCodes())
                .containsExactly("ENT-MOLD"));
        assertThat(driver.getCurrentUrl()).contains("industry=auto-part-molding");
        assertThat(text(By.id("prog-totals"))).contains("0.0 %");

        // the row opens ENT-MOLD's overview; every API request of it names ENT-MOLD
        js("performance.clearResourceTimings();");
        click(By.cssSelector("tr[data-enterprise=ENT-MOLD] a.ent-link"));
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(text(By.id("enterprise-title")))
                .isEqualTo("Molding GmbH (Berlin) (ENT-MOLD)"));
        assertThat(driver.getCurrentUrl()).contains("enterprise=ENT-MOLD").contains("from=" + day);
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(equipmentRows())
                .containsExactlyInAnyOrder("IMM-01", "SEW-01", "PRESS-01", "PRESS-02", "PRESS-03"));
        List<String> requests = apiRequests();
        assertThat(requests)
                .anyMatch(u -> u.contains("/api/v1/indicators?"))
                .anyMatch(u -> u.contains("/api/v1/evaluations?"))
                .allMatch(u -> u.contains("enterprise=ENT-MOLD"), "names ENT-MOLD");
        JsonNode mold = api("/api/v1/indicators?enterprise=ENT-MOLD&" + period("Europe/Berlin"));
        assertThat(text(By.cssSelector("[data-indicator=digitalization_rate] .v")))
                .isEqualTo(pct(mold.at("/indicators/digitalization_rate/value").asDouble()))
                .isEqualTo("40.0 %");
        screenshot("programme-mold-overview-en");

        // drill-down keeps the enterprise, and the way back leads to the programme
        js("performance.clearResourceTimings();");
        click(By.cssSelector("tr[data-equipment=PRESS-01] a.eq-link"));
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(text(By.id("eq-id")))
                .isEqualTo("PRESS-01"));
        assertThat(apiRequests())
                .anyMatch(u -> u.contains("/api/v1/equipment/PRESS-01"))
                .allMatch(u -> u.contains("enterprise=ENT-MOLD"), "names ENT-MOLD");
        assertThat(driver.findElement(By.id("nav-programme")).isDisplayed()).isTrue();
        click(By.id("nav-programme"));
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(rowCodes())
                .containsExactly("ENT-MOLD"));
        // back to the programme as it was left: filtered by sub-industry, sorted by 设备数字化率
        assertThat(driver.getCurrentUrl())
                .contains("#/programme?")
                .contains("industry=auto-part-molding")
                .contains("sort=digitalization_rate")
                .doesNotContain("enterprise=");
    }

    @Test
    void theProgrammePageInChineseNamesTheColumnsAndTheAggregate() throws Exception {
        openFresh(base + "#/programme?lang=zh-CN&from=" + day + "&to=" + day + "&status=all");
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(rowCodes())
                .hasSize(3));
        assertThat(text(By.cssSelector("#programme-table thead")))
                .contains("细分行业")
                .contains("设备联网率")
                .contains("设备数字化率")
                .contains("总承包商");
        assertThat(text(By.id("prog-totals"))).startsWith("合计（FloorLink 汇总口径，非官方数据）");
        assertThat(cell("ENT-SEW", "industry")).isEqualTo("运动服装缝制");
        assertThat(new Select(driver.findElement(By.id("filter-status")))
                        .getFirstSelectedOption()
                        .getAttribute("value"))
                .isEqualTo("all");
        screenshot("programme-zh");
    }

    @Test
    void theReportButtonsSaveTheChosenEnterprisesWorkbookAndPdf() throws Exception {
        openFresh(base + "#/?enterprise=ENT-MOLD&lang=zh-CN&from=" + day + "&to=" + day);
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(text(By.id("enterprise-title")))
                .contains("ENT-MOLD"));

        click(By.id("dl-xlsx"));
        Path xlsx = awaitDownload(".xlsx");
        assertThat(xlsx.getFileName().toString())
                .isEqualTo("floorlink-report-ENT-MOLD-" + compact(day) + "-" + compact(day.plusDays(1)) + ".xlsx");
        byte[] bytes = Files.readAllBytes(xlsx);
        assertThat(new String(bytes, 0, 2, StandardCharsets.ISO_8859_1)).isEqualTo("PK");
        try (InputStream in = Files.newInputStream(xlsx);
                Workbook wb = new XSSFWorkbook(in)) {
            List<String> sheets = new ArrayList<>();
            wb.forEach(s -> sheets.add(s.getSheetName()));
            // the page's language: the Chinese sheet names
            assertThat(sheets).contains("汇总", "设备");
            String summary = String.join("\n", cells(wb.getSheet("汇总")));
            assertThat(summary)
                    .contains("ENT-MOLD  Molding GmbH (Berlin)")
                    .contains("Europe/Berlin")
                    .doesNotContain("ENT-SEW")
                    .doesNotContain("ENT-ASM");
            assertThat(cells(wb.getSheet("设备"))).contains("PRESS-01", "PRESS-02", "PRESS-03");
        }
        assertThat(text(By.id("dl-status"))).contains(xlsx.getFileName().toString());

        click(By.id("dl-pdf"));
        Path pdf = awaitDownload(".pdf");
        assertThat(pdf.getFileName().toString()).startsWith("floorlink-report-ENT-MOLD-");
        byte[] pdfBytes = Files.readAllBytes(pdf);
        assertThat(new String(pdfBytes, 0, 4, StandardCharsets.ISO_8859_1)).isEqualTo("%PDF");
        assertThat(pdfBytes.length).isGreaterThan(1000);
    }

    @Test
    void aRefusedDownloadSaysWhyOnThePage() throws Exception {
        openFresh(base + "#/?enterprise=ENT-ASM&lang=en&from=" + day + "&to=" + day);
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(text(By.id("enterprise-title")))
                .contains("ENT-ASM"));
        // the token is gone (e.g. revoked in another tab): the bundle is refused with 401
        js("sessionStorage.setItem('floorlink.token', 'not-a-token-0123456789');");
        click(By.id("dl-bundle"));
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(text(By.id("dl-status")))
                .isEqualTo("Download of Evidence bundle (ZIP) failed: The collector needs a valid reviewer or admin"
                        + " token."));
        assertThat(driver.findElement(By.id("dl-status")).getAttribute("data-error"))
                .isEqualTo("unauthorized");
        try (Stream<Path> files = Files.list(downloads)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".zip"));
        }
    }

    /* ---------- browser helpers ---------- */

    /** Opens url in a new tab (empty sessionStorage) and logs in there with the admin token. */
    private void openFresh(String url) {
        driver.switchTo().newWindow(WindowType.TAB);
        driver.get(url);
        try {
            await().atMost(WAIT).ignoreExceptions().until(() -> driver.findElement(By.id("login"))
                    .isDisplayed());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "no login form at " + url + "; page: " + text(By.tagName("body")) + "; console: "
                            + driver.manage().logs().get(LogType.BROWSER).getAll(),
                    e);
        }
        driver.findElement(By.id("token")).sendKeys(ADMIN);
        driver.findElement(By.cssSelector("#login button[type=submit]")).click();
        await().atMost(WAIT)
                .ignoreExceptions()
                .until(() -> driver.findElement(By.id("view")).getAttribute("data-loaded") != null);
    }

    private List<String> rowCodes() {
        return driver.findElements(By.cssSelector("#prog-rows tr[data-enterprise]")).stream()
                .map(e -> e.getAttribute("data-enterprise"))
                .toList();
    }

    private List<String> equipmentRows() {
        return driver.findElements(By.cssSelector("#rows tr[data-equipment]")).stream()
                .map(e -> e.getAttribute("data-equipment"))
                .toList();
    }

    private String cell(String code, String col) {
        return text(By.cssSelector("tr[data-enterprise='" + code + "'] td[data-col='" + col + "']"));
    }

    /** The collector API requests the page made since the last performance.clearResourceTimings(). */
    @SuppressWarnings("unchecked")
    private List<String> apiRequests() {
        return (List<String>) js("return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
                + ".filter(function (n) { return n.indexOf('/api/v1/') >= 0; });");
    }

    private Path awaitDownload(String suffix) {
        return await().atMost(WAIT)
                .until(
                        () -> {
                            try (Stream<Path> files = Files.list(downloads)) {
                                return files.filter(
                                                p -> p.getFileName().toString().endsWith(suffix))
                                        .findFirst()
                                        .orElse(null);
                            }
                        },
                        p -> p != null && p.toFile().length() > 0);
    }

    private void click(By by) {
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            driver.findElement(by).click();
            return true;
        });
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private String text(By by) {
        WebElement e = driver.findElement(by);
        return e.getText().trim();
    }

    private void screenshot(String name) throws IOException {
        Files.write(
                SCREENSHOTS.resolve(name + ".png"),
                ((ChromeDriver) driver).getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    }

    private static List<String> cells(Sheet sheet) {
        DataFormatter f = new DataFormatter(Locale.ROOT);
        List<String> out = new ArrayList<>();
        for (Row r : sheet) {
            for (Cell c : r) {
                out.add(f.formatCellValue(c));
            }
        }
        return out;
    }

    private static String compact(LocalDate d) {
        return d.toString().replace("-", "");
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f %%", v * 100);
    }

    /* ---------- API and facts ---------- */

    private String period(String zone) {
        java.time.ZoneId z = java.time.ZoneId.of(zone);
        return "from=" + enc(day.atStartOfDay(z).toOffsetDateTime().toString()) + "&to="
                + enc(day.plusDays(1).atStartOfDay(z).toOffsetDateTime().toString());
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private List<String> apiCodes(String sort) throws IOException, InterruptedException {
        List<String> codes = new ArrayList<>();
        for (JsonNode r : api("/api/v1/enterprises?from=" + day + "&to=" + day + "&" + sort)
                .path("enterprises")) {
            codes.add(r.path("code").asText());
        }
        return codes;
    }

    private JsonNode api(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + path.substring(1)))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + ADMIN)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    /**
     * A device connected over [from, to) with every expected read (one per second per point) and good samples of
     * each point every hour, as the gateway writes them (minute, hour and day rollups, and a raised revision of
     * each UTC day touched).
     */
    private void connected(String enterprise, String device, List<String> points, Instant from, Instant to) {
        FactsFixture.migrated(collector.gateway().dataSource())
                .group(enterprise)
                .connected("edge-01", device, points, from, to);
    }
}
