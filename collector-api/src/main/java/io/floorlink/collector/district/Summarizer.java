package io.floorlink.collector.district;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.floorlink.collector.api.Json;
import io.floorlink.collector.audit.AuditLog;
import io.floorlink.collector.indicators.FactsCache;
import io.floorlink.collector.indicators.FactsUnavailableException;
import io.floorlink.collector.indicators.Figure;
import io.floorlink.collector.indicators.IndicatorReport;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.InventoryDocument;
import io.floorlink.collector.profiles.Profile;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The programme-view rows of every enterprise over the default period (the last {@link #DEFAULT_DAYS} local days up
 * to yesterday, UTC date, each in the enterprise's own zone, as {@code GET /api/v1/enterprises} defaults to),
 * computed in the background and persisted in the facts store's {@code enterprise_summary} table (gateway migration
 * V10), so a restarted collector lists hundreds of enterprises at once instead of computing one report each.
 *
 * <p>A summary is valid for its period, the default profile (id, version and content) and the enterprise's
 * inventory (a digest of it) while the group's {@code fact_revision} rows over the UTC days its period touches still
 * sum to the same stamp: late data, replay or a revised closed day move it. A check, shortly after start and every
 * {@code checkEvery}, reads the stamps of all groups in one query and queues the enterprises whose summary is missing
 * or stale; a request that finds a stale summary queues it too. So a fact written into a closed day shows as stale
 * within one check interval at most, and is recomputed after the enterprises queued before it. One daemon thread checks and computes; the queue of
 * enterprise codes is bounded and offering to it never blocks (a full queue drops the code until the next check).
 * Computations use their own {@link FactsCache} so they never evict what interactive reports cached.
 */
public final class Summarizer implements MeterBinder, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Summarizer.class);
    /** Length of the default period, in local days. */
    public static final int DEFAULT_DAYS = 30;
    /** Bound of the queue of enterprise codes waiting for a computation. */
    static final int QUEUE = 4096;
    /**
     * The API's JSON with map entries sorted: the profile's maps (immutable, {@code Map.copyOf}) iterate in an order
     * that differs from one JVM to the next, and the digest must not change when the collector restarts.
     */
    private static final com.fasterxml.jackson.databind.ObjectMapper CANONICAL =
            Json.mapper().copy().enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /**
     * A period of local days, inclusive.
     *
     * @param from first local day; {@code to} last local day
     */
    public record Period(LocalDate from, LocalDate to) {}

    /** The computed part of a row, as persisted (the registry fields and last data are taken when it is served). */
    record Computed(
            ProgrammeView.Counts counts,
            Figure networkingRate,
            Figure digitalizationRate,
            Figure keyNetworkingRate,
            ProgrammeView.Verdict verdict,
            String dataTrust,
            IndicatorReport.WindowRef window) {}

    private record Key(LocalDate from, LocalDate to, String profileKey, String inventoryKey, String stamp) {}

    private record Stored(Key key, Instant computedAt, ProgrammeView.Row row) {}

    private record InventoryKey(Inventory inventory, String digest) {}

    private final DataSource dataSource;
    private final Enterprises enterprises;
    private final Profile profile;
    private final String profileKey;
    private final Clock clock;
    private final FactsCache cache;
    private final Map<String, Stored> stored = new ConcurrentHashMap<>();
    private final Map<String, Boolean> stale = new ConcurrentHashMap<>();
    private final Map<String, InventoryKey> inventoryKeys = new ConcurrentHashMap<>();
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private volatile Thread worker;
    private volatile boolean closed;
    private Timer success;
    private Timer failure;

    /**
     * @param dataSource the facts store, migrated (V10 or later), never null
     * @param enterprises the enterprises served now (read at each check and computation), never null
     * @param profile the profile whose verdict the rows show (the default one), never null
     * @param clock gives "today" (UTC date) for the default period, never null
     * @param cache the closed-day cache of the computations; not the interactive one ({@link FactsCache#off()} reads
     *     every fact)
     */
    public Summarizer(DataSource dataSource, Enterprises enterprises, Profile profile, Clock clock, FactsCache cache) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.enterprises = Objects.requireNonNull(enterprises, "enterprises");
        this.profile = Objects.requireNonNull(profile, "profile");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cache = Objects.requireNonNull(cache, "cache");
        try {
            this.profileKey =
                    profile.id() + "@" + profile.version() + "#" + digest(CANONICAL.writeValueAsString(profile));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("profile " + profile.id() + " not serializable", e);
        }
    }

    /** The default period at {@code clock}'s now: the {@link #DEFAULT_DAYS} local days up to yesterday (UTC date). */
    public static Period defaultPeriod(Clock clock) {
        LocalDate to = LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(1);
        return new Period(to.minusDays(DEFAULT_DAYS - 1), to);
    }

    /** The default period now. */
    public Period defaultPeriod() {
        return defaultPeriod(clock);
    }

    /** The profile the rows are evaluated with. */
    public Profile profile() {
        return profile;
    }

    /**
     * Reads the persisted summaries (blocking on the facts store) and starts the thread: a check after {@code
     * delay}, then every {@code checkEvery}, computing what the checks and requests queue in between.
     *
     * @throws FactsUnavailableException if the persisted summaries cannot be read
     */
    public Summarizer start(Duration delay, Duration checkEvery) {
        load();
        Thread t = new Thread(() -> loop(delay, checkEvery), "floorlink-district-summarizer");
        t.setDaemon(true);
        worker = t;
        t.start();
        return this;
    }

    /**
     * Reads every persisted summary into memory (they are served from there); a row this version cannot read is
     * skipped (and computed again). Blocks on the facts store.
     *
     * @throws FactsUnavailableException if the table cannot be read
     */
    public void load() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement("SELECT group_id, period_from, period_to, profile_key,"
                        + " inventory_key, revision_stamp, computed_at, row_json FROM enterprise_summary");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                Key key = new Key(
                        rs.getObject(2, LocalDate.class),
                        rs.getObject(3, LocalDate.class),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6));
                Computed computed;
                try {
                    computed = Json.mapper().readValue(rs.getString(8), Computed.class);
                } catch (JsonProcessingException e) {
                    // written by another version of the collector: computed again at the first check
                    LOG.warn(
                            "Summary of enterprise {} not readable, computing it again: {}",
                            rs.getString(1),
                            e.getMessage());
                    continue;
                }
                stored.put(rs.getString(1), new Stored(key, rs.getTimestamp(7).toInstant(), rowOf(computed)));
            }
        } catch (SQLException e) {
            throw new FactsUnavailableException("enterprise summaries not readable: " + e.getMessage(), e);
        }
    }

    private void loop(Duration delay, Duration checkEvery) {
        long nextCheck = System.nanoTime() + delay.toNanos();
        while (!closed) {
            try {
                long now = System.nanoTime();
                if (now - nextCheck >= 0) {
                    checkLogged();
                    nextCheck = System.nanoTime() + checkEvery.toNanos();
                    continue;
                }
                String code = queue.poll(nextCheck - now, TimeUnit.NANOSECONDS);
                if (code != null) {
                    queued.remove(code);
                    summarizeLogged(code);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void checkLogged() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.warn("Enterprise summaries not checked, trying again later: {}", e.getMessage());
        }
    }

    private void summarizeLogged(String code) {
        try {
            summarize(code);
        } catch (RuntimeException e) {
            LOG.warn("Summary of enterprise {} not computed, trying again at the next check: {}", code, e.getMessage());
        }
    }

    /**
     * Marks and queues every enterprise whose summary is missing or stale: one read of the revision stamps of all
     * groups. Blocks on the facts store; does not compute.
     *
     * @return the number of enterprises queued
     * @throws FactsUnavailableException if the facts store cannot be read
     */
    public int check() {
        Period p = defaultPeriod();
        Map<String, Map<Instant, long[]>> revisions = revisions(null, p);
        int n = 0;
        Set<String> codes = new java.util.HashSet<>();
        for (Enterprises.Context c : enterprises.all()) {
            codes.add(c.code());
            Key key = new Key(
                    p.from(),
                    p.to(),
                    profileKey,
                    inventoryKey(c),
                    stamp(revisions.getOrDefault(c.code(), Map.of()), c, p));
            Stored s = stored.get(c.code());
            boolean fresh = s != null && s.key().equals(key);
            stale.put(c.code(), !fresh);
            if (!fresh) {
                offer(c.code());
                n++;
            }
        }
        stale.keySet().retainAll(codes);
        return n;
    }

    /**
     * Computes and persists the summary of one enterprise now, on the calling thread (blocking on the facts store),
     * unless the one it has is still fresh.
     *
     * @return false when no enterprise has this code
     * @throws FactsUnavailableException if the facts store cannot be read or written
     */
    public boolean summarize(String code) {
        Optional<Enterprises.Context> found = enterprises.get(code);
        if (found.isEmpty()) {
            return false;
        }
        Enterprises.Context c = found.get();
        long t0 = System.nanoTime();
        try {
            Period p = defaultPeriod();
            // read before the facts: a write while computing moves the stamp, so the next check recomputes
            String stamp = stamp(revisions(code, p).getOrDefault(code, Map.of()), c, p);
            Key key = new Key(p.from(), p.to(), profileKey, inventoryKey(c), stamp);
            Stored before = stored.get(code);
            if (before != null && before.key().equals(key)) {
                // queued twice (a check and a request) and computed meanwhile
                stale.put(code, false);
                return true;
            }
            Enterprises.Context own = new Enterprises.Context(
                    c.entry(), c.inventory(), c.service().withCache(cache).fillingInline());
            ProgrammeView.Row row = ProgrammeView.row(enterprises.district(), own, profile, p.from(), p.to());
            // the precision the store keeps, so the row served now and after a restart say the same
            Instant computedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
            persist(code, key, computedAt, computedOf(row));
            stored.put(code, new Stored(key, computedAt, row));
            stale.put(code, false);
            record(success, t0);
            return true;
        } catch (RuntimeException e) {
            record(failure, t0);
            throw e;
        }
    }

    /**
     * Computes every enterprise whose summary is missing or stale, on the calling thread (a full pass, e.g. for a
     * benchmark or a test). Blocks on the facts store.
     *
     * @return the number computed
     */
    public int summarizeAll() {
        int n = 0;
        for (Enterprises.Context c : enterprises.all()) {
            if (summarize(c.code())) {
                n++;
            }
        }
        return n;
    }

    /**
     * The row of one enterprise from its summary for the period {@code p}: registry fields as served now, {@code
     * lastDataAt} as given; stale when the summary is of another period, profile or inventory, or a check found
     * its facts changed (then it is queued). Never blocks on the store.
     *
     * @param lastDataAt the enterprise's last data time, nullable
     * @return empty when the enterprise has no summary yet (it is queued)
     */
    public Optional<ProgrammeView.Row> served(Enterprises.Context c, Period p, Instant lastDataAt) {
        Stored s = stored.get(c.code());
        if (s == null) {
            offer(c.code());
            return Optional.empty();
        }
        boolean isStale = !s.key().from().equals(p.from())
                || !s.key().to().equals(p.to())
                || !s.key().profileKey().equals(profileKey)
                || inventoryReplaced(c)
                || stale.getOrDefault(c.code(), false);
        if (isStale) {
            stale.put(c.code(), true);
            offer(c.code());
        }
        return Optional.of(s.row()
                .with(
                        enterprises.district(),
                        c.entry(),
                        lastDataAt,
                        new ProgrammeView.Summary(s.computedAt(), isStale)));
    }

    /** Queues the enterprise for a computation unless it is queued already or the queue is full. Never blocks. */
    public void offer(String code) {
        if (queued.add(code) && !queue.offer(code)) {
            queued.remove(code);
        }
    }

    /**
     * The latest data time of every group with facts ({@code group_activity}), one read. Blocks on the store.
     *
     * @throws FactsUnavailableException if the facts store cannot be read
     */
    public Map<String, Instant> lastDataAt() {
        Map<String, Instant> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement("SELECT group_id, last_data_at FROM group_activity");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getTimestamp(2).toInstant());
            }
        } catch (SQLException e) {
            throw new FactsUnavailableException("group activity not readable: " + e.getMessage(), e);
        }
        return out;
    }

    /** Enterprises served whose summary is missing or stale, as far as the last check and requests know. */
    public int staleCount() {
        int n = 0;
        for (Enterprises.Context c : enterprises.all()) {
            if (!stored.containsKey(c.code()) || stale.getOrDefault(c.code(), false)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        success = timer(registry, "success");
        failure = timer(registry, "failure");
        Gauge.builder("floorlink.district.summary.stale", this, Summarizer::staleCount)
                .description("Enterprises whose programme-view summary is missing or older than its inputs")
                .baseUnit("enterprises")
                .register(registry);
    }

    private static Timer timer(MeterRegistry registry, String outcome) {
        return Timer.builder("floorlink.district.summary.duration")
                .description("Time to compute and persist one enterprise's programme-view summary")
                .tag("outcome", outcome)
                .register(registry);
    }

    private static void record(Timer timer, long t0) {
        if (timer != null) {
            timer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        }
    }

    /** Stops the thread; a computation under way is abandoned at its next wait. */
    @Override
    public void close() {
        closed = true;
        Thread t = worker;
        if (t != null) {
            t.interrupt();
        }
    }

    /**
     * fact_revision sums by group and UTC day over the days any enterprise's period can touch (a local day is within
     * 14 hours of its UTC date); {@code group} null reads every group.
     */
    private Map<String, Map<Instant, long[]>> revisions(String group, Period p) {
        Instant from = p.from().minusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = p.to().plusDays(2).atStartOfDay(ZoneOffset.UTC).toInstant();
        String sql = "SELECT group_id, bucket, SUM(revision), COUNT(*) FROM fact_revision WHERE "
                + (group == null ? "" : "group_id = ? AND ")
                + "bucket >= ? AND bucket < ? GROUP BY group_id, bucket";
        Map<String, Map<Instant, long[]>> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(sql)) {
            int i = 1;
            if (group != null) {
                st.setString(i++, group);
            }
            st.setTimestamp(i++, Timestamp.from(from));
            st.setTimestamp(i, Timestamp.from(to));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                            .put(rs.getTimestamp(2).toInstant(), new long[] {rs.getLong(3), rs.getLong(4)});
                }
            }
        } catch (SQLException e) {
            throw new FactsUnavailableException("fact revisions not readable: " + e.getMessage(), e);
        }
        return out;
    }

    /** SUM:COUNT of the revisions of the UTC days the enterprise's period touches. */
    private static String stamp(Map<Instant, long[]> byDay, Enterprises.Context c, Period p) {
        ZoneId zone = c.inventory().enterprise().zone();
        Instant start = p.from().atStartOfDay(zone).toInstant().truncatedTo(ChronoUnit.DAYS);
        Instant end = p.to().plusDays(1).atStartOfDay(zone).toInstant();
        long sum = 0;
        long count = 0;
        for (Map.Entry<Instant, long[]> e : byDay.entrySet()) {
            if (!e.getKey().isBefore(start) && e.getKey().isBefore(end)) {
                sum += e.getValue()[0];
                count += e.getValue()[1];
            }
        }
        return sum + ":" + count;
    }

    /**
     * Whether the enterprise's inventory is another object than the one the last check digested. Digesting an
     * inventory costs milliseconds (hundreds of them would hold a request for seconds), so a request compares
     * identities only; an inventory not digested yet (just after a start) is taken as the one of its persisted
     * summary until the first check, which digests it and marks the summary stale if it differs.
     */
    private boolean inventoryReplaced(Enterprises.Context c) {
        InventoryKey k = inventoryKeys.get(c.code());
        return k != null && k.inventory() != c.inventory();
    }

    private String inventoryKey(Enterprises.Context c) {
        InventoryKey k = inventoryKeys.get(c.code());
        if (k != null && k.inventory() == c.inventory()) {
            return k.digest();
        }
        String digest;
        try {
            digest = digest(CANONICAL.writeValueAsString(InventoryDocument.of(c.inventory())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("inventory of " + c.code() + " not serializable", e);
        }
        inventoryKeys.put(c.code(), new InventoryKey(c.inventory(), digest));
        return digest;
    }

    private void persist(String code, Key key, Instant computedAt, Computed computed) {
        String json = json(computed);
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement del = c.prepareStatement("DELETE FROM enterprise_summary WHERE group_id = ?");
                    PreparedStatement ins = c.prepareStatement("INSERT INTO enterprise_summary (group_id, period_from,"
                            + " period_to, profile_key, inventory_key, revision_stamp, computed_at, row_json)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                del.setString(1, code);
                del.executeUpdate();
                ins.setString(1, code);
                ins.setObject(2, key.from());
                ins.setObject(3, key.to());
                ins.setString(4, key.profileKey());
                ins.setString(5, key.inventoryKey());
                ins.setString(6, key.stamp());
                ins.setTimestamp(7, Timestamp.from(computedAt));
                ins.setString(8, json);
                ins.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new FactsUnavailableException("summary of " + code + " not written: " + e.getMessage(), e);
        }
    }

    private static Computed computedOf(ProgrammeView.Row r) {
        return new Computed(
                r.counts(),
                r.networkingRate(),
                r.digitalizationRate(),
                r.keyNetworkingRate(),
                r.verdict(),
                r.dataTrust(),
                r.window());
    }

    private static ProgrammeView.Row rowOf(Computed c) {
        return new ProgrammeView.Row(
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                c.counts(),
                c.networkingRate(),
                c.digitalizationRate(),
                c.keyNetworkingRate(),
                c.verdict(),
                c.dataTrust(),
                null,
                c.window(),
                null);
    }

    private static String json(Object o) {
        try {
            return Json.mapper().writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String digest(String text) {
        return AuditLog.sha256(text);
    }
}
