package io.floorlink.gateway.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes, renews and gives up the group leases of one gateway of a cluster ({@code gateway.cluster}) on a thread
 * of its own, every {@code renew_interval}: renews what it holds, takes groups nobody holds up to its share (the
 * groups divided by the live instances), always takes groups whose owner stopped renewing, and gives one group
 * back per round while it holds more than its share. It is the authority on what this instance holds ({@link
 * #holds}), and the facts store's {@link io.floorlink.gateway.facts.FactsStore.Fence}: a batch's facts of a group
 * are written only in a transaction that finds the lease row still naming this instance with the epoch the facts
 * were gathered under. Thread-safe.
 */
public final class LeaseManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaseManager.class);

    /** What the gateway does when it gains or loses a group. */
    public interface Ownership {
        /**
         * Starts serving {@code group} under lease {@code epoch}; called on the lease thread after the lease was
         * taken, blocks until the gateway serves it.
         *
         * @throws Exception when it could not: the lease is given up again
         */
        void adopt(String group, long epoch) throws Exception;

        /**
         * Stops serving {@code group}. Never blocks.
         *
         * @return completes once the group's last facts were written or refused
         */
        CompletableFuture<Void> drop(String group);
    }

    private final GroupLeases leases;
    private final String hostId;
    private final ClusterConfig config;
    private final Ownership ownership;
    private final long ttlMs;
    private final ConcurrentHashMap<String, Long> held = new ConcurrentHashMap<>();
    /** When each held lease was last renewed (System.nanoTime). */
    private final ConcurrentHashMap<String, Long> renewedAt = new ConcurrentHashMap<>();
    /** Groups being given back: still held (and renewed) until their last facts are written. */
    private final Set<String> releasing = ConcurrentHashMap.newKeySet();

    private final ScheduledExecutorService thread;
    private volatile boolean closed;
    private Counter takeovers;
    private Counter lostRenewal;
    private Counter lostFence;

    public LeaseManager(GroupLeases leases, String hostId, ClusterConfig config, Ownership ownership) {
        this.leases = leases;
        this.hostId = hostId;
        this.config = config;
        this.ownership = ownership;
        this.ttlMs = config.leaseTtl().toMillis();
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "floorlink-leases-" + config.instanceId());
            t.setDaemon(true);
            return t;
        });
    }

    /** Registers {@code floorlink.gateway.cluster.*}; call before {@link #start}. */
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("floorlink.gateway.cluster.leases", held, Map::size)
                .description("Group leases this gateway holds now (the enterprises it serves)")
                .baseUnit("leases")
                .register(registry);
        takeovers = Counter.builder("floorlink.gateway.cluster.takeovers")
                .description("Groups this gateway took from another instance (whose lease expired or was given back)")
                .baseUnit("leases")
                .register(registry);
        lostRenewal = Counter.builder("floorlink.gateway.cluster.lost")
                .description("Group leases this gateway lost")
                .tag("reason", "renewal")
                .baseUnit("leases")
                .register(registry);
        lostFence = Counter.builder("floorlink.gateway.cluster.lost")
                .description("Group leases this gateway lost")
                .tag("reason", "fence")
                .baseUnit("leases")
                .register(registry);
    }

    /** Starts the rounds: the first at once, then every {@code renew_interval}. Never blocks. */
    public void start() {
        thread.scheduleWithFixedDelay(this::round, 0, config.renewInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The groups held now with their epochs (a copy). */
    public Map<String, Long> held() {
        return Map.copyOf(held);
    }

    /** Whether this instance holds {@code group}'s lease now, with any epoch. Never blocks. */
    public boolean holds(String group) {
        return held.containsKey(group);
    }

    /** Whether this instance holds {@code group}'s lease with {@code epoch} now; null epoch: false. Never blocks. */
    public boolean holds(String group, Long epoch) {
        return epoch != null && epoch.equals(held.get(group));
    }

    /**
     * The fence of a facts write (in its transaction): the groups of {@code epochs} whose lease this instance
     * still holds with that epoch, unexpired. A group refused whose epoch is the one held is lost: the gateway stops
     * serving it (its facts in the batch are left out, no receipt covers them, its edges replay them to whoever
     * holds the group next).
     */
    public Set<String> confirm(Connection c, Map<String, Long> epochs) throws SQLException {
        Set<String> confirmed = GroupLeases.confirm(c, config.instanceId(), epochs);
        for (Map.Entry<String, Long> e : epochs.entrySet()) {
            if (!confirmed.contains(e.getKey())) {
                log.warn(
                        "facts of group {} (lease epoch {}) not written: this gateway no longer holds that lease;"
                                + " its edges replay them to the group's owner",
                        e.getKey(),
                        e.getValue());
                if (held.remove(e.getKey(), e.getValue())) {
                    if (lostFence != null) {
                        lostFence.increment();
                    }
                    renewedAt.remove(e.getKey());
                    releasing.remove(e.getKey());
                    ownership.drop(e.getKey());
                }
            }
        }
        return confirmed;
    }

    private void round() {
        if (closed) {
            return;
        }
        try {
            renewAll();
            int live = leases.heartbeat(hostId, config.instanceId(), ttlMs);
            int groups = config.groups().size();
            int share = (groups + Math.max(1, live) - 1) / Math.max(1, live);
            Map<String, GroupLeases.Lease> rows = leases.leases();
            List<String> candidates = new ArrayList<>(config.groups());
            Collections.shuffle(candidates);
            boolean tookOrphan = false;
            for (String g : candidates) {
                if (closed || held.containsKey(g)) {
                    continue;
                }
                GroupLeases.Lease row = rows.get(g);
                if (row != null && !row.expired()) {
                    continue;
                }
                // a group whose owner stopped renewing is taken even above the share: serving it comes first
                boolean orphan = row != null && !row.released();
                if (orphan || serving() < share) {
                    if (take(g, row) && orphan) {
                        tookOrphan = true;
                    }
                }
            }
            if (!tookOrphan && serving() > share) {
                giveBackOne();
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("lease round of {} failed: {}", config.instanceId(), e.toString());
        }
    }

    private int serving() {
        return held.size() - releasing.size();
    }

    private void renewAll() {
        long now = System.nanoTime();
        for (Map.Entry<String, Long> e : held.entrySet()) {
            String g = e.getKey();
            long epoch = e.getValue();
            boolean renewed;
            try {
                renewed = leases.renew(g, config.instanceId(), epoch, ttlMs);
            } catch (SQLException ex) {
                Long last = renewedAt.get(g);
                if (last != null && now - last < TimeUnit.MILLISECONDS.toNanos(ttlMs)) {
                    log.warn("renewing the lease of group {} failed, trying again: {}", g, ex.toString());
                    continue;
                }
                renewed = false;
            }
            if (renewed) {
                renewedAt.put(g, now);
            } else if (held.remove(g, epoch)) {
                log.warn("lease of group {} (epoch {}) lost: expired or taken by another instance", g, epoch);
                if (lostRenewal != null) {
                    lostRenewal.increment();
                }
                renewedAt.remove(g);
                releasing.remove(g);
                ownership.drop(g);
            }
        }
    }

    private boolean take(String g, GroupLeases.Lease before) throws SQLException {
        OptionalLong epoch = leases.acquire(g, config.instanceId(), ttlMs);
        if (epoch.isEmpty()) {
            return false;
        }
        long e = epoch.getAsLong();
        held.put(g, e);
        renewedAt.put(g, System.nanoTime());
        try {
            ownership.adopt(g, e);
        } catch (Exception ex) {
            log.warn("could not start serving group {}: {}; giving its lease back", g, ex.toString());
            held.remove(g, e);
            renewedAt.remove(g);
            ownership.drop(g);
            leases.release(g, config.instanceId(), e);
            return false;
        }
        boolean takeover = before != null && !before.ownerId().equals(config.instanceId());
        if (takeover && takeovers != null) {
            takeovers.increment();
        }
        log.info(
                "gateway {} serves group {} (lease epoch {}{})",
                config.instanceId(),
                g,
                e,
                takeover ? ", taken over from " + before.ownerId() : "");
        return true;
    }

    private void giveBackOne() {
        for (Map.Entry<String, Long> e : held.entrySet()) {
            String g = e.getKey();
            long epoch = e.getValue();
            if (!releasing.add(g)) {
                continue;
            }
            log.info("gateway {} gives group {} back (more than its share)", config.instanceId(), g);
            ownership
                    .drop(g)
                    .whenComplete((r, ex) -> thread.execute(() -> {
                        if (held.remove(g, epoch)) {
                            renewedAt.remove(g);
                            try {
                                leases.release(g, config.instanceId(), epoch);
                            } catch (SQLException sql) {
                                log.warn("releasing the lease of group {} failed (it expires): {}", g, sql.toString());
                            }
                        }
                        releasing.remove(g);
                    }));
            return;
        }
    }

    /** Stops the rounds; what is held stays held (and renewed no more) until {@link #close}. Blocks briefly. */
    public void stop() {
        closed = true;
        thread.shutdown();
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the rounds and gives every lease back at once (call after the last facts were written), so the other
     * instances take the groups over without waiting for the leases to expire. Blocks on the database.
     */
    @Override
    public void close() {
        stop();
        for (Map.Entry<String, Long> e : held.entrySet()) {
            try {
                leases.release(e.getKey(), config.instanceId(), e.getValue());
            } catch (SQLException ex) {
                log.warn("releasing the lease of group {} failed (it expires): {}", e.getKey(), ex.toString());
            }
        }
        held.clear();
        try {
            leases.leave(config.instanceId());
        } catch (SQLException ex) {
            log.debug("leaving the cluster: {}", ex.toString());
        }
    }
}
