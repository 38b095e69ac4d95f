package io.floorlink.collector.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.Collector;
import io.floorlink.collector.CollectorConfig;
import io.floorlink.collector.inventory.InventoryLoader;
import io.floorlink.gateway.GatewayConfig;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inventory import through the running collector (real gateway, H2, HTTP on port 0): a good import swaps the
 * inventory and rewrites the file, a bad one lists every error and changes nothing, no token means no import.
 */
class InventoryImportIT {
    private static final String TOKEN = "test-admin-token-0123456789";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Collector collector;

    @TempDir
    Path dir;

    private Path inventoryFile;

    private void start(String adminToken) throws Exception {
        inventoryFile = dir.resolve("inventory.yaml");
        try (InputStream in = InventoryImportIT.class.getResourceAsStream("/inventory.yaml")) {
            Files.copy(in, inventoryFile);
        }
        CollectorConfig config = CollectorConfig.defaults(dir.resolve("data"))
                .withHttpPort(0)
                .withInventory(inventoryFile)
                .withGateway(GatewayConfig.defaults(dir.resolve("data")).withBrokerPort(0));
        config = config.withHttp(config.http().withAdminToken(adminToken));
        collector = Collector.start(config, new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() {
        if (collector != null) {
            collector.close();
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + collector.httpPort() + path);
    }

    private HttpResponse<String> post(String type, byte[] body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/api/v1/inventory"))
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return Json.mapper().readTree(r.body());
    }

    /** The shipped sample, read from the classpath (the packaged jar under Failsafe). */
    private static byte[] sample(String name) throws IOException {
        try (InputStream in = InventoryImportIT.class.getResourceAsStream("/inventory-samples/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static Map<String, byte[]> sampleCsv() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String kind : List.of(
                "enterprise",
                "calendars",
                "shifts",
                "holidays",
                "make_up_days",
                "sites",
                "workshops",
                "lines",
                "equipment",
                "points")) {
            files.put(kind + ".csv", sample("csv/" + kind + ".csv"));
        }
        return files;
    }

    private static byte[] zip(Map<String, byte[]> files) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                z.putNextEntry(new ZipEntry(f.getKey()));
                z.write(f.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    @Test
    void goodZipImportSwapsTheInventoryAndRewritesTheFile() throws Exception {
        start(TOKEN);
        assertThat(json(get("/api/v1/equipment")).get("count").asInt()).isEqualTo(4);

        HttpResponse<String> r = post("application/zip", zip(sampleCsv()), TOKEN);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode summary = json(r);
        assertThat(summary.get("status").asText()).isEqualTo("replaced");
        assertThat(summary.at("/counts/calendars").asInt()).isEqualTo(2);
        assertThat(summary.at("/counts/equipment").asInt()).isEqualTo(4);
        assertThat(summary.at("/counts/points").asInt()).isEqualTo(6);
        JsonNode air = json(get("/api/v1/equipment/AIR-01"));
        assertThat(air.get("name").asText()).isEqualTo("空压机, 螺杆式");
        assertThat(air.get("calendar").asText()).isEqualTo("two-shift");
        assertThat(json(get("/api/v1/inventory")).at("/enterprise/name").asText())
                .isEqualTo("示范服装有限公司");
        // The indicator service answers from the new inventory too.
        assertThat(collector.indicators().inventory().calendarFor("IMM-01")).isPresent();
        // The file on disk is the new inventory and loads on the next start.
        assertThat(InventoryLoader.load(inventoryFile).enterprise().name()).isEqualTo("示范服装有限公司");
        assertThat(InventoryLoader.load(inventoryFile).calendars()).hasSize(2);
    }

    @Test
    void goodYamlAndXlsxImportsAreAccepted() throws Exception {
        start(TOKEN);
        String yaml = "enterprise: { code: ENT002, name: Other }\n"
                + "sites: [{ id: S9, workshops: [{ id: W9, lines: [{ id: L9 }] }] }]\n"
                + "equipment:\n  - { id: X-1, line: L9, production: true, digital: false }\n";

        HttpResponse<String> r = post("application/yaml", yaml.getBytes(StandardCharsets.UTF_8), TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(get("/api/v1/equipment")).at("/equipment/0/id").asText())
                .isEqualTo("X-1");

        byte[] xlsx = sample("inventory.xlsx");
        r = post(InventoryEndpoint.XLSX, xlsx, TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(get("/api/v1/equipment")).get("count").asInt()).isEqualTo(4);
    }

    @Test
    void badImportReturnsAllErrorsAndChangesNothing() throws Exception {
        start(TOKEN);
        String before = Files.readString(inventoryFile);
        String csv = "id,name,line,workshop,site,production,digital\n"
                + "E1,one,L1,W1,S1,true,true\n"
                + "E1,dup,L1,W1,S1,true,true\n"
                + "E2,two,L1,W1,S1,,true\n";

        HttpResponse<String> r = post("text/csv", csv.getBytes(StandardCharsets.UTF_8), TOKEN);

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = json(r);
        assertThat(body.get("error").asText()).isEqualTo("invalid_inventory");
        List<String> errors = new ArrayList<>();
        for (Iterator<JsonNode> it = body.get("errors").elements(); it.hasNext(); ) {
            JsonNode e = it.next();
            errors.add(e.get("file").asText() + ":" + e.get("row").asInt() + ":"
                    + e.get("column").asText());
        }
        assertThat(errors).containsExactly("equipment.csv:3:id", "equipment.csv:4:production");
        assertThat(json(get("/api/v1/equipment")).get("count").asInt()).isEqualTo(4);
        assertThat(json(get("/api/v1/equipment/SEW-01")).get("id").asText()).isEqualTo("SEW-01");
        assertThat(Files.readString(inventoryFile)).isEqualTo(before);

        HttpResponse<String> yaml =
                post("application/yaml", "enterprise: { code: ENT001 }\nequipment: [{ id: X }]\n".getBytes(), TOKEN);
        assertThat(yaml.statusCode()).isEqualTo(400);
        assertThat(json(yaml).at("/errors/0/file").asText()).isEqualTo("inventory.yaml");
        assertThat(json(yaml).at("/errors/0/row").asInt()).isEqualTo(2);
        HttpResponse<String> draft = post(
                "application/yaml",
                InventoryImportIT.class
                        .getResourceAsStream("/testcases/yaml-import-errors/inventory.yaml")
                        .readAllBytes(),
                TOKEN);
        assertThat(draft.statusCode()).isEqualTo(400);
        assertThat(json(draft).get("errors"))
                .as("every problem of the YAML at once")
                .hasSize(8);
        assertThat(json(draft).at("/errors/7/column").asText()).isEqualTo("equipment[6].colour");
        assertThat(json(draft).at("/errors/7/row").asInt()).isEqualTo(21);

        HttpResponse<String> pdf = post("application/pdf", new byte[] {1}, TOKEN);
        assertThat(pdf.statusCode()).isEqualTo(415);
        assertThat(json(pdf).get("parameter").asText()).isEqualTo("Content-Type");
    }

    @Test
    void wrongOrMissingTokenIsRefused() throws Exception {
        start(TOKEN);
        HttpResponse<String> none = post("text/csv", "id\n".getBytes(), null);
        HttpResponse<String> wrong = post("text/csv", "id\n".getBytes(), "not-the-token-at-all");

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain(TOKEN);
    }

    @Test
    void withoutAConfiguredTokenTheImportIsDisabled() throws Exception {
        start(null);

        HttpResponse<String> r = post("application/zip", zip(sampleCsv()), null);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(json(r).get("message").asText()).contains("http.admin_token");
        assertThat(json(get("/api/v1/equipment")).get("count").asInt()).isEqualTo(4);
        assertThat(json(get("/api/v1/inventory")).at("/enterprise/code").asText())
                .isEqualTo("ENT001");
    }

    @Test
    void equipmentAnswersCsvWithBomAndQuoting() throws Exception {
        start(TOKEN);
        assertThat(post("application/zip", zip(sampleCsv()), TOKEN).statusCode())
                .isEqualTo(200);

        HttpResponse<String> csv = get("/api/v1/equipment?format=csv");
        HttpResponse<String> accept = get("/api/v1/equipment", "Accept", "text/csv");

        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0))
                .isEqualTo("\uFEFFid,name,type,site,workshop,line,production,digital,key,ideal_cycle_time,calendar,"
                        + "points");
        assertThat(lines)
                .contains(
                        "AIR-01,\"空压机, 螺杆式\",compressor,S1,W-MOLD,L-MOLD,false,true,false,,two-shift,"
                                + "power_kw:energy:5s",
                        "IMM-01,注塑机 1,injection_molding,S1,W-MOLD,L-MOLD,true,true,false,12s,molding-24x6,"
                                + "production_status:state:1s;shot_count:counter:1s;energy_kwh:energy:10s");
        assertThat(csv.body()).contains("\r\n");
        assertThat(accept.body()).isEqualTo(csv.body());

        HttpResponse<String> bad = get("/api/v1/equipment?format=xml");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).get("parameter").asText()).isEqualTo("format");
        assertThat(json(bad).get("message").asText()).contains("'xml'");
    }
}
