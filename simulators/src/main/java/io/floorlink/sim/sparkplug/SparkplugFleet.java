package io.floorlink.sim.sparkplug;

import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.SparkplugException;
import io.floorlink.sparkplug.StateMessage;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.edge.EdgeSession;
import io.floorlink.sparkplug.mqtt.MqttClients;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fleet of Sparkplug B 3.0 edge nodes for load tests: one MQTT 5 connection per node with its NDEATH will
 * (bdSeq advancing per session), births gated by the primary host's STATE ({@link EdgeSession}), NBIRTH and one
 * DBIRTH per device declaring Double points with aliases and the properties the FloorLink gateway expects
 * (category {@code process}, unit, interval), then DDATA of every point of a device by alias only, at QoS 1, so
 * many metrics per message. A Rebirth NCMD births the node again, a newer online STATE too, an offline STATE ends
 * the session (NDEATH, disconnect, connect again with the next bdSeq).
 *
 * <p>The rate is spread over the nodes; every tick each node publishes its share as whole device messages in turn.
 * A node with {@link SparkplugFleetOptions#maxInflight()} unacknowledged DDATA skips its share (counted as behind).
 * Thread-safe.
 */
public final class SparkplugFleet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SparkplugFleet.class);
    private static final MqttClients.Reconnect RECONNECT =
            new MqttClients.Reconnect(Duration.ofMillis(200), Duration.ofSeconds(5));

    private final SparkplugFleetOptions options;
    private final List<Node> nodes = new ArrayList<>();
    private final ScheduledExecutorService ticker;
    private final LongAdder samplesSent = new LongAdder();
    private final LongAdder samplesAcked = new LongAdder();
    private final LongAdder messagesFailed = new LongAdder();
    private final LongAdder samplesBehind = new LongAdder();
    private final LongAdder births = new LongAdder();
    private volatile boolean closed;

    private SparkplugFleet(SparkplugFleetOptions options) {
        this.options = options;
        for (int i = 0; i < options.nodes(); i++) {
            nodes.add(new Node(options.nodeId(i)));
        }
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "floorlink-sim-sparkplug");
            t.setDaemon(true);
            return t;
        });
        nodes.forEach(Node::connect);
        long ms = options.tick().toMillis();
        ticker.scheduleAtFixedRate(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Starts the nodes: each connects in the background (retrying while the broker is unreachable). Does not block. */
    public static SparkplugFleet start(SparkplugFleetOptions options) {
        return new SparkplugFleet(options);
    }

    /** Samples (DBIRTH and DDATA point values) handed to the MQTT clients so far. */
    public long samplesSent() {
        return samplesSent.sum();
    }

    /** Samples of DBIRTH and DDATA messages the broker acknowledged (PUBACK) so far. */
    public long samplesAcknowledged() {
        return samplesAcked.sum();
    }

    /** DBIRTH and DDATA messages the broker refused or that failed. */
    public long messagesFailed() {
        return messagesFailed.sum();
    }

    /** Samples not sent because their node had {@code maxInflight} messages unacknowledged: the fleet's shortfall. */
    public long samplesBehind() {
        return samplesBehind.sum();
    }

    /** NBIRTHs published so far (the first births and every rebirth). */
    public long births() {
        return births.sum();
    }

    /** Nodes born now (NBIRTH and every DBIRTH out, data flowing). */
    public int nodesBorn() {
        int n = 0;
        for (Node node : nodes) {
            synchronized (node) {
                if (node.session.mayPublishData()) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The edge node ids, in order. */
    public List<String> nodeIds() {
        return nodes.stream().map(n -> n.id).toList();
    }

    /**
     * Stops publishing, waits up to {@code timeout} for every DDATA sent to be acknowledged, then publishes each
     * node's NDEATH and disconnects. Blocks.
     */
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (nodes.stream().anyMatch(n -> n.inflight.get() > 0) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        nodes.forEach(Node::shutdown);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    private void tick() {
        try {
            double perNodeMessages =
                    options.rate() * (options.tick().toMillis() / 1000.0) / options.points() / nodes.size();
            long now = System.currentTimeMillis();
            for (Node n : nodes) {
                n.credit += perNodeMessages;
                int due = (int) n.credit;
                n.credit -= due;
                if (due > 0) {
                    n.publishData(due, now);
                }
            }
        } catch (RuntimeException e) {
            log.warn("sparkplug fleet tick failed: {}", e.toString());
        }
    }

    /** One edge node; its session state is guarded by the node's lock (MQTT callbacks and the ticker share it). */
    private final class Node {
        final String id;
        final String username;
        final Mqtt5AsyncClient client;
        final EdgeSession session;
        final String ndeathTopic;
        final String nbirthTopic;
        final List<String> deviceIds = new ArrayList<>();
        final Map<String, String> ddataTopics = new LinkedHashMap<>();
        final Map<String, String> dbirthTopics = new LinkedHashMap<>();
        final AtomicInteger inflight = new AtomicInteger();
        /** aliases of the points, per device (index = point) */
        final long[][] aliases;

        double credit;
        int nextDevice;
        long valueStep;
        volatile boolean closing;

        Node(String id) {
            this.id = id;
            this.username = options.usernameOf(id);
            this.session = new EdgeSession(options.primaryHost(), 0);
            this.ndeathTopic =
                    Topic.node(options.group(), MessageType.NDEATH, id).toString();
            this.nbirthTopic =
                    Topic.node(options.group(), MessageType.NBIRTH, id).toString();
            this.aliases = new long[options.devices()][options.points()];
            for (int d = 0; d < options.devices(); d++) {
                String device = SparkplugFleetOptions.deviceId(id, d);
                deviceIds.add(device);
                ddataTopics.put(
                        device,
                        Topic.device(options.group(), MessageType.DDATA, id, device)
                                .toString());
                dbirthTopics.put(
                        device,
                        Topic.device(options.group(), MessageType.DBIRTH, id, device)
                                .toString());
                for (int p = 0; p < options.points(); p++) {
                    aliases[d][p] = session.alias(device, SparkplugFleetOptions.pointName(p));
                }
            }
            this.client = MqttClients.builder(
                            options.url(), "floorlink-sim-sparkplug-" + options.group() + "-" + id, RECONNECT, null)
                    .addConnectedListener(this::onConnected)
                    .addDisconnectedListener(this::onDisconnected)
                    .useMqttVersion5()
                    .buildAsync();
            // one callback for the client's life; the subscriptions are made again on every connect
            client.publishes(MqttGlobalPublishFilter.SUBSCRIBED, this::onMessage);
        }

        private void onMessage(Mqtt5Publish p) {
            String topic = p.getTopic().toString();
            if (topic.startsWith(Topic.NAMESPACE + "/STATE/")) {
                onState(p);
            } else {
                onCommand(p);
            }
        }

        Mqtt5Connect connectMessage(int bdSeq) {
            Mqtt5ConnectBuilder b = Mqtt5Connect.builder()
                    .cleanStart(true)
                    .keepAlive(30)
                    .willPublish()
                    .topic(ndeathTopic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(ndeath(bdSeq))
                    .applyWillPublish();
            if (username != null) {
                b = b.simpleAuth()
                        .username(username)
                        .password(
                                options.password() == null
                                        ? new byte[0]
                                        : options.password().getBytes(StandardCharsets.UTF_8))
                        .applySimpleAuth();
            }
            return b.build();
        }

        void connect() {
            client.connect(connectMessage(session.willBdSeq())).whenComplete((ack, e) -> {
                if (e != null && !closing) {
                    log.warn("node {}: broker {} not reachable yet ({}); retrying", id, options.url(), e.toString());
                }
            });
        }

        // Netty thread
        private void onConnected(MqttClientConnectedContext ctx) {
            if (closing) {
                client.disconnect();
                return;
            }
            int bdSeq = session.connectionEstablished();
            synchronized (this) {
                session.sessionUp(bdSeq);
            }
            client.subscribeWith()
                    .topicFilter(
                            Topic.node(options.group(), MessageType.NCMD, id).toString())
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send()
                    .thenCompose(a -> options.primaryHost() == null
                            ? java.util.concurrent.CompletableFuture.completedFuture(a)
                            : client.subscribeWith()
                                    .topicFilter(
                                            Topic.state(options.primaryHost()).toString())
                                    .qos(MqttQos.AT_LEAST_ONCE)
                                    .send())
                    .whenComplete((a, e) -> {
                        if (e != null) {
                            log.warn("node {}: subscribing failed: {}", id, e.toString());
                            return;
                        }
                        synchronized (this) {
                            session.subscriptionsAcknowledged();
                            birthIfAllowed();
                        }
                    });
        }

        // Netty thread: the next CONNECT carries the next bdSeq in its will.
        private void onDisconnected(MqttClientDisconnectedContext context) {
            session.connectionEnded(closing);
            synchronized (this) {
                session.sessionDown();
            }
            Mqtt5ClientDisconnectedContext ctx = (Mqtt5ClientDisconnectedContext) context;
            if (closing) {
                ctx.getReconnector().reconnect(false);
                return;
            }
            if (ctx.getSource() == MqttDisconnectSource.USER) {
                // an offline STATE ended the session: connect again, the births wait for the host
                ctx.getReconnector().reconnect(true).delay(200, TimeUnit.MILLISECONDS);
            }
            ctx.getReconnector().connect(connectMessage(session.willBdSeq()));
        }

        private void onCommand(Mqtt5Publish p) {
            Payload payload;
            try {
                payload = Metrics.decode(p.getTopic().toString(), p.getPayloadAsBytes());
            } catch (SparkplugException e) {
                log.warn("node {}: undecodable NCMD ignored: {}", id, e.getMessage());
                return;
            }
            for (Metric m : payload.getMetricsList()) {
                if (MetricNames.REBIRTH.equals(m.getName()) && m.hasBooleanValue() && m.getBooleanValue()) {
                    synchronized (this) {
                        if (session.rebirthRequested()) {
                            log.info("node {}: rebirth requested", id);
                            birthIfAllowed();
                        }
                    }
                }
            }
        }

        private void onState(Mqtt5Publish p) {
            StateMessage state;
            try {
                state = StateMessage.parse(p.getPayloadAsBytes());
            } catch (SparkplugException e) {
                log.warn("node {}: invalid STATE ignored: {}", id, e.getMessage());
                return;
            }
            boolean disconnect = false;
            synchronized (this) {
                switch (session.state(state)) {
                    case ONLINE -> birthIfAllowed();
                    case NEW_HOST_SESSION -> {
                        if (session.rebirthRequested()) {
                            birthIfAllowed();
                        }
                    }
                    case OFFLINE -> {
                        if (session.born()) {
                            publish(ndeathTopic, ndeath(session.bdSeq()));
                            session.nodeDeath();
                        }
                        disconnect = true;
                    }
                    case IGNORED -> {}
                }
            }
            if (disconnect && !closing) {
                log.info("node {}: primary host offline, ending the session", id);
                client.disconnect();
            }
        }

        /** Under the lock: NBIRTH and every DBIRTH when the session allows a birth now. */
        private void birthIfAllowed() {
            if (!session.mayBirth() || closing) {
                return;
            }
            long now = System.currentTimeMillis();
            int seq = session.nodeBirth();
            publish(
                    nbirthTopic,
                    Payload.newBuilder()
                            .setTimestamp(now)
                            .setSeq(seq)
                            .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.INT64, (long) session.bdSeq()))
                            .addMetrics(Metrics.metric(MetricNames.REBIRTH, DataType.BOOLEAN, false))
                            .build()
                            .toByteArray());
            births.increment();
            for (int d = 0; d < deviceIds.size(); d++) {
                String device = deviceIds.get(d);
                Payload.Builder b = Payload.newBuilder().setTimestamp(now).setSeq(session.nextSeq());
                for (int p = 0; p < options.points(); p++) {
                    Map<String, Object> props = new LinkedHashMap<>();
                    props.put(MetricNames.PROP_CATEGORY, "process");
                    props.put(MetricNames.PROP_UNIT, "degC");
                    props.put(MetricNames.PROP_INTERVAL_MS, options.tick().toMillis());
                    b.addMetrics(Metrics.metric(SparkplugFleetOptions.pointName(p), DataType.DOUBLE, value(p, 0))
                            .setAlias(aliases[d][p])
                            .setTimestamp(now)
                            .setProperties(Metrics.properties(props)));
                }
                // the birth values are samples too: the host stores them like DDATA values
                samplesSent.add(options.points());
                int points = options.points();
                client.publishWith()
                        .topic(dbirthTopics.get(device))
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload(b.build().toByteArray())
                        .send()
                        .whenComplete((r, e) -> {
                            if (e == null && r.getError().isEmpty()) {
                                samplesAcked.add(points);
                            } else {
                                messagesFailed.increment();
                            }
                        });
            }
        }

        /** On the ticker: {@code due} DDATA messages, whole devices in turn, unless too many are unacknowledged. */
        void publishData(int due, long now) {
            synchronized (this) {
                if (!session.mayPublishData() || closing) {
                    return;
                }
                int points = options.points();
                for (int i = 0; i < due; i++) {
                    if (inflight.get() >= options.maxInflight()) {
                        samplesBehind.add((long) (due - i) * points);
                        return;
                    }
                    int d = nextDevice;
                    nextDevice = (nextDevice + 1) % deviceIds.size();
                    if (d == 0) {
                        valueStep++;
                    }
                    Payload.Builder b = Payload.newBuilder().setTimestamp(now).setSeq(session.nextSeq());
                    for (int p = 0; p < points; p++) {
                        b.addMetricsBuilder().setAlias(aliases[d][p]).setDoubleValue(value(p, valueStep));
                    }
                    inflight.incrementAndGet();
                    samplesSent.add(points);
                    client.publishWith()
                            .topic(ddataTopics.get(deviceIds.get(d)))
                            .qos(MqttQos.AT_LEAST_ONCE)
                            .payload(b.build().toByteArray())
                            .send()
                            .whenComplete((r, e) -> {
                                inflight.decrementAndGet();
                                if (e == null && r.getError().isEmpty()) {
                                    samplesAcked.add(points);
                                } else {
                                    messagesFailed.increment();
                                }
                            });
                }
            }
        }

        private void publish(String topic, byte[] payload) {
            client.publishWith()
                    .topic(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(payload)
                    .send();
        }

        /** Publishes the NDEATH (a clean end of the session, as the will would) and disconnects. Blocks briefly. */
        void shutdown() {
            closing = true;
            try {
                synchronized (this) {
                    if (client.getState() == MqttClientState.CONNECTED && session.born()) {
                        session.nodeDeath();
                        client.publishWith()
                                .topic(ndeathTopic)
                                .qos(MqttQos.AT_LEAST_ONCE)
                                .payload(ndeath(session.bdSeq()))
                                .send()
                                .get(5, TimeUnit.SECONDS);
                    }
                }
                if (client.getState().isConnectedOrReconnect()) {
                    client.disconnect().get(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.warn("node {}: clean disconnect failed: {}", id, e.toString());
            }
        }
    }

    /** A value within 0..100 that changes every step, different per point. */
    private static double value(int point, long step) {
        return ((point * 7 + step) % 1000) / 10.0;
    }

    private static byte[] ndeath(long bdSeq) {
        return Payload.newBuilder()
                .setTimestamp(System.currentTimeMillis())
                .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.INT64, bdSeq))
                .build()
                .toByteArray();
    }
}
