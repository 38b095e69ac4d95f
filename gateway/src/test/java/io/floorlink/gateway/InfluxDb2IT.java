package io.floorlink.gateway;

import static io.floorlink.gateway.TestEdge.point;
import static io.floorlink.gateway.TestEdge.rid;
import static io.floorlink.gateway.TestEdge.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.influxdb.client.InfluxDBClient;
import com.influxdb.client.InfluxDBClientFactory;
import com.influxdb.query.FluxRecord;
import com.influxdb.query.FluxTable;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.InfluxDBContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * The Influx sink against a real InfluxDB 2 ({@code influxdb:2.7} via Testcontainers; skipped without Docker):
 * samples of a scripted edge arrive with their tags, typed fields, quality and source time, read back with Flux;
 * a wrong token is refused (401) and counted, not retried.
 */
@Testcontainers(disabledWithoutDocker = true)
class InfluxDb2IT {
    private static final String ORG = "floorlink";
    private static final String BUCKET = "samples";
    private static final String TOKEN = "floorlink-test-token-0123456789";
    private static final Instant T0 =
            Instant.now().truncatedTo(ChronoUnit.MINUTES).minusSeconds(600);

    @Container
    static final InfluxDBContainer<?> INFLUX = new InfluxDBContainer<>(DockerImageName.parse("influxdb:2.7"))
            .withOrganization(ORG)
            .withBucket(BUCKET)
            .withUsername("floorlink")
            .withPassword("floorlink-password")
            .withAdminToken(TOKEN);

    private static long t(int seconds) {
        return T0.plusSeconds(seconds).toEpochMilli();
    }

    private static GatewayConfig gateway(Path dir, String token) {
        return GatewayConfig.defaults(dir)
                .withAuth(AuthConfig.anonymousOnLoopback())
                .withBrokerPort(0)
                .withFlushInterval(Duration.ofHours(1))
                .withInflux(InfluxConfig.of(INFLUX.getUrl(), ORG, BUCKET, token)
                        .withBatching(100, Duration.ofMillis(100), 1000));
    }

    @Test
    void samplesArriveWithTagsTypedFieldsQualityAndSourceTime(@TempDir Path dir) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Gateway gw = Gateway.start(gateway(dir, TOKEN), registry);
                TestEdge edge = new TestEdge(gw.mqttUrl(), "ENT 01", "edge-01", 1)) {
            edge.connect();
            edge.nbirth(t(0), "epoch-1");
            edge.device(
                    MessageType.DBIRTH,
                    "SEW=01,a",
                    t(0),
                    List.of(
                            point("temp", DataType.DOUBLE, 20.0, "process", 0.0, 100.0),
                            point("mode", DataType.INT32, 1, "state", null, null),
                            point("running", DataType.BOOLEAN, true, "state", null, null),
                            point("step", DataType.STRING, "cut", "state", null, null)));
            edge.device(
                    MessageType.DDATA,
                    "SEW=01,a",
                    t(10),
                    List.of(
                            rid(sample("temp", DataType.DOUBLE, 150.0, t(10)), 1),
                            rid(sample("running", DataType.BOOLEAN, false, t(10)), 2),
                            rid(sample("step", DataType.STRING, "sew \"fast\"", t(10)), 3)));
            edge.device(
                    MessageType.DDATA,
                    "SEW=01,a",
                    t(20),
                    List.of(
                            rid(sample("temp", DataType.DOUBLE, 150.0, t(10)), 1)
                                    .setIsHistorical(true),
                            rid(sample("temp", DataType.DOUBLE, 21.5, t(20)), 4)));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> registry.get("floorlink.gateway.influx.samples.written")
                                    .counter()
                                    .count()
                            == 8);

            try (InfluxDBClient client = InfluxDBClientFactory.create(INFLUX.getUrl(), TOKEN.toCharArray(), ORG)) {
                List<List<Object>> rows = new ArrayList<>();
                for (FluxTable table : client.getQueryApi()
                        .query("from(bucket: \"" + BUCKET + "\") |> range(start: -1h)"
                                + " |> pivot(rowKey: [\"_time\"], columnKey: [\"_field\"], valueColumn: \"_value\")"
                                + " |> group() |> sort(columns: [\"point\", \"_time\"])")) {
                    for (FluxRecord r : table.getRecords()) {
                        Object value = r.getValueByKey("value") != null
                                ? r.getValueByKey("value")
                                : r.getValueByKey("value_bool") != null
                                        ? r.getValueByKey("value_bool")
                                        : r.getValueByKey("value_text");
                        rows.add(Arrays.asList(
                                r.getMeasurement(),
                                r.getValueByKey("enterprise"),
                                r.getValueByKey("edge"),
                                r.getValueByKey("device"),
                                r.getValueByKey("point"),
                                value,
                                r.getValueByKey("quality"),
                                r.getTime().toEpochMilli()));
                    }
                }
                assertThat(rows)
                        .containsExactly(
                                List.of("state", "ENT 01", "edge-01", "SEW=01,a", "mode", 1.0, "good", t(0)),
                                List.of("state", "ENT 01", "edge-01", "SEW=01,a", "running", true, "good", t(0)),
                                List.of("state", "ENT 01", "edge-01", "SEW=01,a", "running", false, "good", t(10)),
                                List.of("state", "ENT 01", "edge-01", "SEW=01,a", "step", "cut", "good", t(0)),
                                List.of(
                                        "state",
                                        "ENT 01",
                                        "edge-01",
                                        "SEW=01,a",
                                        "step",
                                        "sew \"fast\"",
                                        "good",
                                        t(10)),
                                List.of("process", "ENT 01", "edge-01", "SEW=01,a", "temp", 20.0, "good", t(0)),
                                List.of("process", "ENT 01", "edge-01", "SEW=01,a", "temp", 150.0, "bad", t(10)),
                                List.of("process", "ENT 01", "edge-01", "SEW=01,a", "temp", 21.5, "good", t(20)));
            }
        }
    }

    @Test
    void aWrongTokenIsRefusedCountedAndNotRetried(@TempDir Path dir) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Gateway gw = Gateway.start(gateway(dir, "not-the-token"), registry);
                TestEdge edge = new TestEdge(gw.mqttUrl(), "ENT02", "edge-02", 1)) {
            edge.connect();
            edge.nbirth(t(0));
            edge.device(
                    MessageType.DBIRTH,
                    "MOLD-1",
                    t(0),
                    List.of(point("temp", DataType.DOUBLE, 1.0, "process", null, null)));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> registry.get("floorlink.gateway.influx.samples.dropped")
                                    .tag("reason", "refused")
                                    .counter()
                                    .count()
                            == 1);
            assertThat(registry.get("floorlink.gateway.influx.errors")
                            .tag("cause", "refused")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.get("floorlink.gateway.influx.samples.written")
                            .counter()
                            .count())
                    .isZero();
        }
    }
}
