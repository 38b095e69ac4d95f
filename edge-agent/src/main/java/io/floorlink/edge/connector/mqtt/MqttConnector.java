package io.floorlink.edge.connector.mqtt;

import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscribe;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscription;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.connector.Connector;
import io.floorlink.edge.connector.DeviceSink;
import io.floorlink.edge.connector.mqtt.MqttConnectorConfig.Device;
import io.floorlink.edge.point.PointSpec;
import io.floorlink.sparkplug.mqtt.MqttClients;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscribes to a plant broker and turns device messages into samples (see README.md beside this class).
 *
 * <p>Threading: the MQTT client delivers messages and connection events on its Netty threads; every one of them
 * is handed to this connector's single worker thread, which owns all device state, so the sink is called from
 * that thread only and nothing blocks the client.
 */
public final class MqttConnector implements Connector {
    private static final Logger log = LoggerFactory.getLogger(MqttConnector.class);
    private static final Duration WARN_PERIOD = Duration.ofMinutes(1);

    private final MqttConnectorConfig config;
    private final MeterRegistry registry;
    private final MqttMetrics metrics;
    private final List<Route> routes = new ArrayList<>();
    private final Map<String, DeviceState> devices = new LinkedHashMap<>();
    private final ScheduledExecutorService worker;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final CompletableFuture<Void> firstSubscription = new CompletableFuture<>();
    private final Map<String, Long> lastWarn = new HashMap<>();
    private long lastOversizedWarn;
    private long lastErrorLog;
    private volatile DeviceSink sink;
    private volatile Mqtt5AsyncClient client5;
    private volatile Mqtt3AsyncClient client3;
    private volatile boolean closed;

    /** A connector for {@code config}; does not connect until {@link #start}. */
    public MqttConnector(MqttConnectorConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
        this.metrics = new MqttMetrics(config.name());
        for (Device d : config.devices()) {
            List<PointSpec> specs = d.points().stream()
                    .map(p -> new PointSpec(
                            p.id(), p.type(), p.category(), p.unit(), p.interval(), p.engLow(), p.engHigh()))
                    .toList();
            for (String id : d.deviceIds()) {
                devices.put(id, new DeviceState(id, d, specs));
            }
            routes.add(new Route(d.topic(), d, false));
            if (d.status() != null) {
                routes.add(new Route(d.status().topic(), d, true));
            }
        }
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "floorlink-mqtt-" + config.name());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public List<String> deviceIds() {
        return config.deviceIds();
    }

    /**
     * Connects in the background and returns at once; an unreachable broker is retried with exponential backoff
     * and jitter (the configured {@code reconnect}), never fatal.
     *
     * @throws IllegalArgumentException when a TLS store named in the configuration cannot be read
     */
    @Override
    public void start(DeviceSink sink) {
        this.sink = sink;
        metrics.bindTo(registry);
        EdgeConfig.Tls tls = config.tls();
        MqttClientSslConfig ssl =
                !config.secure() || tls == null ? null : tls.clientSsl("mqtt connector '" + config.name() + "': tls");
        MqttClientBuilder b = MqttClients.builder(
                        config.url(), config.clientId(), config.reconnect().mqtt(), ssl)
                .addConnectedListener(this::onConnected)
                .addDisconnectedListener(this::onDisconnected);
        long silenceCheck = silenceCheckMillis();
        if (silenceCheck > 0) {
            worker.scheduleWithFixedDelay(this::checkSilence, silenceCheck, silenceCheck, TimeUnit.MILLISECONDS);
        }
        if (config.mqttVersion() == 5) {
            Mqtt5AsyncClient c =
                    MqttClients.v5(b, config.username(), config.password()).buildAsync();
            client5 = c;
            c.publishes(
                    MqttGlobalPublishFilter.ALL,
                    p -> onMessage(p.getTopic().toString(), p.getPayloadAsBytes()),
                    this::onWorker);
            c.connectWith()
                    .cleanStart(config.cleanStart())
                    .sessionExpiryInterval(config.sessionExpiry().toSeconds())
                    .keepAlive((int) config.keepAlive().toSeconds())
                    .send()
                    .whenComplete((ack, e) -> logFirstConnect(e));
        } else {
            Mqtt3AsyncClient c =
                    MqttClients.v3(b, config.username(), config.password()).buildAsync();
            client3 = c;
            c.publishes(
                    MqttGlobalPublishFilter.ALL,
                    p -> onMessage(p.getTopic().toString(), p.getPayloadAsBytes()),
                    this::onWorker);
            c.connectWith()
                    .cleanSession(config.cleanStart())
                    .keepAlive((int) config.keepAlive().toSeconds())
                    .send()
                    .whenComplete((ack, e) -> logFirstConnect(e));
        }
    }

