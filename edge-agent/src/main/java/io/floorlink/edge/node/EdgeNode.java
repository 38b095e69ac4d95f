package io.floorlink.edge.node;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hivemq.client.mqtt.MqttClientExecutorConfig;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.lifecycle.Mqtt3ClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3Connect;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3ConnectBuilder;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import io.floorlink.edge.EdgeHealth;
import io.floorlink.edge.buffer.BufferStatus;
import io.floorlink.edge.buffer.DurableBuffer;
import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.connector.DeviceSink;
import io.floorlink.edge.node.EdgeNodeMetrics.BirthReason;
import io.floorlink.edge.node.EdgeNodeMetrics.DropReason;
import io.floorlink.edge.node.EdgeNodeMetrics.ReceiptResult;
import io.floorlink.edge.point.PointSample;
import io.floorlink.edge.point.PointSpec;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataPayloadWriter;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Quality;
import io.floorlink.sparkplug.Receipt;
import io.floorlink.sparkplug.Sequence;
import io.floorlink.sparkplug.SparkplugException;
import io.floorlink.sparkplug.StateMessage;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.edge.EdgeSession;
import io.floorlink.sparkplug.edge.EdgeSession.StateChange;
import io.floorlink.sparkplug.mqtt.MqttClients;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.PropertySet;
import io.micrometer.core.instrument.MeterRegistry;
import io.reactivex.schedulers.Schedulers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sparkplug B 3.0 edge node: receives what connectors learn about their devices and publishes NBIRTH,
 * DBIRTH, DDATA (report by exception), periodic {@code _health/*} metrics, DDEATH and NDEATH over MQTT 3.1.1
 * (clean session) to the uplink.
 *
 * <p>Every {@link DeviceSink} method only enqueues and returns at once; a single publisher thread owns all
 * Sparkplug state (seq, bdSeq, births) and does the MQTT work, so no protocol callback thread ever blocks.
 *
 * <p>The Sparkplug session rules (bdSeq, seq, birth gating by STATE, rebirth, aliases) are in {@link EdgeSession};
 * this class wires them to MQTT, the buffer and the devices.
 *
 * <p>Store and forward: every changed sample, every refresh of an unchanged value and every health value is
 * first written to the {@link DurableBuffer} (group commit every batch interval while there is something to
 * publish) and only then published, as DDATA at QoS 0 with the record id in the metric property {@code rid}. With
 * {@code uplink.receipts} a record is deleted when a {@link Receipt} of the primary host for the buffer's epoch
 * covers it; without, when it went out more than two keep-alive periods ago on a connection that is still up. What
 * is not confirmed is replayed, oldest first, as {@code is_historical} DDATA at {@code buffer.replay_rate} while
 * live data keeps flowing: after every NBIRTH, on a new primary host session, and when a record stays without a
 * receipt for {@code uplink.receipt_timeout}. NBIRTH carries the buffer's epoch ({@code _buffer/epoch}) and the node metrics
 * {@code _buffer/*}, published as NDATA when they change. Every DBIRTH declares {@code _buffer/lost} (0); the
 * buffer's loss records of an overflow go out with the device's next DDATA when it is live, else in the replay.
 *
 * <p>bdSeq is kept beside the buffer: a restart uses the bdSeq after the last session's, and the will of every
 * CONNECT carries the bdSeq of that session. With {@code uplink.servers} the node walks the servers and stays on one
 * where the primary host is online.
 */
public final class EdgeNode implements DeviceSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeNode.class);

    /** Default time a changed value may wait so that several changes of a device share one DDATA. */
    public static final Duration DEFAULT_BATCH_INTERVAL = Duration.ofMillis(100);
    /** Default largest number of point metrics in one DDATA; a full batch is published at once. */
    public static final int DEFAULT_BATCH_MAX_METRICS = 1000;

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration SNAPSHOT_PERIOD = Duration.ofSeconds(1);
    private static final Duration TIMER_SLACK = Duration.ofMillis(150);
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
    private final long timerSlackNanos;
    private final int batchMaxMetrics;
    private final int maxQueuedSamples;
    private final String stateTopic;
    private final String ncmdTopic;
    private final String dcmdFilter;
    private final String nbirthTopic;
    private final String ndeathTopic;
    private final String ndataTopic;
    private final String receiptTopic;
    private final boolean aliases;
    private final long hostWaitNanos;
    private final List<URI> servers;

    // Samples and read counts wait here for the next batch tick without waking the publisher (they are only
    // published at that tick anyway): a wake-up per device cycle was most of the publisher's wake-ups at 20 machines.
    // Every other event, and samples making a full batch, wake it at once (enqueue).
    private final ConcurrentLinkedQueue<Event> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedSamples = new AtomicLong();
    // Set by the publisher before it parks with nothing to publish (no batch tick due): the first sample or read
    // count after that wakes it, and its batch tick comes one interval later.
    private volatile boolean publisherIdle;
    private final EdgeNodeMetrics metrics;
    // Publisher thread only.
    private final DataPayloadWriter ddata = new DataPayloadWriter();
    private final RateLimitedLog warnings = new RateLimitedLog(LOG, Duration.ofMinutes(1));
    private final Mqtt3AsyncClient client;
    private final Thread publisher;
    private final AtomicBoolean started = new AtomicBoolean();

    // Written by MQTT callback threads; they only decide the will and the server of the next CONNECT.
    private final AtomicInteger generation = new AtomicInteger();
    private volatile boolean reconnectAfterUserDisconnect;
    private volatile boolean closing;
    private volatile int serverIndex;

    // Publisher-thread state (the bdSeq part of the session is also used by the MQTT callback threads).
    private final EdgeSession session;
    private final Map<String, DeviceState> devices = new LinkedHashMap<>();
    private int sessionGeneration = -1;
    private int pendingSubscriptions;
    private boolean snapshotDirty = true;
    private final Confirmations confirmations;
    private long hostWaitDeadlineNanos = Long.MAX_VALUE;
    private long[] nodeMetricValues;

    private String birthEpoch;
    private long committedThrough;
    private long replayCursor;
    private long replayUpTo;
    private double replayTokens;
    private long lastReplayNanos;

    private final DurableBuffer buffer;
    private final int replayRate;
    private volatile EdgeHealth snapshot;
    private volatile boolean uplinkConnected;

    /**
     * Creates the edge node and opens its buffer (blocks on file I/O); nothing connects before {@link #start()}.
     *
     * @param edge group and edge node id
     * @param uplink MQTT server and credentials
     * @param buffer durable buffer settings
     * @param healthInterval period of the {@code _health/*} DDATA of every born device, positive
     * @param registry where the {@code floorlink.edge.*} meters are registered
     */
    public EdgeNode(
            EdgeConfig.Edge edge,
            EdgeConfig.Uplink uplink,
            EdgeConfig.Buffer buffer,
            Duration healthInterval,
            MeterRegistry registry) {
        this(
                edge,
                uplink,
                buffer,
                healthInterval,
                DEFAULT_BATCH_INTERVAL,
                DEFAULT_BATCH_MAX_METRICS,
                buffer.queueSamples(),
                registry);
    }

    /**
     * Creates the edge node with explicit batching and opens its buffer (blocks on file I/O); nothing connects
     * before {@link #start()}. A buffer file that cannot be used is reported in {@link #health()}, never thrown.
     *
     * @param batchInterval longest time a changed value waits before its DDATA is published (and the group commit
     *     period of the buffer), positive
     * @param batchMaxMetrics number of point metrics that makes a device's DDATA be published at once, at least 1
     * @param maxQueuedSamples bound of samples waiting for the publisher thread, at least 1
     * @throws IllegalArgumentException for out-of-range settings, or when the TLS stores cannot be read
     */
    public EdgeNode(
            EdgeConfig.Edge edge,
            EdgeConfig.Uplink uplink,
            EdgeConfig.Buffer buffer,
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
        // one and a half batch intervals: ticks come a little more than an interval apart
        this.timerSlackNanos = Math.min(batchIntervalNanos * 3 / 2, TIMER_SLACK.toNanos());
        this.batchMaxMetrics = batchMaxMetrics;
        this.maxQueuedSamples = maxQueuedSamples;
        this.stateTopic = uplink.primaryHost() == null
                ? null
                : Topic.state(uplink.primaryHost()).toString();
        this.ncmdTopic = Topic.node(group, MessageType.NCMD, node).toString();
        this.dcmdFilter = Topic.NAMESPACE + "/" + group + "/DCMD/" + node + "/+";
        this.nbirthTopic = Topic.node(group, MessageType.NBIRTH, node).toString();
        this.ndeathTopic = Topic.node(group, MessageType.NDEATH, node).toString();
        this.ndataTopic = Topic.node(group, MessageType.NDATA, node).toString();
        this.receiptTopic = uplink.receipts() ? Receipt.topic(uplink.primaryHost(), group, node) : null;
        this.aliases = uplink.aliases();
        this.hostWaitNanos = uplink.hostWait().toNanos();
        this.servers = uplink.serverList();
        this.metrics = new EdgeNodeMetrics(
                () -> uplinkConnected ? 1 : 0, this::devicesUpCount, () -> Math.max(0, queuedSamples.get()));
        metrics.bindTo(registry);
        this.client = buildClient();
        this.replayRate = Objects.requireNonNull(buffer, "buffer").replayRate();
        this.buffer = DurableBuffer.open(buffer.path(), buffer.maxSize().bytes(), buffer.overflow(), registry);
        // The first session uses the stored bdSeq; the next run uses a later one, whatever happens to this one.
        this.session = new EdgeSession(uplink.primaryHost(), Math.floorMod(this.buffer.bdSeq(), Sequence.MODULUS));
        this.buffer.bdSeq(session.bdSeqToStore());
        this.committedThrough = this.buffer.nextRid() - 1;
        // Records of earlier runs may have been sent then: a receipt may delete them.
        this.confirmations = new Confirmations(
                uplink.receipts() ? uplink.primaryHost() : null,
                uplink.receiptTimeout(),
                uplink.keepAlive(),
                committedThrough);
        metrics.unreceipted(confirmations::outstanding);
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

    /** Latest health snapshot; refreshed by the publisher thread on every change and at least every 1.15 s. */
    public EdgeHealth health() {
        return snapshot;
    }

    /** The MQTT client identifier used on the uplink. */
    public String clientId() {
        return uplink.clientId() != null ? uplink.clientId() : "floorlink-" + group + "-" + node;
    }

    @Override
    public void deviceUp(String deviceId, List<PointSpec> points) {
        enqueue(new Up(deviceId, List.copyOf(points)));
    }

    @Override
    public void deviceDown(String deviceId, String reason) {
        enqueue(new Down(deviceId, reason));
    }

    @Override
    public void samples(List<PointSample> samples) {
        int n = samples.size();
        if (n == 0) {
            return;
        }
        long queued = queuedSamples.addAndGet(n);
        if (queued > maxQueuedSamples) {
            queuedSamples.addAndGet(-n);
            metrics.dropped(DropReason.QUEUE_FULL, n);
            warnings.warn("queue_full", "Publisher queue full ({} samples); dropping samples", maxQueuedSamples);
            return;
        }
        queue.add(new Samples(samples));
        if (queued >= batchMaxMetrics && queued - n < batchMaxMetrics) {
            LockSupport.unpark(publisher);
        } else {
            wakeIfIdle();
        }
    }

    @Override
    public void reads(String deviceId, long ok, long failed) {
        queue.add(new Reads(deviceId, ok, failed));
        wakeIfIdle();
    }

    private void wakeIfIdle() {
        if (publisherIdle) {
            publisherIdle = false;
            LockSupport.unpark(publisher);
        }
    }

    /**
     * Publishes the pending data and health and NDEATH (when born), disconnects, commits the buffer (what was
     * not confirmed by a receipt, or the window without receipts, is replayed by the next run) and closes it, and stops the publisher thread.
     * Blocks up to about 3 s. Idempotent.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        if (!started.get()) {
            buffer.close();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        enqueue(new Stop(done));
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
        EdgeConfig.Tls tls = uplink.tls();
        MqttClientSslConfig ssl = !uplink.secure() || tls == null ? null : tls.clientSsl("uplink.tls");
        return MqttClients.builder(
                        servers.get(0), clientId(), uplink.reconnect().mqtt(), ssl)
                .addConnectedListener(this::onConnected)
                .addDisconnectedListener(this::onDisconnected)
                // Completions and inbound messages only count, log or hand over to the publisher: run them on the
                // client's Netty thread instead of handing each to an RxJava computation thread (a thread hop per
                // DDATA published).
                .executorConfig(MqttClientExecutorConfig.builder()
                        .applicationScheduler(Schedulers.from(Runnable::run))
                        .build())
                .useMqttVersion3()
                .buildAsync();
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
                .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.INT64, bdSeq))
                .build()
                .toByteArray();
    }

    private void connectAsync() {
        client.connect(connectMessage(session.willBdSeq())).whenComplete((ack, err) -> {
            if (err != null) {
                warnings.warn(
                        "connect",
                        "Uplink {} not reachable yet ({}); retrying with backoff",
                        currentServer(),
                        err.toString());
            }
        });
    }

    /** The MQTT server the client uses (or tries) now. */
    public URI currentServer() {
        return servers.get(serverIndex);
    }

    // Netty thread: record which bdSeq the session uses and hand over to the publisher thread.
    private void onConnected(MqttClientConnectedContext ctx) {
        if (closing) {
            // A reconnect scheduled before close() went through: leave cleanly (no will, no session).
            client.disconnect();
            return;
        }
        uplinkConnected = true;
        enqueue(new Connected(generation.incrementAndGet(), session.connectionEstablished()));
    }

    // Netty thread: prepare the will (bdSeq + 1 after an established session) and the server of the next CONNECT.
    private void onDisconnected(MqttClientDisconnectedContext context) {
        uplinkConnected = false;
        Mqtt3ClientDisconnectedContext ctx = (Mqtt3ClientDisconnectedContext) context;
        if (session.connectionEnded(closing)) {
            // Stored before any CONNECT carries this will, so a later run never reuses a bdSeq a will may hold.
            buffer.bdSeq(session.bdSeqToStore());
        }
        if (closing) {
            ctx.getReconnector().reconnect(false);
        } else if (ctx.getSource() == MqttDisconnectSource.USER && reconnectAfterUserDisconnect) {
            reconnectAfterUserDisconnect = false;
            ctx.getReconnector().reconnect(true).delay(100, TimeUnit.MILLISECONDS);
        }
        if (!closing && servers.size() > 1) {
            // Multi-server: every lost or given-up connection moves on to the next server of the list.
            serverIndex = (serverIndex + 1) % servers.size();
            URI next = servers.get(serverIndex);
            ctx.getReconnector()
                    .transportConfig(ctx.getReconnector()
                            .getTransportConfig()
                            .extend()
                            .serverHost(next.getHost())
                            .serverPort(EdgeConfig.Uplink.port(next))
                            .build());
        }
        ctx.getReconnector().connect(connectMessage(session.willBdSeq()));
        if (ctx.getSource() != MqttDisconnectSource.USER) {
            warnings.warn(
                    "disconnected",
                    "Uplink lost ({}); reconnecting to {}",
                    String.valueOf(ctx.getCause()),
                    currentServer());
        }
        enqueue(new Disconnected());
    }

    // ---------------------------------------------------------------- publisher thread

    /** Queues an event the publisher handles at once (not at the next batch tick). */
    private void enqueue(Event e) {
        queue.add(e);
        LockSupport.unpark(publisher);
    }

    private void run() {
        long now = System.nanoTime();
        long nextFlush = now + batchIntervalNanos;
        long nextHealth = now + healthIntervalNanos;
        long nextSnapshot = now + SNAPSHOT_PERIOD.toNanos();
        lastReplayNanos = now;
        // The devices declared before start are handled at once, not at the first tick.
        boolean backlog = true;
        // Batch ticks run only while there is something to publish: samples or read counts handled since the last
        // tick, or a replay under way. A plant whose devices are read within milliseconds of each other every second
        // (connectors started together) then wakes this thread about four times a second instead of ten; samples
        // spread over the second keep the ticks as they were.
        boolean ticking = true;
        boolean handledSinceTick = true;
        while (true) {
            try {
                // Health and the snapshot wait up to TIMER_SLACK for the next batch tick rather than waking this
                // thread on their own (with the default batch interval they never do: each wake-up is a futex round
                // trip, two or three a second of them at a few commits a second).
                long deadline = Math.min(Math.min(nextHealth, nextSnapshot) + timerSlackNanos, hostWaitDeadlineNanos);
                if (ticking) {
                    deadline = Math.min(deadline, nextFlush);
                }
                long wait = deadline - System.nanoTime();
                if (wait > 0 && !backlog) {
                    if (!ticking) {
                        publisherIdle = true;
                    }
                    // Woken early by enqueue, by a full batch of samples and, when idle, by the first sample or
                    // read count; a spurious return only costs a loop.
                    if (ticking || queue.isEmpty()) {
                        LockSupport.parkNanos(this, wait);
                    }
                    publisherIdle = false;
                    if (Thread.interrupted() && closing) {
                        return;
                    }
                }
                backlog = false;
                Event e = queue.poll();
                int handled = 0;
                int work = 0;
                while (e != null) {
                    if (e instanceof Stop stop) {
                        stop(stop);
                        return;
                    }
                    handle(e);
                    // A receipt only deletes records: no reason to tick (the idle publisher commits it at once).
                    if (!(e instanceof Receipted)) {
                        work++;
                    }
                    if (++handled >= 10_000) {
                        backlog = true;
                        break;
                    }
                    e = queue.poll();
                }
                now = System.nanoTime();
                if (work > 0) {
                    handledSinceTick = true;
                    if (!ticking) {
                        // What just arrived waits at most one batch interval, as while ticking.
                        ticking = true;
                        nextFlush = now + batchIntervalNanos;
                    }
                }
                if (now - nextHealth >= 0) {
                    healthTick();
                    nextHealth = now + healthIntervalNanos;
                }
                boolean tick = ticking && now - nextFlush >= 0;
                if (tick) {
                    flushAll();
                    replay(now);
                    nextFlush = now + batchIntervalNanos;
                    ticking = handledSinceTick || replaying();
                    handledSinceTick = false;
                }
                if (!tick && !ticking && buffer.dirty()) {
                    // Idle: what a receipt or the confirmation window acknowledged is deleted now, not at a tick.
                    flushAll();
                    snapshotDirty = true;
                }
                if ((tick || !ticking) && confirm(now)) {
                    ticking = true;
                }
                checkHostWait(now);
                if (snapshotDirty || now - nextSnapshot >= 0) {
                    if (now - nextSnapshot >= 0) {
                        buffer.refreshStatsThrottled();
                    }
                    snapshot = buildSnapshot();
                    snapshotDirty = false;
                    nextSnapshot = now + SNAPSHOT_PERIOD.toNanos();
                }
            } catch (RuntimeException ex) {
                warnings.warn("publisher", "Edge node publisher error (continuing): {}", ex.toString());
            }
        }
    }

    /** A replay is under way and may publish: it goes on at every batch tick. */
    private boolean replaying() {
        return replayCursor < replayUpTo && session.mayPublishData();
    }

    private void handle(Event e) {
        if (e instanceof Samples s) {
            queuedSamples.addAndGet(-s.samples().size());
            onSamples(s.samples());
        } else if (e instanceof Reads r) {
            DeviceState d = devices.get(r.deviceId());
            if (d != null) {
                d.readsOkUnrecorded += r.ok();
                d.readsFailedUnrecorded += r.failed();
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
        } else if (e instanceof Receipted r) {
            if (r.generation() == sessionGeneration && session.connected()) {
                onReceipt(r.payload());
            }
        } else if (e instanceof Declare dec) {
            devices.computeIfAbsent(dec.deviceId(), DeviceState::new);
            snapshotDirty = true;
        }
    }

    private void onSessionUp(Connected c) {
        session.sessionUp(c.bdSeq());
        sessionGeneration = c.generation();
        confirmations.connectionChanged();
        hostWaitDeadlineNanos =
                servers.size() > 1 && stateTopic != null ? System.nanoTime() + hostWaitNanos : Long.MAX_VALUE;
        snapshotDirty = true;
        LOG.info("Uplink {} connected as {} (bdSeq {})", currentServer(), clientId(), c.bdSeq());
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
        pendingSubscriptions = receiptTopic == null ? 1 : 2;
        sub.callback(p -> enqueue(new Inbound(gen, p.getTopic().toString(), p.getPayloadAsBytes())))
                .send()
                .whenComplete((ack, err) -> enqueue(new Subscribed(gen, err, false)));
        if (receiptTopic != null) {
            // A subscription of its own: a broker that refuses it (an ACL without the receipt topic) must not keep
            // the node from birthing.
            client.subscribeWith()
                    .topicFilter(receiptTopic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    // Waking the publisher only when it is idle: while it ticks the next commit deletes anyway.
                    .callback(p -> {
                        queue.add(new Receipted(gen, p.getPayloadAsBytes()));
                        wakeIfIdle();
                    })
                    .send()
                    .whenComplete((ack, err) -> enqueue(new Subscribed(gen, err, true)));
        }
    }

    private void onSubscribed(Subscribed s) {
        if (s.generation() != sessionGeneration || !session.connected()) {
            return;
        }
        if (s.failure() != null && s.receipts()) {
            LOG.error(
                    "Subscribing to the receipts {} failed ({}): nothing is deleted from the buffer, what is published"
                            + " is replayed every uplink.receipt_timeout. Allow the subscription on the broker or set"
                            + " uplink.receipts: false",
                    receiptTopic,
                    s.failure().toString());
        } else if (s.failure() != null) {
            warnings.warn(
                    "subscribe",
                    "Subscribing to NCMD/DCMD/STATE failed: {}",
                    s.failure().toString());
            return;
        }
        if (--pendingSubscriptions > 0) {
            return;
        }
        session.subscriptionsAcknowledged();
        maybeBirth(BirthReason.SESSION);
    }

    private void onSessionDown() {
        if (session.connected()) {
            LOG.info("Uplink disconnected; buffering");
        }
        unbirth();
        session.sessionDown();
        // What was sent and not confirmed is replayed after the next NBIRTH.
        confirmations.connectionChanged();
        hostWaitDeadlineNanos = Long.MAX_VALUE;
        snapshotDirty = true;
    }

    /** Ends the node's births; what was pending is in the buffer and is replayed after the next NBIRTH. */
    private void unbirth() {
        session.nodeDeath();
        clearPending();
        for (DeviceState d : devices.values()) {
            d.born = false;
        }
    }

    /** Forgets the live values waiting for a DDATA: their records are in the buffer for the replay. */
    private void clearPending() {
        for (DeviceState d : devices.values()) {
            int lost = 0;
            for (Pending p : d.pending) {
                if (p.rid == 0 && p.sample) {
                    lost++;
                }
            }
            metrics.dropped(DropReason.PUBLISH_FAILED, lost);
            d.pending.clear();
        }
    }

    private void onInbound(Inbound in) {
        if (in.generation() != sessionGeneration || !session.connected()) {
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
            StateChange change = session.state(state);
            snapshotDirty = true;
            switch (change) {
                case IGNORED -> {}
                case ONLINE -> {
                    hostWaitDeadlineNanos = Long.MAX_VALUE;
                    maybeBirth(BirthReason.SESSION);
                }
                case NEW_HOST_SESSION -> {
                    LOG.info(
                            "Primary host {} has a new session: replaying what is not confirmed", uplink.primaryHost());
                    startReplay();
                }
                case OFFLINE -> leaveServer("Primary host " + uplink.primaryHost() + " offline");
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
                boolean rebirth = MetricNames.REBIRTH.equals(m.getName())
                        || (aliases
                                && m.getName().isEmpty()
                                && m.hasAlias()
                                && m.getAlias() == session.alias(null, MetricNames.REBIRTH));
                if (rebirth && m.hasBooleanValue() && m.getBooleanValue()) {
                    // Spec 3.0: no DATA from now until the NBIRTH. The pending live values are in the buffer; the
                    // replay after the births sends them (the host counts each rid once).
                    if (session.rebirthRequested()) {
                        LOG.info("Rebirth requested by NCMD");
                        clearPending();
                        birthAll(BirthReason.REBIRTH_REQUEST);
                    }
                    return;
                }
            }
            return;
        }
        warnings.warn("dcmd", "Ignoring {}: device commands are not supported", in.topic());
    }

    /**
     * Receipts delete what they cover in the buffer's current epoch (clipped to rids sent); anything else is counted
     * and ignored.
     */
    private void onReceipt(byte[] payload) {
        Receipt r;
        try {
            r = Receipt.parse(payload);
        } catch (SparkplugException e) {
            metrics.receipt(ReceiptResult.MALFORMED);
            warnings.warn("receipt", "Ignoring malformed receipt: {}", e.getMessage());
            return;
        }
        ReceiptResult result = confirmations.receipt(r, buffer);
        metrics.receipt(result);
        if (LOG.isDebugEnabled()) {
            LOG.debug(
                    "Receipt of {} (epoch {}, timestamp {}) {}: {}; {} records sent without a receipt",
                    r.hostId(),
                    r.epoch(),
                    r.timestamp(),
                    Receipt.describe(r.ranges()),
                    result,
                    confirmations.outstanding());
        }
    }

    /**
     * At every batch tick and every wake-up of an idle publisher (at least every snapshot period): confirmations by
     * time, and the replay when a receipt is overdue; true when that replay starts.
     */
    private boolean confirm(long nowNanos) {
        if (confirmations.tick(nowNanos, session.connected(), session.mayPublishData(), sessionGeneration, buffer)) {
            metrics.receiptTimeout();
            warnings.warn(
                    "receipt_timeout",
                    "{} records without a receipt of {} for {}: replaying what is not receipted",
                    confirmations.outstanding(),
                    uplink.primaryHost(),
                    uplink.receiptTimeout());
            startReplay();
            return true;
        }
        return false;
    }

    /** Multi-server: the primary host did not come online on this server in time; move to the next one. */
    private void checkHostWait(long nowNanos) {
        if (session.connected() && !session.hostOnline() && nowNanos - hostWaitDeadlineNanos >= 0) {
            hostWaitDeadlineNanos = Long.MAX_VALUE;
            leaveServer("Primary host " + uplink.primaryHost() + " not online on " + currentServer() + " within "
                    + uplink.hostWait());
        }
    }

    /**
     * Spec 3.0: the primary host is not online here: NDEATH when born, then disconnect; the next session (bdSeq + 1,
     * the next server with several) waits for STATE online.
     */
    private void leaveServer(String why) {
        boolean multi = servers.size() > 1;
        if (!session.born() && !multi) {
            return;
        }
        LOG.info("{}: {}buffering and reconnecting", why, session.born() ? "publishing NDEATH, " : "");
        CompletableFuture<Mqtt3Publish> ndeath =
                session.born() ? publishNdeath() : CompletableFuture.completedFuture(null);
        unbirth();
        reconnectAfterUserDisconnect = true;
        ndeath.whenComplete((r, err) -> client.disconnect());
    }

    /** Replays everything in the buffer from the oldest record (what is confirmed is deleted, the host dedups). */
    private void startReplay() {
        commitBatch();
        LOG.debug(
                "Replay starts: rids up to {} ({} records sent without a receipt before)",
                buffer.nextRid() - 1,
                confirmations.outstanding());
        confirmations.replayStarted();
        replayCursor = 0;
        replayUpTo = buffer.nextRid() - 1;
        replayTokens = 0;
    }

    private void maybeBirth(BirthReason reason) {
        if (session.mayBirth()) {
            birthAll(reason);
        }
    }

    private void birthAll(BirthReason reason) {
        birthEpoch = buffer.epoch();
        int bdSeq = session.bdSeq();
        Payload.Builder p = Payload.newBuilder()
                .setTimestamp(System.currentTimeMillis())
                .setSeq(session.nodeBirth())
                .addMetrics(nodeMetric(MetricNames.BD_SEQ, DataType.INT64, (long) bdSeq))
                .addMetrics(nodeMetric(MetricNames.REBIRTH, DataType.BOOLEAN, Boolean.FALSE));
        if (birthEpoch != null) {
            p.addMetrics(nodeMetric(MetricNames.BUFFER_EPOCH, DataType.STRING, birthEpoch));
        }
        nodeMetricValues = nodeMetricValues();
        for (int i = 0; i < NODE_METRICS.length; i++) {
            p.addMetrics(nodeMetric(NODE_METRICS[i], DataType.UINT64, nodeMetricValues[i]));
        }
        publish(nbirthTopic, p.build(), MessageType.NBIRTH, 0, MqttQos.AT_MOST_ONCE);
        metrics.nodeBirth(reason);
        snapshotDirty = true;
        // Everything written before this birth is historical now, and what was sent before it is not confirmed:
        // replay it, oldest first.
        confirmations.birth(System.nanoTime());
        startReplay();
        for (DeviceState d : devices.values()) {
            // Devices born without a connection (for their replay) are born again by a rebirth request.
            if (d.up || d.born) {
                deviceBirth(d, reason == BirthReason.DEVICE_UP ? BirthReason.SESSION : reason);
            }
        }
    }

    private void deviceBirth(DeviceState d, BirthReason reason) {
        if (d.born && !d.pending.isEmpty()) {
            commit();
            flush(d);
        }
        d.pending.clear();
        // The rids a DBIRTH names must be durable: a rid lost by a crash would be given to another record.
        commitBatch();
        long now = System.currentTimeMillis();
        // Reads not in any health record yet (made while the device was dead, failed ones above all): the DBIRTH
        // carries them, and the host counts a DBIRTH's values as increments from zero.
        d.readsOkSinceBirth = d.readsOkUnrecorded;
        d.readsFailedSinceBirth = d.readsFailedUnrecorded;
        d.readsOkUnrecorded = 0;
        d.readsFailedUnrecorded = 0;
        Payload.Builder p = Payload.newBuilder().setTimestamp(now).setSeq(session.nextSeq());
        d.birthAliases.clear();
        for (PointState ps : d.points.values()) {
            Metric m = birthMetric(ps, true, now);
            if (ps.lastRid > 0 && ps.lastRid <= committedThrough && ps.lastValue != null) {
                // The host already has this record: the DBIRTH repeats it, it is no new sample, so the refresh
                // clock keeps running from the last publication the host counted.
                m = DurableBuffer.withRid(
                        m.toBuilder().setTimestamp(ps.lastRidMillis).build(), ps.lastRid);
            } else if (ps.lastValue != null) {
                ps.lastPublishedMillis = now;
            }
            p.addMetrics(withBirthAlias(d, m));
        }
        p.addMetrics(withBirthAlias(
                d,
                Metrics.metric(MetricNames.HEALTH_CONNECTED, DataType.BOOLEAN, d.up)
                        .setTimestamp(now)
                        .build()));
        p.addMetrics(withBirthAlias(
                d,
                Metrics.metric(MetricNames.HEALTH_READS_OK, DataType.UINT64, d.readsOkSinceBirth)
                        .setTimestamp(now)
                        .build()));
        p.addMetrics(withBirthAlias(
                d,
                Metrics.metric(MetricNames.HEALTH_READS_FAILED, DataType.UINT64, d.readsFailedSinceBirth)
                        .setTimestamp(now)
                        .build()));
        // Declared (value 0: nothing lost) so the buffer's loss records of the device have an alias and a type.
        p.addMetrics(withBirthAlias(
                d,
                Metrics.metric(MetricNames.BUFFER_LOST, DataType.INT64, 0L)
                        .setTimestamp(now)
                        .build()));
        publish(topic(d, MessageType.DBIRTH), p.build(), MessageType.DBIRTH, 0, MqttQos.AT_MOST_ONCE);
        d.born = true;
        metrics.deviceBirth(reason);
        snapshotDirty = true;
    }

    /** A DBIRTH metric with its alias (name and alias), remembered as part of the device's current birth. */
    private Metric withBirthAlias(DeviceState d, Metric m) {
        if (!aliases) {
            return m;
        }
        long alias = session.alias(d.id, m.getName());
        if (alias < 0) {
            return m;
        }
        d.birthAliases.put(m.getName(), alias);
        return m.toBuilder().setAlias(alias).build();
    }

    /** A DDATA metric goes by alias only when it is in the device's current birth, else by name. */
    private static long alias(DeviceState d, Metric m) {
        Long alias = d.birthAliases.get(m.getName());
        return alias == null ? DataPayloadWriter.NO_ALIAS : alias;
    }

    /** Node metrics the NBIRTH declares and NDATA updates, in the order of {@link #nodeMetricValues()}. */
    private static final String[] NODE_METRICS = {
        MetricNames.BUFFER_RECORDS, MetricNames.BUFFER_DROPPED, MetricNames.BUFFER_UNRECEIPTED
    };

    private long[] nodeMetricValues() {
        BufferStatus st = buffer.status();
        return new long[] {st.records(), st.dropped(), confirmations.outstanding()};
    }

    /** An NBIRTH metric, with its alias when aliases are on. */
    private Metric nodeMetric(String name, DataType type, Object value) {
        Metric.Builder m = Metrics.metric(name, type, value);
        long alias = aliases ? session.alias(null, name) : -1;
        if (alias >= 0) {
            m.setAlias(alias);
        }
        return m.build();
    }

    /** NDATA with the node metrics that changed since the NBIRTH or the previous NDATA (alias only when on). */
    private void publishNodeData() {
        if (!session.mayPublishData() || nodeMetricValues == null) {
            return;
        }
        long[] now = nodeMetricValues();
        long ts = System.currentTimeMillis();
        Payload.Builder p = Payload.newBuilder().setTimestamp(ts);
        for (int i = 0; i < NODE_METRICS.length; i++) {
            if (now[i] != nodeMetricValues[i]) {
                Metric m = nodeMetric(NODE_METRICS[i], DataType.UINT64, now[i]).toBuilder()
                        .setTimestamp(ts)
                        .build();
                p.addMetrics(m.hasAlias() ? m.toBuilder().clearName().build() : m);
            }
        }
        if (p.getMetricsCount() == 0) {
            return;
        }
        nodeMetricValues = now;
        publish(ndataTopic, p.setSeq(session.nextSeq()).build(), MessageType.NDATA, 0, MqttQos.AT_MOST_ONCE);
    }

    /** A point as declared in DBIRTH: the contract as properties, and the latest value when {@code withValue}. */
    private static Metric birthMetric(PointState ps, boolean withValue, long now) {
        Metric.Builder m;
        Object value = withValue ? ps.lastValue : null;
        try {
            m = Metrics.metric(ps.spec.id(), ps.spec.type(), value);
        } catch (SparkplugException e) {
            m = Metrics.metric(ps.spec.id(), ps.spec.type(), null);
        }
        m.setTimestamp(withValue && ps.lastSourceMillis > 0 ? ps.lastSourceMillis : now);
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(MetricNames.PROP_CATEGORY, ps.spec.category().wireName());
        props.put(MetricNames.PROP_UNIT, ps.spec.unit());
        props.put(MetricNames.PROP_INTERVAL_MS, ps.spec.interval().toMillis());
        props.put(MetricNames.PROP_ENG_LOW, ps.spec.engLow());
        props.put(MetricNames.PROP_ENG_HIGH, ps.spec.engHigh());
        Quality q = ps.lastValue == null && ps.lastSourceMillis == 0 ? Quality.GOOD : ps.lastQuality;
        if (withValue && q != Quality.GOOD) {
            props.put(MetricNames.PROP_QUALITY, q.code());
        }
        m.setProperties(Metrics.properties(props));
        return m.build();
    }

    /** The points of a device from its stored birth (a device known to an earlier run, down in this one). */
    private static Map<String, PointState> pointsOf(byte[] birth) {
        Map<String, PointState> points = new LinkedHashMap<>();
        if (birth == null) {
            return points;
        }
        try {
            for (Metric m : Payload.parseFrom(birth).getMetricsList()) {
                Map<String, Object> props = Metrics.properties(m.getProperties());
                PointSpec spec = new PointSpec(
                        m.getName(),
                        DataType.fromCode(m.getDatatype()),
                        Category.parse((String) props.get(MetricNames.PROP_CATEGORY)),
                        (String) props.get(MetricNames.PROP_UNIT),
                        Duration.ofMillis((Long) props.get(MetricNames.PROP_INTERVAL_MS)),
                        (Double) props.get(MetricNames.PROP_ENG_LOW),
                        (Double) props.get(MetricNames.PROP_ENG_HIGH));
                points.put(spec.id(), new PointState(spec));
            }
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            LOG.warn("Stored birth unreadable, the device is born with its health only: {}", e.toString());
        }
        return points;
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
                ps.lastRid = old.lastRid;
                ps.lastRidMillis = old.lastRidMillis;
                ps.lastPublishedMillis = old.lastPublishedMillis;
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
        Payload.Builder template = Payload.newBuilder();
        long now = System.currentTimeMillis();
        for (PointState ps : next.values()) {
            template.addMetrics(birthMetric(ps, false, now));
        }
        buffer.saveDevice(d.id, template.build().toByteArray());
        if (session.mayPublishData()) {
            deviceBirth(d, BirthReason.DEVICE_UP);
        }
    }

    private void onDown(Down down) {
        DeviceState d = devices.computeIfAbsent(down.deviceId(), DeviceState::new);
        boolean wasUp = d.up;
        if (d.up) {
            d.since = Instant.now();
        }
        d.up = false;
        d.reason = down.reason();
        snapshotDirty = true;
        long now = System.currentTimeMillis();
        if (live(d)) {
            recordHealth(d, now);
            commit();
            flush(d);
            Payload death = Payload.newBuilder()
                    .setTimestamp(now)
                    .setSeq(session.nextSeq())
                    .build();
            publish(topic(d, MessageType.DDEATH), death, MessageType.DDEATH, 0, MqttQos.AT_MOST_ONCE);
        } else if (wasUp && !d.points.isEmpty()) {
            // Not published now: the buffered health keeps "the device went down" for the replay.
            recordHealth(d, now);
        }
        d.born = false;
        d.pending.clear();
    }

    private boolean live(DeviceState d) {
        return session.mayPublishData() && d.born;
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
            m.setTimestamp(ts);
            if (q == Quality.UNCERTAIN) {
                m.setProperties(UNCERTAIN_PROPS);
            } else if (q == Quality.BAD) {
                m.setProperties(BAD_PROPS);
            }
            Metric metric = m.build();
            boolean live = live(d);
            ps.lastRid = record(d, metric, live ? metric : null, true);
            ps.lastRidMillis = ts;
            // A changed value in the buffer is on its way (now or in the replay): no refresh needed for it.
            ps.lastPublishedMillis = publishedAt;
            if (live && d.pending.size() >= batchMaxMetrics) {
                commit();
                flush(d);
            }
        }
    }

    /**
     * Appends a record to the buffer (write-ahead); when {@code live} is not null it is also queued for the next
     * DDATA of the device, carrying the record's rid.
     */
    private long record(DeviceState d, Metric stored, Metric live, boolean sample) {
        long rid = buffer.append(d.id, stored);
        if (live != null) {
            d.pending.add(new Pending(live, rid, sample));
        }
        return rid;
    }

    /**
     * Commits the buffer's batch (group commit) before anything of it is published. Records the buffer could not
     * keep lose their rid: a rid is only ever published for a record that is durable.
     */
    private void commit() {
        if (!commitBatch()) {
            return;
        }
        if (session.born() && !Objects.equals(buffer.epoch(), birthEpoch)) {
            LOG.warn("Buffer epoch changed to {}: rebirthing so the host learns it", buffer.epoch());
            // Rids of the replaced file mean nothing in the new epoch: what is pending goes out without one.
            for (DeviceState d : devices.values()) {
                for (Pending p : d.pending) {
                    p.rid = 0;
                }
                for (PointState ps : d.points.values()) {
                    ps.lastRid = 0;
                }
            }
            confirmations.epochReset();
            birthAll(BirthReason.BUFFER_RESET);
        }
    }

    /** The durable part of {@link #commit()}, without the rebirth on a new epoch; false when nothing was dirty. */
    private boolean commitBatch() {
        long appended = buffer.nextRid() - 1;
        if (!buffer.dirty()) {
            return false;
        }
        long durable = buffer.commit();
        if (durable < appended) {
            long from = Math.max(durable, committedThrough);
            for (DeviceState d : devices.values()) {
                for (Pending p : d.pending) {
                    if (p.rid > from && p.rid <= appended) {
                        p.rid = 0;
                    }
                }
                for (PointState ps : d.points.values()) {
                    if (ps.lastRid > from && ps.lastRid <= appended) {
                        ps.lastRid = 0;
                    }
                }
            }
        }
        committedThrough = buffer.nextRid() - 1;
        // A loss record of a live device goes out with its next DDATA; the others wait for the replay.
        for (DurableBuffer.Record r : buffer.takeLosses()) {
            DeviceState d = devices.get(r.device());
            if (d != null && live(d)) {
                d.pending.add(new Pending(r.metric(), r.rid(), false));
            }
        }
        return true;
    }

    private void flushAll() {
        commit();
        if (!session.mayPublishData()) {
            return;
        }
        for (DeviceState d : devices.values()) {
            if (d.born && !d.pending.isEmpty()) {
                flush(d);
            }
        }
    }

    /**
     * Every health interval: records the health (and the refresh of unchanged good values) of every device the
     * node knows, live for born devices and buffered for the others while the node is not born, and publishes
     * what is live.
     */
    private void healthTick() {
        long now = System.currentTimeMillis();
        List<DeviceState> withHealth = new ArrayList<>();
        for (DeviceState d : devices.values()) {
            if (live(d)) {
                if (d.up) {
                    addRefresh(d, now);
                }
                recordHealth(d, now);
                withHealth.add(d);
            } else if (!session.born() && !d.points.isEmpty() && d.since != null) {
                if (d.up) {
                    addRefresh(d, now);
                }
                recordHealth(d, now);
            }
        }
        commit();
        if (!session.mayPublishData()) {
            return;
        }
        for (DeviceState d : withHealth) {
            if (d.born) {
                flush(d);
                metrics.healthPublished();
            }
        }
        buffer.refreshStats();
        publishNodeData();
    }

    /** Shortens the refresh of unchanged values, for tests; call before {@link #start()}. */
    void refreshInterval(Duration interval) {
        this.refreshIntervalMs = interval.toMillis();
    }

    /** Publishes the pending metrics of a born device as one DDATA (QoS 0). */
    private void flush(DeviceState d) {
        if (d.pending.isEmpty() || !session.mayPublishData()) {
            return;
        }
        long now = System.currentTimeMillis();
        long seq = session.nextSeq();
        long[] rids = new long[d.pending.size()];
        int n = 0;
        int samples = 0;
        int unbuffered = 0;
        for (Pending e : d.pending) {
            if (e.rid > 0) {
                rids[n++] = e.rid;
            } else if (e.sample) {
                unbuffered++;
            }
            ddata.add(e.metric, alias(d, e.metric), e.rid > 0 ? e.rid : DataPayloadWriter.NO_RID, false);
            if (e.sample) {
                samples++;
            }
        }
        d.pending.clear();
        long[] acked = n == rids.length ? rids : Arrays.copyOf(rids, n);
        publishDdata(topic(d, MessageType.DDATA), ddata.toByteArray(now, seq), samples, unbuffered, acked);
    }

    /**
     * DDATA at QoS 0 (Sparkplug 3.0): the records stay in the buffer until a receipt (or the confirmation window
     * without receipts) confirms them.
     */
    private void publishDdata(String topic, byte[] payload, int samples, int unbuffered, long[] rids) {
        publish(topic, payload, MessageType.DDATA, samples, MqttQos.AT_MOST_ONCE)
                .whenComplete((r, err) -> {
                    if (err != null && unbuffered > 0) {
                        metrics.dropped(DropReason.PUBLISH_FAILED, unbuffered);
                    }
                });
        confirmations.sent(System.nanoTime(), sessionGeneration, rids);
    }

    /**
     * Replays buffered records oldest first as historical DDATA, at most {@code replay_rate} per second on top of
     * live data. A device that is not born (down now) is born first with {@code _health/connected = false}.
     */
    private void replay(long nowNanos) {
        long elapsed = nowNanos - lastReplayNanos;
        lastReplayNanos = nowNanos;
        if (!session.mayPublishData() || replayCursor >= replayUpTo) {
            return;
        }
        replayTokens = Math.min(replayRate, replayTokens + replayRate * (elapsed / 1e9));
        int budget = (int) Math.min(replayTokens, 10_000);
        if (budget < 1) {
            return;
        }
        List<DurableBuffer.Record> records = buffer.read(replayCursor, replayUpTo, budget);
        if (records.isEmpty()) {
            if (buffer.usable()) {
                LOG.info("Replay of the buffer done (up to rid {})", replayUpTo);
                replayCursor = replayUpTo;
                replayDone(nowNanos);
            }
            return;
        }
        // A device born here for its replay gets its DBIRTH one tick ahead of its first historical DDATA.
        boolean birthed = false;
        for (DurableBuffer.Record r : records) {
            DeviceState d = devices.get(r.device());
            if (d == null || !d.born) {
                replayDevice(r.device());
                birthed = true;
            }
        }
        if (birthed) {
            return;
        }
        replayTokens -= records.size();
        // One DDATA per device and chunk: each device's records stay in rid order, devices follow their oldest.
        Map<String, List<DurableBuffer.Record>> byDevice = new LinkedHashMap<>();
        for (DurableBuffer.Record r : records) {
            byDevice.computeIfAbsent(r.device(), k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<DurableBuffer.Record>> e : byDevice.entrySet()) {
            // A DBIRTH for the device goes out before its DDATA takes the next seq.
            DeviceState d = replayDevice(e.getKey());
            List<DurableBuffer.Record> list = e.getValue();
            for (int from = 0; from < list.size(); from += batchMaxMetrics) {
                List<DurableBuffer.Record> part = list.subList(from, Math.min(list.size(), from + batchMaxMetrics));
                long timestamp = System.currentTimeMillis();
                long seq = session.nextSeq();
                long[] rids = new long[part.size()];
                int samples = 0;
                for (int i = 0; i < part.size(); i++) {
                    DurableBuffer.Record r = part.get(i);
                    Metric historical = r.historical();
                    ddata.add(historical, alias(d, historical), DataPayloadWriter.NO_RID, false);
                    rids[i] = r.rid();
                    String name = r.metric().getName();
                    if (!MetricNames.isHealthMetric(name) && !MetricNames.BUFFER_LOST.equals(name)) {
                        samples++;
                    }
                }
                publishDdata(topic(d, MessageType.DDATA), ddata.toByteArray(timestamp, seq), samples, 0, rids);
            }
        }
        replayCursor = records.get(records.size() - 1).rid();
        buffer.replayed(records.size());
        if (replayCursor >= replayUpTo) {
            replayDone(nowNanos);
        }
    }

    /** After a replay started by a receipt timeout, the next may start only after another timeout. */
    private void replayDone(long nowNanos) {
        LOG.debug("Replay done up to rid {}", replayUpTo);
        confirmations.replayDone(nowNanos);
    }

    /** The device of a buffered record, born (with its stored points when it is down and unknown so far). */
    private DeviceState replayDevice(String id) {
        DeviceState d = devices.get(id);
        if (d == null) {
            d = new DeviceState(id);
            devices.put(id, d);
        }
        if (!d.born) {
            if (d.points.isEmpty()) {
                d.points = pointsOf(buffer.device(id));
            }
            deviceBirth(d, BirthReason.REPLAY);
        }
        return d;
    }

    /**
     * Report by exception hides "still the same good value" behind "no data": a point that never changes would
     * have no sample in any window after its DBIRTH, and the collector would call it uncovered. So an unchanged good
     * value is recorded again, stamped now, once per {@link #REFRESH_INTERVAL_MS}: every minute rollup of a live
     * point then holds a sample, also when it is replayed after an outage.
     */
    private void addRefresh(DeviceState d, long now) {
        boolean live = live(d);
        for (PointState ps : d.points.values()) {
            if (ps.lastValue == null
                    || ps.lastQuality != Quality.GOOD
                    || now - ps.lastPublishedMillis < refreshIntervalMs) {
                continue;
            }
            ps.lastPublishedMillis = now;
            try {
                Metric m = Metrics.metric(ps.spec.id(), ps.spec.type(), ps.lastValue)
                        .setTimestamp(now)
                        .build();
                ps.lastRid = record(d, m, live ? m : null, true);
                ps.lastRidMillis = now;
            } catch (SparkplugException e) {
                // A value that cannot be encoded was never published either.
            }
        }
    }

    /**
     * Records the device's health: {@code _health/connected} and the reads since its previous health record. The
     * buffer keeps the reads as increments; published live they are counts since the DBIRTH (the contract).
     */
    private void recordHealth(DeviceState d, long now) {
        long okInc = d.readsOkUnrecorded;
        long failedInc = d.readsFailedUnrecorded;
        d.readsOkUnrecorded = 0;
        d.readsFailedUnrecorded = 0;
        boolean live = live(d);
        Metric connectedMetric = Metrics.metric(MetricNames.HEALTH_CONNECTED, DataType.BOOLEAN, d.up)
                .setTimestamp(now)
                .build();
        record(d, connectedMetric, live ? connectedMetric : null, false);
        Metric ok = Metrics.metric(MetricNames.HEALTH_READS_OK, DataType.UINT64, okInc)
                .setTimestamp(now)
                .build();
        Metric failed = Metrics.metric(MetricNames.HEALTH_READS_FAILED, DataType.UINT64, failedInc)
                .setTimestamp(now)
                .build();
        if (live) {
            d.readsOkSinceBirth += okInc;
            d.readsFailedSinceBirth += failedInc;
            record(
                    d,
                    ok,
                    Metrics.metric(MetricNames.HEALTH_READS_OK, DataType.UINT64, d.readsOkSinceBirth)
                            .setTimestamp(now)
                            .build(),
                    false);
            record(
                    d,
                    failed,
                    Metrics.metric(MetricNames.HEALTH_READS_FAILED, DataType.UINT64, d.readsFailedSinceBirth)
                            .setTimestamp(now)
                            .build(),
                    false);
        } else {
            record(d, ok, null, false);
            record(d, failed, null, false);
        }
    }

    private CompletableFuture<Mqtt3Publish> publishNdeath() {
        return publish(
                ndeathTopic,
                Payload.newBuilder()
                        .setTimestamp(System.currentTimeMillis())
                        .addMetrics(Metrics.metric(MetricNames.BD_SEQ, DataType.INT64, (long) session.bdSeq()))
                        .build(),
                MessageType.NDEATH,
                0,
                MqttQos.AT_LEAST_ONCE);
    }

    private CompletableFuture<Mqtt3Publish> publish(
            String topic, Payload payload, MessageType type, int samples, MqttQos qos) {
        return publish(topic, payload.toByteArray(), type, samples, qos);
    }

    private CompletableFuture<Mqtt3Publish> publish(
            String topic, byte[] payload, MessageType type, int samples, MqttQos qos) {
        metrics.message(type);
        metrics.published(samples);
        return client.publishWith()
                .topic(topic)
                .qos(qos)
                .payload(payload)
                .send()
                .whenComplete((r, err) -> {
                    if (err != null) {
                        warnings.warn("publish", "Publishing {} failed: {}", type, err.toString());
                    }
                });
    }

    private String topic(DeviceState d, MessageType type) {
        return d.topics.computeIfAbsent(
                type, t -> Topic.device(group, t, node, d.id).toString());
    }

    private void stop(Stop stop) {
        try {
            if (session.born()) {
                healthTick();
                publishNdeath().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                session.nodeDeath();
            } else {
                commit();
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
        session.sessionDown();
        uplinkConnected = false;
        // Deletes what was confirmed before the disconnect; the rest is replayed by the next run.
        commit();
        buffer.refreshStats();
        snapshot = buildSnapshot();
        buffer.close();
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
        BufferStatus bs = buffer.status();
        List<String> reasons = new ArrayList<>(4);
        if (!session.connected()) {
            reasons.add(EdgeHealth.UPLINK_DOWN);
        } else if (!session.hostOnline()) {
            reasons.add(EdgeHealth.HOST_OFFLINE);
        } else if (!session.born()) {
            reasons.add(EdgeHealth.NOT_BORN);
        }
        if (!allUp) {
            reasons.add(EdgeHealth.DEVICE_DOWN);
        }
        if (bs.state() != BufferStatus.State.OK) {
            reasons.add(EdgeHealth.BUFFER_PREFIX + bs.code());
        }
        EdgeHealth.Status status;
        if (!session.connected() || !session.hostOnline() || !session.born()) {
            status = EdgeHealth.Status.DOWN;
        } else {
            status = reasons.isEmpty() ? EdgeHealth.Status.UP : EdgeHealth.Status.DEGRADED;
        }
        return new EdgeHealth(
                status,
                reasons,
                session.connected(),
                uplink.primaryHost(),
                session.hostOnline(),
                session.born(),
                session.connected() ? session.bdSeq() : session.willBdSeq(),
                currentServer().toString(),
                list,
                buffer.status(),
                Instant.now());
    }

    // ---------------------------------------------------------------- state and events

    private static final class DeviceState {
        final String id;
        final Map<MessageType, String> topics = new java.util.EnumMap<>(MessageType.class);
        final List<Pending> pending = new ArrayList<>();
        // Metric name -> alias of the current DBIRTH (empty without aliases).
        final Map<String, Long> birthAliases = new java.util.HashMap<>();
        Map<String, PointState> points = new LinkedHashMap<>();
        boolean up;
        boolean born;
        String reason;
        Instant since;
        // Reads counted in the current birth: the value of the last published _health/reads_* metrics.
        long readsOkSinceBirth;
        long readsFailedSinceBirth;
        // Reads in no health record yet.
        long readsOkUnrecorded;
        long readsFailedUnrecorded;
        long readsOkTotal;
        long readsFailedTotal;

        DeviceState(String id) {
            this.id = id;
        }
    }

    /** A metric waiting for the next DDATA of its device, with its buffer record id (0: not durable). */
    private static final class Pending {
        final Metric metric;
        final boolean sample;
        long rid;

        Pending(Metric metric, long rid, boolean sample) {
            this.metric = metric;
            this.rid = rid;
            this.sample = sample;
        }
    }

    private static final class PointState {
        final PointSpec spec;
        Object lastValue;
        Quality lastQuality = Quality.GOOD;
        long lastSourceMillis;
        // The buffer record of the latest value (change or refresh) and its timestamp; 0 when there is none. The
        // DBIRTH carries them, so the host counts that value once whether the DBIRTH or the record comes first.
        long lastRid;
        long lastRidMillis;
        // Wall-clock time this point's value last went out as a sample the host counts: a change, a refresh, or a
        // DBIRTH value without the rid of a record the host already has.
        long lastPublishedMillis;

        PointState(PointSpec spec) {
            this.spec = spec;
        }
    }

    private sealed interface Event
            permits Up, Down, Samples, Reads, Connected, Disconnected, Subscribed, Inbound, Receipted, Declare, Stop {}

    private record Up(String deviceId, List<PointSpec> points) implements Event {}

    private record Down(String deviceId, String reason) implements Event {}

    private record Samples(List<PointSample> samples) implements Event {}

    private record Reads(String deviceId, long ok, long failed) implements Event {}

    private record Connected(int generation, int bdSeq) implements Event {}

    private record Disconnected() implements Event {}

    private record Subscribed(int generation, Throwable failure, boolean receipts) implements Event {}

    private record Inbound(int generation, String topic, byte[] payload) implements Event {}

    private record Receipted(int generation, byte[] payload) implements Event {}

    private record Declare(String deviceId) implements Event {}

    private record Stop(CompletableFuture<Void> done) implements Event {}
}
