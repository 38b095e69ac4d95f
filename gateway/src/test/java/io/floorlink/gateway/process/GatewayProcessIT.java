package io.floorlink.gateway.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.floorlink.broker.EmbeddedBroker;
import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.BrokerConfig;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link GatewayProcess}: a gateway in its own JVM, killed with SIGKILL and started again on the same H2 file. */
class GatewayProcessIT {
    private static final String HOST = "gw-proc";
    private static final String GROUP = "PROC";
    private static final String NODE = "edge-proc";
    private static final String DEV = "IMM-K1";
    private static final long BD_SEQ = 3;

    @TempDir
    Path dir;

    @Test
    @DisplayName("a gateway process killed with SIGKILL keeps the facts it wrote; the next one on the same file"
            + " closes the sessions it left open as platform_restart")
    void killedGatewayKeepsItsFactsAndTheNextOneClosesItsSessions() throws Exception {
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minusSeconds(60);
        Path store = dir.resolve("store");
        // H2 writes commits to the file up to WRITE_DELAY (default 500 ms) later: a SIGKILL inside that window
        // loses facts that were already committed and visible, so this file store writes at every commit.
        String liveUrl = GatewayProcess.h2AutoServerUrl(store) + ";WRITE_DELAY=0";
        try (EmbeddedBroker broker = EmbeddedBroker.start(
                BrokerConfig.embedded("127.0.0.1", 0, dir.resolve("broker")), AuthConfig.anonymousOnLoopback())) {
            try (GatewayProcess first = GatewayProcess.start(broker.url(), liveUrl, HOST, Duration.ofSeconds(1))) {
                Mqtt5BlockingClient edge = MqttClient.builder()
                        .useMqttVersion5()
                        .identifier("edge-" + UUID.randomUUID())
                        .serverHost(broker.url().getHost())
                        .serverPort(broker.url().getPort())
                        .buildBlocking();
                edge.connectWith()
                        .willPublish(Mqtt5Publish.builder()
                                .topic(Topic.node(GROUP, MessageType.NDEATH, NODE)
                                        .toString())
                                .qos(MqttQos.AT_LEAST_ONCE)
                                .payload(Payload.newBuilder()
                                        .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, BD_SEQ))
                                        .build()
                                        .toByteArray())
                                .build())
                        .send();
                long t = minute.toEpochMilli();
                publish(
                        edge,
                        Topic.node(GROUP, MessageType.NBIRTH, NODE),
                        t - 60_000,
                        0,
                        List.of(
                                Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, BD_SEQ),
                                Metrics.metric(MetricNames.REBIRTH, DataType.BOOLEAN, false)));
                publish(
                        edge,
                        Topic.device(GROUP, MessageType.DBIRTH, NODE, DEV),
                        t - 60_000,
                        1,
                        List.of(Metrics.metric("temp", DataType.DOUBLE, 20.0)
                                .setProperties(Metrics.properties(Map.of(MetricNames.PROP_CATEGORY, "process")))));
                publish(
                        edge,
                        Topic.device(GROUP, MessageType.DDATA, NODE, DEV),
                        t + 3_000,
                        2,
                        List.of(
                                Metrics.metric("temp", DataType.DOUBLE, 21.0).setTimestamp(t + 1_000),
                                Metrics.metric("temp", DataType.DOUBLE, 22.5).setTimestamp(t + 2_000),
                                Metrics.metric("temp", DataType.DOUBLE, 19.5).setTimestamp(t + 3_000)));

                // read through the child's H2 server until its flush wrote the samples
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> GatewayProcess.rows(
                                        liveUrl,
                                        "SELECT samples FROM point_minute WHERE device_id = ? AND point_id = 'temp'"
                                                + " AND bucket = ?",
                                        DEV,
                                        minute)
                                .equals(List.of(Map.of("samples", 3L))));

                assertThat(first.killHard()).as("exit code of a SIGKILL").isEqualTo(128 + 9);
                assertThat(first.isAlive()).isFalse();
                edge.disconnect();
            }

            try (GatewayProcess second = GatewayProcess.start(broker.url(), liveUrl, HOST, Duration.ofSeconds(1))) {
                assertThat(second.output())
                        .as("the second gateway closed what the killed one left open")
                        .anySatisfy(line -> assertThat(line).contains("platform_restart"));
                assertThat(second.stop()).as("exit code after SIGTERM").isEqualTo(128 + 15);
            }
        }

        // both children are dead: open the file itself
        String fileUrl = GatewayProcess.h2Url(store);
        assertThat(GatewayProcess.rows(
                        fileUrl,
                        "SELECT samples, value_min, value_max, value_sum FROM point_minute"
                                + " WHERE device_id = ? AND point_id = 'temp' AND bucket = ?",
                        DEV,
                        minute))
                .containsExactly(Map.of("samples", 3L, "value_min", 19.5, "value_max", 22.5, "value_sum", 63.0));
        assertThat(GatewayProcess.rows(
                        fileUrl,
                        "SELECT bd_seq, end_reason FROM edge_session WHERE group_id = ? AND edge_node_id = ?",
                        GROUP,
                        NODE))
                .containsExactly(Map.of("bd_seq", BD_SEQ, "end_reason", "platform_restart"));
        assertThat(GatewayProcess.rows(fileUrl, "SELECT end_reason FROM device_session WHERE device_id = ?", DEV))
                .containsExactly(Map.of("end_reason", "platform_restart"));
    }

    private static void publish(
            Mqtt5BlockingClient edge, Topic topic, long ts, int seq, List<Payload.Metric.Builder> metrics) {
        Payload.Builder p = Payload.newBuilder().setTimestamp(ts).setSeq(seq);
        metrics.forEach(p::addMetrics);
        edge.publishWith()
                .topic(topic.toString())
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(p.build().toByteArray())
                .send();
    }
}
