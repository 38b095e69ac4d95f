package io.floorlink.edge.testing;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Receipt;
import io.floorlink.sparkplug.StateMessage;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.mqtt.MqttClients;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A real MQTT subscriber (hivemq-mqtt-client, QoS 1) on {@code spBv1.0/<group>/#} that decodes what an edge node
 * publishes; it can also play the primary host (STATE, receipts) and send NCMD.
 *
 * <p>Aliases are resolved as a host does: a DDATA/NDATA metric without a name gets the name its alias has in the
 * latest DBIRTH/NBIRTH of the device/node in {@link Received#payload()}; {@link Received#raw()} is the payload as
 * it arrived. The QoS and retain flag as delivered are kept (the delivered QoS is min(published, subscribed), so a
 * delivered QoS 0 proves a QoS 0 publish).
 */
public final class SparkplugRecorder implements AutoCloseable {
    private final Mqtt3AsyncClient client;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Map<Long, String>> aliases = new ConcurrentHashMap<>();
    private final Map<String, Receipts> receipts = new ConcurrentHashMap<>();
    private volatile String receiptHost;

    /** One decoded Sparkplug message. */
    public record Received(Topic topic, Payload payload, long arrivedMillis, Payload raw, MqttQos qos, boolean retain) {
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
        this(broker, group, null);
    }

    /** A recorder on a {@code ssl://} broker, trusting what {@code ssl} trusts (null: the JVM's trust). */
    public SparkplugRecorder(URI broker, String group, MqttClientSslConfig ssl) throws Exception {
        client = MqttClients.builder(broker, "recorder-" + UUID.randomUUID(), null, ssl)
                .useMqttVersion3()
                .buildAsync();
        client.connect().get(10, TimeUnit.SECONDS);
        client.subscribeWith()
                .topicFilter(Topic.NAMESPACE + "/" + group + "/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> {
                    String t = p.getTopic().toString();
                    Topic topic = Topic.parse(t);
                    Payload raw = Metrics.decode(t, p.getPayloadAsBytes());
                    received.add(new Received(
                            topic, resolve(topic, raw), System.currentTimeMillis(), raw, p.getQos(), p.isRetain()));
                    onReceived(topic, raw);
                })
                .send()
                .get(10, TimeUnit.SECONDS);
    }

    private static String aliasScope(Topic topic) {
        return topic.groupId() + "/" + topic.edgeNodeId() + "/" + (topic.deviceId() == null ? "" : topic.deviceId());
    }

    private Payload resolve(Topic topic, Payload raw) {
        MessageType type = topic.type();
        if (type == MessageType.NBIRTH || type == MessageType.DBIRTH) {
            Map<Long, String> map = new ConcurrentHashMap<>();
            for (Metric m : raw.getMetricsList()) {
                if (m.hasAlias() && !m.getName().isEmpty()) {
                    map.put(m.getAlias(), m.getName());
                }
            }
            aliases.put(aliasScope(topic), map);
            return raw;
        }
        if (type != MessageType.DDATA && type != MessageType.NDATA) {
            return raw;
        }
        Map<Long, String> map = aliases.getOrDefault(aliasScope(topic), Map.of());
        Payload.Builder b = raw.toBuilder();
        for (int i = 0; i < b.getMetricsCount(); i++) {
            Metric m = b.getMetrics(i);
            if (m.getName().isEmpty() && m.hasAlias() && map.containsKey(m.getAlias())) {
                b.setMetrics(i, m.toBuilder().setName(map.get(m.getAlias())));
            }
        }
        return b.build();
    }

    /** The rids a host received of one node's epoch, as inclusive ranges (from -> to). */
    private static final class Receipts {
        final String epoch;
        final TreeMap<Long, Long> ranges = new TreeMap<>();

        Receipts(String epoch) {
            this.epoch = epoch;
        }

        synchronized void add(long rid) {
            var floor = ranges.floorEntry(rid);
            if (floor != null && floor.getValue() >= rid) {
                return;
            }
            long from = rid;
            long to = rid;
            if (floor != null && floor.getValue() == rid - 1) {
                from = floor.getKey();
            }
            Long next = ranges.get(rid + 1);
            if (next != null) {
                to = next;
                ranges.remove(rid + 1);
            }
            ranges.put(from, to);
        }

        synchronized List<long[]> list() {
            List<long[]> out = new ArrayList<>();
            ranges.forEach((f, t) -> out.add(new long[] {f, t}));
            return out;
        }
    }

    /**
     * Plays the primary host's receipts from now on: after every DDATA of a node whose NBIRTH this recorder saw, the
     * cumulative receipt of every rid of the epoch received so far (also before this call) is published (retained,
     * QoS 1) on {@link Receipt#topic}.
     */
    public void autoReceipts(String hostId) {
        this.receiptHost = hostId;
    }

    private void onReceived(Topic topic, Payload raw) {
        String host = receiptHost;
        String node = topic.groupId() + "/" + topic.edgeNodeId();
        if (topic.type() == MessageType.NBIRTH) {
            raw.getMetricsList().stream()
                    .filter(m -> MetricNames.BUFFER_EPOCH.equals(m.getName()))
                    .findFirst()
                    .ifPresent(m -> receipts.compute(
                            node,
                            (k, old) -> old != null && old.epoch.equals(m.getStringValue())
                                    ? old
                                    : new Receipts(m.getStringValue())));
            return;
        }
        if (topic.type() != MessageType.DDATA) {
            return;
        }
        Receipts r = receipts.get(node);
        if (r == null) {
            return;
        }
        boolean any = false;
        for (Metric m : raw.getMetricsList()) {
            Object rid =
                    m.hasProperties() ? Metrics.properties(m.getProperties()).get(MetricNames.PROP_RID) : null;
            if (rid instanceof Long l) {
                r.add(l);
                any = true;
            }
        }
        if (any && host != null) {
            publishReceipt(
                    new Receipt(host, r.epoch, System.currentTimeMillis(), r.list()),
                    topic.groupId(),
                    topic.edgeNodeId());
        }
    }

    /** Publishes a receipt retained at QoS 1, as the host does (does not wait for the PUBACK). */
    public void publishReceipt(Receipt receipt, String group, String node) {
        publishReceipt(receipt.hostId(), receipt, group, node);
    }

    /** Publishes a receipt on the receipt topic of {@code topicHost} (which may differ from the receipt's host). */
    public void publishReceipt(String topicHost, Receipt receipt, String group, String node) {
        client.publishWith()
                .topic(Receipt.topic(topicHost, group, node))
                .qos(MqttQos.AT_LEAST_ONCE)
                .retain(true)
                .payload(receipt.toJson())
                .send();
    }

    /** Publishes any payload at QoS 1, not retained; waits for the PUBACK. */
    public void publishRaw(String topic, byte[] payload) throws Exception {
        client.publishWith()
                .topic(topic)
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload)
                .send()
                .get(10, TimeUnit.SECONDS);
    }

    /** Removes the retained receipt of a node. */
    public void clearReceipt(String hostId, String group, String node) throws Exception {
        client.publishWith()
                .topic(Receipt.topic(hostId, group, node))
                .qos(MqttQos.AT_LEAST_ONCE)
                .retain(true)
                .payload(new byte[0])
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
