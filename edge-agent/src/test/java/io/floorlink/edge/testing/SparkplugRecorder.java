package io.floorlink.edge.testing;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.StateMessage;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A real MQTT subscriber (hivemq-mqtt-client) on {@code spBv1.0/<group>/#} that decodes what an edge node
 * publishes; it can also play the primary host (STATE) and send NCMD.
 */
public final class SparkplugRecorder implements AutoCloseable {
    private final Mqtt3AsyncClient client;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    /** One decoded Sparkplug message. */
    public record Received(Topic topic, Payload payload, long arrivedMillis) {
        public MessageType type() {
            return topic.type();
        }

        public Optional<Metric> metric(String name) {
            return payload.getMetricsList().stream()
                    .filter(m -> m.getName().equals(name))
                    .findFirst();
        }

        public List<Metric> metrics(String name) {
            return payload.getMetricsList().stream()
                    .filter(m -> m.getName().equals(name))
                    .toList();
        }
    }

    public SparkplugRecorder(URI broker, String group) throws Exception {
        client = MqttClient.builder()
                .useMqttVersion3()
                .identifier("recorder-" + UUID.randomUUID())
                .serverHost(broker.getHost())
                .serverPort(broker.getPort())
                .buildAsync();
        client.connect().get(10, TimeUnit.SECONDS);
        client.subscribeWith()
                .topicFilter(Topic.NAMESPACE + "/" + group + "/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> {
                    String t = p.getTopic().toString();
                    received.add(new Received(
                            Topic.parse(t), Metrics.decode(t, p.getPayloadAsBytes()), System.currentTimeMillis()));
                })
                .send()
                .get(10, TimeUnit.SECONDS);
    }

    public List<Received> all() {
        return new ArrayList<>(received);
    }

    public List<Received> of(MessageType type) {
        return received.stream().filter(r -> r.type() == type).toList();
    }

    public List<Received> of(MessageType type, String deviceId) {
        return received.stream()
                .filter(r -> r.type() == type && deviceId.equals(r.topic().deviceId()))
                .toList();
    }

    /** Waits (up to 15 s) for the first message matching and returns it. */
    public Received await(Predicate<Received> match) {
        return await(match, Duration.ofSeconds(15));
    }

    public Received await(Predicate<Received> match, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> received.stream()
                .anyMatch(match));
        return received.stream().filter(match).findFirst().orElseThrow();
    }

    public void clear() {
        received.clear();
    }

    /** Publishes the retained STATE of a primary host, as the host application does. */
    public void publishState(String hostId, boolean online, long timestamp) throws Exception {
        client.publishWith()
                .topic(Topic.state(hostId).toString())
                .qos(MqttQos.AT_LEAST_ONCE)
                .retain(true)
                .payload(new StateMessage(online, timestamp).toJson())
                .send()
                .get(10, TimeUnit.SECONDS);
    }

    /** Removes a retained STATE. */
    public void clearState(String hostId) throws Exception {
        client.publishWith()
                .topic(Topic.state(hostId).toString())
                .qos(MqttQos.AT_LEAST_ONCE)
                .retain(true)
                .payload(new byte[0])
                .send()
                .get(10, TimeUnit.SECONDS);
    }

    /** Sends NCMD Node Control/Rebirth = true to an edge node. */
    public void requestRebirth(String group, String node) throws Exception {
        Payload p = Payload.newBuilder()
                .setTimestamp(System.currentTimeMillis())
                .addMetrics(Metrics.metric(
                        io.floorlink.sparkplug.MetricNames.REBIRTH, io.floorlink.sparkplug.DataType.BOOLEAN, true))
                .build();
        client.publishWith()
                .topic(Topic.node(group, MessageType.NCMD, node).toString())
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(p.toByteArray())
                .send()
                .get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        client.disconnect();
    }
}
