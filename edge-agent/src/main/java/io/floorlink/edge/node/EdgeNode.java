package io.floorlink.edge.node;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt3.lifecycle.Mqtt3ClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3Connect;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3ConnectBuilder;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.floorlink.edge.EdgeHealth;
import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.connector.DeviceSink;
import io.floorlink.edge.node.EdgeNodeMetrics.BirthReason;
import io.floorlink.edge.node.EdgeNodeMetrics.DropReason;
import io.floorlink.edge.point.PointSample;
import io.floorlink.edge.point.PointSpec;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Quality;
import io.floorlink.sparkplug.Sequence;
import io.floorlink.sparkplug.SparkplugException;
import io.floorlink.sparkplug.StateMessage;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.PropertySet;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sparkplug B 3.0 edge node: receives what connectors learn about their devices and publishes NBIRTH,
 * DBIRTH, DDATA (report by exception), periodic {@code _health/*} metrics, DDEATH and NDEATH over MQTT 3.1.1
 * (clean session) to the uplink.
 *
 * <p>Every {@link DeviceSink} method only enqueues and returns at once; a single publisher thread owns all
 * Sparkplug state (seq, bdSeq, births) and does the MQTT work, so no protocol callback thread ever blocks.
 * While the uplink or the primary host is down, changed samples are dropped and counted in {@code
 * floorlink.edge.samples.dropped} (the durable buffer is not implemented yet); the latest value of every
 * point is kept and sent in the next DBIRTH.
 *
 * <p>bdSeq starts at 0 when the process starts and is kept in memory only; it is incremented for every new
 * MQTT session after one that was established.
 */
public final class EdgeNode implements DeviceSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeNode.class);

    /** Default time a changed value may wait so that several changes of a device share one DDATA. */
    public static final Duration DEFAULT_BATCH_INTERVAL = Duration.ofMillis(100);
    /** Default largest number of point metrics in one DDATA; a full batch is published at once. */
    public static final int DEFAULT_BATCH_MAX_METRICS = 1000;
    /** Default bound of samples waiting for the publisher thread; more are dropped (reason queue_full). */
    public static final int DEFAULT_MAX_QUEUED_SAMPLES = 500_000;

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration SNAPSHOT_PERIOD = Duration.ofMillis(500);
    private static final PropertySet UNCERTAIN_PROPS =
            Metrics.properties(Map.of(MetricNames.PROP_QUALITY, Quality.UNCERTAIN.code()));
    private static final PropertySet BAD_PROPS =
            Metrics.properties(Map.of(MetricNames.PROP_QUALITY, Quality.BAD.code()));

    private final String group;
    private final String node;
    private final EdgeConfig.Uplink uplink;
    private final long healthIntervalNanos;
    /** Longest time an unchanged good value goes unpublished; below a minute so every minute rollup sees it. */
    static final long REFRESH_INTERVAL_MS = 50_000;

    private long refreshIntervalMs = REFRESH_INTERVAL_MS;

    private final long batchIntervalNanos;
    private final int batchMaxMetrics;
    private final int maxQueuedSamples;
    private final String stateTopic;
    private final String ncmdTopic;
    private final String dcmdFilter;
    private final String nbirthTopic;
    private final String ndeathTopic;

    private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedSamples = new AtomicLong();
    private final EdgeNodeMetrics metrics;
    private final RateLimitedLog warnings = new RateLimitedLog(LOG, Duration.ofMinutes(1));
    private final Mqtt3AsyncClient client;
    private final Thread publisher;
    private final AtomicBoolean started = new AtomicBoolean();

    // Written by MQTT callback threads; they only decide the will of the next CONNECT.
    private final AtomicInteger willBdSeq = new AtomicInteger();
    private final AtomicBoolean sessionEstablished = new AtomicBoolean();
    private final AtomicInteger generation = new AtomicInteger();
    private volatile boolean reconnectAfterUserDisconnect;
    private volatile boolean closing;

    // Publisher-thread state.
    private final Map<String, DeviceState> devices = new LinkedHashMap<>();
    private boolean connected;
    private boolean subscribed;
    private boolean hostOnline;
    private long lastStateTimestamp = Long.MIN_VALUE;
    private boolean born;
    private int sessionGeneration = -1;
    private long bdSeq;
    private int seq;
    private boolean snapshotDirty = true;

    private volatile EdgeHealth snapshot;
    private volatile boolean uplinkConnected;

    /**
     * Creates the edge node; nothing connects before {@link #start()}.
     *
     * @param edge group and edge node id
     * @param uplink MQTT server and credentials
     * @param healthInterval period of the {@code _health/*} DDATA of every born device, positive
     * @param registry where the {@code floorlink.edge.*} meters are registered
     */
    public EdgeNode(EdgeConfig.Edge edge, EdgeConfig.Uplink uplink, Duration healthInterval, MeterRegistry registry) {
        this(
                edge,
                uplink,
                healthInterval,
                DEFAULT_BATCH_INTERVAL,
                DEFAULT_BATCH_MAX_METRICS,
                DEFAULT_MAX_QUEUED_SAMPLES,
                registry);
    }

    /**
     * Creates the edge node with explicit batching; nothing connects before {@link #start()}.
     *
     * @param batchInterval longest time a changed value waits before its DDATA is published, positive
     * @param batchMaxMetrics number of point metrics that makes a device's DDATA be published at once, at least 1
     * @param maxQueuedSamples bound of samples waiting for the publisher thread, at least 1
     * @throws IllegalArgumentException for out-of-range settings, or when the TLS stores cannot be read
     */
    public EdgeNode(
            EdgeConfig.Edge edge,
            EdgeConfig.Uplink uplink,
            Duration healthInterval,
            Duration batchInterval,
            int batchMaxMetrics,
            int maxQueuedSamples,
            MeterRegistry registry) {
        this.group = Objects.requireNonNull(edge, "edge").group();
        this.node = edge.node();
        this.uplink = Objects.requireNonNull(uplink, "uplink");
        if (healthInterval.isNegative() || healthInterval.isZero()) {
            throw new IllegalArgumentException("healthInterval must be positive");
        }
        if (batchInterval.isNegative() || batchInterval.isZero() || batchMaxMetrics < 1 || maxQueuedSamples < 1) {
            throw new IllegalArgumentException("batch settings must be positive");
        }
        this.healthIntervalNanos = healthInterval.toNanos();
        this.batchIntervalNanos = batchInterval.toNanos();
        this.batchMaxMetrics = batchMaxMetrics;
        this.maxQueuedSamples = maxQueuedSamples;
        this.hostOnline = uplink.primaryHost() == null;
        this.stateTopic = uplink.primaryHost() == null
                ? null
                : Topic.state(uplink.primaryHost()).toString();
        this.ncmdTopic = Topic.node(group, MessageType.NCMD, node).toString();
        this.dcmdFilter = Topic.NAMESPACE + "/" + group + "/DCMD/" + node + "/+";
        this.nbirthTopic = Topic.node(group, MessageType.NBIRTH, node).toString();
        this.ndeathTopic = Topic.node(group, MessageType.NDEATH, node).toString();
        this.metrics = new EdgeNodeMetrics(
                () -> uplinkConnected ? 1 : 0, this::devicesUpCount, () -> Math.max(0, queuedSamples.get()));
        metrics.bindTo(registry);
        this.client = buildClient();
        this.publisher = new Thread(this::run, "floorlink-edge-publisher-" + node);
        this.publisher.setDaemon(true);
        this.snapshot = buildSnapshot();
    }

    /**
     * Declares the devices the agent expects, so that they show as down in {@link #health()} before their
     * connector first reports them. Call before {@link #start()}.
     */
    public void declareDevices(Collection<String> deviceIds) {
        for (String id : deviceIds) {
            queue.add(new Declare(id));
        }
    }

    /**
     * Starts the publisher thread and the first connection attempt, and returns at once. An unreachable
     * uplink is retried with exponential backoff and jitter, never fatal.
     */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        publisher.start();
        connectAsync();
    }

    /** Latest health snapshot; refreshed by the publisher thread on every change and at least every 0.5 s. */
    public EdgeHealth health() {
        return snapshot;
    }

    /** The MQTT client identifier used on the uplink. */
    public String clientId() {
        return uplink.clientId() != null ? uplink.clientId() : "floorlink-" + group + "-" + node;
    }

    @Override
    public void deviceUp(String deviceId, List<PointSpec> points) {
        queue.add(new Up(deviceId, List.copyOf(points)));
    }

    @Override
    public void deviceDown(String deviceId, String reason) {
        queue.add(new Down(deviceId, reason));
    }

    @Override
    public void samples(List<PointSample> samples) {
        int n = samples.size();
        if (n == 0) {
            return;
        }
        if (queuedSamples.addAndGet(n) > maxQueuedSamples) {
            queuedSamples.addAndGet(-n);
            metrics.dropped(DropReason.QUEUE_FULL, n);
            warnings.warn("queue_full", "Publisher queue full ({} samples); dropping samples", maxQueuedSamples);
            return;
        }
        queue.add(new Samples(samples));
    }

    @Override
    public void reads(String deviceId, long ok, long failed) {
        queue.add(new Reads(deviceId, ok, failed));
    }

    /**
     * Publishes NDEATH (when born), disconnects and stops the publisher thread. Blocks up to about 3 s.
     * Idempotent.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        if (!started.get()) {
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Stop(done));
        try {
            done.get(CLOSE_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Edge node did not stop cleanly: {}", e.toString());
        }
        publisher.interrupt();
        client.disconnect();
    }

    // ---------------------------------------------------------------- MQTT client and callbacks

    private Mqtt3AsyncClient buildClient() {
        Mqtt3ClientBuilder b = MqttClient.builder()
                .useMqttVersion3()
                .identifier(clientId())
                .serverHost(uplink.url().getHost())
                .serverPort(uplink.port())
                .automaticReconnect()
                .initialDelay(uplink.reconnect().initialDelay().toMillis(), TimeUnit.MILLISECONDS)
                .maxDelay(uplink.reconnect().maxDelay().toMillis(), TimeUnit.MILLISECONDS)
                .applyAutomaticReconnect()
                .addConnectedListener(this::onConnected)
                .addDisconnectedListener(this::onDisconnected);
        if (uplink.secure()) {
            if (uplink.tls() == null) {
                b = b.sslWithDefaultConfig();
            } else {
                var ssl = b.sslConfig();
                EdgeConfig.Tls tls = uplink.tls();
                if (tls.trustStore() != null) {
                    ssl = ssl.trustManagerFactory(trustManagers(tls.trustStore(), tls.trustStorePassword()));
                }
                if (tls.keyStore() != null) {
                    ssl = ssl.keyManagerFactory(keyManagers(tls.keyStore(), tls.keyStorePassword()));
                }
                b = ssl.applySslConfig();
            }
        }
        return b.buildAsync();
    }

    private static KeyStore loadStore(Path file, String password, String field) {
        char[] pw = password == null ? null : password.toCharArray();
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance(file.toString().endsWith(".jks") ? "JKS" : "PKCS12");
            ks.load(in, pw);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("uplink.tls." + field + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    private static TrustManagerFactory trustManagers(Path file, String password) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(loadStore(file, password, "trust_store"));
            return tmf;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("uplink.tls.trust_store: " + e.getMessage());
        }
    }

    private static KeyManagerFactory keyManagers(Path file, String password) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(loadStore(file, password, "key_store"), password == null ? new char[0] : password.toCharArray());
            return kmf;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("uplink.tls.key_store: " + e.getMessage());
        }
    }

    /** The CONNECT of the next session: clean session, and NDEATH with that session's bdSeq as the will. */
    private Mqtt3Connect connectMessage(int bdSeqOfSession) {
        Mqtt3ConnectBuilder b = Mqtt3Connect.builder()
                .cleanSession(true)
                .keepAlive((int) uplink.keepAlive().getSeconds())
                .willPublish()
                .topic(ndeathTopic)
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(ndeathPayload(bdSeqOfSession))
                .applyWillPublish();
        if (uplink.username() != null) {
            var auth = b.simpleAuth().username(uplink.username());
            if (uplink.password() != null) {
                auth = auth.password(uplink.password().getBytes(StandardCharsets.UTF_8));
            }
            b = auth.applySimpleAuth();
        }
        return b.build();
    }

    private static byte[] ndeathPayload(long bdSeq) {
        return Payload.newBuilder()
                .setTimestamp(System.currentTimeMillis())
                .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, bdSeq))
                .build()
                .toByteArray();
    }

    private void connectAsync() {
        client.connect(connectMessage(willBdSeq.get())).whenComplete((ack, err) -> {
            if (err != null) {
                warnings.warn(
                        "connect",
                        "Uplink {} not reachable yet ({}); retrying with backoff",
                        uplink.url(),
                        err.toString());
            }
        });
    }

    // Netty thread: record which bdSeq the session uses and hand over to the publisher thread.
    private void onConnected(MqttClientConnectedContext ctx) {
        sessionEstablished.set(true);
        uplinkConnected = true;
        queue.add(new Connected(generation.incrementAndGet(), willBdSeq.get()));
    }

    // Netty thread: prepare the will of the next session (bdSeq + 1 after a session was established).
    private void onDisconnected(MqttClientDisconnectedContext context) {
        uplinkConnected = false;
        Mqtt3ClientDisconnectedContext ctx = (Mqtt3ClientDisconnectedContext) context;
        if (sessionEstablished.getAndSet(false)) {
            willBdSeq.set(Sequence.next(willBdSeq.get()));
        }
        if (closing) {
            ctx.getReconnector().reconnect(false);
        } else if (ctx.getSource() == MqttDisconnectSource.USER && reconnectAfterUserDisconnect) {
            reconnectAfterUserDisconnect = false;
            ctx.getReconnector().reconnect(true).delay(100, TimeUnit.MILLISECONDS);
        }
        ctx.getReconnector().connect(connectMessage(willBdSeq.get()));
        if (ctx.getSource() != MqttDisconnectSource.USER) {
            warnings.warn(
                    "disconnected", "Uplink {} lost ({}); reconnecting", uplink.url(), String.valueOf(ctx.getCause()));
        }
        queue.add(new Disconnected());
    }

    // ---------------------------------------------------------------- publisher thread

    private void run() {
        long now = System.nanoTime();
        long nextFlush = now + batchIntervalNanos;
        long nextHealth = now + healthIntervalNanos;
        long nextSnapshot = now + SNAPSHOT_PERIOD.toNanos();
        while (true) {
            try {
                long wait = Math.min(nextFlush, Math.min(nextHealth, nextSnapshot)) - System.nanoTime();
                Event e = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
                int handled = 0;
                while (e != null) {
                    if (e instanceof Stop stop) {
                        stop(stop);
                        return;
                    }
                    handle(e);
                    if (++handled >= 10_000) {
                        break;
                    }
                    e = queue.poll();
                }
                now = System.nanoTime();
                if (now - nextFlush >= 0) {
                    flushAll();
                    nextFlush = now + batchIntervalNanos;
                }
                if (now - nextHealth >= 0) {
                    publishHealth();
                    nextHealth = now + healthIntervalNanos;
                }
                if (snapshotDirty || now - nextSnapshot >= 0) {
                    snapshot = buildSnapshot();
                    snapshotDirty = false;
                    nextSnapshot = now + SNAPSHOT_PERIOD.toNanos();
                }
            } catch (InterruptedException ie) {
                if (closing) {
                    return;
                }
            } catch (RuntimeException ex) {
                warnings.warn("publisher", "Edge node publisher error (continuing): {}", ex.toString());
            }
        }
    }

    private void handle(Event e) {
        if (e instanceof Samples s) {
            queuedSamples.addAndGet(-s.samples().size());
            onSamples(s.samples());
        } else if (e instanceof Reads r) {
            DeviceState d = devices.get(r.deviceId());
            if (d != null) {
                d.readsOkSinceBirth += r.ok();
                d.readsFailedSinceBirth += r.failed();
                d.readsOkTotal += r.ok();
                d.readsFailedTotal += r.failed();
            }
        } else if (e instanceof Up u) {
            onUp(u);
        } else if (e instanceof Down d) {
            onDown(d);
        } else if (e instanceof Connected c) {
            onSessionUp(c);
        } else if (e instanceof Disconnected) {
            onSessionDown();
        } else if (e instanceof Subscribed s) {
            onSubscribed(s);
        } else if (e instanceof Inbound in) {
            onInbound(in);
        } else if (e instanceof Declare dec) {
            devices.computeIfAbsent(dec.deviceId(), DeviceState::new);
            snapshotDirty = true;
        }
    }

    private void onSessionUp(Connected c) {
        connected = true;
        subscribed = false;
        born = false;
        sessionGeneration = c.generation();
        bdSeq = c.bdSeq();
        hostOnline = stateTopic == null;
        snapshotDirty = true;
        LOG.info("Uplink {} connected as {} (bdSeq {})", uplink.url(), clientId(), bdSeq);
        var sub = client.subscribeWith()
                .addSubscription()
                .topicFilter(ncmdTopic)
                .qos(MqttQos.AT_LEAST_ONCE)
                .applySubscription()
                .addSubscription()
                .topicFilter(dcmdFilter)
                .qos(MqttQos.AT_LEAST_ONCE)
                .applySubscription();
        if (stateTopic != null) {
            sub = sub.addSubscription()
                    .topicFilter(stateTopic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .applySubscription();
        }
        int gen = c.generation();
        sub.callback(p -> queue.add(new Inbound(gen, p.getTopic().toString(), p.getPayloadAsBytes())))
                .send()
                .whenComplete((ack, err) -> queue.add(new Subscribed(gen, err)));
    }

    private void onSubscribed(Subscribed s) {
        if (s.generation() != sessionGeneration || !connected) {
            return;
        }
        if (s.failure() != null) {
            warnings.warn(
                    "subscribe",
                    "Subscribing to NCMD/DCMD/STATE failed: {}",
                    s.failure().toString());
            return;
        }
        subscribed = true;
        maybeBirth(BirthReason.SESSION);
    }

    private void onSessionDown() {
        if (connected) {
            LOG.info("Uplink {} disconnected", uplink.url());
        }
        int lost = 0;
        for (DeviceState d : devices.values()) {
            lost += d.pending.size();
            d.pending.clear();
            d.born = false;
        }
        metrics.dropped(DropReason.UPLINK_DOWN, lost);
        connected = false;
        subscribed = false;
        born = false;
        snapshotDirty = true;
    }

    private void onInbound(Inbound in) {
        if (in.generation() != sessionGeneration || !connected) {
            return;
        }
        if (in.topic().equals(stateTopic)) {
            StateMessage state;
            try {
                state = StateMessage.parse(in.payload());
            } catch (SparkplugException e) {
                warnings.warn("state", "Ignoring malformed STATE on {}: {}", in.topic(), e.getMessage());
                return;
            }
            if (state.timestamp() < lastStateTimestamp) {
                return;
            }
            lastStateTimestamp = state.timestamp();
            snapshotDirty = true;
            if (state.online()) {
                hostOnline = true;
                maybeBirth(BirthReason.SESSION);
            } else {
                hostOnline = false;
                if (born) {
                    // Spec 3.0: NDEATH, then disconnect; the next session (bdSeq + 1) waits for STATE online.
                    LOG.info("Primary host {} offline: publishing NDEATH and reconnecting", uplink.primaryHost());
                    CompletableFuture<Mqtt3Publish> ndeath = publishNdeath();
                    born = false;
                    for (DeviceState d : devices.values()) {
                        d.born = false;
                        d.pending.clear();
                    }
                    reconnectAfterUserDisconnect = true;
                    ndeath.whenComplete((r, err) -> client.disconnect());
                }
            }
            return;
        }
        if (in.topic().equals(ncmdTopic)) {
            Payload p;
            try {
                p = Metrics.decode(in.topic(), in.payload());
            } catch (SparkplugException e) {
                warnings.warn("ncmd", "Ignoring malformed NCMD: {}", e.getMessage());
                return;
            }
            for (Metric m : p.getMetricsList()) {
                if (MetricNames.REBIRTH.equals(m.getName()) && m.hasBooleanValue() && m.getBooleanValue()) {
                    if (born) {
                        LOG.info("Rebirth requested by NCMD");
                        flushAllWithHealth();
                        birthAll(BirthReason.REBIRTH_REQUEST);
                    }
                    return;
                }
            }
            return;
        }
        warnings.warn("dcmd", "Ignoring {}: device commands are not supported", in.topic());
    }

    private void maybeBirth(BirthReason reason) {
        if (connected && subscribed && hostOnline && !born) {
            birthAll(reason);
        }
    }

    private void birthAll(BirthReason reason) {
        seq = 0;
        Payload.Builder p = Payload.newBuilder()
                .setTimestamp(System.currentTimeMillis())
                .setSeq(0)
                .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, bdSeq))
                .addMetrics(Metrics.metric(MetricNames.REBIRTH, DataType.BOOLEAN, Boolean.FALSE));
        publish(nbirthTopic, p.build(), MessageType.NBIRTH, 0, MqttQos.AT_MOST_ONCE);
        born = true;
        metrics.nodeBirth(reason);
        snapshotDirty = true;
        for (DeviceState d : devices.values()) {
            if (d.up) {
                deviceBirth(d, reason == BirthReason.SESSION ? BirthReason.SESSION : reason);
            }
        }
    }

    private void deviceBirth(DeviceState d, BirthReason reason) {
        long now = System.currentTimeMillis();
        d.pending.clear();
        // Reads made while the device was dead (failed ones above all) were never published: the DBIRTH carries
        // them, and the host counts a DBIRTH's values as increments from zero.
        d.readsOkSinceBirth -= d.readsOkReported;
        d.readsFailedSinceBirth -= d.readsFailedReported;
        d.readsOkReported = 0;
        d.readsFailedReported = 0;
        Payload.Builder p = Payload.newBuilder().setTimestamp(now).setSeq(nextSeq());
        for (PointState ps : d.points.values()) {
            Metric.Builder m;
            try {
                m = Metrics.metric(ps.spec.id(), ps.spec.type(), ps.lastValue);
            } catch (SparkplugException e) {
                m = Metrics.metric(ps.spec.id(), ps.spec.type(), null);
            }
            m.setTimestamp(ps.lastSourceMillis > 0 ? ps.lastSourceMillis : now);
            ps.lastPublishedMillis = now;
            Map<String, Object> props = new LinkedHashMap<>();
            props.put(MetricNames.PROP_CATEGORY, ps.spec.category().wireName());
            props.put(MetricNames.PROP_UNIT, ps.spec.unit());
            props.put(MetricNames.PROP_INTERVAL_MS, ps.spec.interval().toMillis());
            props.put(MetricNames.PROP_ENG_LOW, ps.spec.engLow());
            props.put(MetricNames.PROP_ENG_HIGH, ps.spec.engHigh());
            Quality q = ps.lastValue == null && ps.lastSourceMillis == 0 ? Quality.GOOD : ps.lastQuality;
            if (q != Quality.GOOD) {
                props.put(MetricNames.PROP_QUALITY, q.code());
            }
            m.setProperties(Metrics.properties(props));
            p.addMetrics(m);
        }
        addHealth(p, d, true, now);
        publish(topic(d, MessageType.DBIRTH), p.build(), MessageType.DBIRTH, 0, MqttQos.AT_MOST_ONCE);
        d.born = true;
        metrics.deviceBirth(reason);
        snapshotDirty = true;
    }

    private void onUp(Up u) {
        DeviceState d = devices.computeIfAbsent(u.deviceId(), DeviceState::new);
        Map<String, PointState> next = new LinkedHashMap<>();
        for (PointSpec spec : u.points()) {
            PointState old = d.points.get(spec.id());
            PointState ps = new PointState(spec);
            if (old != null && old.spec.type() == spec.type()) {
                ps.lastValue = old.lastValue;
                ps.lastQuality = old.lastQuality;
                ps.lastSourceMillis = old.lastSourceMillis;
            }
            next.put(spec.id(), ps);
        }
        d.points = next;
        if (!d.up) {
            d.since = Instant.now();
        }
        d.up = true;
        d.reason = null;
        snapshotDirty = true;
        if (born) {
            deviceBirth(d, BirthReason.DEVICE_UP);
        }
    }

    private void onDown(Down down) {
        DeviceState d = devices.get(down.deviceId());
        if (d == null) {
            d = devices.computeIfAbsent(down.deviceId(), DeviceState::new);
        }
        if (d.up) {
            d.since = Instant.now();
        }
        d.up = false;
        d.reason = down.reason();
        snapshotDirty = true;
        if (born && d.born) {
            long now = System.currentTimeMillis();
            Payload.Builder p = Payload.newBuilder().setTimestamp(now).setSeq(nextSeq());
            int samples = d.pending.size();
            p.addAllMetrics(d.pending);
            d.pending.clear();
            addHealth(p, d, false, now);
            publish(topic(d, MessageType.DDATA), p.build(), MessageType.DDATA, samples, MqttQos.AT_MOST_ONCE);
            Payload death =
                    Payload.newBuilder().setTimestamp(now).setSeq(nextSeq()).build();
            publish(topic(d, MessageType.DDEATH), death, MessageType.DDEATH, 0, MqttQos.AT_MOST_ONCE);
        }
        d.born = false;
        d.pending.clear();
    }

    private void onSamples(List<PointSample> samples) {
        long publishedAt = System.currentTimeMillis();
        for (PointSample s : samples) {
            DeviceState d = devices.get(s.deviceId());
            if (d == null) {
                metrics.dropped(DropReason.UNKNOWN_DEVICE, 1);
                continue;
            }
            if (!d.up) {
                metrics.dropped(DropReason.DEVICE_DOWN, 1);
                continue;
            }
            PointState ps = d.points.get(s.pointId());
            if (ps == null) {
                metrics.dropped(DropReason.UNKNOWN_POINT, 1);
                warnings.warn(
                        "unknown_point:" + s.deviceId(),
                        "Device {}: sample of undeclared point {} dropped",
                        s.deviceId(),
                        s.pointId());
                continue;
            }
            Quality q = s.quality() == null ? Quality.BAD : s.quality();
            if (ps.lastSourceMillis != 0 && ps.lastQuality == q && Objects.equals(ps.lastValue, s.value())) {
                metrics.unchanged();
                continue;
            }
            long ts = s.sourceTime().toEpochMilli();
            Metric.Builder m;
            try {
                m = Metrics.metric(ps.spec.id(), ps.spec.type(), s.value());
            } catch (SparkplugException e) {
                metrics.dropped(DropReason.BAD_VALUE, 1);
                warnings.warn("bad_value:" + s.deviceId(), "Device {}: {}", s.deviceId(), e.getMessage());
                continue;
            }
            ps.lastValue = s.value();
            ps.lastQuality = q;
            ps.lastSourceMillis = ts;
            if (!born || !d.born) {
                metrics.dropped(connected && !hostOnline ? DropReason.HOST_OFFLINE : DropReason.UPLINK_DOWN, 1);
                continue;
            }
            m.setTimestamp(ts);
            if (q == Quality.UNCERTAIN) {
                m.setProperties(UNCERTAIN_PROPS);
            } else if (q == Quality.BAD) {
                m.setProperties(BAD_PROPS);
            }
            d.pending.add(m.build());
            ps.lastPublishedMillis = publishedAt;
            if (d.pending.size() >= batchMaxMetrics) {
                flush(d, false);
            }
        }
    }

    private void flushAll() {
        if (!born) {
            return;
        }
        for (DeviceState d : devices.values()) {
            if (d.born && !d.pending.isEmpty()) {
                flush(d, false);
            }
        }
    }

    private void flushAllWithHealth() {
        for (DeviceState d : devices.values()) {
            if (d.born) {
                flush(d, true);
            }
        }
    }

    private void publishHealth() {
        if (born) {
            flushAllWithHealth();
        }
    }

    /** Shortens the refresh of unchanged values, for tests; call before {@link #start()}. */
    void refreshInterval(Duration interval) {
        this.refreshIntervalMs = interval.toMillis();
    }

    private void flush(DeviceState d, boolean withHealth) {
        long now = System.currentTimeMillis();
        Payload.Builder p = Payload.newBuilder().setTimestamp(now).setSeq(nextSeq());
        int samples = d.pending.size();
        p.addAllMetrics(d.pending);
        d.pending.clear();
        if (withHealth) {
            samples += addRefresh(p, d, now, refreshIntervalMs);
            addHealth(p, d, true, now);
        }
        publish(topic(d, MessageType.DDATA), p.build(), MessageType.DDATA, samples, MqttQos.AT_MOST_ONCE);
        if (withHealth) {
            metrics.healthPublished();
        }
    }

    /**
     * Report by exception hides "still the same good value" behind "no data": a point that never changes would
     * have no sample in any window after its DBIRTH, and the collector would call it uncovered. So an unchanged good
     * value is published again, stamped now, once per {@link #REFRESH_INTERVAL_MS}: every minute rollup of a live
     * point then holds a sample.
     */
    private static int addRefresh(Payload.Builder p, DeviceState d, long now, long refreshMs) {
        int added = 0;
        for (PointState ps : d.points.values()) {
            if (ps.lastValue == null || ps.lastQuality != Quality.GOOD || now - ps.lastPublishedMillis < refreshMs) {
                continue;
            }
            try {
                p.addMetrics(Metrics.metric(ps.spec.id(), ps.spec.type(), ps.lastValue)
                        .setTimestamp(now));
                ps.lastPublishedMillis = now;
                added++;
            } catch (SparkplugException e) {
                ps.lastPublishedMillis = now;
            }
        }
        return added;
    }

    private static void addHealth(Payload.Builder p, DeviceState d, boolean connectedNow, long now) {
        p.addMetrics(Metrics.metric(MetricNames.HEALTH_CONNECTED, DataType.BOOLEAN, connectedNow)
                .setTimestamp(now));
        p.addMetrics(Metrics.metric(MetricNames.HEALTH_READS_OK, DataType.UINT64, d.readsOkSinceBirth)
                .setTimestamp(now));
        p.addMetrics(Metrics.metric(MetricNames.HEALTH_READS_FAILED, DataType.UINT64, d.readsFailedSinceBirth)
                .setTimestamp(now));
        d.readsOkReported = d.readsOkSinceBirth;
        d.readsFailedReported = d.readsFailedSinceBirth;
    }

    private CompletableFuture<Mqtt3Publish> publishNdeath() {
        return publish(
                ndeathTopic,
                Payload.newBuilder()
                        .setTimestamp(System.currentTimeMillis())
                        .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.UINT64, bdSeq))
                        .build(),
                MessageType.NDEATH,
                0,
                MqttQos.AT_LEAST_ONCE);
    }

    private CompletableFuture<Mqtt3Publish> publish(
            String topic, Payload payload, MessageType type, int samples, MqttQos qos) {
        metrics.message(type);
        metrics.published(samples);
        return client.publishWith()
                .topic(topic)
                .qos(qos)
                .payload(payload.toByteArray())
                .send()
                .whenComplete((r, err) -> {
                    if (err != null) {
                        metrics.dropped(DropReason.PUBLISH_FAILED, samples);
                        warnings.warn("publish", "Publishing {} failed: {}", type, err.toString());
                    }
                });
    }

    private int nextSeq() {
        seq = Sequence.next(seq);
        return seq;
    }

    private String topic(DeviceState d, MessageType type) {
        return d.topics.computeIfAbsent(
                type, t -> Topic.device(group, t, node, d.id).toString());
    }

    private void stop(Stop stop) {
        try {
            if (born) {
                flushAllWithHealth();
                publishNdeath().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                born = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            LOG.warn("NDEATH not confirmed on close: {}", e.toString());
        }
        try {
            client.disconnect().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Not connected: nothing to close.
        }
        connected = false;
        uplinkConnected = false;
        snapshot = buildSnapshot();
        stop.done().complete(null);
    }

    private double devicesUpCount() {
        EdgeHealth h = snapshot;
        return h == null
                ? 0
                : h.devices().stream().filter(EdgeHealth.DeviceHealth::up).count();
    }

    private EdgeHealth buildSnapshot() {
        List<EdgeHealth.DeviceHealth> list = new ArrayList<>(devices.size());
        boolean allUp = true;
        for (DeviceState d : devices.values()) {
            list.add(new EdgeHealth.DeviceHealth(
                    d.id, d.up, d.born, d.reason, d.readsOkTotal, d.readsFailedTotal, d.since));
            allUp &= d.up;
        }
        EdgeHealth.Status status;
        if (!connected || !hostOnline || !born) {
            status = EdgeHealth.Status.DOWN;
        } else {
            status = allUp ? EdgeHealth.Status.UP : EdgeHealth.Status.DEGRADED;
        }
        return new EdgeHealth(
                status,
                connected,
                uplink.primaryHost(),
                hostOnline,
                born,
                connected ? bdSeq : willBdSeq.get(),
                list,
                Instant.now());
    }

    // ---------------------------------------------------------------- state and events

    private static final class DeviceState {
        final String id;
        final Map<MessageType, String> topics = new java.util.EnumMap<>(MessageType.class);
        final List<Metric> pending = new ArrayList<>();
        Map<String, PointState> points = new LinkedHashMap<>();
        boolean up;
        boolean born;
        String reason;
        Instant since;
        long readsOkSinceBirth;
        long readsFailedSinceBirth;
        // The values of the last published _health/reads_* metrics.
        long readsOkReported;
        long readsFailedReported;
        long readsOkTotal;
        long readsFailedTotal;

        DeviceState(String id) {
            this.id = id;
        }
    }

    private static final class PointState {
        final PointSpec spec;
        Object lastValue;
        Quality lastQuality = Quality.GOOD;
        long lastSourceMillis;
        // Wall-clock time this point's value was last put on the wire (DBIRTH, change or refresh).
        long lastPublishedMillis;

        PointState(PointSpec spec) {
            this.spec = spec;
        }
    }

    private sealed interface Event
            permits Up, Down, Samples, Reads, Connected, Disconnected, Subscribed, Inbound, Declare, Stop {}

    private record Up(String deviceId, List<PointSpec> points) implements Event {}

    private record Down(String deviceId, String reason) implements Event {}

    private record Samples(List<PointSample> samples) implements Event {}

    private record Reads(String deviceId, long ok, long failed) implements Event {}

    private record Connected(int generation, int bdSeq) implements Event {}

    private record Disconnected() implements Event {}

    private record Subscribed(int generation, Throwable failure) implements Event {}

    private record Inbound(int generation, String topic, byte[] payload) implements Event {}

    private record Declare(String deviceId) implements Event {}

    private record Stop(CompletableFuture<Void> done) implements Event {}
}
