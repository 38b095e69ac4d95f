package io.floorlink.gateway.host;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.StateMessage;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sparkplug B primary host application's MQTT side (specification sections 5.x, 7.3): connects with a
 * retained STATE offline will, subscribes {@code spBv1.0/#}, then publishes STATE online with the same
 * timestamp; does it again after every reconnect (with a new timestamp). Received messages go to the {@link
 * HostProcessor} without blocking the client's threads. Reconnects use exponential backoff with jitter.
 */
public final class PrimaryHost implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PrimaryHost.class);

    private final String hostId;
    private final String stateTopic;
    private final Mqtt5AsyncClient client;
    private final HostProcessor processor;
    private final CompletableFuture<Void> firstBirth = new CompletableFuture<>();
    private final AtomicLong stateTimestamp = new AtomicLong();
    private final Duration sessionExpiry;
    private final Throttle throttle = new Throttle(60_000);
    private volatile boolean closing;

    /**
     * @param username nullable
     * @param password nullable, already resolved; never logged
     */
    public PrimaryHost(
            String hostId, String host, int port, String username, String password, HostProcessor processor) {
        this(hostId, host, port, username, password, Duration.ZERO, processor);
    }

    /**
     * @param username nullable
     * @param password nullable, already resolved; never logged
     * @param sessionExpiry how long the broker keeps the host's session (subscription and unacknowledged or queued
     *     messages) while it is away; zero starts clean every time
     */
    public PrimaryHost(
            String hostId,
            String host,
            int port,
            String username,
            String password,
            Duration sessionExpiry,
            HostProcessor processor) {
        this.hostId = hostId;
        this.sessionExpiry = sessionExpiry;
        this.stateTopic = Topic.state(hostId).toString();
        this.processor = processor;
        stateTimestamp.set(System.currentTimeMillis());
        Mqtt5ClientBuilder b = MqttClient.builder()
                .useMqttVersion5()
                .identifier(
                        sessionExpiry.isZero()
                                ? "floorlink-host-" + hostId + "-"
                                        + UUID.randomUUID().toString().substring(0, 8)
                                : "floorlink-host-" + hostId)
                .serverHost(host)
                .serverPort(port)
                .automaticReconnect()
                .initialDelay(500, TimeUnit.MILLISECONDS)
                .maxDelay(30, TimeUnit.SECONDS)
                .applyAutomaticReconnect()
                .addConnectedListener(this::onConnected)
                .addDisconnectedListener(this::onDisconnected);
        if (username != null) {
            b = b.simpleAuth()
                    .username(username)
                    .password(password == null ? new byte[0] : password.getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth();
        }
        this.client = b.buildAsync();
        // Automatic acknowledgement: with manual acknowledgement hivemq-mqtt-client 1.4.1 hands over the next
        // message only after the previous one is acknowledged, so acknowledging at commit would stall the host
        // for a flush interval per message (docs/architecture.md, exactly-once).
        this.client.publishes(MqttGlobalPublishFilter.ALL, this::onPublish);
        processor.setRebirthSender(this::sendRebirth);
    }

    /**
     * Connects and returns a future completing once STATE online is published (retrying the connection with
     * backoff until then). Does not block.
     */
    public CompletableFuture<Void> start() {
        client.connectWith()
                .cleanStart(sessionExpiry.isZero())
                .sessionExpiryInterval(sessionExpiry.toSeconds())
                .willPublish(state(false, stateTimestamp.get()))
                .send()
                .whenComplete((ack, e) -> {
                    if (e != null) {
                        log.warn("primary host {} could not connect yet ({}); retrying", hostId, e.toString());
                    }
                });
        return firstBirth;
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
        client.subscribeWith()
                .topicFilter(Topic.NAMESPACE + "/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .send()
                .thenCompose(subAck -> client.publish(state(true, ts)))
                .whenComplete((r, e) -> {
                    if (e == null && r.getError().isEmpty()) {
                        log.info("primary host {} online (STATE timestamp {})", hostId, ts);
                        firstBirth.complete(null);
                    } else {
                        log.warn(
                                "primary host {}: subscribe or STATE birth failed: {}",
                                hostId,
                                e != null ? e.toString() : r.getError().get().toString());
                    }
                });
    }

    private void onDisconnected(MqttClientDisconnectedContext ctx) {
        if (closing || ctx.getSource() == MqttDisconnectSource.USER) {
            return;
        }
        long suppressed = throttle.allow("disconnected", System.currentTimeMillis());
        if (suppressed >= 0) {
            log.warn(
                    "primary host {} disconnected from the broker ({}), reconnecting with backoff",
                    hostId,
                    ctx.getCause().toString());
        }
        // A new STATE birth needs a will with the same new timestamp (section 7.3).
        long ts = System.currentTimeMillis();
        stateTimestamp.set(ts);
        if (ctx instanceof Mqtt5ClientDisconnectedContext c5) {
            c5.getReconnector().connectWith().willPublish(state(false, ts)).applyConnect();
        }
    }

    private void onPublish(Mqtt5Publish publish) {
        String topic = publish.getTopic().toString();
        if (topic.equals(stateTopic)) {
            reassertState(publish.getPayloadAsBytes());
            return;
        }
        processor.offer(topic, publish.getPayloadAsBytes(), System.currentTimeMillis());
    }

    /** A STATE offline for this host while it is online (e.g. a late will of an old connection) is answered. */
    private void reassertState(byte[] payload) {
        if (closing || !firstBirth.isDone()) {
            return;
        }
        try {
            if (!StateMessage.parse(payload).online()) {
                log.info("primary host {}: saw STATE offline for itself while online, publishing online again", hostId);
                client.publish(state(true, stateTimestamp.get()));
            }
        } catch (RuntimeException e) {
            log.debug("unreadable STATE on {}: {}", stateTopic, e.toString());
        }
    }

    private void sendRebirth(String group, String edgeNode) {
        Payload payload = Payload.newBuilder()
                .setTimestamp(System.currentTimeMillis())
                .addMetrics(Metrics.metric(MetricNames.REBIRTH, DataType.BOOLEAN, true)
                        .setTimestamp(System.currentTimeMillis()))
                .build();
        client.publishWith()
                .topic(Topic.node(group, MessageType.NCMD, edgeNode).toString())
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.toByteArray())
                .send();
    }

    /** Publishes STATE offline and disconnects; blocks up to {@code timeout}. */
    public void stop(Duration timeout) {
        closing = true;
        try {
            if (client.getState().isConnected()) {
                client.publish(state(false, stateTimestamp.get())).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            log.warn("primary host {}: STATE offline not confirmed: {}", hostId, e.toString());
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
