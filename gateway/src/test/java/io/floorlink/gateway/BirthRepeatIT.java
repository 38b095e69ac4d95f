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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DBIRTH repeats each point's current value. With its record id the host filters it by receipts; without one (the
 * edge's buffer failed to commit the record, or a new buffer epoch cleared the rids, and third-party edges never send
 * one) only the timestamp tells a repeat from a new sample. Through the embedded broker into H2.
 */
class BirthRepeatIT {
    private static final Instant T0 = Instant.parse("2026-03-03T09:00:00Z");

    @TempDir
    Path dir;

    private static long ms(Instant t) {
        return t.toEpochMilli();
    }

    @Test
    void aRebirthRepeatingTheLastCountedValueWithoutItsRidIsNotCountedAgainButANewerValueIs() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Gateway gw = Gateway.start(
                        GatewayConfig.defaults(dir)
                                .withAuth(AuthConfig.anonymousOnLoopback())
                                .withBrokerPort(0)
                                .withFlushInterval(Duration.ofHours(1)),
                        registry);
                TestEdge edge = new TestEdge(gw.mqttUrl(), "ENT009", "edge-rep", 1)) {
            edge.connect();
            edge.nbirth(ms(T0), "epoch-1");
            edge.device(
                    MessageType.DBIRTH,
                    "RP-1",
                    ms(T0),
                    List.of(point("speed", DataType.DOUBLE, 1.0, "process", null, null)
                            .setTimestamp(ms(T0))));
            // a change whose buffer commit failed goes out without its rid
            edge.device(
                    MessageType.DDATA,
                    "RP-1",
                    ms(T0.plusSeconds(5)),
                    List.of(sample("speed", DataType.DOUBLE, 2.0, ms(T0.plusSeconds(5)))));
            // the buffer is replaced (new epoch): the node rebirths with the current value, its source time unchanged
            edge.nbirth(ms(T0.plusSeconds(8)), "epoch-2");
            edge.device(
                    MessageType.DBIRTH,
                    "RP-1",
                    ms(T0.plusSeconds(8)),
                    List.of(point("speed", DataType.DOUBLE, 2.0, "process", null, null)
                            .setTimestamp(ms(T0.plusSeconds(5)))));
            // another rebirth whose value is newer than anything counted: a sample
            edge.nbirth(ms(T0.plusSeconds(9)), "epoch-3");
            edge.device(
                    MessageType.DBIRTH,
                    "RP-1",
                    ms(T0.plusSeconds(9)),
                    List.of(point("speed", DataType.DOUBLE, 3.0, "process", null, null)
                            .setTimestamp(ms(T0.plusSeconds(9)))));

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                gw.flush();
                Map<String, Object> facts = Db.one(
                        gw.dataSource(),
                        "SELECT COALESCE(SUM(samples), 0) AS n, COALESCE(SUM(value_sum), 0) AS s FROM point_minute"
                                + " WHERE device_id = 'RP-1' AND point_id = 'speed'");
                assertThat(((Number) facts.get("n")).longValue()).as("samples").isEqualTo(3L);
                assertThat(((Number) facts.get("s")).doubleValue())
                        .as("sum of values")
                        .isEqualTo(6.0);
            });
            assertThat(registry.get("floorlink.gateway.births.repeated.values")
                            .counter()
                            .count())
                    .isEqualTo(1.0);
        }
    }
}
