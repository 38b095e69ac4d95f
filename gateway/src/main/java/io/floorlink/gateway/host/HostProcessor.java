package io.floorlink.gateway.host;

import io.floorlink.gateway.facts.DeviceFacts;
import io.floorlink.gateway.facts.EdgeReceipt;
import io.floorlink.gateway.facts.FactsAggregator;
import io.floorlink.gateway.facts.FactsBatch;
import io.floorlink.gateway.facts.PlatformGap;
import io.floorlink.gateway.facts.PointFacts;
import io.floorlink.gateway.facts.RidRanges;
import io.floorlink.gateway.facts.SessionOp;
import io.floorlink.sparkplug.Limits;
import io.floorlink.sparkplug.MessageType;
import io.floorlink.sparkplug.MetricNames;
import io.floorlink.sparkplug.Metrics;
import io.floorlink.sparkplug.Receipt;
import io.floorlink.sparkplug.SparkplugException;
import io.floorlink.sparkplug.Topic;
import io.floorlink.sparkplug.host.HostSession;
import io.floorlink.sparkplug.host.LiveView;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload;
import io.floorlink.sparkplug.proto.SparkplugBProto.Payload.Metric;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's single processing thread: takes raw MQTT messages from a bounded lock-free queue (filled by the
 * MQTT callbacks of every server, which never block), applies the Sparkplug session rules per edge node ({@link
 * HostSession}) and aggregates facts in memory. Every flush interval (or on request) it hands the gathered facts
 * to the writer; after a batch is committed it publishes a {@link Receipt} for every edge node whose record ids
 * the batch stored. All state below the queue is confined to the processing thread.
 */
public final class HostProcessor {
    private static final Logger log = LoggerFactory.getLogger(HostProcessor.class);
    private static final long REBIRTH_MIN_INTERVAL_MS = 5_000;
    /** How long DDATA of a node not born (for this host) waits for the rebirth it asked for. */
    static final long PARK_TIMEOUT_MS = 60_000;
    /** Most DDATA messages parked per node (memory bound); more are ignored like any data before NBIRTH. */
    static final int PARK_MAX_PER_NODE = 10_000;
    /** Most DDATA messages parked over all nodes (memory bound); more are ignored like any data before NBIRTH. */
    static final int PARK_MAX_TOTAL = 100_000;
    /**
     * Most edge nodes the host keeps state for. At the limit, nodes that never were born and hold nothing (e.g.
     * spoofed node ids) are forgotten; if that frees nothing, a message of a new node id is refused (counted as
     * ignored{reason=limit}).
     */
    static final int MAX_EDGE_NODES = 10_000;
    /**
     * Most rebirth requests (NCMD) sent per second over all edge nodes (a token bucket holding up to one second's
     * worth), so many spoofed or misbehaving node ids cannot make the host flood the broker; a request over the
     * limit is counted and the node asked again after its own minimum interval.
     */
    static final int MAX_REBIRTHS_PER_SECOND = 50;
    /**
     * Most (group, edge node, UTC minute) {@link PlatformGap.Cause#DECODE_ERRORS} rows gathered between two flushes
     * (memory and store bound against many spoofed node ids); decode errors of further nodes are only counted
     * ({@code floorlink.gateway.decode.errors.unattributed{reason=overflow}}) and summed up in one warning per flush.
     */
    public static final int MAX_GAP_NODES_PER_FLUSH = 1000;
    /** How often a flush held back by a full writer is tried again. */
    private static final long BLOCKED_RECHECK_MS = 100;
    /**
     * Largest share of a core the facts writer may spend writing before the flush interval is stretched: a batch's
     * write costs about the same whatever its interval (one minute, hour and day row per point it touched), so at
     * high load a longer interval is what lowers the writer's CPU.
     */
    static final double MAX_WRITER_BUSY = 1.0 / 3;

    private record Inbound(String topic, byte[] payload, long receivedAt) {}

    private record DecodeKey(String group, String edgeNode, long minute) {}

    /** Decode errors of one node in one minute since the last flush, with the first one's explanation. */
    private static final class DecodeCount {
        final String first;
        long events;

        DecodeCount(String first) {
            this.first = first;
        }
    }

    /** A message held back because it arrived ahead of a missing seq. */
    private record Held(Inbound in, Topic topic, Payload payload) {}

