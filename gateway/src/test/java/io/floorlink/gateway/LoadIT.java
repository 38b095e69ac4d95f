package io.floorlink.gateway;

import static io.floorlink.gateway.TestEdge.point;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A burst of samples through the real broker: every sample is counted exactly once, nothing is dropped. */
class LoadIT {
    private static final Logger log = LoggerFactory.getLogger(LoadIT.class);
    private static final int POINTS = 100;
    private static final int MESSAGES = 600;

    @Test
    void aBurstOfSixtyThousandSamplesIsCountedExactly(@TempDir Path dir) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Instant minute = Instant.parse("2026-05-01T12:00:00Z");
        try (Gateway gateway = Gateway.start(
                        GatewayConfig.defaults(dir)
                                .withAuth(AuthConfig.anonymousOnLoopback())
                                .withBrokerPort(0)
                                .withFlushInterval(Duration.ofMillis(500)),
                        registry);
                TestEdge edge = new TestEdge(gateway.mqttUrl(), "ENT001", "edge-load", 0)) {
            edge.connect();
            edge.nbirth(minute.toEpochMilli());
            List<io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric.Builder> birth = new ArrayList<>();
            for (int p = 0; p < POINTS; p++) {
                birth.add(point("p" + p, DataType.DOUBLE, 0.0, "process", null, null));
            }
            edge.device(MessageType.DBIRTH, "LOAD-01", minute.minusSeconds(3600).toEpochMilli(), birth);

            long start = System.nanoTime();
            List<CompletableFuture<Mqtt5PublishResult>> acks = new ArrayList<>();
            String topic = Topic.device("ENT001", MessageType.DDATA, "edge-load", "LOAD-01")
                    .toString();
            for (int m = 0; m < MESSAGES; m++) {
                long ts = minute.toEpochMilli() + (m * 50L) % 60_000;
                Payload.Builder payload = Payload.newBuilder().setTimestamp(ts).setSeq((m + 2) % 256);
                for (int p = 0; p < POINTS; p++) {
                    payload.addMetrics(Metrics.metric("p" + p, DataType.DOUBLE, (double) m)
                            .clearDatatype()
                            .setTimestamp(ts));
                }
                acks.add(edge.client
                        .toAsync()
                        .publishWith()
                        .topic(topic)
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload(payload.build().toByteArray())
                        .send());
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                gateway.flush();
                assertThat(Db.count(
                                gateway.dataSource(),
                                "SELECT SUM(samples) FROM point_minute WHERE device_id = 'LOAD-01' AND bucket = ?",
                                minute))
                        .isEqualTo((long) MESSAGES * POINTS);
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            log.info(
                    "{} samples stored in {} s ({} samples/s end to end)",
                    MESSAGES * POINTS,
                    String.format("%.2f", seconds),
                    Math.round(MESSAGES * POINTS / seconds));

            assertThat(Db.count(
                            gateway.dataSource(),
                            "SELECT SUM(samples) FROM point_hour WHERE device_id = 'LOAD-01' AND bucket = ?",
                            minute))
                    .isEqualTo((long) MESSAGES * POINTS);
            assertThat(registry.get("floorlink.gateway.seq.gaps").counter().count())
                    .isZero();
            assertThat(registry.get("floorlink.gateway.queue.dropped").counter().count())
                    .isZero();
            assertThat(registry.get("floorlink.gateway.broker.dropped.messages")
                            .functionCounter()
                            .count())
                    .isZero();
            assertThat(registry.get("floorlink.gateway.messages.received")
                            .tag("type", "ddata")
                            .counter()
                            .count())
                    .isEqualTo(MESSAGES);
        }
    }
}
