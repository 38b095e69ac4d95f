package io.floorlink.gateway;

import static io.floorlink.gateway.TestEdge.point;
import static io.floorlink.gateway.TestEdge.rid;
import static io.floorlink.gateway.TestEdge.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.PropertySet;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.PropertyValue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge buffer's loss records ({@code _buffer/lost}) through a real broker into H2: one {@code platform_gap} row
 * of cause {@code edge_buffer_loss} per record, also when the record is replayed again; never a point.
 */
class BufferLossGapIT {
    private static final Instant T0 = Instant.parse("2026-03-03T09:00:00Z");

    @TempDir
    Path dir;

    private static long ms(Instant t) {
        return t.toEpochMilli();
    }

    private static Metric.Builder lost(long count, long lostFrom, long ts) {
        return Metrics.metric(MetricNames.BUFFER_LOST, DataType.INT64, count)
                .clearDatatype()
                .setTimestamp(ts)
                .setProperties(PropertySet.newBuilder()
                        .addKeys(MetricNames.PROP_LOST_FROM)
                        .addValues(PropertyValue.newBuilder()
                                .setType(DataType.DATETIME.code())
                                .setLongValue(lostFrom)));
    }

    @Test
    void aLossRecordIsOneEdgeBufferLossGapEvenWhenReplayedTwiceAndNeverAPoint() throws Exception {
        try (Gateway gw = Gateway.start(
                        GatewayConfig.defaults(dir)
                                .withAuth(AuthConfig.anonymousOnLoopback())
                                .withBrokerPort(0)
                                .withFlushInterval(Duration.ofHours(1)),
                        new SimpleMeterRegistry());
                TestEdge edge = new TestEdge(gw.mqttUrl(), "ENT007", "edge-loss", 1)) {
            edge.connect();
            edge.nbirth(ms(T0), "epoch-L");
            edge.device(
                    MessageType.DBIRTH,
                    "LS-1",
                    ms(T0),
                    List.of(
                            point("speed", DataType.DOUBLE, 1.0, "process", null, null),
                            Metrics.metric(MetricNames.BUFFER_LOST, DataType.INT64, 0L)
                                    .setTimestamp(ms(T0))));
            Instant from = T0.plusSeconds(10);
            Instant to = T0.plusSeconds(70);
            edge.device(
                    MessageType.DDATA,
                    "LS-1",
                    ms(T0.plusSeconds(100)),
                    List.of(
                            rid(lost(1500, ms(from), ms(to)), 7).setIsHistorical(true),
                            rid(sample("speed", DataType.DOUBLE, 2.0, ms(T0.plusSeconds(71))), 8)
                                    .setIsHistorical(true)));
            // the edge replays both again (no receipt seen yet)
            edge.device(
                    MessageType.DDATA,
                    "LS-1",
                    ms(T0.plusSeconds(110)),
                    List.of(
                            rid(lost(1500, ms(from), ms(to)), 7).setIsHistorical(true),
                            rid(sample("speed", DataType.DOUBLE, 2.0, ms(T0.plusSeconds(71))), 8)
                                    .setIsHistorical(true)));

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                gw.flush();
                assertThat(Db.rows(
                                gw.dataSource(),
                                "SELECT cause, group_id, edge_node_id, device_id, gap_from, gap_to, events, detail"
                                        + " FROM platform_gap WHERE edge_node_id = 'edge-loss'"))
                        .containsExactly(Map.of(
                                "cause", "edge_buffer_loss",
                                "group_id", "ENT007",
                                "edge_node_id", "edge-loss",
                                "device_id", "LS-1",
                                "gap_from", from,
                                "gap_to", to.plusMillis(1),
                                "events", 1500L,
                                "detail", "edge buffer overflow: 1500 records dropped"));
                assertThat(((Number) Db.one(
                                                gw.dataSource(),
                                                "SELECT COALESCE(SUM(samples), 0) AS n FROM point_minute"
                                                        + " WHERE device_id = 'LS-1' AND point_id = 'speed'")
                                        .get("n"))
                                .longValue())
                        .isEqualTo(2L);
            });
            assertThat(Db.rows(gw.dataSource(), "SELECT point_id FROM point_declaration WHERE device_id = 'LS-1'"))
                    .containsExactly(Map.of("point_id", "speed"));
            assertThat(Db.rows(
                            gw.dataSource(),
                            "SELECT point_id FROM point_minute WHERE point_id = '" + MetricNames.BUFFER_LOST + "'"))
                    .isEmpty();
        }
    }
}