    private final ConcurrentLinkedQueue<Inbound> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** Payload bytes of the messages in {@link #queue}. */
    private final AtomicLong queuedBytes = new AtomicLong();

    private final int capacity;
    private volatile long maxQueuedBytes = Long.MAX_VALUE;
    private final long flushIntervalMs;
    private volatile long flushIntervalMaxMs;
    private volatile java.util.function.LongSupplier writeCpuMillis = () -> 0;
    /** The interval the last flush scheduled the next one with, ms. */
    private volatile long currentIntervalMs;

    private final long reorderTimeoutMs;
    private final Function<FactsBatch, CompletableFuture<?>> writer;
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> flushRequests = new ConcurrentLinkedQueue<>();
    private final Throttle throttle;
    private final HostMetrics metrics;
    private final Uplinks uplinks;
    private final ConcurrentLinkedQueue<CompletableFuture<List<LiveView.Node>>> viewRequests =
            new ConcurrentLinkedQueue<>();
    private final String hostId;
    private volatile boolean sleeping;
    private volatile boolean running = true;
    private final Thread thread;

    private final Map<String, Map<String, NodeState>> nodes = new HashMap<>();
    /** Decode errors per node and minute since the last flush, at most {@link #MAX_GAP_NODES_PER_FLUSH} keys. */
    private final Map<DecodeKey, DecodeCount> decodeGaps = new java.util.LinkedHashMap<>();
    /** Decode errors since the last flush not recorded because {@link #decodeGaps} was full. */
    private long decodeOverflow;
    /** Received record ids as loaded from the store at start, keyed group/node; taken over at NBIRTH. */
    private final Map<String, RidRanges> storedReceipts = new HashMap<>();

    /** End reason of the sessions of a group the gateway gave up or lost ({@code gateway.cluster}). */
    public static final String END_LEASE_LOST = "lease_lost";

    /** In a cluster, the groups this host serves and the lease epoch of each; null outside a cluster. */
    private Map<String, Long> groupEpochs;
    /** Groups given up since the last flush, with the epoch their facts still in the aggregator were gathered under. */
    private final Map<String, Long> staleEpochs = new HashMap<>();
    /**
     * Received record ids of the edge nodes of groups given up since the last flush: written with the group's last
     * facts, so whoever takes the group over reads them and does not count those records again.
     */
    private final List<EdgeReceipt> droppedReceipts = new ArrayList<>();
    /** Futures of drops waiting for the flush that carries the group's last facts. */
    private final List<CompletableFuture<Void>> dropsWaiting = new ArrayList<>();
    /** Adoptions of a group given up since the last flush: applied after it, so no batch mixes two epochs. */
    private final Map<String, Runnable> afterFlush = new java.util.LinkedHashMap<>();
    /** Lease changes from other threads, applied on the processing thread. */
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    /** Whether a group's lease of the given epoch is still held; receipts are only published for those. */
    private volatile java.util.function.BiPredicate<String, Long> leaseHeld;

    private int nodesHolding;
    private int nodesParking;
    private int parkedTotal;
    private int nodeCount;
    private long lastForgetSweep = Long.MIN_VALUE / 2;
    private volatile int openEdgeSessions;
    private final FactsAggregator facts;
    private volatile java.util.function.BooleanSupplier writerReady = () -> true;
    /** When a due flush was first held back by a full writer (epoch ms), 0 when not held back. */
    private long blockedSince;
    /** Global token bucket for rebirth requests: tokens and the time they were last refilled. */
    private double rebirthTokens = MAX_REBIRTHS_PER_SECOND;

    private long rebirthRefilledAt = Long.MIN_VALUE;

    /**
     * @param capacity most messages waiting before new ones are dropped (and counted)
     * @param writer takes a batch and returns a future completing when it is stored
     */
    public HostProcessor(
            String hostId, int capacity, long flushIntervalMs, Function<FactsBatch, CompletableFuture<?>> writer) {
        this(hostId, capacity, flushIntervalMs, 2_000, Map.of(), writer);
    }

    /**
     * @param capacity most messages waiting before new ones are dropped (and counted)
     * @param reorderTimeoutMs how long a message that arrived ahead of a missing seq is held for the gap to fill
     * @param receipts received record ids per edge node from the store ({@link
     *     io.floorlink.gateway.facts.FactsStore#loadReceipts}), keyed {@code group/node}; copied
     * @param writer takes a batch and returns a future completing when it is stored
     */
    public HostProcessor(
            String hostId,
            int capacity,
            long flushIntervalMs,
            long reorderTimeoutMs,
            Map<String, RidRanges> receipts,
            Function<FactsBatch, CompletableFuture<?>> writer) {
        this.hostId = hostId;
        this.capacity = capacity;
        this.flushIntervalMs = flushIntervalMs;
        this.flushIntervalMaxMs = flushIntervalMs;
        this.currentIntervalMs = flushIntervalMs;
        this.reorderTimeoutMs = reorderTimeoutMs;
        this.storedReceipts.putAll(receipts);
        this.writer = writer;
        this.facts = new FactsAggregator(this::sampleRejected);
        this.metrics = new HostMetrics(
                queued::get,
                queuedBytes::get,
                () -> openEdgeSessions,
                facts::openDeviceSessions,
                () -> currentIntervalMs / 1000.0);
        this.throttle = new Throttle(30_000, () -> metrics.warningsSuppressed.increment());
        this.uplinks = new Uplinks(hostId, metrics);
        this.thread = new Thread(this::run, "floorlink-host-" + hostId);
        this.thread.setDaemon(true);
    }

    /** The processor's meters; bind them before {@link #start}. */
    public io.micrometer.core.instrument.binder.MeterBinder meterBinder() {
        return metrics;
    }

    /**
     * Hands every accepted sample (after record-id deduplication and the declaration checks, as the facts count it)
     * to {@code sink} as well, on the processing thread; null for none. Call before {@link #start}.
     */
    public void sampleSink(io.floorlink.gateway.facts.SampleSink sink) {
        facts.sampleSink(sink);
    }

    /** Adds a server the host is connected to: rebirth requests and receipts go to every one added. */
    public void addUplink(Uplink uplink) {
        uplinks.add(uplink);
    }

    /**
     * Makes this host serve only the groups {@link #adoptGroup adopted} (a gateway of a cluster): messages of
     * other groups are ignored, every batch carries the lease epoch of each group it has facts of ({@link
     * FactsBatch#leases}), and a receipt is published only while {@code leaseHeld} says that lease is still held.
     * Call before {@link #start}.
     *
     * @param leaseHeld group and epoch to whether that lease is held now; thread-safe, must not block
     */
    public void cluster(java.util.function.BiPredicate<String, Long> leaseHeld) {
        this.leaseHeld = leaseHeld;
        this.groupEpochs = new HashMap<>();
    }

    /**
     * Starts serving {@code group} under lease {@code epoch}, with the received record ids stored for its edge
     * nodes ({@code receipts}, keyed {@code group/node}, read after the lease was taken). Its edge nodes are
     * unknown until their next NBIRTH: their data makes the host ask for a rebirth. Never blocks; the future
     * completes when the processing thread has applied it.
     */
    public CompletableFuture<Void> adoptGroup(String group, long epoch, Map<String, RidRanges> receipts) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        command(() -> {
            if (staleEpochs.containsKey(group)) {
                afterFlush.put(group, () -> adopt(group, epoch, receipts, done));
            } else {
                adopt(group, epoch, receipts, done);
            }
        });
        return done;
    }

