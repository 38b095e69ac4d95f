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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two enterprises (Sparkplug groups) whose edge nodes and devices carry the same ids, through the broker into H2:
 * every fact is stored under its group (migration V8), none is merged with or overwritten by the other group's.
 */
class TwoGroupsSameDeviceIT {
    private static final Instant M = Instant.parse("2026-03-04T09:00:00Z");

    private static long at(int seconds) {
        return M.plusSeconds(seconds).toEpochMilli();
    }

    @Test
    @DisplayName("topic-structure-namespace-unique-edge-node-descriptor, topic-structure-namespace-duplicate-device-id-"
            + "across-edge-node: ENT-A/edge-01/SEW-01 and ENT-B/edge-01/SEW-01 are two devices with their own facts")
    void sameNodeAndDeviceIdsInTwoGroupsKeepTheirOwnFacts(@TempDir Path dir) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Gateway gw = Gateway.start(
                        GatewayConfig.defaults(dir)
                                .withAuth(AuthConfig.anonymousOnLoopback())
                                .withBrokerPort(0)
                                .withFlushInterval(Duration.ofHours(1)),
                        registry);
                TestEdge a = new TestEdge(gw.mqttUrl(), "ENT-A", "edge-01", 1);
                TestEdge b = new TestEdge(gw.mqttUrl(), "ENT-B", "edge-01", 1)) {
            int[] modes = {1, 2};
            TestEdge[] edges = {a, b};
            for (int i = 0; i < 2; i++) {
                TestEdge e = edges[i];
                e.connect();
                e.nbirth(at(0));
                e.device(
                        MessageType.DBIRTH,
                        "SEW-01",
                        at(0),
                        List.of(
                                point("mode", DataType.INT32, modes[i], "state", null, null),
                                point("count", DataType.UINT64, 100L, "counter", null, null),
                                point("temp", DataType.DOUBLE, 20.0, "process", 0.0, 100.0 * (i + 1))));
                e.device(
                        MessageType.DDATA,
                        "SEW-01",
                        at(30),
                        List.of(
                                sample("count", DataType.UINT64, 100L + 10 * (i + 1), at(10)),
                                sample("temp", DataType.DOUBLE, 20.0 + i, at(30))));
                e.device(
                        MessageType.DDATA,
                        "SEW-01",
                        at(90),
                        List.of(sample("temp", DataType.DOUBLE, 20.0 + i, at(90))));
                e.device(MessageType.DDEATH, "SEW-01", at(100), List.of());
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> registry.find("floorlink.gateway.messages.received")
                                    .tag("type", "ddeath")
                                    .counter()
                                    .count()
                            == 2);
            gw.flush();
            DataSource ds = gw.dataSource();

            assertThat(Db.rows(
                            ds,
                            "SELECT group_id, eng_high FROM point_declaration WHERE device_id = 'SEW-01'"
                                    + " AND point_id = 'temp' ORDER BY group_id"))
                    .as("a DBIRTH of the same device id in another group does not take the declaration over")
                    .containsExactly(
                            Map.of("group_id", "ENT-A", "eng_high", 100.0),
                            Map.of("group_id", "ENT-B", "eng_high", 200.0));
            assertThat(Db.rows(
                            ds,
                            "SELECT group_id, value_increase FROM point_day WHERE device_id = 'SEW-01'"
                                    + " AND point_id = 'count' ORDER BY group_id"))
                    .containsExactly(
                            Map.of("group_id", "ENT-A", "value_increase", 10.0),
                            Map.of("group_id", "ENT-B", "value_increase", 20.0));
            assertThat(Db.rows(
                            ds,
                            "SELECT group_id, state_value, millis FROM point_state_minute WHERE device_id = 'SEW-01'"
                                    + " ORDER BY group_id, bucket"))
                    .containsExactly(
                            Map.of("group_id", "ENT-A", "state_value", 1.0, "millis", 60_000L),
                            Map.of("group_id", "ENT-A", "state_value", 1.0, "millis", 40_000L),
                            Map.of("group_id", "ENT-B", "state_value", 2.0, "millis", 60_000L),
                            Map.of("group_id", "ENT-B", "state_value", 2.0, "millis", 40_000L));
            assertThat(Db.rows(
                            ds,
                            "SELECT group_id, static_value FROM point_static_run WHERE device_id = 'SEW-01'"
                                    + " AND point_id = 'temp' ORDER BY group_id"))
                    .containsExactly(
                            Map.of("group_id", "ENT-A", "static_value", 20.0),
                            Map.of("group_id", "ENT-B", "static_value", 21.0));
            assertThat(Db.rows(
                            ds,
                            "SELECT group_id, COUNT(*) AS n FROM fact_revision WHERE device_id = 'SEW-01'"
                                    + " GROUP BY group_id ORDER BY group_id"))
                    .containsExactly(Map.of("group_id", "ENT-A", "n", 1L), Map.of("group_id", "ENT-B", "n", 1L));
            assertThat(Db.rows(ds, "SELECT group_id, last_data_at FROM group_activity ORDER BY group_id"))
                    .as("last data received per group: the newest sample's source time")
                    .containsExactly(
                            Map.of("group_id", "ENT-A", "last_data_at", M.plusSeconds(90)),
                            Map.of("group_id", "ENT-B", "last_data_at", M.plusSeconds(90)));
            assertThat(Db.rows(
                            ds,
                            "SELECT group_id, end_reason FROM device_session WHERE device_id = 'SEW-01'"
                                    + " ORDER BY group_id"))
                    .containsExactly(
                            Map.of("group_id", "ENT-A", "end_reason", "ddeath"),
                            Map.of("group_id", "ENT-B", "end_reason", "ddeath"));
        }
    }
}
