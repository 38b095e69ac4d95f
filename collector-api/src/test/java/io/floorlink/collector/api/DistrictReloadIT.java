package io.floorlink.collector.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.floorlink.collector.Collector;
import io.floorlink.collector.CollectorConfig;
import io.floorlink.collector.HttpConfig;
import io.floorlink.collector.district.GoldenDistrictFiles;
import io.floorlink.gateway.GatewayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A programme administrator enrols and retires enterprises by editing district.yaml and reloading it, without a
 * restart and without touching the other enterprises; a registry with a problem, or one that drops an enterprise,
 * changes nothing.
 */
class DistrictReloadIT {
    private static final String ADMIN = "admin-token-0123456789abcdef";
    private static final String CONTRACTOR = "ctr-east-token-0123456789ab";
    private static final String LIST = "/api/v1/enterprises?from=2026-03-01&to=2026-03-02";

    @TempDir
    Path dir;

    private GoldenDistrictFiles files;
    private Collector collector;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        files = GoldenDistrictFiles.copyTo(dir);
        HttpConfig httpConfig = new HttpConfig("127.0.0.1", 0, ADMIN)
                .withUsers(List.of(
                        new HttpConfig.User("ctr-east", CONTRACTOR, HttpConfig.Role.CONTRACTOR, null, "CTR-EAST")));
        collector = Collector.start(
                CollectorConfig.defaults(dir.resolve("data"))
                        .withHttp(httpConfig)
                        .withGateway(GatewayConfig.defaults(dir.resolve("data")).withBrokerPort(0))
                        .withDistrict(files.registry(), files.inventories()),
                new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() {
        collector.close();
    }

    @Test
    void aNewEnterpriseIsServedAndARetiredOneLeavesTheProgrammeViewWithoutARestart() throws Exception {
        var sewBefore = collector.indicators("ENT-SEW");
        String registry = Files.readString(files.registry())
                .replace(
                        "    enrolled_on: 2026-02-10\n",
                        "    enrolled_on: 2026-02-10\n    status: retired\n    retired_on: 2026-04-30\n")
                .replace(
                        "reviews:",
                        "  - { code: ENT-NEW, name: 新入选家电企业, industry: appliance-assembly, contractor: CTR-EAST,"
                                + " programme: JJ-2026 }\nreviews:");
        Files.writeString(files.registry(), registry);
        Files.createDirectories(files.inventories().resolve("ENT-NEW"));
        Files.writeString(
                files.inventory("ENT-NEW"),
                Files.readString(files.inventory("ENT-ASM"))
                        .replace("code: ENT-ASM, name: Appliance Assembly Ltd", "code: ENT-NEW, name: 新入选家电企业"));

        HttpResponse<String> r = send("POST", "/api/v1/district/reload", ADMIN);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(r.body());
        assertThat(body.path("added").toString()).isEqualTo("[\"ENT-NEW\"]");
        assertThat(body.path("retired").toString()).isEqualTo("[\"ENT-ASM\"]");
        assertThat(codes(send("GET", LIST, CONTRACTOR))).containsExactly("ENT-NEW", "ENT-SEW");
        assertThat(codes(send("GET", LIST + "&status=retired", ADMIN))).containsExactly("ENT-ASM");
        // the retired enterprise is still readable by its code; the others kept their service (and cache)
        assertThat(send("GET", "/api/v1/equipment?enterprise=ENT-ASM", ADMIN).statusCode())
                .isEqualTo(200);
        assertThat(collector.indicators("ENT-SEW")).isSameAs(sewBefore);
        assertThat(Files.readString(collector.audit().file())).contains("\"district.reload\"");
    }

    @Test
    void aRegistryWithAProblemOrWithoutAnEnterpriseChangesNothing() throws Exception {
        String good = Files.readString(files.registry());
        Files.writeString(files.registry(), good.replace("industry: auto-part-molding", "industry: shipbuilding"));
        HttpResponse<String> bad = send("POST", "/api/v1/district/reload", ADMIN);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body())
                .contains("invalid_district")
                .contains("district.yaml:")
                .contains("shipbuilding");

        int asm = good.indexOf("  - code: ENT-ASM");
        Files.writeString(files.registry(), good.substring(0, asm) + good.substring(good.indexOf("reviews:")));
        HttpResponse<String> dropped = send("POST", "/api/v1/district/reload", ADMIN);
        assertThat(dropped.statusCode()).isEqualTo(400);
        assertThat(dropped.body()).contains("[ENT-ASM] are missing from the new registry");

        assertThat(codes(send("GET", LIST, ADMIN))).containsExactly("ENT-ASM", "ENT-MOLD", "ENT-SEW");
        assertThat(send("POST", "/api/v1/district/reload", CONTRACTOR).statusCode())
                .isEqualTo(403);
    }

    private static List<String> codes(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        Json.mapper()
                .readTree(r.body())
                .path("enterprises")
                .forEach(e -> out.add(e.path("code").asText()));
        return out;
    }

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.httpPort() + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