    /**
     * Stops serving {@code group}: its edge nodes are forgotten (their open sessions end with {@link
     * #END_LEASE_LOST}) and its messages ignored from now on. Never blocks; the future completes once the batch
     * with the group's last facts was written or refused.
     */
    public CompletableFuture<Void> dropGroup(String group) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        command(() -> drop(group, done));
        return done;
    }

    private void command(Runnable r) {
        commands.add(r);
        LockSupport.unpark(thread);
    }

    private void runCommands() {
        for (Runnable r; (r = commands.poll()) != null; ) {
            r.run();
        }
    }

    private void adopt(String group, long epoch, Map<String, RidRanges> receipts, CompletableFuture<Void> done) {
        storedReceipts.keySet().removeIf(k -> k.startsWith(group + "/"));
        storedReceipts.putAll(receipts);
        groupEpochs.put(group, epoch);
        if (log.isDebugEnabled()) {
            receipts.forEach((k, v) -> log.debug(
                    "group {} adopted (lease epoch {}): stored receipt of {}, epoch {}: {}",
                    group,
                    epoch,
                    k,
                    v.epoch(),
                    Receipt.describe(v.ranges())));
            log.debug("group {} adopted (lease epoch {}) with {} stored receipts", group, epoch, receipts.size());
        }
        done.complete(null);
    }

    private void drop(String group, CompletableFuture<Void> done) {
        // a later drop cancels an adoption still waiting for the flush
        afterFlush.remove(group);
        Long epoch = groupEpochs == null ? null : groupEpochs.remove(group);
        if (epoch == null) {
            done.complete(null);
            return;
        }
        staleEpochs.put(group, epoch);
        log.debug("group {} dropped (lease epoch {})", group, epoch);
        storedReceipts.keySet().removeIf(k -> k.startsWith(group + "/"));
        Map<String, NodeState> byNode = nodes.remove(group);
        long now = System.currentTimeMillis();
        if (byNode != null) {
            for (NodeState node : byNode.values()) {
                if (node.receipts != null) {
                    List<long[]> ranges = node.receipts.takeSnapshotIfDirty();
                    if (ranges != null) {
                        droppedReceipts.add(new EdgeReceipt(node.group, node.edgeNode, node.receipts.epoch(), ranges));
                    }
                }
                nodeCount--;
                if (node.session.heldCount() > 0) {
                    nodesHolding--;
                }
                if (!node.parked.isEmpty()) {
                    nodesParking--;
                    parkedTotal -= node.parked.size();
                }
                if (node.session.isBorn()) {
                    facts.add(new SessionOp.CloseEdge(node.group, node.edgeNode, now, END_LEASE_LOST));
                    openEdgeSessions--;
                }
                closeDevices(node, now, END_LEASE_LOST);
            }
        }
        dropsWaiting.add(done);
    }

    /**
     * A snapshot of the live state of every edge node seen (nodes, devices, metrics with value, quality, timestamp
     * and STALE), taken on the processing thread. Never blocks; the future completes within one processing loop.
     */
    public CompletableFuture<List<LiveView.Node>> requestLiveView() {
        CompletableFuture<List<LiveView.Node>> f = new CompletableFuture<>();
        if (!running) {
            f.completeExceptionally(new IllegalStateException("host processor is stopped"));
            return f;
        }
        viewRequests.add(f);
        LockSupport.unpark(thread);
        return f;
    }

    private void answerViewRequests() {
        if (viewRequests.isEmpty()) {
            return;
        }
        List<LiveView.Node> view = new ArrayList<>();
        for (Map<String, NodeState> group : nodes.values()) {
            for (NodeState node : group.values()) {
                if (node.session.bdSeq() != null) {
                    view.add(node.session.view());
                }
            }
        }
        view.sort(java.util.Comparator.comparing(LiveView.Node::groupId).thenComparing(LiveView.Node::edgeNodeId));
        List<LiveView.Node> result = List.copyOf(view);
        for (CompletableFuture<List<LiveView.Node>> f; (f = viewRequests.poll()) != null; ) {
            f.complete(result);
        }
    }

    public void start() {
        thread.start();
    }

    /**
     * Bounds the payload bytes waiting in the processing queue as well as their count: a message that would take
     * the queue above {@code bytes} is dropped (and counted) unless the queue is empty. Bounds the heap the queue
     * takes when the processing thread falls behind (large DDATA payloads). Call before {@link #start}.
     *
     * @param bytes most payload bytes waiting, positive
     */
    public void maxQueuedBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("bytes must be positive: " + bytes);
        }
        this.maxQueuedBytes = bytes;
    }

    /**
     * Queues one received message; never blocks. Safe on MQTT callback threads.
     *
     * @return false when the queue was full (messages or payload bytes) and the message was dropped (counted)
     */
    public boolean offer(String topic, byte[] payload, long receivedAt) {
        int n = queued.incrementAndGet();
        long bytes = queuedBytes.addAndGet(payload.length);
        if (n > capacity || (bytes > maxQueuedBytes && n > 1)) {
            queued.decrementAndGet();
            queuedBytes.addAndGet(-payload.length);
            metrics.queueDropped.increment();
            long suppressed = throttle.allow("queue-full", receivedAt);
            if (suppressed >= 0) {
                log.warn(
                        "processing queue full ({} messages or {} payload bytes): dropping messages ({} more since"
                                + " last warning)",
                        capacity,
                        maxQueuedBytes,
                        suppressed);
            }
            return false;
        }
        queue.offer(new Inbound(topic, payload, receivedAt));
        if (sleeping) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    /** Asks for everything received so far to be written; the future completes when it is stored. */
    public CompletableFuture<Void> requestFlush() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        flushRequests.add(f);
        LockSupport.unpark(thread);
        return f;
    }

    /** Processes what is queued, flushes once more and ends the thread; blocks up to {@code timeoutMs}. */
    public void stop(long timeoutMs) throws InterruptedException {
        CompletableFuture<Void> last = requestFlush();
        running = false;
        LockSupport.unpark(thread);
        thread.join(timeoutMs);
        try {
            last.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("final flush did not complete: {}", e.toString());
        }
    }

    private void run() {
        long nextFlush = System.currentTimeMillis() + flushIntervalMs;
        while (true) {
            runCommands();
            if (flushRequests.peek() != null && writerReady()) {
                // A flush covers what was received before it was asked for.
                for (int n = queued.get(); n > 0; n--) {
                    if (!processOne()) {
                        break;
                    }
                }
                flush();
                nextFlush = System.currentTimeMillis() + nextInterval();
            }
            answerViewRequests();
            boolean worked = false;
            for (int i = 0; i < 1024 && processOne(); i++) {
                worked = true;
            }
            long now = System.currentTimeMillis();
            long nextRelease = nodesHolding > 0 ? releaseTimedOut(now) : Long.MAX_VALUE;
            if (nodesParking > 0) {
                expireParked(now);
            }
            if (now >= nextFlush) {
                if (writerReady()) {
                    flush();
                    nextFlush = now + nextInterval();
                } else {
                    // back-pressure: keep aggregating into the current batch (no receipts, so the edges keep
                    // their records) and look again soon
                    if (blockedSince == 0) {
                        blockedSince = now;
                    }
                    nextFlush = now + BLOCKED_RECHECK_MS;
                }
            }
            if (!running && queue.isEmpty() && flushRequests.isEmpty()) {
                for (CompletableFuture<List<LiveView.Node>> f; (f = viewRequests.poll()) != null; ) {
                    f.completeExceptionally(new IllegalStateException("host processor is stopped"));
                }
                return;
            }
            if (!worked) {
                sleeping = true;
                if (queue.isEmpty()
                        && commands.isEmpty()
                        && (flushRequests.isEmpty() || !writerReady())
                        && viewRequests.isEmpty()
                        && (running || !flushRequests.isEmpty())) {
                    long wake = Math.min(nextFlush, nextRelease);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.max(1, Math.min(wake - now, 200))));
                }
                sleeping = false;
            }
        }
    }

    private boolean processOne() {
        Inbound in = queue.poll();
        if (in == null) {
            return false;
        }
        queued.decrementAndGet();
        queuedBytes.addAndGet(-in.payload().length);
        try {
            handle(in);
        } catch (SparkplugException e) {
            decodeError(in.topic(), e.getMessage(), in.receivedAt());
        } catch (RuntimeException e) {
            handleError(in, e);
        }
        return true;
    }

    private void handleError(Inbound in, RuntimeException e) {
        long suppressed = throttle.allow("handle-error", in.receivedAt());
        if (suppressed >= 0) {
            log.error("failed to process message on {} ({} similar suppressed)", in.topic(), suppressed, e);
        }
    }

    /**
     * The flush interval, stretched while the last write cost the writer more CPU time than {@link #MAX_WRITER_BUSY}
     * of it, up to the maximum.
     */
    private long nextInterval() {
        long wanted = Math.round(writeCpuMillis.getAsLong() / MAX_WRITER_BUSY);
        long interval = Math.max(flushIntervalMs, Math.min(flushIntervalMaxMs, wanted));
        currentIntervalMs = interval;
        return interval;
    }

    /**
     * Lets the flush interval grow up to {@code maxIntervalMs} while writing a batch costs the writer more CPU time
     * than {@link #MAX_WRITER_BUSY} of the interval: the writer then stays at about that share of a core, at the cost
     * of facts and receipts coming later. A slow database server alone (the writer waiting) does not stretch it; its
     * back-pressure is the writer's capacity ({@link #backPressure}). Call before {@link #start}.
     *
     * @param writeCpuMillis the writer's CPU time for the last committed batch, ms; polled on the processing thread
     *     after each flush, must not block
     * @param maxIntervalMs longest interval, at least the flush interval (equal: never stretched)
     */
    public void stretchFlushInterval(java.util.function.LongSupplier writeCpuMillis, long maxIntervalMs) {
        if (maxIntervalMs < flushIntervalMs) {
            throw new IllegalArgumentException("the longest flush interval " + maxIntervalMs
                    + " ms is below the flush interval " + flushIntervalMs + " ms");
        }
        this.writeCpuMillis = writeCpuMillis;
        this.flushIntervalMaxMs = maxIntervalMs;
    }

    /** Whether the writer takes a batch now; when stopping, the last flush is tried anyway (it may fail). */
    private boolean writerReady() {
        return !running || writerReady.getAsBoolean();
    }

    /**
     * Makes the processor hold batches back while {@code ready} is false (the writer's queue is full): it keeps
     * aggregating into its current in-memory batch, which is bounded by distinct keys, and publishes no receipts
     * meanwhile. Call before {@link #start}.
     *
     * @param ready polled on the processing thread; must not block
     */
    public void backPressure(java.util.function.BooleanSupplier ready) {
        this.writerReady = ready;
    }

    private void flush() {
        if (blockedSince != 0) {
            metrics.flushBlocked.increment((System.currentTimeMillis() - blockedSince) / 1000.0);
            blockedSince = 0;
        }
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        for (CompletableFuture<Void> f; (f = flushRequests.poll()) != null; ) {
            waiting.add(f);
        }
        facts.prepareFlush(System.currentTimeMillis(), this::allDevices);
        List<EdgeReceipt> receipts = new ArrayList<>(droppedReceipts);
        droppedReceipts.clear();
        for (Map<String, NodeState> group : nodes.values()) {
            for (NodeState node : group.values()) {
                if (node.receipts != null) {
                    List<long[]> ranges = node.receipts.takeSnapshotIfDirty();
                    if (ranges != null) {
                        receipts.add(new EdgeReceipt(node.group, node.edgeNode, node.receipts.epoch(), ranges));
                    }
                }
            }
        }
        addDecodeGaps();
        FactsBatch batch = facts.takeBatch(receipts);
        List<CompletableFuture<Void>> drops = List.of();
        if (groupEpochs != null) {
            Map<String, Long> leases = new HashMap<>(groupEpochs);
            leases.putAll(staleEpochs);
            batch = batch.withLeases(leases);
            staleEpochs.clear();
            drops = List.copyOf(dropsWaiting);
            dropsWaiting.clear();
            List<EdgeReceipt> held = new ArrayList<>();
            for (EdgeReceipt r : receipts) {
                Long epoch = leases.get(r.groupId());
                if (epoch != null && leaseHeld.test(r.groupId(), epoch)) {
                    held.add(r);
                }
            }
            receipts = held;
        }
        List<EdgeReceipt> toPublish = receipts;
        List<CompletableFuture<Void>> dropped = drops;
        Map<String, Long> sentLeases = batch.leases();
        CompletableFuture<?> stored;
        try {
            stored = writer.apply(batch);
        } catch (RuntimeException e) {
            stored = CompletableFuture.failedFuture(e);
        }
        stored.whenComplete((r, e) -> {
            if (e == null) {
                // on the writer's thread, with exactly the ranges the committed batch stored; in a cluster only
                // those of leases still held, so a fenced-out group's ranges (not written) are never published
                List<EdgeReceipt> publish = toPublish;
                if (leaseHeld != null) {
                    publish = publish.stream()
                            .filter(x -> leaseHeld.test(x.groupId(), sentLeases.get(x.groupId())))
                            .toList();
                }
                if (log.isDebugEnabled()) {
                    for (EdgeReceipt x : publish) {
                        log.debug(
                                "receipt for {}/{} (epoch {}, lease epoch {}) published: {}",
                                x.groupId(),
                                x.edgeNodeId(),
                                x.epoch(),
                                sentLeases == null ? null : sentLeases.get(x.groupId()),
                                Receipt.describe(x.ranges()));
                    }
                }
                uplinks.publishReceipts(publish, System.currentTimeMillis());
            } else if (log.isDebugEnabled()) {
                log.debug("batch not stored ({}): {} receipts not published", e.toString(), toPublish.size());
            }
            dropped.forEach(f -> f.complete(null));
            for (CompletableFuture<Void> f : waiting) {
                if (e == null) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(e);
                }
            }
        });
        if (!afterFlush.isEmpty()) {
            List<Runnable> adoptions = new ArrayList<>(afterFlush.values());
            afterFlush.clear();
            adoptions.forEach(Runnable::run);
        }
    }

    /** Every device of every edge node, in map order. */
    private java.util.Iterator<DeviceFacts> allDevices() {
        return nodes.values().stream()
                .flatMap(group -> group.values().stream())
                .flatMap(node -> node.devices.values().stream())
                .iterator();
    }

    /** Hands the decode errors gathered since the last flush to the aggregator as platform gaps; starts over. */
    private void addDecodeGaps() {
        for (Map.Entry<DecodeKey, DecodeCount> e : decodeGaps.entrySet()) {
            DecodeKey k = e.getKey();
            facts.addGap(new PlatformGap(
                    PlatformGap.Cause.DECODE_ERRORS,
                    k.group(),
                    k.edgeNode(),
                    null,
                    java.time.Instant.ofEpochMilli(k.minute()),
                    java.time.Instant.ofEpochMilli(k.minute() + 60_000),
                    e.getValue().events,
                    "messages not decodable or refused, first: " + e.getValue().first));
        }
        decodeGaps.clear();
        if (decodeOverflow > 0) {
            log.warn(
                    "{} decode errors of edge nodes beyond the first {} (node, minute) pairs since the last flush"
                            + " recorded as a metric only, not as platform gaps",
                    decodeOverflow,
                    MAX_GAP_NODES_PER_FLUSH);
            decodeOverflow = 0;
        }
    }

    /**
     * A message (or DBIRTH metric) of an edge node the host could not decode or refused, counted per node and
     * received minute for a {@link PlatformGap.Cause#DECODE_ERRORS} gap. Not attributed (only counted) when the
     * topic names no valid group and node within {@link Limits}.
     */
    private void decodeGap(String topic, String message, long receivedAt) {
        String group = null;
        String edgeNode = null;
        try {
            Topic t = Topic.parse(topic);
            group = t.groupId();
            edgeNode = t.edgeNodeId();
        } catch (SparkplugException e) {
            // not a Sparkplug topic: nothing to attribute it to
        }
        decodeGap(group, edgeNode, message, receivedAt);
    }

    private void decodeGap(String group, String edgeNode, String message, long receivedAt) {
        if (group == null
                || edgeNode == null
                || group.length() > Limits.MAX_ID_LENGTH
                || edgeNode.length() > Limits.MAX_ID_LENGTH) {
            metrics.decodeUnattributedTopic.increment();
            return;
        }
        DecodeKey key = new DecodeKey(group, edgeNode, io.floorlink.gateway.facts.Keys.minute(receivedAt));
        DecodeCount count = decodeGaps.get(key);
        if (count == null) {
            if (decodeGaps.size() >= MAX_GAP_NODES_PER_FLUSH) {
                decodeOverflow++;
                metrics.decodeUnattributedOverflow.increment();
                return;
            }
            count = new DecodeCount(message == null || message.length() <= 160 ? message : message.substring(0, 160));
            decodeGaps.put(key, count);
        }
        count.events++;
    }

    private void decodeError(String topic, String message, long now) {
        decodeGap(topic, message, now);
        logDecodeError(topic, message, now);
    }

    private void logDecodeError(String topic, String message, long now) {
        metrics.decodeErrors.increment();
        long suppressed = throttle.allow("decode", now);
        if (suppressed >= 0) {
            log.warn(
                    "ignoring invalid Sparkplug message on {}: {} ({} more since last warning)",
                    topic,
                    message,
                    suppressed);
        }
    }

    private void sampleRejected(String reason) {
        (FactsAggregator.REJECTED_DATATYPE.equals(reason) ? metrics.rejectedDatatype : metrics.rejectedNonFinite)
                .increment();
    }

    /** A message that breaks a {@link Limits} limit: counted as a decode error and as ignored, warned about. */
    private void refuse(Inbound in, String violation) {
        metrics.refusedLimit.increment();
        String message = "refused, limit broken: " + violation;
        decodeGap(in.topic(), message, in.receivedAt());
        String topic = in.topic();
        if (topic.length() > 200) {
            topic = topic.substring(0, 200) + "...";
        }
        logDecodeError(topic, message, in.receivedAt());
    }

    /** @return true when the message is held back (for reordering or until its node's birth) */
    private boolean handle(Inbound in) {
        Topic topic = Topic.parse(in.topic());
        MessageType type = topic.type();
        if (type == MessageType.STATE || type == MessageType.NCMD || type == MessageType.DCMD) {
            return false;
        }
        if (groupEpochs != null && !groupEpochs.containsKey(topic.groupId())) {
            // a group this gateway does not serve (any more): its new owner asks for the rebirth
            return false;
        }
        if (in.payload().length > Limits.MAX_PAYLOAD_BYTES) {
            refuse(
                    in,
                    "payload bytes " + in.payload().length + " > MAX_PAYLOAD_BYTES (" + Limits.MAX_PAYLOAD_BYTES + ")");
            return false;
        }
        Payload payload = Metrics.decode(in.topic(), in.payload());
        String violation = Limits.violation(topic, payload);
        if (violation != null) {
            // before any state is kept for the node: the message never reaches the facts or the writer
            refuse(in, violation);
            return false;
        }
        metrics.received(type).increment();
        NodeState node = node(topic.groupId(), topic.edgeNodeId());
        if (node == null) {
            refuse(in, "edge nodes tracked " + nodeCount + " = MAX_EDGE_NODES (" + MAX_EDGE_NODES + ")");
            return false;
        }
        if (type == MessageType.NBIRTH || type == MessageType.NDEATH) {
            // whatever was held arrived before this message
            releaseAll(node, in.receivedAt(), false);
            dispatch(node, topic, payload, in.receivedAt());
            return false;
        }
        if (!node.session.isBorn()
                && type == MessageType.DDATA
                && node.parked.size() < PARK_MAX_PER_NODE
                && parkedTotal < PARK_MAX_TOTAL) {
            // e.g. data of an edge that was online before this host (re)started: kept until the DBIRTH
            if (node.parked.isEmpty()) {
                nodesParking++;
            }
            node.parked.add(new Held(in, topic, payload));
            parkedTotal++;
            notBorn(node, type, in.receivedAt(), false);
            return true;
        }
        Long seq = payload.hasSeq() ? payload.getSeq() : null;
        Held held = new Held(in, topic, payload);
        switch (node.session.order(seq, held, in.receivedAt())) {
            case HELD -> {
                if (node.session.heldCount() == 1) {
                    nodesHolding++;
                }
                return true;
            }
            case LATE -> {
                // behind the expected seq: its gap was given up already (or it is a redelivery); the data still counts
                metrics.seqLate.increment();
                dispatch(node, topic, payload, in.receivedAt());
                return false;
            }
            default -> {
                dispatch(node, topic, payload, in.receivedAt());
                if (seq != null) {
                    releaseInOrder(node, in.receivedAt());
                }
                return false;
            }
        }
    }

    private void dispatch(NodeState node, Topic topic, Payload payload, long now) {
        MessageType type = topic.type();
        long ts = payload.hasTimestamp() ? payload.getTimestamp() : now;
        switch (type) {
            case NBIRTH -> nbirth(node, payload, ts, now);
            case NDEATH -> ndeath(node, payload, now);
            default -> {
                if (!node.session.isBorn()) {
                    notBorn(node, type, now);
                    return;
                }
                switch (type) {
                    case DBIRTH -> dbirth(node, topic.deviceId(), payload, ts, now);
                    case DDATA -> ddata(node, topic.deviceId(), payload, ts, now);
                    case DDEATH -> ddeath(node, topic.deviceId(), ts);
                    case NDATA -> ndata(node, payload, ts, now);
                    default -> {}
                }
            }
        }
    }

    /** Processes the held messages that now follow in seq order. */
    private void releaseInOrder(NodeState node, long now) {
        if (node.session.heldCount() == 0) {
            return;
        }
        for (Held h; (h = node.session.pollInOrder(now)) != null; ) {
            metrics.seqReordered.increment();
            process(node, h);
        }
        if (node.session.heldCount() == 0) {
            nodesHolding--;
        }
    }

    /** Processes every held message in seq order from the expected one, skipping the missing ones. */
    private void releaseAll(NodeState node, long now, boolean gap) {
        if (node.session.heldCount() == 0) {
            return;
        }
        if (gap) {
            metrics.seqGaps.increment();
            long suppressed = throttle.allow("gap:" + node.group + "/" + node.edgeNode, now);
            if (suppressed >= 0) {
                log.warn(
                        "seq gap from {}/{}: seq {} missing for {} ms ({} later messages waiting; {} more gaps"
                                + " since last warning), asking for a rebirth",
                        node.group,
                        node.edgeNode,
                        node.session.expectedSeq(),
                        now - node.session.heldSince(),
                        node.session.heldCount(),
                        suppressed);
            }
            requestRebirth(node, now);
        }
        for (Held h; (h = node.session.pollSkippingGaps()) != null; ) {
            process(node, h);
        }
        nodesHolding--;
    }

    private void process(NodeState node, Held h) {
        try {
            dispatch(node, h.topic(), h.payload(), h.in().receivedAt());
        } catch (SparkplugException e) {
            decodeError(h.in().topic(), e.getMessage(), h.in().receivedAt());
        } catch (RuntimeException e) {
            handleError(h.in(), e);
        }
    }

    /** Gives up the gaps that were not filled within the reorder timeout; returns the next deadline. */
    private long releaseTimedOut(long now) {
        long next = Long.MAX_VALUE;
        for (Map<String, NodeState> group : nodes.values()) {
            for (NodeState node : group.values()) {
                if (node.session.heldCount() == 0) {
                    continue;
                }
                long deadline = node.session.gapDeadline();
                if (now >= deadline) {
                    releaseAll(node, now, true);
                } else {
                    next = Math.min(next, deadline);
                }
            }
        }
        return next;
    }

    /** The node's state, created when new; null when {@link #MAX_EDGE_NODES} are tracked and none can go. */
    private NodeState node(String group, String edgeNode) {
        Map<String, NodeState> byNode = nodes.get(group);
        NodeState node = byNode == null ? null : byNode.get(edgeNode);
        if (node != null) {
            return node;
        }
        if (nodeCount >= MAX_EDGE_NODES) {
            long now = System.currentTimeMillis();
            // a sweep walks every node: at most one a second while the table stays full
            if (now - lastForgetSweep >= 1_000) {
                lastForgetSweep = now;
                forgetIdleUnbornNodes();
            }
            if (nodeCount >= MAX_EDGE_NODES) {
                return null;
            }
        }
        node = new NodeState(
                group, edgeNode, new HostSession<>(group, edgeNode, reorderTimeoutMs, REBIRTH_MIN_INTERVAL_MS));
        nodes.computeIfAbsent(group, g -> new HashMap<>()).put(edgeNode, node);
        nodeCount++;
        return node;
    }

    /** Forgets nodes that were never born (for this host) and hold nothing: what spoofed node ids leave behind. */
    private void forgetIdleUnbornNodes() {
        for (java.util.Iterator<Map<String, NodeState>> groups = nodes.values().iterator(); groups.hasNext(); ) {
            Map<String, NodeState> group = groups.next();
            for (java.util.Iterator<NodeState> it = group.values().iterator(); it.hasNext(); ) {
                NodeState n = it.next();
                if (n.session.bdSeq() == null
                        && !n.session.isBorn()
                        && n.parked.isEmpty()
                        && n.session.heldCount() == 0
                        && n.devices.isEmpty()
                        && n.receipts == null) {
                    it.remove();
                    nodeCount--;
                }
            }
            if (group.isEmpty()) {
                groups.remove();
            }
        }
    }

    private void notBorn(NodeState node, MessageType type, long now) {
        notBorn(node, type, now, true);
    }

    private void notBorn(NodeState node, MessageType type, long now, boolean ignored) {
        if (ignored) {
            metrics.ignoredUnborn.increment();
        }
        long suppressed = throttle.allow("unborn:" + node.group + "/" + node.edgeNode, now);
        if (suppressed >= 0) {
            log.warn(
                    "{} from {}/{} before its NBIRTH: {}, asking for a rebirth",
                    type,
                    node.group,
                    node.edgeNode,
                    ignored ? "ignored" : "kept until the DBIRTH of its device");
        }
        requestRebirth(node, now);
    }

    /** Processes the parked DDATA of a device that was just born (in arrival order). */
    private void unpark(NodeState node, String deviceId) {
        if (node.parked.isEmpty()) {
            return;
        }
        for (java.util.Iterator<Held> it = node.parked.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (deviceId.equals(h.topic().deviceId())) {
                it.remove();
                parkedTotal--;
                metrics.unparked.increment();
                process(node, h);
            }
        }
        if (node.parked.isEmpty()) {
            nodesParking--;
        }
    }

    /** Drops parked DDATA that waited longer than {@link #PARK_TIMEOUT_MS} (counted as not_born). */
    private void expireParked(long now) {
        for (Map<String, NodeState> group : nodes.values()) {
            for (NodeState node : group.values()) {
                if (node.parked.isEmpty()) {
                    continue;
                }
                for (java.util.Iterator<Held> it = node.parked.iterator(); it.hasNext(); ) {
                    Held h = it.next();
                    if (now - h.in().receivedAt() >= PARK_TIMEOUT_MS) {
                        it.remove();
                        parkedTotal--;
                        metrics.ignoredUnborn.increment();
                    }
                }
                if (node.parked.isEmpty()) {
                    nodesParking--;
                }
            }
        }
    }

    private void requestRebirth(NodeState node, long now) {
        if (!node.session.rebirthDue(now)) {
            return;
        }
        if (now > rebirthRefilledAt) {
            rebirthTokens = Math.min(
                    MAX_REBIRTHS_PER_SECOND,
                    rebirthTokens
                            + (rebirthRefilledAt == Long.MIN_VALUE
                                    ? MAX_REBIRTHS_PER_SECOND
                                    : (now - rebirthRefilledAt) * MAX_REBIRTHS_PER_SECOND / 1000.0));
            rebirthRefilledAt = now;
        }
        if (rebirthTokens < 1) {
            metrics.rebirthSuppressed.increment();
            return;
        }
        rebirthTokens--;
        metrics.rebirthRequests.increment();
        uplinks.sendRebirth(node.group, node.edgeNode);
    }

    private void nbirth(NodeState node, Payload payload, long ts, long now) {
        boolean wasBorn = node.session.isBorn();
        if (node.session.nbirth(payload, ts) == HostSession.Birth.REFUSED_NO_BDSEQ) {
            metrics.birthsRefused.increment();
            long suppressed = throttle.allow("no-bdseq:" + node.group + "/" + node.edgeNode, now);
            if (suppressed >= 0) {
                log.warn(
                        "NBIRTH of {}/{} without an integer bdSeq metric refused, asking for a rebirth ({} more since"
                                + " last warning)",
                        node.group,
                        node.edgeNode,
                        suppressed);
            }
            requestRebirth(node, now);
            return;
        }
        String epoch = null;
        for (Metric m : payload.getMetricsList()) {
            if (MetricNames.BUFFER_EPOCH.equals(m.getName()) && m.hasStringValue()) {
                epoch = m.getStringValue();
            }
        }
        if (epoch == null) {
            node.receipts = null;
        } else if (node.receipts == null || !node.receipts.epoch().equals(epoch)) {
            RidRanges stored = storedReceipts.remove(node.group + "/" + node.edgeNode);
            node.receipts = stored != null && stored.epoch().equals(epoch) ? stored : new RidRanges(epoch);
            if (log.isDebugEnabled()) {
                log.debug(
                        "NBIRTH of {}/{} (buffer epoch {}): {} received ids {}",
                        node.group,
                        node.edgeNode,
                        epoch,
                        node.receipts == stored ? "stored" : "no stored",
                        Receipt.describe(node.receipts.ranges()));
            }
        } else if (log.isDebugEnabled()) {
            log.debug(
                    "NBIRTH of {}/{} (buffer epoch {}): received ids kept {}",
                    node.group,
                    node.edgeNode,
                    epoch,
                    Receipt.describe(node.receipts.ranges()));
        }
        if (node.receipts != null && node.receipts.size() > 0) {
            // a receipt lost in a crash (or never published) is published again after the next commit
            node.receipts.markDirty();
        }
        if (wasBorn) {
            facts.add(new SessionOp.CloseEdge(node.group, node.edgeNode, ts, FactsAggregator.END_SUPERSEDED));
            openEdgeSessions--;
        }
        closeDevices(node, ts, FactsAggregator.END_SUPERSEDED);
        facts.add(new SessionOp.OpenEdge(node.group, node.edgeNode, node.session.bdSeq(), ts));
        openEdgeSessions++;
    }

    private void ndeath(NodeState node, Payload payload, long now) {
        if (!node.session.ndeath(payload, now)) {
            metrics.staleNdeath.increment();
            long suppressed = throttle.allow("stale-ndeath:" + node.group + "/" + node.edgeNode, now);
            if (suppressed >= 0) {
                log.info(
                        "NDEATH of {}/{} with bdSeq {} ignored (current NBIRTH bdSeq {})",
                        node.group,
                        node.edgeNode,
                        HostSession.bdSeqOf(payload),
                        node.session.isBorn() ? node.session.bdSeq() : "none");
            }
            return;
        }
        // The will's payload timestamp is from the edge's connect time; the death is when the broker sent it.
        facts.add(new SessionOp.CloseEdge(node.group, node.edgeNode, now, FactsAggregator.END_NDEATH));
        openEdgeSessions--;
        closeDevices(node, now, FactsAggregator.END_NDEATH);
    }

    /** Node metrics: only their live state is kept (facts are per device). */
    private void ndata(NodeState node, Payload payload, long payloadTs, long now) {
        for (Metric m : payload.getMetricsList()) {
            String name = m.getName();
            if (name.isEmpty() && m.hasAlias()) {
                name = node.session.resolveAlias(null, m.getAlias());
                if (name == null) {
                    metrics.ignoredUnknownAlias.increment();
                    requestRebirth(node, now);
                    continue;
                }
            }
            if (!m.getIsHistorical()) {
                node.session.update(null, name, m, m.hasTimestamp() ? m.getTimestamp() : payloadTs);
            }
        }
    }

    private void closeDevices(NodeState node, long at, String reason) {
        facts.closeDevices(node.group, node.edgeNode, node.devices.values(), at, reason);
        for (DeviceFacts d : node.devices.values()) {
            Map<String, Long> times = FactsAggregator.liveTimesToCarry(d);
            if (!times.isEmpty()) {
                node.closed.put(d.deviceId(), times);
            }
        }
        node.devices.clear();
    }

    private void dbirth(NodeState node, String deviceId, Payload payload, long ts, long now) {
        if (tooManyDevices(node, deviceId, MessageType.DBIRTH, now)) {
            return;
        }
        DeviceFacts d = node.devices.computeIfAbsent(
                deviceId, id -> facts.device(node.group, node.edgeNode, id, node.closed.remove(id)));
        facts.dbirthSession(d, payload, ts);
        d.born(true);
        node.session.dbirth(deviceId, payload, ts);
        facts.declare(d, payload, ts, now, (where, message, at) -> {
            decodeGap(node.group, node.edgeNode, message, at);
            logDecodeError(where, message, at);
        });
        metricsOf(node, d, payload, ts, now, true);
        unpark(node, deviceId);
    }

    private void ddata(NodeState node, String deviceId, Payload payload, long ts, long now) {
        DeviceFacts d = node.devices.get(deviceId);
        if (d == null && tooManyDevices(node, deviceId, MessageType.DDATA, now)) {
            return;
        }
        if (d == null || !d.born()) {
            notBorn(node, MessageType.DDATA, now);
            return;
        }
        metricsOf(node, d, payload, ts, now, false);
    }

    /**
     * Whether {@code deviceId} is new to a node that already has {@link HostSession#MAX_DEVICES} devices this session:
     * then its message is refused as a broken limit (counted, a decode gap for the node, a throttled warning) and no
     * state is created for it, so one edge inventing device ids cannot grow the gateway's memory; no rebirth is asked
     * (it would bring the same devices).
     */
    private boolean tooManyDevices(NodeState node, String deviceId, MessageType type, long now) {
        if (node.devices.size() < HostSession.MAX_DEVICES || node.devices.containsKey(deviceId)) {
            return false;
        }
        metrics.refusedLimit.increment();
        String message = "refused, limit broken: devices of the node " + node.devices.size()
                + " = HostSession.MAX_DEVICES (" + HostSession.MAX_DEVICES + ")";
        decodeGap(node.group, node.edgeNode, message, now);
        logDecodeError(Topic.device(node.group, type, node.edgeNode, deviceId).toString(), message, now);
        return true;
    }

    private void ddeath(NodeState node, String deviceId, long ts) {
        DeviceFacts d = node.devices.get(deviceId);
        if (d == null) {
            return;
        }
        facts.ddeath(d, ts);
        d.born(false);
        node.session.ddeath(deviceId, ts);
    }

    /**
     * Health metrics and point samples of a DBIRTH or DDATA, in payload order. A metric whose record id the node
     * has already folded in is dropped; the ids of this message count as received only after it, so metrics
     * sharing one record id in one message all count. In a DBIRTH, a metric carrying the record id of the point's
     * last buffered record is filtered the same way (its replay later is then the duplicate), a DBIRTH value without
     * a record id that is not newer than the point's last counted live sample repeats that sample, and a null metric
     * (a point without a value yet) is a declaration only, never a sample.
     */
    private void metricsOf(NodeState node, DeviceFacts d, Payload payload, long payloadTs, long now, boolean birth) {
        int n = payload.getMetricsCount();
        RidRanges receipts = node.receipts;
        long[] rids = null;
        int ridCount = 0;
        for (int i = 0; i < n; i++) {
            Metric m = payload.getMetrics(i);
            if (birth && m.getIsNull()) {
                continue;
            }
            boolean duplicate = false;
            // the rid matters for the receipts of a node with an epoch, and for a DBIRTH's repeated values
            long rid = (receipts != null || birth) && m.hasProperties()
                    ? MetricValues.longProperty(m.getProperties(), MetricNames.PROP_RID)
                    : -1;
            if (receipts != null) {
                if (rid >= 0) {
                    if (receipts.contains(rid)) {
                        metrics.duplicates.increment();
                        duplicate = true;
                        // the edge replays it, so it has no receipt covering it: publish the ranges again
                        receipts.markDirty();
                    } else {
                        if (rids == null) {
                            rids = new long[n];
                        }
                        rids[ridCount++] = rid;
                    }
                }
            }
            String name = m.getName();
            HostSession.Alias alias = null;
            if (name.isEmpty() && m.hasAlias()) {
                alias = node.session.alias(d.deviceId(), m.getAlias());
                name = alias == null ? null : alias.name();
                if (name == null && duplicate) {
                    continue;
                }
                if (name == null) {
                    metrics.ignoredUnknownAlias.increment();
                    long suppressed = throttle.allow("alias:" + d.deviceId(), now);
                    if (suppressed >= 0) {
                        log.warn(
                                "device {} of {}/{} sent alias {} not declared in its DBIRTH: ignored, asking for"
                                        + " a rebirth ({} more since last warning)",
                                d.deviceId(),
                                node.group,
                                node.edgeNode,
                                m.getAlias(),
                                suppressed);
                    }
                    requestRebirth(node, now);
                    continue;
                }
            }
            long ts = m.hasTimestamp() ? m.getTimestamp() : payloadTs;
            if (!birth && !duplicate && !m.getIsHistorical()) {
                if (alias != null) {
                    node.session.update(alias, m, ts);
                } else {
                    node.session.update(d.deviceId(), name, m, ts);
                }
            }
            if (name.startsWith(MetricNames.HEALTH_PREFIX) || MetricNames.BUFFER_LOST.equals(name)) {
                if (!duplicate) {
                    facts.health(d, m, name, ts);
                }
                continue;
            }
            PointFacts p = alias != null ? facts.point(d, alias) : facts.point(d, name);
            if (p == null && duplicate) {
                continue;
            }
            if (p == null) {
                metrics.ignoredUnknownMetric.increment();
                long suppressed = throttle.allow("unknown:" + d.deviceId(), now);
                if (suppressed >= 0) {
                    log.warn(
                            "device {} of {}/{} sent metric '{}' not declared in its DBIRTH: ignored, asking for a"
                                    + " rebirth",
                            d.deviceId(),
                            node.group,
                            node.edgeNode,
                            name);
                }
                requestRebirth(node, now);
                continue;
            }
            if (duplicate) {
                facts.duplicate(d, p, m, ts, birth);
            } else if (birth && rid < 0 && !m.getIsHistorical() && p.repeatsCountedSample(ts)) {
                metrics.birthRepeats.increment();
            } else {
                facts.sample(d, p, m, ts, now);
            }
        }
        for (int i = 0; i < ridCount; i++) {
            receipts.add(rids[i]);
        }
    }

    private static final class NodeState {
        final String group;
        final String edgeNode;
        /** the Sparkplug session rules: born, bdSeq, seq and reorder window, aliases, rebirth throttle, live state */
        final HostSession<Held> session;

        final Map<String, DeviceFacts> devices = new HashMap<>();
        /**
         * Per device of the node's earlier sessions not born again yet, what its next birth carries over: its
         * points' newest counted live sample times (not the whole closed state: a device that never comes back
         * keeps a map of times here, not its trackers and aggregates), for the {@link HostSession#MAX_DEVICES} devices
         * closed last: an edge that renames its devices every session does not grow it
         */
        final Map<String, Map<String, Long>> closed = new java.util.LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Map<String, Long>> eldest) {
                return size() > HostSession.MAX_DEVICES;
            }
        };

        final List<Held> parked = new ArrayList<>();
        RidRanges receipts;

        NodeState(String group, String edgeNode, HostSession<Held> session) {
            this.group = group;
            this.edgeNode = edgeNode;
            this.session = session;
        }
    }
}
