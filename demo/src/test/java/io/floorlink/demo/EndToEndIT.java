package io.floorlink.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.exceptions.MqttClientStateException;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.floorlink.edge.EdgeHealth;
import io.floorlink.sparkplug.metrics.UnitOnceNamingConvention;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole data path of the demo district, for real: Milo sewing-line simulator, Modbus TCP molding machines and
 * MQTT assembly stations -> OPC UA, Modbus and MQTT connectors -> one Sparkplug B edge node per enterprise (all three
 * named edge-01, in three groups) -> embedded HiveMQ CE -> primary host -> H2 facts -> indicator engine -> HTTP API
 * per enterprise and the programme view. The truth is scripted: one sewing station and one molding machine are
 * switched off for known shares of a measurement window, one assembly station's clock runs 30 s ahead; later the OPC
 * UA server restarts.
 */
class EndToEndIT {
    private static final int STATIONS = 4;
    private static final String OFF_STATION = "SEW-02";
    private static final int MACHINES = 2;
    private static final String OFF_MACHINE = "IMM-02";
    private static final int ASSEMBLY = 3;
    private static final String SKEWED_STATION = "ST-02";
    private static final Duration WINDOW = Duration.ofSeconds(60);
    private static final Duration OUTAGE = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    static Demo demo;
    static PrometheusMeterRegistry registry =
            UnitOnceNamingConvention.install(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    static HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startPlant() throws Exception {
        demo = Demo.start(
                Demo.DemoOptions.defaults(dataDir)
                        .withHttpPort(0)
                        .withStations(STATIONS)
                        .withMoldingMachines(MACHINES)
                        .withAssemblyStations(ASSEMBLY)
                        .withClockSkew(java.util.Map.of(SKEWED_STATION, Duration.ofSeconds(30)))
                        .withIntervals(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1)),
                registry);
    }

    @AfterAll
    static void stopPlant() {
        if (demo != null) {
            demo.close();
        }
        registry.close();
    }

    @Test
    void theDemoBrokerAuthenticatesEveryClientWithCredentialsTheDemoMadeAndKeptOwnerOnly() throws Exception {
        URI mqtt = demo.collector().gateway().mqttUrl();
        Mqtt5BlockingClient anonymous = MqttClient.builder()
                .useMqttVersion5()
                .serverHost(mqtt.getHost())
                .serverPort(mqtt.getPort())
                .buildBlocking();
        assertThatThrownBy(anonymous::connect)
                .as("an anonymous client on the demo's loopback broker")
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(
                                e.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));

