package io.floorlink.gateway;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real Sparkplug B edge node for tests: an MQTT 5 client with an NDEATH will, publishing payloads built with
 * io.floorlink.sparkplug. Seq numbers follow the specification unless a test sets them.
 */
final class TestEdge implements AutoCloseable {
    final String group;
    final String node;
    final long bdSeq;
    final Mqtt5BlockingClient client;
    private int seq;

    TestEdge(URI url, String group, String node, long bdSeq) {
        this(url, group, node, bdSeq, null, null);
    }

    TestEdge(URI url, String group, String node, long bdSeq, String user, String password) {
        this(url, group, node, bdSeq, user, password, null);
    }

    /** Over TLS when {@code ssl} is not null (then {@code url} is the TLS listener's). */
    TestEdge(URI url, String group, String node, long bdSeq, String user, String password, MqttClientSslConfig ssl) {
        this.group = group;
        this.node = node;
        this.bdSeq = bdSeq;
        Mqtt5ClientBuilder b = MqttClient.builder()
                .useMqttVersion5()
                .identifier("edge-" + node + "-" + UUID.randomUUID())
                .serverHost(url.getHost())
                .serverPort(url.getPort());
        if (ssl != null) {
            b = b.sslConfig(ssl);
        }
        if (user != null) {
            b = b.simpleAuth()
                    .username(user)
                    .password(password.getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth();
        }
        this.client = b.buildBlocking();
    }

    void connect() {
        client.connectWith()
                .cleanStart(true)
                .willPublish(Mqtt5Publish.builder()
                        .topic(Topic.node(group, MessageType.NDEATH, node).toString())
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload(Payload.newBuilder()
                                .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, bdSeq))
                                .build()
                                .toByteArray())
                        .build())
                .send();
    }

    /**
     * Connects like {@link #connect()} and subscribes to this node's NCMD at QoS 1; the returned stream sees every
     * message the client receives from then on (close it).
     */
    Mqtt5BlockingClient.Mqtt5Publishes connectWithCommands() {
        connect();
        Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL);
        client.subscribeWith()
                .topicFilter(Topic.node(group, MessageType.NCMD, node).toString())
                .qos(MqttQos.AT_LEAST_ONCE)
                .send();
        return publishes;
    }

    Mqtt5PublishResult nbirth(long ts) {
        seq = 0;
        return publish(
                Topic.node(group, MessageType.NBIRTH, node),
                Payload.newBuilder()
                        .setTimestamp(ts)
                        .setSeq(0)
                        .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, bdSeq))
                        .addMetrics(Metrics.metric(MetricNames.REBIRTH, DataType.BOOLEAN, false))
                        .build());
    }

    /** An NBIRTH carrying the durable buffer's epoch ({@link MetricNames#BUFFER_EPOCH}). */
    Mqtt5PublishResult nbirth(long ts, String epoch) {
        seq = 0;
        return publish(
                Topic.node(group, MessageType.NBIRTH, node),
                Payload.newBuilder()
                        .setTimestamp(ts)
                        .setSeq(0)
                        .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, bdSeq))
                        .addMetrics(Metrics.metric(MetricNames.REBIRTH, DataType.BOOLEAN, false))
                        .addMetrics(Metrics.metric(MetricNames.BUFFER_EPOCH, DataType.STRING, epoch))
                        .build());
    }

    Mqtt5PublishResult ndeath(long bdSeqValue) {
        return publish(
                Topic.node(group, MessageType.NDEATH, node),
                Payload.newBuilder()
                        .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, bdSeqValue))
                        .build());
    }

    Mqtt5PublishResult device(MessageType type, String device, long ts, List<Metric.Builder> metrics) {
        Payload.Builder p = Payload.newBuilder().setTimestamp(ts).setSeq(nextSeq());
        metrics.forEach(p::addMetrics);
        return publish(Topic.device(group, type, node, device), p.build());
    }

    /** Publishes with an explicit seq, e.g. to make a gap. */
    Mqtt5PublishResult deviceWithSeq(MessageType type, String device, long ts, int seqValue, List<Metric.Builder> m) {
        seq = seqValue;
        Payload.Builder p = Payload.newBuilder().setTimestamp(ts).setSeq(seqValue);
        m.forEach(p::addMetrics);
        return publish(Topic.device(group, type, node, device), p.build());
    }

    private int nextSeq() {
        seq = (seq + 1) % 256;
        return seq;
    }

    Mqtt5PublishResult publish(Topic topic, Payload payload) {
        return client.publishWith()
                .topic(topic.toString())
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.toByteArray())
                .send();
    }

    /** A point metric as DBIRTH declares it. */
    static Metric.Builder point(
            String name, DataType type, Object value, String category, Double engLow, Double engHigh) {
        Map<String, Object> props = new java.util.LinkedHashMap<>();
        props.put(MetricNames.PROP_CATEGORY, category);
        props.put(MetricNames.PROP_UNIT, "degC");
        props.put(MetricNames.PROP_INTERVAL_MS, 1000L);
        props.put(MetricNames.PROP_ENG_LOW, engLow);
        props.put(MetricNames.PROP_ENG_HIGH, engHigh);
        return Metrics.metric(name, type, value).setProperties(Metrics.properties(props));
    }

    /** A DATA sample with its own timestamp, datatype omitted as DATA messages may do. */
    static Metric.Builder sample(String name, DataType type, Object value, long ts) {
        return Metrics.metric(name, type, value).clearDatatype().setTimestamp(ts);
    }

    static Metric.Builder withQuality(Metric.Builder m, int code) {
        return m.setProperties(Metrics.properties(Map.of(MetricNames.PROP_QUALITY, code)));
    }

    /** Adds properties (e.g. {@code rid}, {@code increment}) to those the metric already has. */
    static Metric.Builder with(Metric.Builder m, Map<String, ?> props) {
        Map<String, Object> all = new java.util.LinkedHashMap<>();
        if (m.hasProperties()) {
            all.putAll(Metrics.properties(m.getProperties()));
        }
        all.putAll(props);
        return m.setProperties(Metrics.properties(all));
    }

    /** The metric as published from durable-buffer record {@code rid}. */
    static Metric.Builder rid(Metric.Builder m, long rid) {
        return with(m, Map.of(MetricNames.PROP_RID, rid));
    }

    static Metric.Builder health(String name, DataType type, Object value, long ts) {
        return Metrics.metric(name, type, value).setTimestamp(ts);
    }

    @Override
    public void close() {
        if (client.getState().isConnected()) {
            client.disconnect();
        }
    }
}
