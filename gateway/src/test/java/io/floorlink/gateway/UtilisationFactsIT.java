package io.floorlink.gateway;

import static io.floorlink.gateway.TestEdge.point;
import static io.floorlink.gateway.TestEdge.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Time per state value, counter increases and static runs from a scripted edge, through the broker into H2. */
class UtilisationFactsIT {
    private static final Instant M = Instant.parse("2026-03-04T09:00:00Z");

    private static long at(int seconds) {
        return M.plusSeconds(seconds).toEpochMilli();
    }

    @Test
    void stateTimeCounterIncreaseAndStaticRunsOfOneDeviceSession(@TempDir Path dir) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Gateway gw = Gateway.start(
                        GatewayConfig.defaults(dir)
                                .withAuth(AuthConfig.anonymousOnLoopback())
                                .withBrokerPort(0)
                                .withFlushInterval(Duration.ofHours(1)),
                        registry);
                TestEdge edge = new TestEdge(gw.mqttUrl(), "ENT010", "edge-util", 1)) {
            edge.connect();
            edge.nbirth(at(0));
            edge.device(
                    MessageType.DBIRTH,
                    "UF-1",
                    at(0),
                    List.of(
                            point("mode", DataType.INT32, 1, "state", null, null),
                            point("count", DataType.UINT64, 100L, "counter", null, null),
                            point("temp", DataType.DOUBLE, 20.0, "process", null, null)));
            edge.device(
                    MessageType.DDATA,
                    "UF-1",
                    at(30),
                    List.of(
                            sample("count", DataType.UINT64, 110L, at(10)),
                            sample("temp", DataType.DOUBLE, 20.0, at(30))));
            edge.device(
                    MessageType.DDATA,
                    "UF-1",
                    at(60),
                    List.of(
                            sample("mode", DataType.INT32, 2, at(50)),
                            sample("temp", DataType.DOUBLE, 20.0, at(60)),
                            sample("count", DataType.UINT64, 115L, at(65))));
            edge.device(
                    MessageType.DDATA,
                    "UF-1",
                    at(90),
                    List.of(
                            sample("mode", DataType.INT32, 3, at(70)),
                            // a reset: the counter restarted from 0 and reached 5
                            sample("count", DataType.UINT64, 5L, at(80)),
                            sample("count", DataType.UINT64, 8L, at(90)),
                            sample("temp", DataType.DOUBLE, 21.0, at(90))));
            edge.device(MessageType.DDEATH, "UF-1", at(100), List.of());
            // flush once everything is in: an earlier flush would credit the open state up to the wall clock
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> registry.find("floorlink.gateway.messages.received")
                                    .tag("type", "ddeath")
                                    .counter()
                                    .count()
                            == 1);
            gw.flush();
            DataSource ds = gw.dataSource();

            assertThat(Db.rows(
                            ds,
                            "SELECT bucket, state_value, millis FROM point_state_minute WHERE device_id = 'UF-1'"
                                    + " AND point_id = 'mode' ORDER BY bucket, state_value"))
                    .containsExactly(
                            Map.of("bucket", M, "state_value", 1.0, "millis", 50_000L),
                            Map.of("bucket", M, "state_value", 2.0, "millis", 10_000L),
                            Map.of("bucket", M.plusSeconds(60), "state_value", 2.0, "millis", 10_000L),
                            Map.of("bucket", M.plusSeconds(60), "state_value", 3.0, "millis", 30_000L));
            assertThat(Db.rows(
                            ds,
                            "SELECT state_value, millis FROM point_state_hour WHERE device_id = 'UF-1'"
                                    + " ORDER BY state_value"))
                    .containsExactly(
                            Map.of("state_value", 1.0, "millis", 50_000L),
                            Map.of("state_value", 2.0, "millis", 20_000L),
                            Map.of("state_value", 3.0, "millis", 30_000L));
            assertThat(Db.count(ds, "SELECT COUNT(*) FROM point_state_day WHERE device_id = 'UF-1'"))
                    .isEqualTo(3);

            assertThat(Db.rows(
                            ds,
                            "SELECT bucket, value_increase FROM point_minute WHERE device_id = 'UF-1'"
                                    + " AND point_id = 'count' ORDER BY bucket"))
                    .containsExactly(
                            Map.of("bucket", M, "value_increase", 10.0),
                            Map.of("bucket", M.plusSeconds(60), "value_increase", 5.0 + 5.0 + 3.0));
            assertThat(Db.one(
                            ds, "SELECT value_increase FROM point_day WHERE device_id = 'UF-1' AND point_id = 'count'"))
                    .isEqualTo(Map.of("value_increase", 23.0));
            assertThat(Db.one(
                                    ds,
                                    "SELECT value_increase FROM point_minute WHERE device_id = 'UF-1'"
                                            + " AND point_id = 'temp' AND bucket = ?",
                                    M)
                            .get("value_increase"))
                    .as("no counter")
                    .isNull();

            assertThat(Db.rows(
                            ds,
                            "SELECT point_id, started_at, ended_at, static_value, is_open FROM point_static_run"
                                    + " WHERE device_id = 'UF-1'"))
                    .containsExactly(Map.of(
                            "point_id",
                            "temp",
                            "started_at",
                            M,
                            "ended_at",
                            M.plusSeconds(90),
                            "static_value",
                            20.0,
                            "is_open",
                            false));
        }
    }

    @Test
    void anOpenStaticRunIsWrittenAtFlushAndClosedAtTheSessionEnd(@TempDir Path dir) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Gateway gw = Gateway.start(
                        GatewayConfig.defaults(dir)
                                .withAuth(AuthConfig.anonymousOnLoopback())
                                .withBrokerPort(0)
                                .withFlushInterval(Duration.ofHours(1)),
                        registry);
                TestEdge edge = new TestEdge(gw.mqttUrl(), "ENT010", "edge-run", 1)) {
            edge.connect();
            edge.nbirth(at(0));
            edge.device(
                    MessageType.DBIRTH,
                    "UF-2",
                    at(0),
                    List.of(point("power", DataType.DOUBLE, 7.5, "energy", null, null)));
            edge.device(MessageType.DDATA, "UF-2", at(75), List.of(sample("power", DataType.DOUBLE, 7.5, at(75))));
            String sql = "SELECT started_at, ended_at, is_open FROM point_static_run WHERE device_id = 'UF-2'";
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                gw.flush();
                assertThat(Db.rows(gw.dataSource(), sql))
                        .containsExactly(Map.of("started_at", M, "ended_at", M.plusSeconds(75), "is_open", true));
            });
            edge.device(MessageType.DDEATH, "UF-2", at(80), List.of());
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                gw.flush();
                assertThat(Db.rows(gw.dataSource(), sql))
                        .containsExactly(Map.of("started_at", M, "ended_at", M.plusSeconds(80), "is_open", false));
            });
        }
    }
}
