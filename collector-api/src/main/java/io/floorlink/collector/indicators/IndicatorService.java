package io.floorlink.collector.indicators;

import io.floorlink.collector.indicators.FactsReader.Declaration;
import io.floorlink.collector.indicators.FactsReader.EdgeSessionFact;
import io.floorlink.collector.indicators.FactsReader.PointAgg;
import io.floorlink.collector.indicators.FactsReader.Reads;
import io.floorlink.collector.indicators.FactsReader.SessionFact;
import io.floorlink.collector.indicators.FactsReader.StaticRun;
import io.floorlink.collector.indicators.IndicatorEngine.EquipmentFacts;
import io.floorlink.collector.inventory.Equipment;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.PointRequirement;
import io.floorlink.collector.inventory.Scope;
import io.floorlink.collector.inventory.UnknownScopeException;
import io.floorlink.collector.profiles.Profile;
import io.floorlink.collector.profiles.Profile.MachineState;
import io.floorlink.collector.profiles.Profile.StateMap;
import io.floorlink.collector.profiles.ProfileLoader;
import io.floorlink.sparkplug.Category;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Computes the indicators of INDICATORS.md from the gateway's facts, the inventory and an acceptance profile, for
 * any window, so every figure can be recomputed. Thread-safe; every method blocks on JDBC (call it from a request
 * thread or your own executor, never from a broker or Netty callback).
 */
public final class IndicatorService {
    /**
     * S(e, W) per equipment. Today the whole window; a shift calendar (the inventory's calendars) plugs in here.
     */
    @FunctionalInterface
    public interface Schedule {
        /** S(e, W) for {@code [from, to)}; its intervals lie inside the window. */
        ScheduledTime of(Equipment equipment, Instant from, Instant to);

        /** S = W for every equipment. */
        Schedule WHOLE_WINDOW = (e, from, to) -> ScheduledTime.wholeWindow(from, to);

        /**
         * S(e, W) from the shift calendar the inventory assigns to the equipment (nearest of equipment, line,
         * workshop, site, enterprise); S = W for equipment without one.
         */
        static Schedule calendars(Inventory inventory) {
            return (e, from, to) -> inventory
                    .calendarFor(e.id())
                    .map(cal -> new ScheduledTime(
                            new Interval(from, to),
                            cal.scheduled(from, to).stream()
                                    .map(span -> new Interval(span.start(), span.end()))
                                    .toList(),
                            cal.describe()))
                    .orElseGet(() -> ScheduledTime.wholeWindow(from, to));
        }
    }

    private final FactsReader facts;
    private final Inventory inventory;
    private final ProfileLoader profiles;
    private final Clock clock;
    private final Schedule schedule;
    private final IndicatorMetrics metrics;
    private final FactsCache cache;
    private final boolean fillInline;

