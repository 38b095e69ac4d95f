package io.floorlink.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floorlink.collector.indicators.EquipmentIndicators;
import io.floorlink.collector.indicators.IndicatorReport;
import io.floorlink.gateway.BrokerConfig;
import io.floorlink.gateway.GatewayConfig;
import io.floorlink.gateway.StoreConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production shape of the data path: the edge agent and the gateway's primary host meet on an external
 * Mosquitto broker, and facts go to PostgreSQL. Both come from {@code .ci/run} through {@code
 * FLOORLINK_IT_MQTT_URL} and {@code FLOORLINK_IT_POSTGRES_URL}; without them the test is skipped. The same
 * capability without external services is {@link EndToEndIT}.
 */
class ExternalServicesEndToEndIT {
    private static final String MQTT_URL = System.getenv("FLOORLINK_IT_MQTT_URL");
    private static final String POSTGRES_URL = System.getenv("FLOORLINK_IT_POSTGRES_URL");
    private static final int STATIONS = 3;
    private static final String OFF_STATION = "SEW-03";
    private static final Duration WINDOW = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    private Demo demo;
    private String schema;

    @AfterEach
    void stop() throws Exception {
        if (demo != null) {
            demo.close();
        }
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(POSTGRES_URL);
                    Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Test
    void outageIsMeasuredThroughMosquittoIntoPostgres() throws Exception {
        assumeTrue(MQTT_URL != null && !MQTT_URL.isBlank(), "FLOORLINK_IT_MQTT_URL is not set: no external broker");
        assumeTrue(
                POSTGRES_URL != null && !POSTGRES_URL.isBlank(), "FLOORLINK_IT_POSTGRES_URL is not set: no PostgreSQL");
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        schema = "demo_it_" + run;
        try (Connection c = DriverManager.getConnection(POSTGRES_URL);
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        GatewayConfig gateway = GatewayConfig.defaults(dataDir)
                .withBroker(BrokerConfig.external(URI.create(MQTT_URL), null, null))
                .withStore(new StoreConfig(POSTGRES_URL + "&currentSchema=" + schema, null, null))
                .withHostId("floorlink-it-" + run)
                .withFlushInterval(Duration.ofSeconds(1));
        demo = Demo.start(
                Demo.DemoOptions.defaults(dataDir)
                        .withHttpPort(0)
                        .withStations(STATIONS)
                        .withMoldingMachines(1)
                        .withAssemblyStations(1)
                        .withIntervals(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1)),
                gateway,
                new SimpleMeterRegistry());
        assertThat(demo.collector().gateway().mqttUrl()).isEqualTo(URI.create(MQTT_URL));

        await().atMost(Duration.ofSeconds(60)).until(() -> demo.edgeAgents().values().stream()
                .flatMap(a -> a.health().devices().stream())
                .allMatch(d -> d.up() && d.born()));
        // W of 60 to 120 s, ending on a minute boundary: an unchanged point is sent again at least every 50 s
        // (the edge's refresh), so every required point has a sample in W, as EndToEndIT's window.
        Instant from = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
        Instant to = from.plus(WINDOW).plusSeconds(59).truncatedTo(ChronoUnit.MINUTES);
        Duration window = Duration.between(from, to);
        sleepUntil(from.plusSeconds(10));
        Instant offAt = Instant.now();
        demo.simulator().setStationPower(OFF_STATION, false);
        sleepUntil(offAt.plusSeconds(10));
        Instant onAt = Instant.now();
        demo.simulator().setStationPower(OFF_STATION, true);
        sleepUntil(to.plusSeconds(3));
        demo.collector().gateway().flush();

        IndicatorReport report = demo.collector().indicators(Demo.SEWING).compute("pilot", from, to);
        double trueOnline = 1.0 - Duration.between(offAt, onAt).toMillis() / (double) window.toMillis();
        for (EquipmentIndicators e : report.equipment()) {
            if (e.id().equals(Demo.MANUAL_EQUIPMENT)) {
                continue;
            }
            boolean off = e.id().equals(OFF_STATION);
            assertThat(e.onlineRatio().value()).as(e.id()).isCloseTo(off ? trueOnline : 1.0, within(0.03));
            assertThat(e.networked().value())
                    .as("networked %s: %s", e.id(), e.networked())
                    .isEqualTo(!off);
        }
        assertThat(report.indicators().get("networking_rate").value())
                .as("networked: %d stations of %d production equipment", STATIONS - 1, STATIONS + 1)
                .isCloseTo((STATIONS - 1) / (double) (STATIONS + 1), within(1e-9));
        // The other enterprises' edges, the same node id in their own groups, came through the same broker.
        IndicatorReport molding = demo.collector().indicators(Demo.MOLDING).compute("pilot", from, to);
        assertThat(molding.indicators().get("networking_rate").value())
                .as("1 molding machine of %d production equipment", 1 + Demo.MANUAL_PRESSES.size())
                .isCloseTo(1.0 / (1 + Demo.MANUAL_PRESSES.size()), within(1e-9));
        IndicatorReport assembly = demo.collector().indicators(Demo.ASSEMBLY).compute("pilot", from, to);
        assertThat(assembly.indicators().get("networking_rate").value()).isEqualTo(1.0);
    }

    private static void sleepUntil(Instant t) throws InterruptedException {
        long ms = Duration.between(Instant.now(), t).toMillis();
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }
}