        Path secret = dataDir.resolve(DemoCredentials.passwordFile(DemoCredentials.STATIONS_USER));
        assertThat(Files.getPosixFilePermissions(secret))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.getPosixFilePermissions(secret.getParent()))
                .doesNotContain(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        String password = Files.readString(secret).strip();
        assertThat(password).hasSizeGreaterThanOrEqualTo(32);
        for (String enterprise : Demo.ENTERPRISES) {
            String edgeUser = DemoCredentials.edgeUser(enterprise);
            Path edgeSecret = dataDir.resolve(DemoCredentials.passwordFile(edgeUser));
            assertThat(Files.getPosixFilePermissions(edgeSecret))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(Files.readString(Demo.edgeFile(dataDir, enterprise)))
                    .as("edge.yaml of %s", enterprise)
                    .contains("${file:../../" + DemoCredentials.passwordFile(edgeUser) + "}")
                    .doesNotContain(password)
                    .doesNotContain(Files.readString(edgeSecret).strip());
        }

        Mqtt5BlockingClient station = MqttClient.builder()
                .useMqttVersion5()
                .serverHost(mqtt.getHost())
                .serverPort(mqtt.getPort())
                .simpleAuth()
                .username(DemoCredentials.STATIONS_USER)
                .password(password.getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth()
                .buildBlocking();
        station.connect();
        try {
            Mqtt5PubAckReasonCode code;
            try {
                Mqtt5PublishResult r = station.publishWith()
                        .topic("spBv1.0/" + Demo.SEWING + "/DDATA/" + Demo.EDGE_NODE + "/SEW-01")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload(new byte[] {1})
                        .send();
                code = ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode();
            } catch (Mqtt5PubAckException e) {
                code = e.getMqttMessage().getReasonCode();
            }
            assertThat(code)
                    .as("the assembly stations' credential forging Sparkplug DDATA")
                    .isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
        } finally {
            try {
                station.disconnect();
            } catch (MqttClientStateException alreadyClosedByTheBroker) {
                // a broker may drop a client after a refused publish
            }
        }
    }

    @Test
    void stationOutageIsMeasuredAndServerRestartIsSurvived() throws Exception {
        await("all stations up").atMost(Duration.ofSeconds(60)).until(EndToEndIT::allUp);

        // Measurement window W = [from, to) of 60 to 120 s: IMM-02 is off for 10 s of it, SEW-02 for 15 s. It ends
        // on a minute boundary, so the reads of its last minute are all in when it is evaluated 3 s later.
        Instant from = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
        Instant to = from.plus(WINDOW).plusSeconds(59).truncatedTo(ChronoUnit.MINUTES);
        Duration window = Duration.between(from, to);
        sleepUntil(from.plusSeconds(5));
        Instant machineOffAt = Instant.now();
        demo.molding().setStationPower(OFF_MACHINE, false);
        sleepUntil(machineOffAt.plusSeconds(10));
        Instant machineOnAt = Instant.now();
        demo.molding().setStationPower(OFF_MACHINE, true);
        sleepUntil(from.plusSeconds(20));
        Instant offAt = Instant.now();
        demo.simulator().setStationPower(OFF_STATION, false);
        await("station down at the edge").atMost(Duration.ofSeconds(10)).until(() -> !demo.edgeAgent(Demo.SEWING)
                .health()
                .device(OFF_STATION)
                .up());
        sleepUntil(offAt.plus(OUTAGE));
        Instant onAt = Instant.now();
        demo.simulator().setStationPower(OFF_STATION, true);
        sleepUntil(to.plusSeconds(3));
        demo.collector().gateway().flush();

        double trueOffline = Duration.between(offAt, onAt).toMillis() / (double) window.toMillis();
        double machineOffline = Duration.between(machineOffAt, machineOnAt).toMillis() / (double) window.toMillis();
        Map<String, JsonNode> reports = new LinkedHashMap<>();
        for (String enterprise : Demo.ENTERPRISES) {
            reports.put(
                    enterprise,
                    get("/api/v1/indicators?enterprise=" + enterprise + "&scope=pilot&from=" + from + "&to=" + to));
        }
        for (JsonNode report : reports.values()) {
            for (JsonNode e : report.path("equipment")) {
                System.out.printf(
                        "%s online_ratio %s completeness %s (%s/%s) coverage %s clock_skew %s latency_p50 %s%n",
                        e.path("id").asText(),
                        e.path("online_ratio").path("value").asText(),
                        e.path("completeness").path("value").asText(),
                        e.path("completeness").path("numerator").asText(),
                        e.path("completeness").path("denominator").asText(),
                        e.path("point_coverage").path("value").asText(),
                        e.path("clock_skew").path("value").asText(),
                        e.path("latency_p50").path("value").asText());
            }
        }
        for (Map.Entry<String, JsonNode> r : reports.entrySet()) {
            assertThat(r.getValue().path("enterprise").path("code").asText()).isEqualTo(r.getKey());
            for (JsonNode e : r.getValue().path("equipment")) {
                String id = e.path("id").asText();
                assertThat(Demo.enterpriseOf(id))
                        .as("%s in the report of %s", id, r.getKey())
                        .isEqualTo(r.getKey());
                if (id.equals(Demo.MANUAL_EQUIPMENT) || Demo.MANUAL_PRESSES.contains(id)) {
                    assertThat(e.path("online_ratio").path("value").asDouble()).isZero();
                    assertThat(e.path("networked").path("value").asBoolean()).isFalse();
                    continue;
                }
                double expected = id.equals(OFF_STATION)
                        ? 1.0 - trueOffline
                        : id.equals(OFF_MACHINE) ? 1.0 - machineOffline : 1.0;
                assertThat(e.path("online_ratio").path("value").asDouble())
                        .as("online_ratio of %s", id)
                        .isCloseTo(expected, within(0.03));
                assertThat(e.path("online_ratio").path("formula").asText()).isNotBlank();
                assertThat(e.path("online_ratio").path("denominator").asDouble())
                        .as("|S| in seconds")
                        .isCloseTo(window.toMillis() / 1000.0, within(0.001));
                assertThat(e.path("point_coverage").path("value").asDouble())
                        .as("coverage of %s", id)
                        .isEqualTo(1.0);
                assertThat(e.path("networked").path("value").asBoolean())
                        .as("networked of %s: %s", id, e.path("networked"))
                        .isEqualTo(!id.equals(OFF_STATION) && !id.equals(OFF_MACHINE));
                System.out.printf(
                        "%s online_ratio %.4f (truth %.4f) completeness %.4f networked %s%n",
                        id,
                        e.path("online_ratio").path("value").asDouble(),
                        expected,
                        e.path("completeness").path("value").asDouble(),
                        e.path("networked").path("value").asBoolean());
            }
        }
        // The switched-off machine refused connections: its failed reads reach the collector, the others' do not.
        String period = "&from=" + from + "&to=" + to;
        JsonNode machine = get("/api/v1/equipment/" + OFF_MACHINE + "/indicators?enterprise=" + Demo.MOLDING + period);
        assertThat(machine.path("evidence").path("reads_failed").asDouble())
                .as("reads_failed of %s: %s", OFF_MACHINE, machine.path("evidence"))
                .isPositive();
        JsonNode healthy = get("/api/v1/equipment/IMM-01/indicators?enterprise=" + Demo.MOLDING + period);
        assertThat(healthy.path("evidence").path("reads_failed").asDouble()).isZero();
        // The assembly station whose clock runs 30 s ahead shows clock_skew; the others do not.
        for (String station : demo.assembly().stationIds()) {
            JsonNode drill = get("/api/v1/equipment/" + station + "/indicators?enterprise=" + Demo.ASSEMBLY + period);
            assertThat(drill.path("clock_skew").path("value").asBoolean())
                    .as("clock_skew of %s: %s", station, drill.path("clock_skew"))
                    .isEqualTo(station.equals(SKEWED_STATION));
            assertThat(drill.path("point_coverage").path("value").asDouble())
                    .as("coverage of %s", station)
                    .isEqualTo(1.0);
        }
        // Official denominator: all production equipment of the enterprise, the manual ones included.
        assertNetworkingRate(reports.get(Demo.SEWING), STATIONS - 1, STATIONS + 1, STATIONS);
        assertNetworkingRate(reports.get(Demo.MOLDING), MACHINES - 1, MACHINES + Demo.MANUAL_PRESSES.size(), MACHINES);
        assertNetworkingRate(reports.get(Demo.ASSEMBLY), ASSEMBLY, ASSEMBLY, ASSEMBLY);

        theProgrammeViewShowsEachEnterpriseAsItsOwnReportDoes(from);
        everyStationHasItsPointsAndValues(from, to);

        // The OPC UA server restarts: every station comes back and keeps delivering data.
        demo.simulator().stopServer();
        await("stations down after server stop")
                .atMost(Duration.ofSeconds(15))
                .until(() -> demo.edgeAgent(Demo.SEWING).health().devices().stream()
                        .filter(d -> d.id().startsWith("SEW-"))
                        .noneMatch(EdgeHealth.DeviceHealth::up));
        Thread.sleep(3_000);
        demo.simulator().startServer();
        await("stations up after restart").atMost(Duration.ofSeconds(60)).until(EndToEndIT::allUp);
        Instant afterRestart = Instant.now();
        demo.collector().gateway().flush();
        long before = goodSamples(afterRestart.minusSeconds(3600), afterRestart);
        Thread.sleep(8_000);
        demo.collector().gateway().flush();
        for (String station : demo.simulator().stationIds()) {
            JsonNode drill = get("/api/v1/equipment/" + station + "/indicators?enterprise=" + Demo.SEWING + "&from="
                    + afterRestart + "&to="
                    + Instant.now().truncatedTo(ChronoUnit.SECONDS));
            assertThat(drill.path("online_ratio").path("value").asDouble())
                    .as("online after restart, %s", station)
                    .isGreaterThan(0.9);
        }
        assertThat(goodSamples(afterRestart.minusSeconds(3600), Instant.now()))
                .as("good samples keep arriving after the restart")
                .isGreaterThan(before);
    }

    private static void assertNetworkingRate(JsonNode report, int networked, int production, int digital) {
        JsonNode rate = report.path("indicators").path("networking_rate");
        assertThat(rate.path("value").asDouble())
                .as("networking_rate of %s", report.path("enterprise").path("code"))
                .isCloseTo(networked / (double) production, within(1e-9));
        assertThat(rate.path("denominator").asInt()).isEqualTo(production);
        assertThat(rate.path("formula").asText()).isNotBlank();
        JsonNode variant = report.path("indicators").path("networking_rate_digital");
        assertThat(variant.path("value").asDouble()).isCloseTo(networked / (double) digital, within(1e-9));
    }

    /**
     * The programme view over a live window: three rows, each with the figures of its enterprise's own report over
     * the same instants; the molder, with three manual presses, below level 2's 60 %; sorted by 设备联网率.
     */
    private void theProgrammeViewShowsEachEnterpriseAsItsOwnReportDoes(Instant from) throws Exception {
        // A window ending now that starts inside the measurement window, after every device was up.
        long seconds = Duration.between(from, Instant.now()).toSeconds() - 1;
        JsonNode view = get("/api/v1/enterprises?window=" + seconds + "s&sort=networking_rate&order=desc");
        assertThat(view.path("window").asText()).isNotBlank();
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        view.path("enterprises").forEach(r -> rows.put(r.path("code").asText(), r));
        assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(Demo.ENTERPRISES);
        long production = 0;
        long networked = 0;
        for (JsonNode row : rows.values()) {
            String code = row.path("code").asText();
            JsonNode own = get("/api/v1/indicators?enterprise=" + code + "&scope=pilot&from="
                    + view.path("from").asText() + "&to=" + view.path("to").asText());
            JsonNode rate = own.path("indicators").path("networking_rate");
            assertThat(row.path("networking_rate").path("value").asDouble())
                    .as("设备联网率 of %s in the programme view", code)
                    .isEqualTo(rate.path("value").asDouble());
            assertThat(row.path("counts").path("production").asLong())
                    .isEqualTo(rate.path("denominator").asLong());
            assertThat(row.path("counts").path("networked").asLong())
                    .isEqualTo(rate.path("numerator").asLong());
            assertThat(row.path("last_data_at").isNull())
                    .as("last data of %s", code)
                    .isFalse();
            production += row.path("counts").path("production").asLong();
            networked += row.path("counts").path("networked").asLong();
        }
        assertThat(rows.get(Demo.MOLDING).path("networking_rate").path("value").asDouble())
                .isLessThan(0.60);
        assertThat(rows.get(Demo.MOLDING)
                        .path("digitalization_rate")
                        .path("value")
                        .asDouble())
                .as("数字化率 of the molder: %d machines of %d", MACHINES, MACHINES + Demo.MANUAL_PRESSES.size())
                .isLessThan(0.60);
        assertThat(rows.get(Demo.ASSEMBLY).path("networking_rate").path("value").asDouble())
                .isGreaterThanOrEqualTo(0.60);
        assertThat(rows.get(Demo.MOLDING).path("verdict").path("status").asText())
                .as("verdict of the molder")
                .isNotEqualTo("pass");
        assertThat(view.path("totals")
                        .path("networking_rate")
                        .path("denominator")
                        .asLong())
                .isEqualTo(production);
        assertThat(view.path("totals").path("networking_rate").path("numerator").asLong())
                .isEqualTo(networked);
        assertThat(view.path("enterprises").get(0).path("code").asText())
                .as("sorted by 设备联网率, highest first")
                .isEqualTo(Demo.ASSEMBLY);
        // Every enterprise's edge is node edge-01 of its own group, and its meters say whose they are.
        JsonNode nodes = get("/api/v1/sparkplug/nodes");
        System.out.println("sparkplug nodes: " + nodes);
        String scrape = registry.scrape();
        for (String enterprise : Demo.ENTERPRISES) {
            assertThat(nodes.toString()).contains(enterprise);
            assertThat(scrape)
                    .as("the uplink gauge of %s's edge", enterprise)
                    .containsPattern(
                            "floorlink_edge_uplink_connected_connections\\{enterprise=\"" + enterprise + "\"\\} 1");
        }
    }

    private void everyStationHasItsPointsAndValues(Instant from, Instant to) throws Exception {
        JsonNode equipment = get("/api/v1/equipment?enterprise=" + Demo.SEWING);
        List<String> ids = new ArrayList<>();
        equipment.path("equipment").forEach(e -> ids.add(e.path("id").asText()));
        assertThat(ids).containsAll(demo.simulator().stationIds()).contains(Demo.MANUAL_EQUIPMENT);
        try (Connection c = demo.collector().gateway().dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT point_id, SUM(good), MIN(value_min), MAX(value_max) FROM point_minute"
                                + " WHERE device_id = ? AND bucket >= ? AND bucket < ? GROUP BY point_id")) {
            for (String station : demo.simulator().stationIds()) {
                ps.setString(1, station);
                ps.setObject(2, java.time.OffsetDateTime.ofInstant(from.minusSeconds(60), java.time.ZoneOffset.UTC));
                ps.setObject(3, java.time.OffsetDateTime.ofInstant(to, java.time.ZoneOffset.UTC));
                List<String> points = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        points.add(rs.getString(1));
                        assertThat(rs.getLong(2))
                                .as("good samples of %s.%s", station, rs.getString(1))
                                .isPositive();
                        if (rs.getString(1).equals("run_state")) {
                            assertThat(rs.getDouble(3)).isBetween(0.0, 3.0);
                            assertThat(rs.getDouble(4)).isBetween(0.0, 3.0);
                        }
                        if (rs.getString(1).equals("motor_speed")) {
                            assertThat(rs.getDouble(4)).isBetween(0.0, 6000.0);
                        }
                    }
                }
                assertThat(points)
                        .as("points of %s", station)
                        .containsExactlyInAnyOrder(
                                "run_state", "stitch_count", "trim_count", "pieces", "motor_speed", "fault_code");
            }
        }
    }

    private long goodSamples(Instant from, Instant to) throws Exception {
        try (Connection c = demo.collector().gateway().dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(good), 0) FROM point_minute"
                        + " WHERE device_id LIKE 'SEW-%' AND bucket >= ? AND bucket < ?")) {
            ps.setObject(1, java.time.OffsetDateTime.ofInstant(from, java.time.ZoneOffset.UTC));
            ps.setObject(2, java.time.OffsetDateTime.ofInstant(to.plusSeconds(60), java.time.ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static boolean allUp() {
        return allUp(demo.edgeAgent(Demo.SEWING).health(), STATIONS)
                && allUp(demo.edgeAgent(Demo.MOLDING).health(), MACHINES)
                && allUp(demo.edgeAgent(Demo.ASSEMBLY).health(), ASSEMBLY);
    }

    private static boolean allUp(EdgeHealth h, int devices) {
        return h.devices().size() == devices && h.devices().stream().allMatch(d -> d.up() && d.born());
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(demo.url() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s -> %s", path, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static void sleepUntil(Instant t) throws InterruptedException {
        long ms = Duration.between(Instant.now(), t).toMillis();
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }
}
