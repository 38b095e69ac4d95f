package io.floorlink.collector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.Collector;
import io.floorlink.collector.CollectorConfig;
import io.floorlink.collector.HttpConfig;
import io.floorlink.collector.indicators.FactsFixture;
import io.floorlink.gateway.GatewayConfig;
import io.floorlink.testing.HeadlessChromium;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
import org.openqa.selenium.print.PrintOptions;

/**
 * The web page as a Chinese acceptance reviewer uses it, driven in a real headless Chromium through Selenium: a
 * collector as a user runs it (in-process gateway, H2 facts store, HTTP on port 0) that wants a reviewer token, with
 * the facts of one closed local day written as the gateway writes them (minute, hour and day rollups). The browser
 * prefers Chinese, so the page starts in zh-CN. Screenshots go to target/screenshots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReviewerPageIT {
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String REVIEWER = "reviewer-token-zhang-0123456789";
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private Collector collector;
    private WebDriver driver;
    private LocalDate day;
    private String base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        HeadlessChromium.assumeInstalled();
        Path inventory = SampleInventory.copyTo(dir);
        CollectorConfig defaults = CollectorConfig.defaults(dir.resolve("data"));
        CollectorConfig config = defaults.withHttp(defaults.http()
                        .withPort(0)
                        .withReviewerTokens(List.of(new HttpConfig.ReviewerToken("zhang-wei", REVIEWER))))
                .withInventory(inventory)
                .withGateway(GatewayConfig.defaults(dir.resolve("data")).withBrokerPort(0));
        collector = Collector.start(config, new SimpleMeterRegistry());
        base = "http://127.0.0.1:" + collector.httpPort() + "/";

        // A closed local day three days back: IMM-01 connected all day with every expected read, SEW-01 the first
        // 12 hours only (so not networked: online ratio 0.5).
        day = LocalDate.now(SHANGHAI).minusDays(3);
        Instant dayStart = day.atStartOfDay(SHANGHAI).toInstant();
        Instant dayEnd = day.plusDays(1).atStartOfDay(SHANGHAI).toInstant();
        session("IMM-01", "edge-02", dayStart.minus(Duration.ofHours(2)), dayEnd.plus(Duration.ofHours(2)));
        session("SEW-01", "edge-01", dayStart, dayStart.plus(Duration.ofHours(12)));
        deviceReads("IMM-01", dayStart.minus(Duration.ofHours(2)), dayEnd.plus(Duration.ofHours(2)), 126);
        deviceReads("SEW-01", dayStart, dayStart.plus(Duration.ofHours(12)), 120);
        for (String p : List.of("production_status", "shot_count", "energy_kwh")) {
            pointSamples("IMM-01", p, dayStart.minus(Duration.ofHours(2)), dayEnd.plus(Duration.ofHours(2)));
        }
        for (String p : List.of("run_state", "stitch_count")) {
            pointSamples("SEW-01", p, dayStart, dayStart.plus(Duration.ofHours(12)));
        }
        // IMM-01's ProductionStatus: running (4) until 20:00 local, fault (5) for an hour, then idle (2).
        List<Object[]> states = new ArrayList<>();
        for (Instant m = dayStart; m.isBefore(dayEnd); m = m.plus(Duration.ofMinutes(1))) {
            long minute = Duration.between(dayStart, m).toMinutes();
            states.add(new Object[] {
                "IMM-01", "production_status", m, minute < 20 * 60 ? 4.0 : minute < 21 * 60 ? 5.0 : 2.0, 60_000L
            });
        }
        facts().states(states);
        // the cache warmer may have looked at these closed days already: mark them written, as the gateway does
        facts().revise("IMM-01", dayStart.minus(Duration.ofHours(2)), dayEnd.plus(Duration.ofHours(2)));
        facts().revise("SEW-01", dayStart, dayStart.plus(Duration.ofHours(12)));

        Files.createDirectories(SCREENSHOTS);
        driver = HeadlessChromium.start("zh-CN", dir, null);
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
    void choosingAPeriodWithThePickersShowsTheApiFiguresOfThatPeriod() throws Exception {
        openFresh(base + "#/?lang=en&scope=pilot");
        await().atMost(WAIT).ignoreExceptions().until(() -> !text(By.cssSelector("#cards"))
                .isEmpty());

        // what a pick in the date pickers sets, then the form's button
        setDate("from-day", day);
        setDate("to-day", day);
        driver.findElement(By.id("apply")).click();

        JsonNode api = api("/api/v1/indicators?scope=pilot&" + period(day, day));
        String expectedRate = pct(api.at("/indicators/networking_rate/value").asDouble());
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(
                        text(By.cssSelector("[data-indicator=networking_rate] .v")))
                .isEqualTo(expectedRate));
        assertThat(driver.getCurrentUrl()).contains("from=" + day).contains("to=" + day);
        assertThat(expectedRate).isEqualTo("33.3 %");
        assertThat(text(By.cssSelector("[data-indicator=networking_rate] .numbers")))
                .isEqualTo("1 / 3 equipment");
        assertThat(text(By.cssSelector("[data-indicator=online_ratio] .v")))
                .isEqualTo(pct(api.at("/indicators/online_ratio/value").asDouble()));
        assertThat(text(By.cssSelector("[data-indicator=digitalization_rate] .v")))
                .isEqualTo(pct(api.at("/indicators/digitalization_rate/value").asDouble()));
        JsonNode sew = find(api.path("equipment"), "SEW-01");
        assertThat(text(By.cssSelector("tr[data-equipment=SEW-01] td[data-col=online_ratio]")))
                .isEqualTo(pct(sew.at("/online_ratio/value").asDouble()))
                .isEqualTo("50.0 %");
        assertThat(text(By.cssSelector("#partial-score")))
                .isEqualTo(num(api.at("/assessment2024/partial_score").asDouble()) + " / "
                        + num(api.at("/assessment2024/max_partial_score").asDouble()));

        JsonNode evaluation = api("/api/v1/evaluations?scope=pilot&" + period(day, day));
        for (JsonNode rule : evaluation.path("rules")) {
            assertThat(driver.findElement(By.cssSelector(
                                    "tr[data-rule='" + rule.path("id").asText() + "'] [data-verdict]"))
                            .getAttribute("data-verdict"))
                    .isEqualTo(rule.path("outcome").asText());
        }
        // one day is shorter than the profile's min_window: the page says why the profile cannot be evaluated
        assertThat(evaluation.path("status").asText()).isEqualTo("cannot_evaluate");
        assertThat(text(By.id("evaluation"))).contains("cannot evaluate").contains("min_window");
        assertThat(text(By.id("refresh-note"))).isEqualTo("fixed period: not refreshed automatically");
        screenshot("overview-period-en");
    }

    @Test
    void presetsChooseClosedPeriodsOfTheEnterpriseTimeZone() throws Exception {
        openFresh(base + "#/?lang=en");
        LocalDate today = LocalDate.now(SHANGHAI);
        click(By.id("preset-week"));
        LocalDate monday = today.minusDays(today.getDayOfWeek().getValue() - 1L);
        await().atMost(WAIT).untilAsserted(() -> assertThat(driver.getCurrentUrl())
                .contains("from=" + monday.minusDays(7))
                .contains("to=" + monday.minusDays(1)));
        click(By.id("preset-month"));
        LocalDate first = today.withDayOfMonth(1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(driver.getCurrentUrl())
                .contains("from=" + first.minusMonths(1))
                .contains("to=" + first.minusDays(1)));
        click(By.id("preset-profile"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(driver.getCurrentUrl())
                .contains("from=" + today.minusDays(7))
                .contains("to=" + today.minusDays(1)));
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(text(By.cssSelector("#window")))
                .contains("Asia/Shanghai"));
        JsonNode api = api("/api/v1/indicators?scope=pilot&" + period(today.minusDays(7), today.minusDays(1)));
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(
                        text(By.cssSelector("[data-indicator=online_ratio] .v")))
                .isEqualTo(pct(api.at("/indicators/online_ratio/value").asDouble())));
    }

    @Test
    void switchingLanguageShowsChineseAndEnglishTitles() throws Exception {
        // no lang in the URL: the browser prefers Chinese, so the page starts in zh-CN
        openFresh(base + "#/?scope=pilot&from=" + day + "&to=" + day);
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(
                        text(By.cssSelector("[data-indicator=networking_rate] .title")))
                .startsWith("设备联网率"));
        assertThat(text(By.id("page-title"))).isEqualTo("FloorLink 采集平台：验收证据");
        assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("zh-CN");
        assertThat(text(By.cssSelector("[data-indicator=digitalization_rate] .title")))
                .startsWith("设备数字化率");
        assertThat(text(By.cssSelector("[data-indicator=key_networking_rate] .title")))
                .startsWith("关键设备联网率");
        assertThat(text(By.cssSelector("[data-indicator=networking_rate] .formula")))
                .contains("稳定联网的生产设备 / 生产设备")
                .contains("1 / 3 台");
        assertThat(text(By.cssSelector("tr[data-equipment=SEW-01]"))).contains("在线率（online_ratio） 0.5 < θ_online 0.9");
        assertThat(text(By.cssSelector("#evaluation"))).contains("无法评价").contains("要求至少 7d");
        // every reason sentence of the collector on this page has its Chinese rendering (none marked as original)
        assertThat(text(By.tagName("body"))).doesNotContain("（原文）");
        screenshot("overview-zh");

        click(By.id("lang-en"));
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(
                        text(By.cssSelector("[data-indicator=networking_rate] .title")))
                .startsWith("Networking rate"));
        assertThat(text(By.id("page-title"))).isEqualTo("FloorLink collector: acceptance evidence");
        assertThat(driver.getCurrentUrl()).contains("lang=en");
        screenshot("overview-en");

        click(By.id("lang-zh"));
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(text(By.id("page-title")))
                .isEqualTo("FloorLink 采集平台：验收证据"));
        assertThat(driver.getCurrentUrl()).contains("lang=zh-CN");
    }

    @Test
    void equipmentPageShowsItsIdentityFiguresPointsAndTimeline() throws Exception {
        openFresh(base + "#/?lang=zh-CN&from=" + day + "&to=" + day);
        await().atMost(WAIT).ignoreExceptions().until(() -> driver.findElement(
                        By.cssSelector("tr[data-equipment=IMM-01] a.eq-link"))
                .isDisplayed());
        click(By.cssSelector("tr[data-equipment=IMM-01] a.eq-link"));

        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(text(By.id("eq-id")))
                .isEqualTo("IMM-01"));
        assertThat(driver.getCurrentUrl()).contains("#/equipment/IMM-01?").contains("from=" + day);
        JsonNode api = api("/api/v1/equipment/IMM-01/indicators?" + period(day, day));
        for (String figure : List.of("online_ratio", "point_coverage", "completeness", "read_success")) {
            assertThat(text(By.cssSelector("tr[data-figure=" + figure + "] .v")))
                    .as(figure)
                    .isEqualTo(pct(api.at("/" + figure + "/value").asDouble()));
        }
        assertThat(text(By.cssSelector("[data-networked]"))).contains("IMM-01 在该期间稳定联网");
        assertThat(driver.findElements(By.cssSelector("tr[data-point]"))).hasSize(3);
        assertThat(text(By.cssSelector("tr[data-point=energy_kwh]")))
                .contains("energy")
                .contains("10s");
        assertThat(text(By.id("identity")))
                .contains("Injection molding machine 1", "injection_molding", "L-MOLD", "生产设备")
                .doesNotContain("{");
        // ECharts comes from the collector's WebJar route, not from the internet
        await().atMost(WAIT).untilAsserted(() -> assertThat(
                        driver.findElement(By.id("chart")).getAttribute("data-chart"))
                .isEqualTo("drawn"));
        // running, fault and idle of the day, as the API's state timeline has them
        JsonNode segments = api.at("/evidence/state_timeline/segments");
        assertThat(segments).extracting(s -> s.path("state").asText()).containsExactly("running", "fault", "idle");
        assertThat(driver.findElement(By.id("chart")).getAttribute("data-states"))
                .isEqualTo("3");
        assertThat(text(By.tagName("body"))).doesNotContain("（原文）");
        screenshot("equipment-IMM-01-zh");

        // the page for a not networked machine says why
        openSameTab(base + "#/equipment/SEW-01?lang=en&from=" + day + "&to=" + day);
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(text(By.id("networked")))
                .contains("SEW-01 is not stably networked")
                .contains("online_ratio 0.5 < θ_online 0.9"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(
                        driver.findElement(By.id("chart")).getAttribute("data-chart"))
                .isEqualTo("drawn"));
        screenshot("equipment-SEW-01-en");
    }

    @Test
    void reloadingACopiedLinkGivesTheSameView() throws Exception {
        openFresh(base + "#/?lang=zh-CN&scope=L-MOLD");
        setDate("from-day", day);
        setDate("to-day", day);
        click(By.id("apply"));
        await().atMost(WAIT)
                .ignoreExceptions()
                .until(() -> driver.getCurrentUrl().contains("from=" + day)
                        && !text(By.cssSelector("#cards")).isEmpty()
                        && text(By.id("window")).contains(day.toString()));
        String link = driver.findElement(By.id("permalink")).getAttribute("href");
        assertThat(link)
                .isEqualTo(driver.getCurrentUrl())
                .contains("scope=L-MOLD")
                .contains("lang=zh-CN");
        Map<String, String> before = view();

        driver.navigate().refresh();
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(view())
                .isEqualTo(before));

        // another reviewer's browser tab: no token yet, then the same view
        openFresh(link);
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(view())
                .isEqualTo(before));
        assertThat(before.get("cards")).contains("设备联网率");
        screenshot("overview-reloaded-zh");
    }

    @Test
    void aReviewerTokenWorksForTheEquipmentDrillDown() throws Exception {
        String link = base + "#/equipment/IMM-01?lang=en&from=" + day + "&to=" + day;
        assertThat(status("/api/v1/equipment/IMM-01/indicators", null)).isEqualTo(401);
        assertThat(status("/api/v1/equipment/IMM-01/indicators", REVIEWER)).isEqualTo(200);

        driver.switchTo().newWindow(WindowType.TAB);
        driver.get(link);
        await().atMost(WAIT).until(() -> driver.findElement(By.id("login")).isDisplayed());
        assertThat(text(By.id("message"))).contains("needs a valid reviewer or admin token");
        screenshot("drilldown-login-en");
        driver.findElement(By.id("token")).sendKeys(REVIEWER);
        driver.findElement(By.cssSelector("#login button[type=submit]")).click();

        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(text(By.id("eq-id")))
                .isEqualTo("IMM-01"));
        JsonNode api = api("/api/v1/equipment/IMM-01/indicators?" + period(day, day));
        assertThat(text(By.cssSelector("tr[data-figure=online_ratio] .v")))
                .isEqualTo(pct(api.at("/online_ratio/value").asDouble()));
        assertThat(driver.findElements(By.cssSelector(".error"))).isEmpty();
        screenshot("drilldown-reviewer-en");
    }

    @Test
    void aFixedPeriodIsNeverRefreshedOnlyTheLiveViewIs() throws Exception {
        openFresh(base + "#/?lang=en&from=" + day + "&to=" + day);
        String fixed = loaded();
        // the live view refreshes every 15 s; a fixed period must not be fetched again in that time
        await().during(Duration.ofSeconds(17)).atMost(Duration.ofSeconds(25)).until(() -> fixed.equals(loaded()));

        click(By.id("mode-live"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(driver.getCurrentUrl())
                .contains("period=live")
                .contains("window=1h")
                .doesNotContain("from="));
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(text(By.id("refresh-note")))
                .isEqualTo("live: refreshed every 15 s"));
        await().atMost(WAIT).until(() -> !fixed.equals(loaded()));
        String live = loaded();
        await().atMost(Duration.ofSeconds(25)).until(() -> !live.equals(loaded()));
    }

    @Test
    void printingPutsTheWholeEquipmentTableOnA4() throws Exception {
        openFresh(base + "#/?lang=zh-CN&from=" + day + "&to=" + day);
        await().atMost(WAIT).ignoreExceptions().until(() -> !driver.findElements(By.cssSelector("tr[data-equipment]"))
                .isEmpty());
        // A4 landscape minus 10 mm margins = 277 mm = 1047 CSS px wide
        ((ChromeDriver) driver)
                .executeCdpCommand(
                        "Emulation.setDeviceMetricsOverride",
                        Map.of("width", 1047, "height", 740, "deviceScaleFactor", 1, "mobile", false));
        ((ChromeDriver) driver).executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
        try {
            Object widths = js("var t = document.querySelector('table.equipment');"
                    + " return [t.scrollWidth, document.documentElement.clientWidth,"
                    + " getComputedStyle(document.getElementById('controls')).display];");
            @SuppressWarnings("unchecked")
            List<Object> w = (List<Object>) widths;
            assertThat(((Number) w.get(0)).intValue())
                    .as("equipment table width in print")
                    .isLessThanOrEqualTo(((Number) w.get(1)).intValue());
            assertThat(w.get(2)).isEqualTo("none");
            screenshot("overview-print-zh");
        } finally {
            ((ChromeDriver) driver).executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", ""));
            ((ChromeDriver) driver).executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
        PrintOptions print = new PrintOptions();
        print.setPageSize(new org.openqa.selenium.print.PageSize(29.7, 21.0));
        print.setOrientation(PrintOptions.Orientation.LANDSCAPE);
        String pdf = ((ChromeDriver) driver).print(print).getContent();
        Files.write(
                SCREENSHOTS.resolve("overview-print-zh.pdf"),
                Base64.getDecoder().decode(pdf));
    }

    /* ---------- browser helpers ---------- */

    /** Opens url in a new tab (empty sessionStorage, as a copied link in another browser) and logs in there. */
    private void openFresh(String url) {
        driver.switchTo().newWindow(WindowType.TAB);
        driver.get(url);
        await().atMost(WAIT).ignoreExceptions().until(() -> driver.findElement(By.id("login"))
                .isDisplayed());
        driver.findElement(By.id("token")).sendKeys(REVIEWER);
        driver.findElement(By.cssSelector("#login button[type=submit]")).click();
        await().atMost(WAIT)
                .ignoreExceptions()
                .until(() -> driver.findElement(By.id("view")).getAttribute("data-loaded") != null);
    }

    /** Which load of the view is shown (app.js counts them). */
    private String loaded() {
        return driver.findElement(By.id("view")).getAttribute("data-loaded");
    }

    private void openSameTab(String url) {
        driver.get(url);
    }

    private void setDate(String id, LocalDate value) {
        js(
                "var e = document.getElementById(arguments[0]); e.value = arguments[1];"
                        + " e.dispatchEvent(new Event('input', {bubbles: true}));"
                        + " e.dispatchEvent(new Event('change', {bubbles: true}));",
                id,
                value.toString());
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

    private Map<String, String> view() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("title", text(By.id("page-title")));
        v.put("window", text(By.id("window")).replaceAll("\\| [^|]*\\d\\d:\\d\\d:\\d\\d \\|", "|"));
        v.put("cards", text(By.id("cards")));
        v.put("rows", text(By.id("rows")));
        v.put("from", driver.findElement(By.id("from-day")).getAttribute("value"));
        v.put("to", driver.findElement(By.id("to-day")).getAttribute("value"));
        v.put("scope", driver.findElement(By.id("scope")).getAttribute("value"));
        return v;
    }

    /** The whole page, not only the window (Chrome DevTools: capture beyond the viewport). */
    private void screenshot(String name) throws IOException {
        @SuppressWarnings("unchecked")
        List<Number> size = (List<Number>)
                js("return [document.documentElement.scrollWidth," + " document.documentElement.scrollHeight];");
        Map<String, Object> clip = Map.of(
                "x",
                0,
                "y",
                0,
                "width",
                size.get(0).intValue(),
                "height",
                size.get(1).intValue(),
                "scale",
                1);
        Map<String, Object> shot = ((ChromeDriver) driver)
                .executeCdpCommand(
                        "Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
        Files.write(SCREENSHOTS.resolve(name + ".png"), Base64.getDecoder().decode((String) shot.get("data")));
    }

    /* ---------- API and facts ---------- */

    private static String period(LocalDate from, LocalDate toInclusive) {
        return "from=" + enc(from.atStartOfDay(SHANGHAI).toOffsetDateTime().toString()) + "&to="
                + enc(toInclusive
                        .plusDays(1)
                        .atStartOfDay(SHANGHAI)
                        .toOffsetDateTime()
                        .toString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f %%", v * 100);
    }

    /** As JavaScript's Math.round(n * 100) / 100 prints it. */
    private static String num(double v) {
        double r = Math.round(v * 100) / 100.0;
        return r == Math.rint(r) ? Long.toString((long) r) : Double.toString(r);
    }

    private JsonNode api(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(path, REVIEWER), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    private int status(String path, String token) throws IOException, InterruptedException {
        return http.send(request(path, token), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private HttpRequest request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path.substring(1)))
                .timeout(Duration.ofSeconds(20))
                .GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.build();
    }

    private static JsonNode find(JsonNode list, String id) {
        for (JsonNode n : list) {
            if (n.path("id").asText().equals(id)) {
                return n;
            }
        }
        throw new AssertionError("no " + id + " in " + list);
    }

    private FactsFixture facts() {
        return FactsFixture.migrated(collector.gateway().dataSource());
    }

    private void session(String device, String edge, Instant from, Instant to) {
        facts().session(edge, device, from, to, false);
    }

    /** reads_ok per minute in [from, to), with the hour and day (UTC) rollups the gateway adds them to. */
    private void deviceReads(String device, Instant from, Instant to, long perMinute) {
        Map<Instant, long[]> minutes = new LinkedHashMap<>();
        for (Instant m = from; m.isBefore(to); m = m.plus(Duration.ofMinutes(1))) {
            minutes.put(m, new long[] {perMinute, 0});
        }
        facts().devices(Map.of(device, minutes));
    }

    /** Five good real-time samples of a point once an hour (at minute 30), in the minute, hour and day rollups. */
    private void pointSamples(String device, String point, Instant from, Instant to) {
        List<FactsFixture.PointRow> rows = new ArrayList<>();
        for (Instant h = from.truncatedTo(ChronoUnit.HOURS); h.isBefore(to); h = h.plus(Duration.ofHours(1))) {
            Instant m = h.plus(Duration.ofMinutes(30));
            if (!m.isBefore(from) && m.isBefore(to)) {
                rows.add(new FactsFixture.PointRow(device, point, m, 5, 5, 0, 0, 0, null, null, null, new long[16]));
            }
        }
        facts().points(rows);
    }
}
