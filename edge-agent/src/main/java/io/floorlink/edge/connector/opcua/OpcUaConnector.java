package io.floorlink.edge.connector.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.floorlink.edge.connector.Backoff;
import io.floorlink.edge.connector.Connector;
import io.floorlink.edge.connector.DeviceSink;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig.Point;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig.PointMode;
import io.floorlink.edge.point.PointSample;
import io.floorlink.edge.point.PointSpec;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.Quality;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.eclipse.milo.opcua.sdk.client.subscriptions.MonitoredItemServiceOperationResult;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the devices of one OPC UA server: monitored items grouped in one subscription (publishing interval =
 * the smallest sampling interval, bounded to [100 ms, 10 s]), and periodic Read calls for points configured
 * {@code mode: poll} or whose monitored item the server refuses.
 *
 * <p>All connector state lives on one private thread; Milo callbacks only hand their data to it. A lost
 * session (server down, restart, subscription watchdog) brings every device down ({@code session_lost}) and
 * the connector reconnects with exponential backoff and jitter, creating a new session and new subscription
 * rather than relying on subscription transfer, so data flows again after a restart with a fresh address
 * space. Datatypes of points without a configured {@code type} are read from the server after every
 * connect. Reads and monitored-item creation are split to the server's operation limits ({@link
 * OpcUaOperations}).
 *
 * <p>Device health: a device goes down ({@code no_communication}) when none of its points has a good or
 * uncertain latest value and at least one reports Bad_NoCommunication, Bad_NotConnected or
 * Bad_DeviceFailure; it comes up again with its next good value.
 */
