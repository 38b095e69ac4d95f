package io.floorlink.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.gateway.GatewayConfig;
import io.floorlink.gateway.InfluxConfig;
import io.floorlink.gateway.StoreConfig;
import io.floorlink.gateway.influx.InfluxSink;
import io.floorlink.testing.QuestDb;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short run of the demo's simulated plant (OPC UA sewing line, Modbus molding machine, MQTT assembly line, an
 * edge agent per enterprise, the gateway with its Influx sink to QuestDB in this JVM): after the run, the
 * time-series store holds, per enterprise, device and point, exactly as many samples as the facts store counted.
 */
class InfluxSimulatorRunIT {

    /** Samples the facts store must hold before the run stops. */
    private static final long MIN_SAMPLES = 60;

    @Test
    void everySampleOfASimulatorRunIsInTheTimeSeriesStore(@TempDir Path dir) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (QuestDb qdb = QuestDb.start(dir.resolve("questdb"), 0)) {
            Path data = dir.resolve("demo");
            Demo.DemoOptions options = Demo.DemoOptions.defaults(data)
                    .withHttpPort(0)
                    .withStations(2)
                    .withMoldingMachines(1)
                    .withAssemblyStations(1)
                    .withIntervals(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(1));
            GatewayConfig gateway = GatewayConfig.defaults(data)
                    .withBrokerPort(0)
                    .withFlushInterval(options.flushInterval())
                    .withInflux(InfluxConfig.of(qdb.url(), "floorlink", "samples", null)
                            .withBatching(500, Duration.ofMillis(200), InfluxSink.DEFAULT_BUFFER_SAMPLES));
            Demo demo = Demo.start(options, gateway, registry);
            try {
                // run until every enterprise with connected equipment has samples in the facts store, and enough
                // of them that a lost batch would show: a slow machine takes longer to get there than a fast one
                await().atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() -> enoughStored(demo));
            } finally {
                // stops the edges first, then the gateway: its last flush and the sink's last batches are written
                demo.close();
            }

            Map<List<String>, Long> facts = new HashMap<>();
            Set<String> measurements = new HashSet<>();
            try (Connection c =
                            DriverManager.getConnection(StoreConfig.h2File(data).url(), "sa", "");
                    Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT group_id, device_id, point_id, SUM(samples) AS n"
                        + " FROM point_minute GROUP BY group_id, device_id, point_id")) {
                    while (rs.next()) {
                        facts.put(List.of(rs.getString(1), rs.getString(2), rs.getString(3)), rs.getLong(4));
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT DISTINCT category FROM point_declaration")) {
                    while (rs.next()) {
                        String category = rs.getString(1);
                        measurements.add(category == null ? InfluxSink.UNCATEGORIZED : category);
                    }
                }
            }
            assertThat(facts.keySet().stream().map(k -> k.get(0)).distinct())
                    .containsExactlyInAnyOrderElementsOf(Demo.ENTERPRISES);
            long total = facts.values().stream().mapToLong(Long::longValue).sum();
            assertThat(total).isGreaterThanOrEqualTo(MIN_SAMPLES);
            assertThat(registry.get("floorlink.gateway.influx.samples.written")
                            .counter()
                            .count())
                    .isEqualTo(total);
            assertThat(registry.find("floorlink.gateway.influx.samples.dropped").counters())
                    .allSatisfy(counter -> assertThat(counter.count())
                            .as(counter.getId().getTag("reason"))
                            .isZero());

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(series(qdb, measurements)).isEqualTo(facts));
        }
    }

    private static boolean enoughStored(Demo demo) throws Exception {
        try (Connection c = demo.collector().gateway().dataSource().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT COUNT(DISTINCT group_id), COALESCE(SUM(samples), 0) FROM point_minute")) {
            rs.next();
            return rs.getLong(1) == Demo.ENTERPRISES.size() && rs.getLong(2) >= MIN_SAMPLES;
        }
    }

    /** Samples per (enterprise, device, point) over the measurements (one QuestDB table each). */
    private static Map<List<String>, Long> series(QuestDb qdb, Set<String> measurements) {
        Map<List<String>, Long> out = new HashMap<>();
        for (String m : measurements) {
            for (Map<String, Object> r :
                    qdb.query("SELECT enterprise, device, point, count() AS n FROM \"" + m + "\"")) {
                out.merge(
                        List.of((String) r.get("enterprise"), (String) r.get("device"), (String) r.get("point")),
                        ((Number) r.get("n")).longValue(),
                        Long::sum);
            }
        }
        return out;
    }
}