    /**
     * Completes (normally, on an MQTT client thread) when the broker first acknowledges this connector's
     * subscriptions; messages published before that are not seen unless retained. Never completes exceptionally:
     * a refused subscription is retried at the next connect.
     */
    public CompletableFuture<Void> firstSubscription() {
        return firstSubscription.copy();
    }

    /** Disconnects from the broker (keeping a persistent session) and stops the worker; blocks up to 5 s. */
    @Override
    public void close() {
        closed = true;
        try {
            if (client5 != null) {
                client5.disconnect().get(3, TimeUnit.SECONDS);
            } else if (client3 != null) {
                client3.disconnect().get(3, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            log.debug("mqtt connector '{}': disconnect: {}", config.name(), e.toString());
        }
        worker.shutdownNow();
        try {
            worker.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        metrics.unbind();
    }

    /**
     * Runs client callbacks on the worker; after {@link #close} the client may still signal the end of its session,
     * which is dropped here instead of surfacing as an undeliverable error on a Netty thread.
     */
    private void onWorker(Runnable task) {
        try {
            worker.execute(() -> guarded(task));
        } catch (RejectedExecutionException closing) {
            log.debug("mqtt connector '{}': callback after close dropped", config.name());
        }
    }

    /**
     * A scheduled executor would swallow an exception silently: a message that breaks the connector is counted
     * ({@code floorlink.edge.mqtt.errors}) and logged instead, and the next message is handled as usual.
     */
    private void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            metrics.errors.increment();
            long t = System.nanoTime();
            if (lastErrorLog == 0 || t - lastErrorLog >= WARN_PERIOD.toNanos()) {
                lastErrorLog = t;
                log.error(
                        "mqtt connector '{}': unexpected error handling a message (at most one such log a minute)",
                        config.name(),
                        e);
            }
        }
    }

    private void logFirstConnect(Throwable e) {
        if (e != null && !closed) {
            log.warn(
                    "mqtt connector '{}': broker {} not reachable yet ({}); retrying with backoff",
                    config.name(),
                    config.url(),
                    e.getClass().getSimpleName());
        }
    }

    private void onConnected(MqttClientConnectedContext ctx) {
        metrics.connected.set(1);
        log.info("mqtt connector '{}': connected to {}", config.name(), config.url());
        if (subscribed.compareAndSet(false, true)) {
            // Later reconnects resubscribe through the client when the broker lost the session.
            subscribe();
        }
    }

    private void onDisconnected(MqttClientDisconnectedContext ctx) {
        if (metrics.connected.getAndSet(0) == 1) {
            metrics.connectionsLost.increment();
            if (!closed) {
                log.warn(
                        "mqtt connector '{}': lost the broker {} ({}); reconnecting",
                        config.name(),
                        config.url(),
                        ctx.getCause().getClass().getSimpleName());
            }
        }
        if (!closed) {
            onWorker(this::brokerLost);
        }
    }

    private void subscribe() {
        Map<String, Integer> filters = new LinkedHashMap<>();
        for (Route r : routes) {
            filters.merge(r.filter(), r.device().qos(), Math::max);
        }
        if (client5 != null) {
            List<Mqtt5Subscription> subs = new ArrayList<>();
            filters.forEach((f, q) -> subs.add(Mqtt5Subscription.builder()
                    .topicFilter(f)
                    .qos(MqttQos.fromCode(q))
                    .build()));
            client5.subscribe(Mqtt5Subscribe.builder().addSubscriptions(subs).build())
                    .whenComplete((ack, e) -> subscribed(e, filters.size()));
        } else {
            List<Mqtt3Subscription> subs = new ArrayList<>();
            filters.forEach((f, q) -> subs.add(Mqtt3Subscription.builder()
                    .topicFilter(f)
                    .qos(MqttQos.fromCode(q))
                    .build()));
            client3.subscribe(Mqtt3Subscribe.builder().addSubscriptions(subs).build())
                    .whenComplete((ack, e) -> subscribed(e, filters.size()));
        }
    }

    private void subscribed(Throwable e, int filters) {
        if (e == null) {
            log.info("mqtt connector '{}': subscribed to {} topic filters", config.name(), filters);
            firstSubscription.complete(null);
        } else {
            subscribed.set(false);
            log.warn(
                    "mqtt connector '{}': subscribe failed ({}); retrying in {}",
                    config.name(),
                    e.getClass().getSimpleName(),
                    config.reconnect().maxDelay());
            if (!closed && !worker.isShutdown()) {
                // The next connect retries as well; this covers a refusal while the connection stays up.
                worker.schedule(
                        () -> {
                            if (metrics.connected.get() == 1 && subscribed.compareAndSet(false, true)) {
                                subscribe();
                            }
                        },
                        config.reconnect().maxDelay().toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }
    }

    /** On the worker thread. */
    private void onMessage(String topic, byte[] payload) {
        if (payload.length > config.maxPayloadSize().bytes()) {
            metrics.oversized.increment();
            // One rate limit for all topics: topics of unknown senders must not grow the per-device map.
            long t = System.nanoTime();
            if (lastOversizedWarn == 0 || t - lastOversizedWarn >= WARN_PERIOD.toNanos()) {
                lastOversizedWarn = t;
                log.warn(
                        "mqtt connector '{}': message of {} bytes on '{}' is above max_payload_size ({} bytes);"
                                + " dropped unread (counted in floorlink.edge.mqtt.messages.oversized;"
                                + " at most one such warning a minute)",
                        config.name(),
                        payload.length,
                        abbreviate(topic),
                        config.maxPayloadSize().bytes());
            }
            return;
        }
        Instant now = Instant.now();
        boolean matched = false;
        for (Route r : routes) {
            if (!TopicFilters.matches(r.filter(), topic)) {
                continue;
            }
            String id = r.device().id() != null
                    ? r.device().id()
                    : TopicFilters.segment(topic, r.device().deviceSegment());
            DeviceState d = id == null ? null : devices.get(id);
            if (d == null || d.entry != r.device()) {
                continue;
            }
            matched = true;
            if (r.status()) {
                onStatus(d, payload);
            } else {
                onData(d, payload, now);
            }
        }
        if (!matched) {
            metrics.unknownDevice.increment();
        }
    }

    private void onData(DeviceState d, byte[] payload, Instant now) {
        metrics.dataMessages.increment();
        d.lastMessageNanos = System.nanoTime();
        PayloadDecoder.Decoded r =
                PayloadDecoder.decode(d.id, payload, d.entry.points(), d.entry.timestamp(), config.zone(), now);
        up(d);
        sink.reads(d.id, r.ok(), r.failed());
        metrics.readsOk.add(r.ok());
        metrics.readsFailed.add(r.failed());
        if (!r.samples().isEmpty()) {
            sink.samples(r.samples());
        }
        if (r.problem() != null) {
            warnRateLimited(d.id, r.problem(), payload.length);
        }
    }

    private void onStatus(DeviceState d, byte[] payload) {
        metrics.statusMessages.increment();
        Boolean online = PayloadDecoder.status(payload, d.entry.status());
        if (online == null) {
            warnRateLimited(
                    d.id,
                    "status payload is neither '" + d.entry.status().online() + "' nor '"
                            + d.entry.status().offline() + "'",
                    payload.length);
        } else if (online) {
            d.lastMessageNanos = System.nanoTime();
            up(d);
        } else {
            down(d, "offline");
            metrics.downOffline.increment();
        }
    }

    private void up(DeviceState d) {
        if (!d.up) {
            d.up = true;
            metrics.devicesUp.incrementAndGet();
            sink.deviceUp(d.id, d.specs);
        }
    }

    private boolean down(DeviceState d, String reason) {
        if (!d.up) {
            return false;
        }
        d.up = false;
        metrics.devicesUp.decrementAndGet();
        sink.deviceDown(d.id, reason);
        return true;
    }

    private void brokerLost() {
        for (DeviceState d : devices.values()) {
            if (down(d, "broker_lost")) {
                metrics.downBroker.increment();
            }
        }
    }

    private void checkSilence() {
        long now = System.nanoTime();
        for (DeviceState d : devices.values()) {
            Duration timeout = d.entry.silenceTimeout();
            if (d.up && timeout != null && now - d.lastMessageNanos > timeout.toNanos()) {
                down(d, "silence");
                metrics.downSilence.increment();
            }
        }
    }

    /** A quarter of the shortest silence timeout, between 50 ms and 1 s; 0 when no device has one. */
    private long silenceCheckMillis() {
        return config.devices().stream()
                .map(Device::silenceTimeout)
                .filter(t -> t != null)
                .mapToLong(t -> Math.max(50, Math.min(1000, t.toMillis() / 4)))
                .min()
                .orElse(0);
    }

    private static String abbreviate(String topic) {
        return topic.length() <= 200 ? topic : topic.substring(0, 200) + "...";
    }

    private void warnRateLimited(String deviceId, String problem, int bytes) {
        long now = System.nanoTime();
        Long last = lastWarn.get(deviceId);
        if (last == null || now - last >= WARN_PERIOD.toNanos()) {
            lastWarn.put(deviceId, now);
            log.warn(
                    "mqtt connector '{}': device '{}': unusable message ({} bytes): {} (counted as failed reads;"
                            + " at most one such warning per device and minute)",
                    config.name(),
                    deviceId,
                    bytes,
                    problem);
        }
    }

    /** A subscription filter and what its messages are: data or status of a device entry. */
    private record Route(String filter, Device device, boolean status) {}

    /** Liveness of one device; touched on the worker thread only. */
    private static final class DeviceState {
        final String id;
        final Device entry;
        final List<PointSpec> specs;
        boolean up;
        long lastMessageNanos;

        DeviceState(String id, Device entry, List<PointSpec> specs) {
            this.id = id;
            this.entry = entry;
            this.specs = specs;
        }
    }
}
