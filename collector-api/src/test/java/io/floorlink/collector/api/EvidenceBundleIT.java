package io.floorlink.collector.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.Collector;
import io.floorlink.collector.CollectorConfig;
import io.floorlink.collector.CollectorMain;
import io.floorlink.collector.HttpConfig;
import io.floorlink.collector.audit.AuditLog;
import io.floorlink.gateway.GatewayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A reviewer downloads a signed evidence bundle from a running collector and checks it offline with {@code
 * floorlink-collector verify}: untouched it passes against the key of {@code GET /api/v1/keys}; one changed byte
 * fails naming the file.
 */
class EvidenceBundleIT {
    private static final String REVIEWER = "reviewer-token-li-0123456789abcd";

    @TempDir
    Path dir;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aDownloadedBundleVerifiesOfflineAndOneChangedByteIsNamed() throws Exception {
        Path inventory = SampleInventory.copyTo(dir);
        CollectorConfig config = CollectorConfig.defaults(dir.resolve("data"))
                .withInventory(inventory)
                .withHttp(new HttpConfig("127.0.0.1", 0, null)
                        .withReviewerTokens(List.of(new HttpConfig.ReviewerToken("li-na", REVIEWER))))
                .withGateway(GatewayConfig.defaults(dir.resolve("data")).withBrokerPort(0));
        Instant to = Instant.now().truncatedTo(ChronoUnit.HOURS);
        Instant from = to.minus(Duration.ofDays(1));
        String query = "?from=" + from + "&to=" + to;
        Path bundle = dir.resolve("bundle.zip");
        String keyPem;
        JsonNode apiReport;
        try (Collector c = Collector.start(config, new SimpleMeterRegistry())) {
            assertThat(get(c, "/api/v1/bundles" + query, null).statusCode())
                    .as("no anonymous bundles where reviewer tokens are set")
                    .isEqualTo(401);
            HttpResponse<byte[]> keys = get(c, "/api/v1/keys", REVIEWER);
            assertThat(keys.statusCode()).isEqualTo(200);
            JsonNode key = Json.mapper().readTree(keys.body()).path("keys").get(0);
            assertThat(key.path("algorithm").asText()).isEqualTo("Ed25519");
            keyPem = key.path("public_key_pem").asText();
            Files.writeString(dir.resolve("platform.pem"), keyPem);

            HttpResponse<byte[]> r = get(c, "/api/v1/bundles" + query, REVIEWER);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/zip");
            assertThat(r.headers().firstValue("Content-Disposition").orElse("")).contains("floorlink-evidence-ENT001-");
            Files.write(bundle, r.body());
            apiReport = Json.mapper()
                    .readTree(get(c, "/api/v1/indicators" + query, REVIEWER).body());
        }

        Map<String, byte[]> entries = read(bundle);
        assertThat(entries.keySet())
                .contains(
                        "manifest.json",
                        "manifest.sig",
                        "platform-key.pem",
                        "indicators.json",
                        "indicators.csv",
                        "evaluation.json",
                        "evaluation.csv",
                        "profile.json",
                        "inventory.yaml",
                        "report.xlsx",
                        "report.pdf");
        JsonNode bundled = Json.mapper().readTree(entries.get("indicators.json"));
        List<String> apiIds = new ArrayList<>();
        apiReport.path("equipment").forEach(e -> apiIds.add(e.path("id").asText()));
        List<String> bundledIds = new ArrayList<>();
        bundled.path("equipment").forEach(e -> bundledIds.add(e.path("id").asText()));
        assertThat(bundledIds).isNotEmpty().isEqualTo(apiIds);
        for (String id : apiIds) {
            assertThat(entries).containsKeys("equipment/" + id + ".csv", "daily/" + id + ".csv");
            String daily = new String(entries.get("daily/" + id + ".csv"), StandardCharsets.UTF_8);
            assertThat(daily).startsWith("\uFEFFday,equipment,indicator,");
            java.time.ZoneId zone = java.time.ZoneId.of(
                    apiReport.path("window").path("timezone").asText());
            for (java.time.LocalDate d = from.atZone(zone).toLocalDate();
                    d.atStartOfDay(zone).toInstant().isBefore(to);
                    d = d.plusDays(1)) {
                assertThat(daily).as("%s has a row for %s", id, d).contains("\r\n" + d + "," + id + ",online_ratio,");
            }
        }
        assertThat(bundled.path("indicators").path("networking_rate"))
                .isEqualTo(apiReport.path("indicators").path("networking_rate"));
        try (org.apache.poi.ss.usermodel.Workbook wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(
                new java.io.ByteArrayInputStream(entries.get("report.xlsx")))) {
            assertThat(wb.getSheetName(0)).as("the bundled report is in zh-CN").isEqualTo("汇总");
            assertThat(wb.getSheet("设备").getLastRowNum() - 1).isEqualTo(apiIds.size());
            boolean found = false;
            for (org.apache.poi.ss.usermodel.Row row : wb.getSheet("汇总")) {
                if (row.getCell(0) != null
                        && row.getCell(0).toString().equals("networking_rate")
                        && row.getCell(1).toString().equals("设备联网率")) {
                    assertThat(row.getCell(3).getNumericCellValue())
                            .isEqualTo(apiReport
                                    .path("indicators")
                                    .path("networking_rate")
                                    .path("value")
                                    .asDouble());
                    found = true;
                }
            }
            assertThat(found).as("设备联网率 in the bundled report").isTrue();
        }
        try (org.apache.pdfbox.pdmodel.PDDocument pdf = org.apache.pdfbox.Loader.loadPDF(entries.get("report.pdf"))) {
            String text = new org.apache.pdfbox.text.PDFTextStripper().getText(pdf);
            assertThat(text).as("the bundled PDF is in zh-CN").contains("设备联网率", "验收专家签字");
            assertThat(text)
                    .contains(PdfReport.value(
                            "networking_rate",
                            apiReport
                                    .path("indicators")
                                    .path("networking_rate")
                                    .path("value")
                                    .asDouble()));
            for (String id : apiIds) {
                assertThat(text).contains(id);
            }
        }
        JsonNode manifest = Json.mapper().readTree(entries.get("manifest.json"));
        assertThat(manifest.path("files").toString()).contains("\"report.xlsx\"", "\"report.pdf\"");
        assertThat(manifest.path("generated_by").asText()).isEqualTo("li-na");
        assertThat(manifest.path("from").asText()).isEqualTo(from.toString());

        String[] ok = verify("verify", "--key", dir.resolve("platform.pem").toString(), bundle.toString());
        assertThat(ok[0]).as(ok[1]).isEqualTo("0");
        assertThat(ok[1]).startsWith("VALID: ").contains("ENT001");

        Map<String, byte[]> tampered = new LinkedHashMap<>(entries);
        byte[] csv = tampered.get("indicators.csv").clone();
        csv[csv.length - 2] ^= 1;
        tampered.put("indicators.csv", csv);
        Path changed = dir.resolve("changed.zip");
        write(changed, tampered);
        String[] bad = verify("verify", "--key", dir.resolve("platform.pem").toString(), changed.toString());
        assertThat(bad[0]).isEqualTo("1");
        assertThat(bad[1]).startsWith("INVALID: ").contains("changed: indicators.csv");

        Map<String, byte[]> xlsxChanged = new LinkedHashMap<>(entries);
        byte[] xlsx = xlsxChanged.get("report.xlsx").clone();
        xlsx[xlsx.length / 2] ^= 1;
        xlsxChanged.put("report.xlsx", xlsx);
        Path changedReport = dir.resolve("changed-report.zip");
        write(changedReport, xlsxChanged);
        String[] badReport =
                verify("verify", "--key", dir.resolve("platform.pem").toString(), changedReport.toString());
        assertThat(badReport[0]).isEqualTo("1");
        assertThat(badReport[1]).startsWith("INVALID: ").contains("changed: report.xlsx");

        Map<String, byte[]> pdfChanged = new LinkedHashMap<>(entries);
        byte[] pdfBytes = pdfChanged.get("report.pdf").clone();
        pdfBytes[pdfBytes.length / 2] ^= 1;
        pdfChanged.put("report.pdf", pdfBytes);
        Path changedPdf = dir.resolve("changed-pdf.zip");
        write(changedPdf, pdfChanged);
        String[] badPdf = verify("verify", "--key", dir.resolve("platform.pem").toString(), changedPdf.toString());
        assertThat(badPdf[0]).isEqualTo("1");
        assertThat(badPdf[1]).startsWith("INVALID: ").contains("changed: report.pdf");

        String[] missing = verify("verify", dir.resolve("no-such-bundle.zip").toString());
        assertThat(missing[0]).isEqualTo("66");
        assertThat(missing[1]).contains("cannot read").contains("no-such-bundle.zip");

        AuditLog.Verification audit = AuditLog.verify(dir.resolve("data").resolve(Collector.AUDIT_LOG));
        assertThat(audit.intact()).as(audit.problem()).isTrue();
        assertThat(Files.readString(dir.resolve("data").resolve(Collector.AUDIT_LOG)))
                .contains("\"bundle.generated\"")
                .contains("li-na");
    }

    private HttpResponse<byte[]> get(Collector c, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.httpPort() + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Runs the collector's command line in process; returns exit code and what it printed. */
    private static String[] verify(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cmd = new CommandLine(new CollectorMain());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(out));
        int code = cmd.execute(args);
        return new String[] {String.valueOf(code), out.toString()};
    }

    private static Map<String, byte[]> read(Path zip) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream z = new ZipInputStream(Files.newInputStream(zip), StandardCharsets.UTF_8)) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                entries.put(e.getName(), z.readAllBytes());
            }
        }
        return entries;
    }

    private static void write(Path zip, Map<String, byte[]> entries) throws Exception {
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip), StandardCharsets.UTF_8)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
    }
}
