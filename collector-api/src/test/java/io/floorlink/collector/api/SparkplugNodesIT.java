package io.floorlink.collector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.floorlink.collector.Collector;
import io.floorlink.collector.CollectorConfig;
import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.GatewayConfig;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/v1/sparkplug/nodes} shows the host's live view, with STALE after DDEATH and NDEATH. */
class SparkplugNodesIT {
    private static final long T0 = 1_767_225_600_000L;

    @Test
    @DisplayName(
            "operational-behavior-edge-node-termination-host-action-ddeath-devices-tags-stale,"
                    + " ...-ndeath-node-tags-stale: the live view endpoint lists nodes, devices and metrics, STALE after deaths")
    void liveViewShowsValuesAndStaleAfterDeaths(@TempDir Path dir) throws Exception {
        CollectorConfig config = CollectorConfig.defaults(dir.resolve("data"))
                .withHttpPort(0)
                .withGateway(GatewayConfig.defaults(dir.resolve("data"))
                        .withAuth(AuthConfig.anonymousOnLoopback())
                        .withBrokerPort(0));
        try (Collector collector = Collector.start(config, new SimpleMeterRegistry())) {
            URI mqtt = collector.gateway().mqttUrl();
            Mqtt5BlockingClient edge = MqttClient.builder()
                    .useMqttVersion5()
                    .serverHost(mqtt.getHost())
                    .serverPort(mqtt.getPort())
                    .buildBlocking();
            edge.connect();
            try {
                publish(
                        edge,
                        Topic.node("ENT001", MessageType.NBIRTH, "edge-api"),
                        Payload.newBuilder()
                                .setTimestamp(T0)
                                .setSeq(0)
                                .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, 5L))
                                .addMetrics(Metrics.metric(MetricNames.REBIRTH, DataType.BOOLEAN, false))
                                .build());
                publish(
                        edge,
                        Topic.device("ENT001", MessageType.DBIRTH, "edge-api", "SEW-API"),
                        Payload.newBuilder()
                                .setTimestamp(T0)
                                .setSeq(1)
                                .addMetrics(Metrics.metric("speed", DataType.DOUBLE, 1.5)
                                        .setTimestamp(T0))
                                .build());
                publish(
                        edge,
                        Topic.device("ENT001", MessageType.DDATA, "edge-api", "SEW-API"),
                        Payload.newBuilder()
                                .setTimestamp(T0 + 1000)
                                .setSeq(2)
                                .addMetrics(Metrics.metric("speed", DataType.DOUBLE, 2.5)
                                        .setTimestamp(T0 + 1000))
                                .build());
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    JsonNode node = node(collector, "edge-api");
                    assertThat(node.get("group").asText()).isEqualTo("ENT001");
                    assertThat(node.get("online").asBoolean()).isTrue();
                    assertThat(node.get("bd_seq").asLong()).isEqualTo(5);
                    assertThat(node.get("last_birth").asText()).isEqualTo("2026-01-01T00:00:00Z");
                    JsonNode device = node.get("devices").get(0);
                    assertThat(device.get("device").asText()).isEqualTo("SEW-API");
                    assertThat(device.get("online").asBoolean()).isTrue();
                    JsonNode speed = device.get("metrics").get(0);
                    assertThat(speed.get("name").asText()).isEqualTo("speed");
                    assertThat(speed.get("value").asDouble()).isEqualTo(2.5);
                    assertThat(speed.get("quality").asText()).isEqualTo("good");
                    assertThat(speed.get("timestamp").asText()).isEqualTo("2026-01-01T00:00:01Z");
                    assertThat(speed.get("stale").asBoolean()).isFalse();
                });
                publish(
                        edge,
                        Topic.device("ENT001", MessageType.DDEATH, "edge-api", "SEW-API"),
                        Payload.newBuilder().setTimestamp(T0 + 2000).setSeq(3).build());
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    JsonNode device = node(collector, "edge-api").get("devices").get(0);
                    assertThat(device.get("online").asBoolean()).isFalse();
                    assertThat(device.get("stale").asBoolean()).isTrue();
                    assertThat(device.get("metrics").get(0).get("stale").asBoolean())
                            .isTrue();
                });
                publish(
                        edge,
                        Topic.node("ENT001", MessageType.NDEATH, "edge-api"),
                        Payload.newBuilder()
                                .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, 5L))
                                .build());
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    JsonNode node = node(collector, "edge-api");
                    assertThat(node.get("online").asBoolean()).isFalse();
                    assertThat(node.get("last_death").isNull()).isFalse();
                    for (JsonNode m : node.get("metrics")) {
                        assertThat(m.get("stale").asBoolean()).as(m.toString()).isTrue();
                    }
                });
            } finally {
                edge.disconnect();
            }
        }
    }

    private static void publish(Mqtt5BlockingClient edge, Topic topic, Payload payload) {
        edge.publishWith()
                .topic(topic.toString())
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.toByteArray())
                .send();
    }

    private static JsonNode node(Collector collector, String edgeNode) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://127.0.0.1:" + collector.httpPort() + "/api/v1/sparkplug/nodes"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(r.body());
        for (JsonNode n : body.get("nodes")) {
            if (n.get("node").asText().equals(edgeNode)) {
                return n;
            }
        }
        throw new AssertionError("no node " + edgeNode + " in " + body);
    }
}