public final class OpcUaConnector implements Connector {
    private static final Logger log = LoggerFactory.getLogger(OpcUaConnector.class);
    private static final Duration MIN_PUBLISHING_INTERVAL = Duration.ofMillis(100);
    private static final Duration MAX_PUBLISHING_INTERVAL = Duration.ofSeconds(10);
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);

    /**
     * Device-down reason while the server's certificate is not in the trust list (the devices cannot be reached
     * until someone trusts it: {@code opcua-certs trust}).
     */
    public static final String DOWN_UNTRUSTED = "server_certificate_untrusted";

    private final OpcUaConnectorConfig config;
    private final OpcUaMetrics metrics;
    private final Backoff backoff;
    private final ScheduledExecutorService worker;
    private final List<DeviceState> devices = new ArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean closed;

    // Confined to the worker thread.
    private DeviceSink sink;
    private Session session;
    private long generation;
    private int failures;
    private Instant lastConnectWarning = Instant.MIN;
    // Written on the worker thread, read by connectProblem().
    private volatile String lastConnectProblem;
    private Instant lastValueWarning = Instant.MIN;
    private long suppressedValueWarnings;

    /**
     * Creates the connector; nothing connects before {@link #start}.
     *
     * @param config validated connector configuration, not null
     * @param registry registry for the {@code floorlink.edge.opcua.*} meters, not null
     */
    public OpcUaConnector(OpcUaConnectorConfig config, MeterRegistry registry) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(registry, "registry");
        for (OpcUaConnectorConfig.Device d : config.devices()) {
            DeviceState ds = new DeviceState(d.id());
            for (Point p : d.points()) {
                ds.points.add(new PointState(ds, p));
            }
            devices.add(ds);
        }
        this.backoff = new Backoff(
                config.reconnect().initialDelay(), config.reconnect().maxDelay(), RandomGenerator.getDefault());
        this.metrics = new OpcUaMetrics(config.name());
        metrics.bindTo(registry);
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "floorlink-opcua-" + config.name());
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.worker = executor;
    }

    @Override
    public String name() {
        return config.name();
    }

    /** Why the latest connection attempt failed, as logged; null once a session is open. */
    String connectProblem() {
        return lastConnectProblem;
    }

    @Override
    public List<String> deviceIds() {
        return devices.stream().map(d -> d.id).toList();
    }

    /**
     * Starts connecting on the connector's own thread and returns at once.
     *
     * @throws IllegalStateException when called twice or after {@link #close()}
     */
    @Override
    public void start(DeviceSink sink) {
        Objects.requireNonNull(sink, "sink");
        if (closed || !started.compareAndSet(false, true)) {
            throw new IllegalStateException("connector '" + config.name() + "' already started or closed");
        }
        worker.execute(() -> {
            this.sink = sink;
            connect();
        });
    }

    /** Closes the session and stops the connector's thread; blocks up to about five seconds. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            worker.submit(this::teardown).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            log.debug("OPC UA connector {}: teardown did not finish cleanly", config.name(), e);
        }
        worker.shutdownNow();
        try {
            worker.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        metrics.unbind();
    }

    /** Reports every device not up as down with {@code reason}, once per reason. */
    private void markDown(String reason) {
        for (DeviceState d : devices) {
            if (d.health != Health.UP && !reason.equals(d.downReason)) {
                d.downReason = reason;
                sink.deviceDown(d.id, reason);
            }
        }
    }

    private void teardown() {
        Session s = session;
        session = null;
        if (s != null) {
            s.cancelPolls();
            metrics.sessionActive.set(0);
            try {
                s.client.disconnectAsync().get(3, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.debug("OPC UA connector {}: disconnect failed", config.name(), e);
            }
        }
    }

    // ---- connecting (worker thread) ----

    private void scheduleConnect() {
        if (closed) {
            return;
        }
        Duration delay = backoff.delay(Math.max(0, failures - 1));
        log.debug("OPC UA connector {}: next connection attempt in {} ms", config.name(), delay.toMillis());
        try {
            worker.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void connect() {
        if (closed || session != null) {
            return;
        }
        long gen = ++generation;
        OpcUaClient client = null;
        OpcUaClients.Attempt attempt = new OpcUaClients.Attempt();
        try {
            client = newClient(attempt);
            client.addSessionActivityListener(new SessionListener(gen));
            client.connect();
            Session s = new Session(gen, client, OpcUaOperations.of(client));
            resolveNodes(s);
            subscribe(s);
            session = s;
            for (DeviceState d : devices) {
                d.resetForSession();
            }
            startPolls(s);
            if (s.subscribedCount > 0) {
                s.polls.add(worker.scheduleAtFixedRate(
                        () -> settleSubscribed(s.gen, Instant.now()), 1, 1, TimeUnit.SECONDS));
            }
            metrics.sessionActive.set(1);
            metrics.connectSucceeded.increment();
            metrics.pointsPolled.set(s.polledCount);
            log.info(
                    "OPC UA connector {}: session open on {} ({} points subscribed, {} polled; at most {} nodes per"
                            + " Read, {} monitored items per call)",
                    config.name(),
                    config.endpoint(),
                    s.subscribedCount,
                    s.polledCount,
                    s.ops.readSize(),
                    s.ops.monitoredItemsSize());
            failures = 0;
            lastConnectWarning = Instant.MIN;
            lastConnectProblem = null;
        } catch (Exception e) {
            metrics.connectFailed.increment();
            failures++;
            if (client != null) {
                client.disconnectAsync();
            }
            if (closed) {
                return;
            }
            Instant now = Instant.now();
            String problem = OpcUaClients.describe(e, attempt, config.security());
            boolean untrusted = OpcUaClients.untrustedServer(attempt);
            if (untrusted) {
                markDown(DOWN_UNTRUSTED);
            }
            if (!problem.equals(lastConnectProblem)
                    || Duration.between(lastConnectWarning, now).compareTo(WARN_EVERY) >= 0) {
                lastConnectWarning = now;
                lastConnectProblem = problem;
                log.warn(
                        "OPC UA connector {}: cannot connect to {} ({}); retrying with backoff up to {} s",
                        config.name(),
                        config.endpoint(),
                        problem,
                        config.reconnect().maxDelay().toSeconds());
            } else {
                log.debug("OPC UA connector {}: connection attempt {} failed: {}", config.name(), failures, problem);
            }
            scheduleConnect();
        }
    }

    private OpcUaClient newClient(OpcUaClients.Attempt attempt) throws UaException, IOException {
        long timeoutMs = config.requestTimeout().toMillis();
        return OpcUaClients.create(
                config.endpoint(),
                config.security(),
                config.name(),
                "FloorLink edge agent",
                config.requestTimeout(),
                attempt,
                client -> client.setSessionTimeout(uint(60_000))
                        .setKeepAliveInterval(uint(2_000))
                        .setKeepAliveTimeout(uint(Math.min(timeoutMs, 5_000))));
    }

    /** Resolves node ids (namespace URIs) and the datatypes of points configured without a type. */
    private void resolveNodes(Session s) throws UaException {
        List<PointState> needType = new ArrayList<>();
        for (DeviceState d : devices) {
            for (PointState p : d.points) {
                p.nodeId = null;
                p.type = p.config.type();
                String node = p.config.node().trim();
                if (node.startsWith("nsu=")) {
                    p.nodeId = ExpandedNodeId.parse(node)
                            .toNodeId(s.client.getNamespaceTable())
                            .orElse(null);
                    if (p.nodeId == null) {
                        warnPoint(p, "namespace of node " + node + " is unknown to the server");
                    }
                } else {
                    p.nodeId = NodeId.parse(node);
                }
                if (p.type == null && p.nodeId != null) {
                    needType.add(p);
                }
            }
        }
        if (!needType.isEmpty()) {
            List<ReadValueId> ids = needType.stream()
                    .map(p -> new ReadValueId(p.nodeId, AttributeId.DataType.uid(), null, QualifiedName.NULL_VALUE))
                    .toList();
            List<DataValue> results = s.ops.read(ids, TimestampsToReturn.Neither);
            for (int i = 0; i < needType.size(); i++) {
                PointState p = needType.get(i);
                DataValue dv = results.get(i);
                if (dv.statusCode().isGood() && dv.value().value() instanceof NodeId dataTypeId) {
                    p.type = resolveType(s.client, p, dataTypeId);
                } else {
                    warnPoint(
                            p,
                            "cannot read the DataType of node " + p.config.node() + " ("
                                    + OpcUaValues.statusName(dv.statusCode())
                                    + "); declared as Double until it resolves");
                }
            }
        }
        for (DeviceState d : devices) {
            for (PointState p : d.points) {
                if (p.type == null) {
                    p.type = DataType.DOUBLE;
                }
            }
        }
    }

    private DataType resolveType(OpcUaClient client, PointState p, NodeId dataTypeId) {
        OpcUaDataType builtin = null;
        if (dataTypeId.getNamespaceIndex().intValue() == 0 && dataTypeId.getIdentifier() instanceof Number n) {
            builtin = OpcUaDataType.fromTypeId(n.intValue());
        }
        if (builtin == null) {
            try {
                // Subtypes (UtcTime, Duration, enumerations, vendor types) resolve through the type tree.
                builtin = client.getDataTypeTree().getBuiltinType(dataTypeId);
            } catch (Exception e) {
                log.debug("OPC UA connector {}: type tree lookup of {} failed", config.name(), dataTypeId, e);
            }
        }
        DataType type = OpcUaValues.dataTypeOf(builtin);
        if (type == null) {
            warnPoint(
                    p,
                    "OPC UA type " + (builtin == null ? dataTypeId : builtin) + " of node " + p.config.node()
                            + " has no Sparkplug equivalent; sent as String");
            return DataType.STRING;
        }
        return type;
    }

    private void subscribe(Session s) throws UaException {
        List<PointState> wanted = new ArrayList<>();
        for (DeviceState d : devices) {
            for (PointState p : d.points) {
                p.polled = p.config.mode() == PointMode.POLL || p.nodeId == null;
                if (!p.polled) {
                    wanted.add(p);
                }
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        Duration smallest = wanted.stream()
                .map(p -> p.config.interval())
                .min(Duration::compareTo)
                .orElseThrow();
        Duration publishing = smallest.compareTo(MIN_PUBLISHING_INTERVAL) < 0
                ? MIN_PUBLISHING_INTERVAL
                : smallest.compareTo(MAX_PUBLISHING_INTERVAL) > 0 ? MAX_PUBLISHING_INTERVAL : smallest;
        OpcUaSubscription subscription = new OpcUaSubscription(s.client, publishing.toMillis());
        subscription.setSubscriptionListener(new DataListener(s.gen));
        subscription.create();
        s.subscription = subscription;
        List<OpcUaMonitoredItem> items = new ArrayList<>(wanted.size());
        for (PointState p : wanted) {
            OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(p.nodeId);
            item.setSamplingInterval(p.config.interval().toMillis());
            item.setQueueSize(uint(p.config.effectiveQueueSize()));
            item.setDiscardOldest(true);
            item.setUserObject(p);
            items.add(item);
        }
        subscription.addMonitoredItems(items);
        for (MonitoredItemServiceOperationResult r : s.ops.createMonitoredItems(subscription)) {
            PointState p = (PointState) r.monitoredItem().getUserObject().orElseThrow();
            StatusCode op = r.operationResult().orElse(r.serviceResult());
            if (r.serviceResult().isGood() && op.isGood()) {
                s.subscribedCount++;
                long configured = p.config.interval().toMillis();
                long revised = r.monitoredItem()
                        .getRevisedSamplingInterval()
                        .map(Double::longValue)
                        .orElse(configured);
                // A server may sample faster than asked; it never confirms more reads than were configured.
                p.samplingMillis = Math.max(configured, revised);
            } else {
                p.polled = true;
                subscription.removeMonitoredItem(r.monitoredItem());
                log.info(
                        "OPC UA connector {}: server refused a monitored item for device {} point {} ({}); polling it",
                        config.name(),
                        p.device.id,
                        p.config.id(),
                        OpcUaValues.statusName(op));
            }
        }
    }

    private void startPolls(Session s) {
        Map<Duration, List<PointState>> groups = new TreeMap<>();
        for (DeviceState d : devices) {
            for (PointState p : d.points) {
                if (p.polled) {
                    groups.computeIfAbsent(p.config.interval(), k -> new ArrayList<>())
                            .add(p);
                    s.polledCount++;
                }
            }
        }
        for (Map.Entry<Duration, List<PointState>> g : groups.entrySet()) {
            PollGroup group = new PollGroup(s, g.getValue());
            long period = g.getKey().toMillis();
            s.polls.add(worker.scheduleAtFixedRate(group::poll, 0, period, TimeUnit.MILLISECONDS));
        }
    }

    // ---- session loss (worker thread) ----

    private void sessionLost(long gen, String why) {
        Session s = session;
        if (s == null || s.gen != gen || closed) {
            return;
        }
        settleSubscribed(gen, Instant.now());
        session = null;
        s.cancelPolls();
        metrics.sessionActive.set(0);
        metrics.pointsPolled.set(0);
        metrics.sessionsLost.increment();
        log.warn("OPC UA connector {}: session to {} lost ({}); reconnecting", config.name(), config.endpoint(), why);
        for (DeviceState d : devices) {
            if (d.health == Health.UP) {
                sink.deviceDown(d.id, "session_lost");
                metrics.devicesUp.decrementAndGet();
            }
            d.health = Health.DOWN;
        }
        s.client.disconnectAsync();
        failures = 1;
        scheduleConnect();
    }

    // ---- values (worker thread) ----

    private void onValues(long gen, List<PointState> points, List<DataValue> values, Instant received) {
        Session s = session;
        if (s == null || s.gen != gen) {
            return;
        }
        Map<DeviceState, long[]> reads = new LinkedHashMap<>();
        Map<DeviceState, List<PointSample>> byDevice = new LinkedHashMap<>();
        for (int i = 0; i < points.size(); i++) {
            PointState p = points.get(i);
            DataValue dv = values.get(i);
            StatusCode status = dv.statusCode();
            Quality quality = OpcUaValues.quality(status);
            Object value = null;
            if (quality != Quality.BAD) {
                try {
                    value = OpcUaValues.toJava(dv.value().value(), p.type);
                } catch (IllegalArgumentException e) {
                    metrics.valuesRejected.increment();
                    warnValue(p, e.getMessage());
                }
                if (value == null) {
                    quality = Quality.BAD;
                }
            }
            long[] count = reads.computeIfAbsent(p.device, k -> new long[2]);
            if (p.polled || p.accountedTo == null) {
                // A poll is one read; so is the first value of a monitored item in a session.
                count[quality == Quality.BAD ? 1 : 0]++;
                if (!p.polled) {
                    p.accountedTo = received;
                }
            } else {
                settle(p, received, count);
            }
            p.lastStatus = status;
            byDevice.computeIfAbsent(p.device, k -> new ArrayList<>())
                    .add(new PointSample(
                            p.device.id,
                            p.config.id(),
                            value,
                            quality,
                            OpcUaValues.sourceTime(dv, received),
                            received));
        }
        List<PointSample> samples = new ArrayList<>(points.size());
        List<DeviceState> downs = new ArrayList<>();
        for (Map.Entry<DeviceState, List<PointSample>> e : byDevice.entrySet()) {
            DeviceState d = e.getKey();
            Health before = d.health;
            Health after = d.evaluate();
            d.health = after;
            if (after == Health.UP && before != Health.UP) {
                sink.deviceUp(d.id, d.specs());
                metrics.devicesUp.incrementAndGet();
                log.info("OPC UA connector {}: device {} up", config.name(), d.id);
            } else if (after == Health.DOWN && before == Health.UP) {
                downs.add(d);
            } else if (after == Health.DOWN && before == Health.UNKNOWN) {
                log.info(
                        "OPC UA connector {}: device {} not reachable behind the server (no communication)",
                        config.name(),
                        d.id);
            }
            if (after == Health.UP || before == Health.UP) {
                samples.addAll(e.getValue());
            }
        }
        if (!samples.isEmpty()) {
            sink.samples(samples);
        }
        reportReads(reads);
        for (DeviceState d : downs) {
            sink.deviceDown(d.id, "no_communication");
            metrics.devicesUp.decrementAndGet();
            log.info("OPC UA connector {}: device {} down (no communication)", config.name(), d.id);
        }
    }

    /**
     * Report-by-exception hides "sampled, unchanged" behind "no notification". While the subscription is alive
     * (keep-alives arrive, else the watchdog ends the session) the server samples every monitored item at its
     * revised interval, so each elapsed interval is one read, good or failed by the item's latest status
     * (OPC UA Part 4, 5.12.1.2). Counting only notifications would make a steady, healthy machine look
     * incomplete.
     */
    private void settleSubscribed(long gen, Instant now) {
        Session s = session;
        if (s == null || s.gen != gen) {
            return;
        }
        Map<DeviceState, long[]> reads = new LinkedHashMap<>();
        for (DeviceState d : devices) {
            for (PointState p : d.points) {
                if (!p.polled && p.accountedTo != null) {
                    settle(p, now, reads.computeIfAbsent(d, k -> new long[2]));
                }
            }
        }
        reportReads(reads);
    }

    /** Adds the whole sampling intervals since {@code p.accountedTo} to {@code count} under the latest status. */
    private static void settle(PointState p, Instant until, long[] count) {
        long interval = Math.max(1, p.samplingMillis);
        long elapsed = Duration.between(p.accountedTo, until).toMillis();
        if (elapsed < interval) {
            return;
        }
        long n = elapsed / interval;
        count[p.lastStatus != null && p.lastStatus.isBad() ? 1 : 0] += n;
        p.accountedTo = p.accountedTo.plusMillis(n * interval);
    }

    private void reportReads(Map<DeviceState, long[]> reads) {
        for (Map.Entry<DeviceState, long[]> e : reads.entrySet()) {
            long[] c = e.getValue();
            if (c[0] == 0 && c[1] == 0) {
                continue;
            }
            metrics.readsOk.add(c[0]);
            metrics.readsFailed.add(c[1]);
            sink.reads(e.getKey().id, c[0], c[1]);
        }
    }

    private void warnPoint(PointState p, String message) {
        log.warn("OPC UA connector {}: device {} point {}: {}", config.name(), p.device.id, p.config.id(), message);
    }

    private void warnValue(PointState p, String message) {
        Instant now = Instant.now();
        if (Duration.between(lastValueWarning, now).compareTo(WARN_EVERY) >= 0) {
            log.warn(
                    "OPC UA connector {}: device {} point {}: value rejected as {}: {} ({} similar warnings suppressed)",
                    config.name(),
                    p.device.id,
                    p.config.id(),
                    p.type,
                    message,
                    suppressedValueWarnings);
            lastValueWarning = now;
            suppressedValueWarnings = 0;
        } else {
            suppressedValueWarnings++;
        }
    }

    private void submit(Runnable task) {
        try {
            worker.execute(task);
        } catch (RejectedExecutionException e) {
            // closing: late Milo callbacks are dropped
        }
    }

    // ---- state ----

    private enum Health {
        UNKNOWN,
        UP,
        DOWN
    }

    private static final class DeviceState {
        final String id;
        final List<PointState> points = new ArrayList<>();
        Health health = Health.UNKNOWN;
        // Last reason reported while the connector cannot connect; cleared when a session opens.
        String downReason;

        DeviceState(String id) {
            this.id = id;
        }

        void resetForSession() {
            health = Health.UNKNOWN;
            downReason = null;
            for (PointState p : points) {
                p.lastStatus = null;
                p.accountedTo = null;
            }
        }

        List<PointSpec> specs() {
            List<PointSpec> specs = new ArrayList<>(points.size());
            for (PointState p : points) {
                Point c = p.config;
                specs.add(new PointSpec(c.id(), p.type, c.category(), c.unit(), c.interval(), c.engLow(), c.engHigh()));
            }
            return specs;
        }

        Health evaluate() {
            boolean live = false;
            boolean commFailure = false;
            boolean allReported = true;
            for (PointState p : points) {
                StatusCode s = p.lastStatus;
                if (s == null) {
                    allReported = false;
                } else if (!s.isBad()) {
                    live = true;
                } else if (OpcUaValues.isNoCommunication(s)) {
                    commFailure = true;
                }
            }
            return switch (health) {
                case UNKNOWN ->
                    live ? Health.UP : allReported ? (commFailure ? Health.DOWN : Health.UP) : Health.UNKNOWN;
                case UP -> !live && commFailure ? Health.DOWN : Health.UP;
                case DOWN -> live ? Health.UP : Health.DOWN;
            };
        }
    }

    private static final class PointState {
        final DeviceState device;
        final Point config;
        // Per session, resolved on connect.
        NodeId nodeId;
        DataType type;
        boolean polled;
        StatusCode lastStatus;
        // Subscribed points: the server's sampling interval and how far reads are accounted.
        long samplingMillis;
        Instant accountedTo;

        PointState(DeviceState device, Point config) {
            this.device = device;
            this.config = config;
        }
    }

    private final class Session {
        final long gen;
        final OpcUaClient client;
        final OpcUaOperations ops;
        final List<ScheduledFuture<?>> polls = new ArrayList<>();
        OpcUaSubscription subscription;
        int subscribedCount;
        int polledCount;

        Session(long gen, OpcUaClient client, OpcUaOperations ops) {
            this.gen = gen;
            this.client = client;
            this.ops = ops;
        }

        void cancelPolls() {
            polls.forEach(f -> f.cancel(false));
            polls.clear();
        }
    }

    /** Points polled at one interval: one Read per period for all of them, split to the server's limits. */
    private final class PollGroup {
        private final Session session;
        private final List<PointState> points;
        private final List<PointState> readable = new ArrayList<>();
        private final List<ReadValueId> ids = new ArrayList<>();
        private final AtomicBoolean inFlight = new AtomicBoolean();

        PollGroup(Session session, List<PointState> points) {
            this.session = session;
            this.points = points;
            for (PointState p : points) {
                if (p.nodeId != null) {
                    readable.add(p);
                    ids.add(new ReadValueId(p.nodeId, AttributeId.Value.uid(), null, QualifiedName.NULL_VALUE));
                }
            }
        }

        void poll() {
            if (!inFlight.compareAndSet(false, true)) {
                metrics.pollsSkipped.increment();
                return;
            }
            Instant now = Instant.now();
            List<PointState> unresolved =
                    points.stream().filter(p -> p.nodeId == null).toList();
            if (!unresolved.isEmpty()) {
                DataValue missing = new DataValue(new StatusCode(StatusCodes.Bad_NodeIdUnknown));
                onValues(
                        session.gen,
                        unresolved,
                        unresolved.stream().map(p -> missing).toList(),
                        now);
            }
            if (ids.isEmpty()) {
                inFlight.set(false);
                return;
            }
            metrics.pollRequests.increment();
            CompletableFuture<List<DataValue>> read = session.ops.readAsync(ids, TimestampsToReturn.Both);
            read.whenComplete((results, error) -> {
                Instant received = Instant.now();
                List<DataValue> values;
                if (error != null) {
                    StatusCode status = error instanceof UaException ua
                            ? ua.getStatusCode()
                            : error.getCause() instanceof UaException ua2
                                    ? ua2.getStatusCode()
                                    : new StatusCode(StatusCodes.Bad_UnexpectedError);
                    DataValue failed = new DataValue(status);
                    values = readable.stream().map(p -> failed).toList();
                } else {
                    values = results;
                }
                submit(() -> {
                    inFlight.set(false);
                    onValues(session.gen, readable, values, received);
                });
            });
        }
    }

    private final class SessionListener implements SessionActivityListener {
        private final long gen;

        SessionListener(long gen) {
            this.gen = gen;
        }

        @Override
        public void onSessionInactive(UaSession s) {
            submit(() -> sessionLost(gen, "session inactive"));
        }
    }

    private final class DataListener implements OpcUaSubscription.SubscriptionListener {
        private final long gen;

        DataListener(long gen) {
            this.gen = gen;
        }

        @Override
        public void onDataReceived(
                OpcUaSubscription subscription, List<OpcUaMonitoredItem> items, List<DataValue> values) {
            Instant received = Instant.now();
            metrics.notifications.add(values.size());
            List<PointState> points = new ArrayList<>(items.size());
            for (OpcUaMonitoredItem item : items) {
                points.add((PointState) item.getUserObject().orElseThrow());
            }
            List<DataValue> copy = List.copyOf(values);
            submit(() -> onValues(gen, points, copy, received));
        }

        @Override
        public void onStatusChanged(OpcUaSubscription subscription, StatusCode status) {
            if (status.isBad()) {
                submit(() -> sessionLost(gen, "subscription status " + OpcUaValues.statusName(status)));
            }
        }

        @Override
        public void onWatchdogTimerElapsed(OpcUaSubscription subscription) {
            submit(() -> sessionLost(gen, "no publish response within the subscription's keep-alive time"));
        }

        @Override
        public void onTransferFailed(OpcUaSubscription subscription, StatusCode status) {
            submit(() -> sessionLost(gen, "subscription transfer failed: " + OpcUaValues.statusName(status)));
        }
    }
}
