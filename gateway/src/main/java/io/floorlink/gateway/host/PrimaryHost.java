package io.floorlink.gateway.host;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Receipt;
import io.floorlink.sparkplug.StateMessage;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.mqtt.MqttClients;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sparkplug B primary host application's MQTT side towards one MQTT server (specification 3.0, sections
 * 5.x, 7.3). It always connects with Clean Start true and Session Expiry 0 (tck-id {@code
 * message-flow-phid-sparkplug-clean-session-50}) and a retained STATE offline will; subscribes to its own {@code
 * spBv1.0/STATE/<host_id>} and to the namespace {@code spBv1.0/#}, then publishes STATE online with the will's
 * timestamp; does it again after every reconnect (with a new timestamp). A STATE offline for its own id seen after
 * it published online is answered with online again; one with a newer timestamp than its own makes it start a new
 * MQTT session with a newer timestamp. Received messages go to the {@link HostProcessor} without blocking the
 * client's threads. Reconnects use exponential backoff with jitter.
 *
 * <p>Nothing is kept by the broker while the host is away: what was delivered but not yet committed when the host
 * stops or dies is lost here, and comes back because edge nodes keep every buffered record until a {@link
 * Receipt} covers it and replay the rest (docs/architecture.md, Receipts). Several instances, one per server, can
 * feed one processor (Sparkplug 3.0 multiple MQTT servers).
 */
public final class PrimaryHost implements AutoCloseable, Uplink {
    private static final Logger log = LoggerFactory.getLogger(PrimaryHost.class);

    private final String hostId;
    private final String server;
    private final String stateTopic;
    private final Mqtt5AsyncClient client;
    private final HostProcessor processor;
    private final CompletableFuture<Void> firstBirth = new CompletableFuture<>();
    private final AtomicLong stateTimestamp = new AtomicLong();
    private final AtomicBoolean renewing = new AtomicBoolean();
    private final Throttle throttle = new Throttle(60_000);
    /** Set just before STATE online is handed to the client, so an offline that overtakes its PUBACK is seen. */
    private volatile boolean onlinePublished;

    private volatile boolean closing;
    /** In a cluster, the groups whose topics are subscribed; null: the whole namespace. */
    private volatile java.util.Set<String> groups;

    private static final MqttClients.Reconnect RECONNECT =
            new MqttClients.Reconnect(Duration.ofMillis(500), Duration.ofSeconds(30));

    /**
     * @param username nullable
     * @param password nullable, already resolved; never logged
     */
    public PrimaryHost(
            String hostId, String host, int port, String username, String password, HostProcessor processor) {
        this(hostId, host, port, username, password, null, processor);
    }

    /**
     * Like {@link #PrimaryHost(String, String, int, String, String, HostProcessor)} over TLS when {@code ssl} is
     * not null.
     *
     * @param ssl nullable: plain TCP without it
     */
    public PrimaryHost(
            String hostId,
            String host,
            int port,
            String username,
            String password,
            MqttClientSslConfig ssl,
            HostProcessor processor) {
        this.hostId = hostId;
        this.server = host + ":" + port;
        this.stateTopic = Topic.state(hostId).toString();
        this.processor = processor;
        stateTimestamp.set(System.currentTimeMillis());
        this.client = MqttClients.v5(
                        MqttClients.builder(
                                        host,
                                        port,
                                        "floorlink-host-" + hostId + "-"
                                                + UUID.randomUUID().toString().substring(0, 8),
                                        RECONNECT,
                                        ssl)
                                .addConnectedListener(this::onConnected)
                                .addDisconnectedListener(this::onDisconnected),
                        username,
                        password)
                .buildAsync();
        this.client.publishes(MqttGlobalPublishFilter.ALL, this::onPublish);
        processor.addUplink(this);
    }

    /**
     * Connects and returns a future completing once STATE online is published (retrying the connection with
     * backoff until then). Does not block.
     */
    public CompletableFuture<Void> start() {
        connect();
        return firstBirth;
    }

    private void connect() {
        client.connectWith()
                .cleanStart(true)
                .sessionExpiryInterval(0)
                .willPublish(state(false, stateTimestamp.get()))
                .send()
                .whenComplete((ack, e) -> {
                    if (e != null) {
                        log.warn(
                                "primary host {} could not connect to {} yet ({}); retrying",
                                hostId,
                                server,
                                e.toString());
                    }
                });
    }

    /**
     * Subscribes only to the topics of the groups {@link #subscribeGroup added} instead of the whole namespace (a
     * gateway of a cluster). Call before {@link #start}.
     */
    public void onlyGroups() {
        groups = java.util.concurrent.ConcurrentHashMap.newKeySet();
    }

    /**
     * Subscribes to {@code spBv1.0/<group>/#} now when connected, and after every reconnect. Never blocks.
     *
     * @return completes when subscribed (at once when not connected: the next connection subscribes)
     */
    public CompletableFuture<Void> subscribeGroup(String group) {
        groups.add(group);
        if (!client.getState().isConnected()) {
            return CompletableFuture.completedFuture(null);
        }
        return client.subscribeWith()
                .topicFilter(groupFilter(group))
                .qos(MqttQos.AT_LEAST_ONCE)
                .send()
                .thenAccept(ack -> {
                    for (Mqtt5SubAckReasonCode code : ack.getReasonCodes()) {
                        if (code.isError()) {
                            throw new IllegalStateException(
                                    "subscription to " + groupFilter(group) + " refused: " + code);
                        }
                    }
                });
    }

    /** Unsubscribes from {@code spBv1.0/<group>/#}. Never blocks; the future completes when done. */
    public CompletableFuture<Void> unsubscribeGroup(String group) {
        groups.remove(group);
        if (!client.getState().isConnected()) {
            return CompletableFuture.completedFuture(null);
        }
        return client.unsubscribeWith().topicFilter(groupFilter(group)).send().thenAccept(ack -> {});
    }

    private static String groupFilter(String group) {
        return Topic.NAMESPACE + "/" + group + "/#";
    }

    /** The STATE timestamp of the current (or next) connection: the will's and the online birth's. */
    public long stateTimestamp() {
        return stateTimestamp.get();
    }

    /** Whether the client is connected to its server now. */
    public boolean isConnected() {
        return client.getState().isConnected();
    }

    private Mqtt5Publish state(boolean online, long ts) {
        return Mqtt5Publish.builder()
                .topic(stateTopic)
                .qos(MqttQos.AT_LEAST_ONCE)
                .retain(true)
                .payload(new StateMessage(online, ts).toJson())
                .build();
    }

    private void onConnected(MqttClientConnectedContext ctx) {
        long ts = stateTimestamp.get();
        onlinePublished = false;
        renewing.set(false);
        // Both subscriptions before the STATE birth (host-topic-phid-birth-sub-required,
        // message-flow-phid-sparkplug-subscription, payloads-state-subscribe).
        var subscribe = client.subscribeWith()
                .addSubscription()
                .topicFilter(stateTopic)
                .qos(MqttQos.AT_LEAST_ONCE)
                .applySubscription();
        java.util.Set<String> served = groups;
        if (served == null) {
            subscribe = subscribe
                    .addSubscription()
                    .topicFilter(Topic.NAMESPACE + "/#")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .applySubscription();
        } else {
            for (String group : served) {
                subscribe = subscribe
                        .addSubscription()
                        .topicFilter(groupFilter(group))
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .applySubscription();
            }
        }
        subscribe
                .send()
                .thenCompose(subAck -> {
                    for (Mqtt5SubAckReasonCode code : subAck.getReasonCodes()) {
                        if (code.isError()) {
                            throw new IllegalStateException("subscription refused: " + code);
                        }
                    }
                    onlinePublished = true;
                    return client.publish(state(true, ts));
                })
                .whenComplete((r, e) -> {
                    if (e == null && r.getError().isEmpty()) {
                        log.info("primary host {} online on {} (STATE timestamp {})", hostId, server, ts);
                        firstBirth.complete(null);
                    } else {
                        log.warn(
                                "primary host {} on {}: subscribe or STATE birth failed: {}",
                                hostId,
                                server,
                                e != null ? e.toString() : r.getError().get().toString());
                    }
                });
    }

    private void onDisconnected(MqttClientDisconnectedContext ctx) {
        onlinePublished = false;
        if (closing || ctx.getSource() == MqttDisconnectSource.USER) {
            return;
        }
        long suppressed = throttle.allow("disconnected", System.currentTimeMillis());
        if (suppressed >= 0) {
            log.warn(
                    "primary host {} disconnected from {} ({}), reconnecting with backoff",
                    hostId,
                    server,
                    ctx.getCause().toString());
        }
        // A new STATE birth needs a will with the same new timestamp (section 7.3).
        long ts = stateTimestamp.updateAndGet(prev -> Math.max(System.currentTimeMillis(), prev + 1));
        if (ctx instanceof Mqtt5ClientDisconnectedContext c5) {
            c5.getReconnector()
                    .connectWith()
                    .cleanStart(true)
                    .sessionExpiryInterval(0)
                    .willPublish(state(false, ts))
                    .applyConnect();
        }
    }

    private void onPublish(Mqtt5Publish publish) {
        String topic = publish.getTopic().toString();
        if (topic.equals(stateTopic)) {
            ownState(publish.getPayloadAsBytes());
            return;
        }
        processor.offer(topic, publish.getPayloadAsBytes(), System.currentTimeMillis());
    }

    /**
     * A STATE offline for this host after it published online (tck-id {@code
     * message-flow-hid-sparkplug-state-message-delivered}): with a timestamp not newer than its own (e.g. a late
     * will of an old connection) online is published again with the same timestamp; with a newer one, edges would
     * ignore that, so the host starts a new session with a newer timestamp.
     */
    private void ownState(byte[] payload) {
        if (closing || !onlinePublished) {
            return;
        }
        StateMessage seen;
        try {
            seen = StateMessage.parse(payload);
        } catch (RuntimeException e) {
            log.debug("unreadable STATE on {}: {}", stateTopic, e.toString());
            return;
        }
        if (seen.online()) {
            return;
        }
        long own = stateTimestamp.get();
        if (seen.timestamp() <= own) {
            log.info("primary host {}: saw STATE offline for itself on {}, publishing online again", hostId, server);
            client.publish(state(true, own));
        } else {
            renewSession(seen.timestamp());
        }
    }

    /** Disconnects normally (no will) and reconnects with a will and birth timestamp newer than {@code offending}. */
    private void renewSession(long offending) {
        if (!renewing.compareAndSet(false, true)) {
            return;
        }
        onlinePublished = false;
        long ts = Math.max(System.currentTimeMillis(), offending + 1);
        log.warn(
                "primary host {}: STATE offline on {} carries timestamp {}, newer than its own {}; starting a new"
                        + " session with timestamp {}",
                hostId,
                server,
                offending,
                stateTimestamp.get(),
                ts);
        client.disconnect().whenComplete((r, e) -> {
            stateTimestamp.set(ts);
            if (closing) {
                return;
            }
            // a disconnect by the client ends its global publish flow: without a new one, every message of the new
            // session would be dropped by the MQTT client ("No publish flow registered")
            client.publishes(MqttGlobalPublishFilter.ALL, this::onPublish);
            connect();
        });
    }

    /** Rebirth request: NCMD at QoS 0, not retained (tck-ids {@code payloads-ncmd-qos}, {@code topics-ncmd-mqtt}). */
    @Override
    public void sendRebirth(String group, String edgeNode) {
        if (!onlinePublished) {
            // STATE online must be the first message of a session; the edge's next NBIRTH follows STATE anyway
            return;
        }
        long now = System.currentTimeMillis();
        Payload payload = Payload.newBuilder()
                .setTimestamp(now)
                .addMetrics(Metrics.metric(MetricNames.REBIRTH, DataType.BOOLEAN, true)
                        .setTimestamp(now))
                .build();
        client.publishWith()
                .topic(Topic.node(group, MessageType.NCMD, edgeNode).toString())
                .qos(MqttQos.AT_MOST_ONCE)
                .retain(false)
                .payload(payload.toByteArray())
                .send();
    }

    /**
     * Publishes a receipt retained at QoS 1; fails at once while the host is not online on this server (nothing
     * queues: the next commit of the node publishes its cumulative ranges again).
     */
    @Override
    public CompletableFuture<?> sendReceipt(String group, String edgeNode, Receipt receipt) {
        if (!onlinePublished || !client.getState().isConnected()) {
            return CompletableFuture.failedFuture(new IllegalStateException("not online on " + server));
        }
        return client.publishWith()
                .topic(Receipt.topic(hostId, group, edgeNode))
                .qos(MqttQos.AT_LEAST_ONCE)
                .retain(true)
                .payload(receipt.toJson())
                .send()
                .thenApply(r -> {
                    if (r.getError().isPresent()) {
                        throw new CompletionException(r.getError().get());
                    }
                    return r;
                });
    }

    /** Publishes STATE offline and disconnects; blocks up to {@code timeout}. */
    public void stop(Duration timeout) {
        closing = true;
        try {
            if (client.getState().isConnected()) {
                client.publish(state(false, stateTimestamp.get())).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            log.warn("primary host {}: STATE offline not confirmed on {}: {}", hostId, server, e.toString());
        }
        try {
            client.disconnect().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.debug("disconnect: {}", e.toString());
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }
}