    /**
     * Runs one of a report's independent fact reads next to the calling thread, so a report uses at most two
     * connections; shared by every service, daemon threads.
     */
    private static final ExecutorService SIDE_QUERIES = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "floorlink-indicator-query");
        t.setDaemon(true);
        return t;
    });

    /**
     * S(e, W) comes from the inventory's shift calendars ({@link Schedule#calendars}).
     *
     * @param dataSource the facts store (H2 or PostgreSQL with the gateway's migrations applied), never null
     * @param inventory the equipment inventory, never null
     * @param profiles the acceptance profiles; the default one gives the parameters when a call names none
     * @param clock "now" for open sessions and default windows, never null
     */
    public IndicatorService(DataSource dataSource, Inventory inventory, ProfileLoader profiles, Clock clock) {
        this(
                new FactsReader(
                        Objects.requireNonNull(dataSource, "dataSource"),
                        Objects.requireNonNull(inventory, "inventory")
                                .enterprise()
                                .code()),
                inventory,
                profiles,
                clock,
                null,
                null,
                new FactsCache(FactsCache.DEFAULT_ENTRIES),
                false);
    }

    /** With the shipped default profile, its θ values replaced by {@code thresholds}. */
    public IndicatorService(DataSource dataSource, Inventory inventory, Thresholds thresholds, Clock clock) {
        this(
                dataSource,
                inventory,
                ProfileLoader.shippedOnly()
                        .withDefault(ProfileLoader.shipped().withThresholds(Objects.requireNonNull(thresholds))),
                clock);
    }

    private IndicatorService(
            FactsReader facts,
            Inventory inventory,
            ProfileLoader profiles,
            Clock clock,
            Schedule schedule,
            IndicatorMetrics metrics,
            FactsCache cache,
            boolean fillInline) {
        this.facts = facts;
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.schedule = schedule == null ? Schedule.calendars(this.inventory) : schedule;
        this.metrics = metrics == null ? new IndicatorMetrics() : metrics;
        this.cache = Objects.requireNonNull(cache, "cache");
        this.fillInline = fillInline;
    }

    /** The same service with S(e, W) from {@code newSchedule} (a shift calendar). */
    public IndicatorService withSchedule(Schedule newSchedule) {
        return new IndicatorService(facts, inventory, profiles, clock, newSchedule, metrics, cache, fillInline);
    }

    /**
     * The same service keeping what it reads from closed days in {@code newCache} (share one cache between the
     * services of one collector; {@link FactsCache#off()} reads every fact for every report). A new service has a
     * cache of its own of {@link FactsCache#DEFAULT_ENTRIES}.
     */
    public IndicatorService withCache(FactsCache newCache) {
        return new IndicatorService(facts, inventory, profiles, clock, schedule, metrics, newCache, fillInline);
    }

    /**
     * The same service filling the cache with every closed day its reports miss before they return, as background
     * work should ({@link CacheWarmer}, the district summaries). A report of a service that does not, finding more
     * than {@link FactsCache#DEFAULT_INLINE_FILL} of its closed device-days not cached, is computed as without the
     * cache and computed again on the cache's filler thread to fill it (see {@link FactsCache}).
     */
    public IndicatorService fillingInline() {
        return new IndicatorService(facts, inventory, profiles, clock, schedule, metrics, cache, true);
    }

    /** The cache of closed-day facts this service uses. */
    public FactsCache cache() {
        return cache;
    }

    public Inventory inventory() {
        return inventory;
    }

    public ProfileLoader profiles() {
        return profiles;
    }

    /** θ of the default profile. */
    public Thresholds thresholds() {
        return profiles.defaultProfile().thresholds();
    }

    public Clock clock() {
        return clock;
    }

    /** The binder of this service's meters; bind it once to the application registry. */
    public IndicatorMetrics metrics() {
        return metrics;
    }

    /** {@link #compute(String, Instant, Instant, Profile)} with the default profile. */
    public IndicatorReport compute(String scope, Instant from, Instant to) {
        return compute(scope, from, to, profiles.defaultProfile());
    }

    /**
     * Indicators of a scope over {@code [from, to)} with the parameters of a profile.
     *
     * @param scope scope expression ({@code pilot}, enterprise code, site/workshop/line/equipment id, or
     *     {@code kind:id}); null means pilot
     * @param from inclusive start, never null
     * @param to exclusive end, not before {@code from}, never null
     * @param profile the profile giving θ, max_static, state maps and count mappings, never null
     * @throws UnknownScopeException if the scope names nothing in the inventory
     * @throws IllegalArgumentException if {@code from} is after {@code to}
     * @throws FactsUnavailableException if the facts store cannot be read
     */
    public IndicatorReport compute(String scope, Instant from, Instant to, Profile profile) {
        Scope resolved = inventory.resolve(scope);
        checkWindow(from, to);
        long start = System.nanoTime();
        boolean ok = false;
        try {
            Instant now = clock.instant();
            IndicatorEngine engine = new IndicatorEngine(profile);
            boolean[] gapsCut = new boolean[1];
            List<EquipmentIndicators> results = evaluate(engine, resolved.equipment(), from, to, now, false, gapsCut);
            List<IndicatorReport.Finding> findings = new ArrayList<>();
            for (EquipmentIndicators e : results) {
                if (e.networked().value() && !e.digital()) {
                    findings.add(new IndicatorReport.Finding(
                            e.id(), "networked but not declared digital in the inventory (digital: false)"));
                }
            }
            Map<String, Figure> scopeFigures = engine.scope(results);
            IndicatorReport report = new IndicatorReport(
                    inventory.enterprise(),
                    new IndicatorReport.ScopeRef(
                            resolved.kind().wireName(), resolved.id(), resolved.name(), resolved.expression()),
                    window(from, to, resolved.equipment()),
                    new IndicatorReport.ProfileRef(profile.id(), profile.version(), profile.title()),
                    profile.thresholds(),
                    now,
                    scopeFigures,
                    results,
                    findings,
                    uplinks(resolved.equipment(), from, to, now),
                    Assessment2024.of(resolved.equipment(), results, scopeFigures),
                    dataTrust(results, gapsCut[0]));
            ok = true;
            return report;
        } finally {
            metrics.record("scope", ok, System.nanoTime() - start);
        }
    }

    /** {@link #equipment(String, Instant, Instant, Profile)} with the default profile. */
    public EquipmentIndicators equipment(String equipmentId, Instant from, Instant to) {
        return equipment(equipmentId, from, to, profiles.defaultProfile());
    }

    /**
     * Drill-down of one equipment over {@code [from, to)}: its figures, why it is networked or not, and the facts
     * (sessions, points, reads, states, frozen intervals) they come from.
     *
     * @throws NoSuchElementException if the inventory has no such equipment
     * @throws IllegalArgumentException if {@code from} is after {@code to}
     * @throws FactsUnavailableException if the facts store cannot be read
     */
    public EquipmentIndicators equipment(String equipmentId, Instant from, Instant to, Profile profile) {
        Equipment e = inventory
                .equipment(equipmentId)
                .orElseThrow(() -> new NoSuchElementException("no equipment '" + equipmentId + "' in the inventory"));
        checkWindow(from, to);
        long start = System.nanoTime();
        boolean ok = false;
        try {
            IndicatorEngine engine = new IndicatorEngine(profile);
            EquipmentIndicators result = evaluate(engine, List.of(e), from, to, clock.instant(), true, new boolean[1])
                    .get(0);
            result = result.withEvidence(result.evidence().withStateTimeline(stateTimeline(engine, e, from, to)));
            ok = true;
            return result;
        } finally {
            metrics.record("equipment", ok, System.nanoTime() - start);
        }
    }

    /** Most segments of a state timeline; a longer one is cut (with a reason) rather than sent to a browser. */
    static final int MAX_TIMELINE_SEGMENTS = 5_000;

    /** The machine state over {@code [from, to)} at a rollup level that keeps the answer small (see StateTimeline). */
    private EquipmentIndicators.StateTimeline stateTimeline(
            IndicatorEngine engine, Equipment e, Instant from, Instant to) {
        StateMap map = engine.stateMapOf(e);
        String point = IndicatorEngine.statePoint(e, map);
        if (point == null) {
            return new EquipmentIndicators.StateTimeline(null, null, List.of(), "the equipment has no state point");
        }
        if (map == null) {
            return new EquipmentIndicators.StateTimeline(
                    point,
                    null,
                    List.of(),
                    "the profile maps no machine states for type " + (e.type() == null ? "(none)" : e.type()));
        }
        Duration length = Duration.between(from, to);
        ChronoUnit unit = length.compareTo(Duration.ofDays(2)) <= 0
                ? ChronoUnit.MINUTES
                : length.compareTo(Duration.ofDays(62)) <= 0 ? ChronoUnit.HOURS : ChronoUnit.DAYS;
        String level = unit == ChronoUnit.MINUTES ? "minute" : unit == ChronoUnit.HOURS ? "hour" : "day";
        Duration step = unit.getDuration();
        Instant first = from.truncatedTo(unit);
        List<EquipmentIndicators.StateSegment> out = new ArrayList<>();
        String reason = null;
        for (Map.Entry<Instant, Map<Double, Long>> b :
                facts.stateBuckets(e.id(), point, first, to, level).entrySet()) {
            Map<String, Long> byState = new HashMap<>();
            b.getValue().forEach((raw, ms) -> byState.merge(map.stateOf(raw).wireName(), ms, Long::sum));
            String state = byState.entrySet().stream()
                    .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                    .orElseThrow()
                    .getKey();
            Instant start = Interval.max(b.getKey(), from);
            Instant end = Interval.min(b.getKey().plus(step), to);
            int last = out.size() - 1;
            if (last >= 0
                    && out.get(last).state().equals(state)
                    && out.get(last).to().equals(start)) {
                out.set(last, new EquipmentIndicators.StateSegment(out.get(last).from(), end, state));
            } else if (out.size() == MAX_TIMELINE_SEGMENTS) {
                reason = "cut after " + MAX_TIMELINE_SEGMENTS + " segments, at " + start;
                break;
            } else {
                out.add(new EquipmentIndicators.StateSegment(start, end, state));
            }
        }
        return new EquipmentIndicators.StateTimeline(point, level, List.copyOf(out), reason);
    }

    /**
     * When the latest facts of this enterprise's group were stored from (the source time of the newest sample; the
     * minute when only counts are known); null when the store holds none. Blocks on one indexed read.
     *
     * @throws FactsUnavailableException if the facts store cannot be read
     */
    public Instant lastDataAt() {
        return facts.lastDataAt();
    }

    /** Throws {@link FactsUnavailableException} unless the facts store answers. Blocks up to about 2 s. */
    public void checkStore() {
        facts.ping();
    }

    /** The window shown with a report: UTC instants and the enterprise's local time. */
    public IndicatorReport.WindowRef window(Instant from, Instant to) {
        return window(from, to, List.of());
    }

    private IndicatorReport.WindowRef window(Instant from, Instant to, List<Equipment> equipment) {
        ZoneId zone = inventory.enterprise().zone();
        Set<String> bases = new LinkedHashSet<>();
        for (Equipment e : equipment) {
            bases.add(scheduledTime(e, from, to).basis());
        }
        return new IndicatorReport.WindowRef(
                from,
                to,
                zone.getId(),
                from.atZone(zone).toOffsetDateTime().toString(),
                to.atZone(zone).toOffsetDateTime().toString(),
                bases.isEmpty() ? ScheduledTime.WHOLE_WINDOW : String.join(", ", bases));
    }

    /**
     * S(e, W): the one place where the scheduled time of an equipment is decided. Without a calendar S = W.
     */
    ScheduledTime scheduledTime(Equipment e, Instant from, Instant to) {
        return schedule.of(e, from, to);
    }

    private List<EquipmentIndicators> evaluate(
            IndicatorEngine engine,
            List<Equipment> equipment,
            Instant from,
            Instant to,
            Instant now,
            boolean withEvidence,
            boolean[] gapsCut) {
        List<String> ids = equipment.stream().map(Equipment::id).toList();
        // Sessions over the whole edge minutes too: they tell how the reads of a partly covered minute spread.
        Instant minuteFrom = from.truncatedTo(ChronoUnit.MINUTES);
        Instant minuteTo = to.truncatedTo(ChronoUnit.MINUTES).equals(to)
                ? to
                : to.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        Map<String, List<SessionFact>> sessions = facts.sessions(ids, minuteFrom, minuteTo);
        CompletableFuture<Map<String, List<StaticRun>>> runsRead = aside(() -> facts.staticRuns(ids, from, to));
        Map<String, Map<String, Declaration>> declarations = facts.declarations(ids);
        List<FactsReader.GapFact> gapRows = facts.gaps(from, to, DataTrust.MAX_GAP_ROWS + 1);
        if (gapRows.size() > DataTrust.MAX_GAP_ROWS) {
            gapsCut[0] = true;
            gapRows = gapRows.subList(0, DataTrust.MAX_GAP_ROWS);
        }
        Map<String, List<EquipmentIndicators.GapFlag>> gaps =
                DataTrust.byEquipment(gapRows, ids, declarations, sessions);
        Map<String, List<Interval>> reported = reportedMinutes(gaps, from, to);

        // Equipment sharing one S (no calendar, or the same calendar) share the rollup reads.
        Map<List<Interval>, List<Equipment>> groups = new LinkedHashMap<>();
        Map<String, ScheduledTime> scheduled = new HashMap<>();
        for (Equipment e : equipment) {
            ScheduledTime s = scheduledTime(e, from, to);
            scheduled.put(e.id(), s);
            groups.computeIfAbsent(s.intervals(), k -> new ArrayList<>()).add(e);
        }
        Map<String, Map<String, PointAgg>> points = new HashMap<>();
        Map<String, Reads> reads = new HashMap<>();
        Map<String, Map<String, Map<Double, Double>>> states = new HashMap<>();
        Map<List<Interval>, String> rollups = new HashMap<>();
        FactsReader.EdgeWeight weight = connectedWeight(sessions, now);
        Map<List<Interval>, Asked> asked = new HashMap<>();
        groups.forEach((intervals, members) -> asked.put(intervals, asked(engine, members, declarations)));
        // Filling (each closed day read apart and kept) costs more than the report's own read: a report that finds
        // most of its closed days not cached is computed as without the cache, and again on the filler thread.
        long[] cover = cacheCover(groups, asked, now);
        boolean useCache = cache.enabled() && (fillInline || cover[1] <= cache.inlineFill());
        Instant firstDay = FactsReader.dayStart(FactsReader.epochDay(from));
        // Read before any fact, so a write that lands in between makes the next report read the day again.
        Map<String, Map<Long, Long>> revisions =
                useCache && firstDay.plus(Duration.ofDays(1)).compareTo(now) <= 0
                        ? facts.revisions(ids, firstDay, to)
                        : Map.of();
        // Which device-days have current day and month profiles: read at most once per report, at the first read
        // that can use them (none when the cache answers every closed day), always after the revisions: a profile
        // rebuilt in between is newer than the revision a cached day is kept under, never older.
        Set<Long> windowDays = new java.util.HashSet<>();
        for (long d = FactsReader.epochDay(from); d <= FactsReader.epochDay(to.minusNanos(1)); d++) {
            windowDays.add(d);
        }
        FactsReader.ProfiledDays profiled = new FactsReader.ProfiledDays(
                () -> facts.profiledDays(ids, windowDays, revisions.isEmpty() ? null : revisions));
        for (Map.Entry<List<Interval>, List<Equipment>> g : groups.entrySet()) {
            Buckets b = Buckets.of(g.getKey());
            rollups.put(g.getKey(), b.describe());
            List<String> groupIds = g.getValue().stream().map(Equipment::id).toList();
            Map<String, Set<String>> pointIds = asked.get(g.getKey()).pointIds();
            Map<String, List<String>> statePoints = asked.get(g.getKey()).statePoints();
            // Whole minutes of closed days come from the cache while their revision holds; the rest from the store.
            SortedMap<Long, List<Interval>> closed = new TreeMap<>();
            List<Interval> rest = new ArrayList<>();
            splitClosedDays(g.getKey(), now, useCache, closed, rest);
            read(groupIds, pointIds, statePoints, declarations, Buckets.of(rest), weight, false, profiled)
                    .mergeDay(FactsReader.ALL_DAYS, groupIds, points, reads, states);
            Map<Long, List<String>> missing = new TreeMap<>();
            for (String id : groupIds) {
                for (Map.Entry<Long, List<Interval>> day : closed.entrySet()) {
                    Object hit = cache.get(
                            asked.get(g.getKey()).sliceKey(facts.groupId(), id, day.getKey(), day.getValue()),
                            revision(revisions, id, day.getKey()));
                    if (hit instanceof DayFacts f) {
                        f.mergeInto(id, points, reads, states);
                    } else {
                        missing.computeIfAbsent(day.getKey(), k -> new ArrayList<>())
                                .add(id);
                    }
                }
            }
            // Days that miss the same equipment are read together, split by day.
            Map<List<String>, List<Long>> batches = new LinkedHashMap<>();
            missing.forEach((day, devices) ->
                    batches.computeIfAbsent(devices, k -> new ArrayList<>()).add(day));
            for (Map.Entry<List<String>, List<Long>> batch : batches.entrySet()) {
                List<String> devices = batch.getKey();
                List<Interval> spans = new ArrayList<>();
                batch.getValue().forEach(day -> spans.addAll(closed.get(day)));
                Reading r = read(
                        devices,
                        subset(pointIds, devices),
                        subset(statePoints, devices),
                        declarations,
                        Buckets.of(spans),
                        weight,
                        true,
                        profiled);
                for (long day : batch.getValue()) {
                    r.mergeDay(day, devices, points, reads, states);
                    for (String id : devices) {
                        cache.put(
                                asked.get(g.getKey()).sliceKey(facts.groupId(), id, day, closed.get(day)),
                                revision(revisions, id, day),
                                r.dayFacts(day, id));
                    }
                }
            }
        }

        Map<String, List<StaticRun>> runs = join(runsRead);
        Map<String, Map<String, Double>> counterFrozen =
                counterRunningFrozen(engine, equipment, scheduled, runs, states, revisions, profiled, now, useCache);
        List<EquipmentIndicators> out = new ArrayList<>(equipment.size());
        for (Equipment e : equipment) {
            ScheduledTime s = scheduled.get(e.id());
            List<StaticRun> eRuns = runs.getOrDefault(e.id(), List.of());
            EquipmentFacts f = new EquipmentFacts(
                    sessions.getOrDefault(e.id(), List.of()).stream()
                            .filter(x -> x.connectedAt().isBefore(to)
                                    && (x.disconnectedAt() == null
                                            || x.disconnectedAt().isAfter(from)))
                            .toList(),
                    points.getOrDefault(e.id(), Map.of()),
                    reads.get(e.id()),
                    states.getOrDefault(e.id(), Map.of()),
                    eRuns,
                    withEvidence ? declarations.getOrDefault(e.id(), Map.of()) : Map.of(),
                    counterFrozen.getOrDefault(e.id(), Map.of()),
                    rollups.get(s.intervals()),
                    gaps.getOrDefault(e.id(), List.of()),
                    reported.getOrDefault(e.id(), List.of()));
            out.add(engine.evaluate(inventory, e, s, f, now, withEvidence));
        }
        // Queued once the report is through, so the fill does not compete with it.
        if (cache.enabled() && !useCache && cover[0] <= cache.capacity()) {
            IndicatorService filling = fillingInline();
            cache.fillLater(
                    java.util.Arrays.asList(
                            facts.groupId(),
                            ids,
                            from,
                            to,
                            engine.profile().id(),
                            engine.profile().version(),
                            List.copyOf(groups.keySet())),
                    () -> filling.evaluate(engine, equipment, from, to, now, false, new boolean[1]));
        }
        return out;
    }

    /**
     * Running time inside the frozen parts of each counter point, per equipment: a counter only freezes while the
     * machine runs. Read from the state rollups of exactly those parts (day/hour/minute), set-based on two
     * connections, so a counter idle all night is not frozen; the parts inside closed days come from the cache
     * while their revision holds. Skipped for equipment that never ran in S.
     */
    private Map<String, Map<String, Double>> counterRunningFrozen(
            IndicatorEngine engine,
            List<Equipment> equipment,
            Map<String, ScheduledTime> scheduled,
            Map<String, List<StaticRun>> runs,
            Map<String, Map<String, Map<Double, Double>>> states,
            Map<String, Map<Long, Long>> revisions,
            FactsReader.ProfiledDays profiled,
            Instant now,
            boolean useCache) {
        List<FactsReader.StateRequest> requests = new ArrayList<>();
        // Per question (equipment and counters sharing frozen parts): the time per raw state value gathered so far.
        List<Map<Double, Double>> gathered = new ArrayList<>();
        List<String[]> questions = new ArrayList<>();
        Map<String, Integer> requestQuestion = new HashMap<>();
        Map<String, FrozenKey> requestCacheKey = new HashMap<>();
        Map<String, Map<String, Double>> out = new HashMap<>();
        for (Equipment e : equipment) {
            List<StaticRun> eRuns = runs.getOrDefault(e.id(), List.of());
            StateMap map = engine.stateMapOf(e);
            String statePoint = IndicatorEngine.statePoint(e, map);
            if (eRuns.isEmpty() || map == null || statePoint == null) {
                continue;
            }
            double runningInS = 0;
            for (Map.Entry<Double, Double> v : states.getOrDefault(e.id(), Map.of())
                    .getOrDefault(statePoint, Map.of())
                    .entrySet()) {
                if (map.stateOf(v.getKey()) == MachineState.RUNNING) {
                    runningInS += v.getValue();
                }
            }
            Map<String, List<Interval>> parts = engine.frozenParts(e, scheduled.get(e.id()), eRuns);
            // Counters of one machine usually stop together: one question per distinct set of frozen intervals.
            Map<List<Interval>, List<String>> byParts = new LinkedHashMap<>();
            for (PointRequirement p : e.points()) {
                List<Interval> frozen = parts.get(p.id());
                if (p.category() != Category.COUNTER || frozen == null || frozen.isEmpty()) {
                    continue;
                }
                out.computeIfAbsent(e.id(), k -> new HashMap<>()).put(p.id(), 0.0);
                byParts.computeIfAbsent(frozen, k -> new ArrayList<>()).add(p.id());
            }
            Set<Double> runningValues = runningValues(map);
            if (runningInS <= 0 || (runningValues != null && runningValues.isEmpty())) {
                continue;
            }
            for (Map.Entry<List<Interval>, List<String>> g : byParts.entrySet()) {
                int question = questions.size();
                List<String> key = new ArrayList<>();
                key.add(e.id());
                key.addAll(g.getValue());
                questions.add(key.toArray(String[]::new));
                Map<Double, Double> millis = new HashMap<>();
                gathered.add(millis);
                SortedMap<Long, List<Interval>> closed = new TreeMap<>();
                List<Interval> rest = new ArrayList<>();
                splitClosedDays(g.getKey(), now, useCache, closed, rest);
                for (Map.Entry<Long, List<Interval>> day : closed.entrySet()) {
                    FrozenKey cacheKey = new FrozenKey(
                            facts.groupId(), e.id(), day.getKey(), statePoint, runningValues, day.getValue());
                    Object hit = cache.get(cacheKey, revision(revisions, e.id(), day.getKey()));
                    if (hit instanceof Map<?, ?> m) {
                        m.forEach((v, ms) -> millis.merge((Double) v, (Double) ms, Double::sum));
                    } else {
                        String id = question + "/" + day.getKey();
                        requests.add(new FactsReader.StateRequest(
                                id, e.id(), statePoint, Buckets.of(day.getValue()), runningValues));
                        requestQuestion.put(id, question);
                        requestCacheKey.put(id, cacheKey);
                    }
                }
                if (!rest.isEmpty()) {
                    String id = question + "/rest";
                    requests.add(new FactsReader.StateRequest(id, e.id(), statePoint, Buckets.of(rest), runningValues));
                    requestQuestion.put(id, question);
                }
            }
        }
        // The two halves on two connections: these are the most rows of a report after the point rollups.
        List<FactsReader.StateRequest> firstHalf = requests.subList(0, requests.size() / 2);
        CompletableFuture<Map<String, Map<Double, Double>>> first = aside(() -> facts.stateMillis(firstHalf, profiled));
        Map<String, Map<Double, Double>> answers =
                new HashMap<>(facts.stateMillis(requests.subList(requests.size() / 2, requests.size()), profiled));
        answers.putAll(join(first));
        answers.forEach((id, byValue) -> {
            byValue.forEach((v, ms) -> gathered.get(requestQuestion.get(id)).merge(v, ms, Double::sum));
            FrozenKey cacheKey = requestCacheKey.get(id);
            if (cacheKey != null) {
                cache.put(cacheKey, revision(revisions, cacheKey.device(), cacheKey.day()), Map.copyOf(byValue));
            }
        });
        for (int q = 0; q < questions.size(); q++) {
            String[] key = questions.get(q);
            StateMap map = engine.stateMapOf(inventory.equipment(key[0]).orElseThrow());
            double running = 0;
            for (Map.Entry<Double, Double> v : gathered.get(q).entrySet()) {
                if (map.stateOf(v.getKey()) == MachineState.RUNNING) {
                    running += v.getValue();
                }
            }
            for (int i = 1; i < key.length; i++) {
                out.get(key[0]).put(key[i], running);
            }
        }
        return out;
    }

    /** What one read of the rollups gave, per epoch day (or {@link FactsReader#ALL_DAYS}). */
    private record Reading(
            Map<Long, Map<String, Map<String, PointAgg>>> points,
            Map<Long, Map<String, Reads>> reads,
            Map<Long, Map<String, Map<String, Map<Double, Double>>>> states) {

        static final Reading EMPTY = new Reading(Map.of(), Map.of(), Map.of());

        DayFacts dayFacts(long day, String device) {
            return new DayFacts(
                    points.getOrDefault(day, Map.of()).getOrDefault(device, Map.of()),
                    reads.getOrDefault(day, Map.of()).get(device),
                    states.getOrDefault(day, Map.of()).getOrDefault(device, Map.of()));
        }

        void mergeDay(
                long day,
                List<String> devices,
                Map<String, Map<String, PointAgg>> points,
                Map<String, Reads> reads,
                Map<String, Map<String, Map<Double, Double>>> states) {
            for (String id : devices) {
                dayFacts(day, id).mergeInto(id, points, reads, states);
            }
        }
    }

    /**
     * The rollup sums of one device over one part of S (a day's slice, or the whole), as cached.
     *
     * @param reads null when the device has no read rollups there
     */
    private record DayFacts(Map<String, PointAgg> points, Reads reads, Map<String, Map<Double, Double>> states) {

        void mergeInto(
                String device,
                Map<String, Map<String, PointAgg>> allPoints,
                Map<String, Reads> allReads,
                Map<String, Map<String, Map<Double, Double>>> allStates) {
            if (!points.isEmpty()) {
                Map<String, PointAgg> mine = allPoints.computeIfAbsent(device, k -> new HashMap<>());
                points.forEach((p, a) -> mine.merge(p, a, PointAgg::plus));
            }
            if (reads != null) {
                allReads.merge(device, reads, Reads::plus);
            }
            if (!states.isEmpty()) {
                Map<String, Map<Double, Double>> mine = allStates.computeIfAbsent(device, k -> new HashMap<>());
                states.forEach((p, byValue) -> {
                    Map<Double, Double> m = mine.computeIfAbsent(p, k -> new HashMap<>());
                    byValue.forEach((v, ms) -> m.merge(v, ms, Double::sum));
                });
            }
        }
    }

    /**
     * Cache key of a device's rollup sums over its S inside one closed day: the group (device ids are unique within
     * one only, and one cache serves every enterprise), the slice itself, the points asked for with the eng range
     * they were judged against, and the state points.
     */
    private record SliceKey(
            String group,
            String device,
            long day,
            List<Interval> slice,
            List<List<Object>> points,
            List<String> statePoints) {}

    /** Cache key of the time per raw state value inside a day's slice of a counter's frozen parts. */
    private record FrozenKey(
            String group, String device, long day, String statePoint, Set<Double> values, List<Interval> slice) {}

    /**
     * What a report asks of one S's equipment: the points (with the counts' points) and state points, and per
     * equipment the points part of its cache keys (point ids with the eng range they were judged against), built once.
     */
    private record Asked(
            Map<String, Set<String>> pointIds,
            Map<String, List<String>> statePoints,
            Map<String, List<List<Object>>> keyPoints) {

        SliceKey sliceKey(String group, String device, long day, List<Interval> slice) {
            return new SliceKey(
                    group,
                    device,
                    day,
                    slice,
                    keyPoints.getOrDefault(device, List.of()),
                    statePoints.getOrDefault(device, List.of()));
        }
    }

    private static Asked asked(
            IndicatorEngine engine, List<Equipment> members, Map<String, Map<String, Declaration>> declarations) {
        Map<String, Set<String>> pointIds = new LinkedHashMap<>();
        Map<String, List<String>> statePoints = new LinkedHashMap<>();
        Map<String, List<List<Object>>> keyPoints = new HashMap<>();
        for (Equipment e : members) {
            Set<String> ps = new LinkedHashSet<>();
            e.points().forEach(p -> ps.add(p.id()));
            Profile.CountMap counts =
                    e.type() == null ? null : engine.profile().counts().get(e.type());
            if (counts != null) {
                for (String p : new String[] {counts.total(), counts.good(), counts.reject()}) {
                    if (p != null) {
                        ps.add(p);
                    }
                }
            }
            if (!ps.isEmpty()) {
                pointIds.put(e.id(), ps);
            }
            StateMap map = engine.stateMapOf(e);
            String sp = IndicatorEngine.statePoint(e, map);
            if (map != null && sp != null) {
                statePoints.put(e.id(), List.of(sp));
            }
            List<List<Object>> key = new ArrayList<>();
            Map<String, Declaration> decl = declarations.getOrDefault(e.id(), Map.of());
            for (String p : new java.util.TreeSet<>(ps)) {
                Declaration d = decl.get(p);
                key.add(java.util.Arrays.asList(p, d == null ? null : d.engLow(), d == null ? null : d.engHigh()));
            }
            keyPoints.put(e.id(), key);
        }
        return new Asked(pointIds, statePoints, keyPoints);
    }

    /**
     * How much of a report's closed days the cache holds, revisions aside (a peek: no lookup counted, nothing
     * moved in its order): {closed device-days, of them not held}.
     */
    private long[] cacheCover(
            Map<List<Interval>, List<Equipment>> groups, Map<List<Interval>, Asked> asked, Instant now) {
        long[] cover = new long[2];
        if (!cache.enabled() || fillInline) {
            return cover;
        }
        for (Map.Entry<List<Interval>, List<Equipment>> g : groups.entrySet()) {
            SortedMap<Long, List<Interval>> closed = new TreeMap<>();
            splitClosedDays(g.getKey(), now, true, closed, new ArrayList<>());
            for (Equipment e : g.getValue()) {
                for (Map.Entry<Long, List<Interval>> day : closed.entrySet()) {
                    cover[0]++;
                    if (!cache.holds(
                            asked.get(g.getKey()).sliceKey(facts.groupId(), e.id(), day.getKey(), day.getValue()))) {
                        cover[1]++;
                    }
                }
            }
        }
        return cover;
    }

    private static long revision(Map<String, Map<Long, Long>> revisions, String device, long day) {
        return revisions.getOrDefault(device, Map.of()).getOrDefault(day, 0L);
    }

    private static <V> Map<String, V> subset(Map<String, V> byDevice, List<String> devices) {
        Map<String, V> out = new LinkedHashMap<>();
        for (String d : devices) {
            V v = byDevice.get(d);
            if (v != null) {
                out.put(d, v);
            }
        }
        return out;
    }

    /**
     * Cuts S at UTC midnights: the whole minutes of days that ended by {@code now} go to {@code closed} by epoch
     * day (they may be cached), everything else (partial minutes, days not over) to {@code rest}. Nothing is closed
     * when the report does not use the cache.
     */
    private static void splitClosedDays(
            List<Interval> intervals,
            Instant now,
            boolean useCache,
            SortedMap<Long, List<Interval>> closed,
            List<Interval> rest) {
        for (Interval i : intervals) {
            for (Interval piece : FactsReader.perDay(i)) {
                long day = FactsReader.epochDay(piece.start());
                // Partial minutes stay outside: their weights depend on the sessions around them.
                Instant a = Buckets.ceil(piece.start(), ChronoUnit.MINUTES);
                Instant b = piece.end().truncatedTo(ChronoUnit.MINUTES);
                if (!useCache || FactsReader.dayStart(day + 1).isAfter(now) || !a.isBefore(b)) {
                    rest.add(piece);
                    continue;
                }
                closed.computeIfAbsent(day, k -> new ArrayList<>()).add(new Interval(a, b));
                if (piece.start().isBefore(a)) {
                    rest.add(new Interval(piece.start(), a));
                }
                if (b.isBefore(piece.end())) {
                    rest.add(new Interval(b, piece.end()));
                }
            }
        }
        closed.replaceAll((day, pieces) -> Interval.union(pieces));
    }

    /**
     * Point, read and state rollups of the devices over the spans, by day or not. Half of the point rollups (most
     * of a report's rows) are read on a second connection.
     */
    private Reading read(
            List<String> devices,
            Map<String, Set<String>> pointIds,
            Map<String, List<String>> statePoints,
            Map<String, Map<String, Declaration>> declarations,
            Buckets spans,
            FactsReader.EdgeWeight weight,
            boolean byDay,
            FactsReader.ProfiledDays profiled) {
        if (spans.days().isEmpty()
                && spans.hours().isEmpty()
                && spans.minutes().isEmpty()
                && spans.partial().isEmpty()) {
            return Reading.EMPTY;
        }
        Map<String, Set<String>> firstHalf = new LinkedHashMap<>();
        Map<String, Set<String>> secondHalf = new LinkedHashMap<>();
        pointIds.forEach((id, ps) -> (firstHalf.size() < pointIds.size() / 2 ? firstHalf : secondHalf).put(id, ps));
        CompletableFuture<Map<Long, Map<String, Map<String, PointAgg>>>> firstPoints =
                aside(() -> facts.points(firstHalf, declarations, spans, byDay, profiled));
        Map<Long, Map<String, Map<String, PointAgg>>> points =
                new HashMap<>(facts.points(secondHalf, declarations, spans, byDay, profiled));
        Map<Long, Map<String, Reads>> reads = facts.reads(devices, spans, weight, byDay, profiled);
        Map<Long, Map<String, Map<String, Map<Double, Double>>>> states =
                facts.stateMillis(statePoints, spans, byDay, profiled);
        join(firstPoints)
                .forEach((day, byDevice) -> points.merge(day, byDevice, (a, b) -> {
                    Map<String, Map<String, PointAgg>> m = new HashMap<>(a);
                    m.putAll(b);
                    return m;
                }));
        return new Reading(points, reads, states);
    }

    private static <T> CompletableFuture<T> aside(Supplier<T> read) {
        return CompletableFuture.supplyAsync(read, SIDE_QUERIES);
    }

    private static <T> T join(CompletableFuture<T> read) {
        try {
            return read.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * The raw values a state map sends to running, so that only their rows are read; null (all values) when
     * unlisted values count as running.
     */
    private static Set<Double> runningValues(StateMap map) {
        if (MachineState.RUNNING.wireName().equals(map.otherwise())) {
            return null;
        }
        Set<Double> out = new java.util.HashSet<>();
        map.values().keySet().forEach(raw -> {
            double v = Double.parseDouble(raw);
            if (map.stateOf(v) == MachineState.RUNNING) {
                out.add(v);
            }
        });
        return out;
    }

    /**
     * The minutes inside not-known platform gaps that replayed data can fill ({@link DataTrust#replayFills}) for
     * which each concerned equipment's edge reported health counters: one read per span of such gaps (they are
     * rare: gateway restarts).
     */
    private Map<String, List<Interval>> reportedMinutes(
            Map<String, List<EquipmentIndicators.GapFlag>> gaps, Instant from, Instant to) {
        Map<Interval, Set<String>> spans = new TreeMap<>(java.util.Comparator.comparing(Interval::start));
        List<Interval> all = new ArrayList<>();
        gaps.forEach((id, list) -> list.stream()
                .filter(DataTrust::replayFills)
                .forEach(g -> all.add(new Interval(Interval.max(g.from(), from), Interval.min(g.to(), to)))));
        for (Interval span : Interval.union(all)) {
            Set<String> devices = new TreeSet<>();
            gaps.forEach((id, list) -> {
                for (EquipmentIndicators.GapFlag g : list) {
                    if (DataTrust.replayFills(g) && g.from().isBefore(span.end()) && g.to().isAfter(span.start())) {
                        devices.add(id);
                    }
                }
            });
            spans.put(span, devices);
        }
        Map<String, List<Interval>> out = new HashMap<>();
        spans.forEach((span, devices) -> facts.reportedMinutes(devices, span.start(), span.end())
                .forEach((device, minutes) -> {
                    List<Interval> list = out.computeIfAbsent(device, k -> new ArrayList<>());
                    for (Instant m : minutes) {
                        list.add(new Interval(m, m.plus(Duration.ofMinutes(1))));
                    }
                }));
        out.replaceAll((k, v) -> Interval.union(v));
        return out;
    }

    /** The report's data-trust summary: every equipment flag, grouped by gap. */
    private IndicatorReport.DataTrust dataTrust(List<EquipmentIndicators> results, boolean cut) {
        ZoneId zone = inventory.enterprise().zone();
        Map<List<Object>, IndicatorReport.ReportGap> byGap = new LinkedHashMap<>();
        double notKnown = 0;
        for (EquipmentIndicators e : results) {
            notKnown += e.notKnownSeconds();
            for (EquipmentIndicators.GapFlag f : e.dataTrust()) {
                List<Object> key = java.util.Arrays.asList(
                        f.cause(), f.scope(), f.groupId(), f.edgeNodeId(), f.deviceId(), f.from(), f.to());
                IndicatorReport.ReportGap g = byGap.get(key);
                byGap.put(
                        key,
                        new IndicatorReport.ReportGap(
                                f.cause(),
                                f.scope(),
                                f.groupId(),
                                f.edgeNodeId(),
                                f.deviceId(),
                                f.from(),
                                f.to(),
                                f.from().atZone(zone).toOffsetDateTime().toString(),
                                f.to().atZone(zone).toOffsetDateTime().toString(),
                                f.intervals(),
                                f.events(),
                                f.detail(),
                                f.notKnownTime(),
                                g == null ? 1 : g.equipment() + 1,
                                (g == null ? 0 : g.notKnownSeconds()) + f.notKnownSeconds()));
            }
        }
        List<IndicatorReport.ReportGap> gaps = new ArrayList<>(byGap.values());
        gaps.sort(java.util.Comparator.comparing(IndicatorReport.ReportGap::from)
                .thenComparing(IndicatorReport.ReportGap::cause));
        if (gaps.isEmpty() && !cut) {
            return new IndicatorReport.DataTrust(
                    IndicatorReport.TRUST_COMPLETE,
                    "no known gap of the platform overlaps the window",
                    0,
                    List.of(),
                    false);
        }
        Set<String> causes = new TreeSet<>();
        gaps.forEach(g -> causes.add(g.cause()));
        String summary = gaps.size() + " known gap(s) of the platform overlap the window (" + String.join(", ", causes)
                + ")"
                + (notKnown > 0
                        ? "; " + Math.round(notKnown) + " s of scheduled time not known, left out of online_ratio"
                                + " and completeness"
                        : "; figures may be affected")
                + (cut ? "; more gaps than one report reads (" + DataTrust.MAX_GAP_ROWS + "), list cut" : "");
        return new IndicatorReport.DataTrust(IndicatorReport.TRUST_FLAGGED, summary, notKnown, gaps, cut);
    }

    /** uplink_availability of each edge node that reported equipment of the scope in the window. */
    private List<IndicatorReport.Uplink> uplinks(List<Equipment> equipment, Instant from, Instant to, Instant now) {
        if (equipment.isEmpty()) {
            return List.of();
        }
        List<String> ids = equipment.stream().map(Equipment::id).toList();
        Map<String, Set<String>> nodeEquipment = new LinkedHashMap<>();
        Map<String, String> nodeGroup = new HashMap<>();
        for (List<SessionFact> list : facts.sessions(ids, from, to).values()) {
            for (SessionFact s : list) {
                nodeEquipment
                        .computeIfAbsent(s.edgeNodeId(), k -> new java.util.TreeSet<>())
                        .add(s.deviceId());
            }
        }
        for (Map<String, Declaration> d : facts.declarations(ids).values()) {
            for (Declaration x : d.values()) {
                nodeEquipment
                        .computeIfAbsent(x.edgeNodeId(), k -> new java.util.TreeSet<>())
                        .add(x.deviceId());
                nodeGroup.put(x.edgeNodeId(), x.groupId());
            }
        }
        if (nodeEquipment.isEmpty()) {
            return List.of();
        }
        Map<String, List<EdgeSessionFact>> byNode = new HashMap<>();
        for (EdgeSessionFact f : facts.edgeSessions(from, to)) {
            if (nodeEquipment.containsKey(f.edgeNodeId())) {
                byNode.computeIfAbsent(f.edgeNodeId(), k -> new ArrayList<>()).add(f);
                nodeGroup.putIfAbsent(f.edgeNodeId(), f.groupId());
            }
        }
        List<IndicatorReport.Uplink> out = new ArrayList<>();
        Interval w = new Interval(from, to);
        for (Map.Entry<String, Set<String>> n : new java.util.TreeMap<>(nodeEquipment).entrySet()) {
            List<EdgeSessionFact> list = byNode.getOrDefault(n.getKey(), List.of());
            Figure f = IndicatorEngine.uplink(list, w, now);
            if (list.isEmpty() && f.value() != null) {
                f = f.withReason("no edge_session facts overlap the window");
            }
            out.add(new IndicatorReport.Uplink(nodeGroup.get(n.getKey()), n.getKey(), f, List.copyOf(n.getValue())));
        }
        return out;
    }

    /**
     * A device reads only while connected, so the reads of a partly covered minute belong to the part of the
     * minute inside the span in proportion to connected time, not wall time; e.g. a device that came up 15 s
     * before the end of the minute did all of that minute's reads in those 15 s. A minute without any connected
     * time falls back to wall time.
     */
    private static FactsReader.EdgeWeight connectedWeight(Map<String, List<SessionFact>> sessions, Instant now) {
        return (device, bucket, partFrom, partTo) -> {
            List<Interval> connected = new ArrayList<>();
            for (SessionFact f : sessions.getOrDefault(device, List.of())) {
                Instant end = f.disconnectedAt() != null ? f.disconnectedAt() : Interval.max(f.connectedAt(), now);
                connected.add(new Interval(f.connectedAt(), end));
            }
            connected = Interval.union(connected);
            Duration inMinute =
                    Interval.overlap(connected, List.of(new Interval(bucket, bucket.plus(Duration.ofMinutes(1)))));
            if (inMinute.isZero()) {
                return FactsReader.EdgeWeight.UNIFORM.weight(device, bucket, partFrom, partTo);
            }
            Duration inPart = Interval.overlap(connected, List.of(new Interval(partFrom, partTo)));
            return (double) inPart.toNanos() / inMinute.toNanos();
        };
    }

    private static void checkWindow(Instant from, Instant to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("from " + from + " is after to " + to);
        }
    }
}
