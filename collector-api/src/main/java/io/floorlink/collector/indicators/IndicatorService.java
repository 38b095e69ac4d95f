package io.floorlink.collector.indicators;

import io.floorlink.collector.indicators.FactsStore.Declaration;
import io.floorlink.collector.indicators.FactsStore.EdgeSessionFact;
import io.floorlink.collector.indicators.FactsStore.PointAgg;
import io.floorlink.collector.indicators.FactsStore.Reads;
import io.floorlink.collector.indicators.FactsStore.SessionFact;
import io.floorlink.collector.indicators.FactsStore.StaticRun;
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

    private final FactsStore facts;
    private final Inventory inventory;
    private final ProfileLoader profiles;
    private final Clock clock;
    private final Schedule schedule;
    private final IndicatorMetrics metrics;

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
        this(new FactsStore(Objects.requireNonNull(dataSource, "dataSource")), inventory, profiles, clock, null, null);
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
            FactsStore facts,
            Inventory inventory,
            ProfileLoader profiles,
            Clock clock,
            Schedule schedule,
            IndicatorMetrics metrics) {
        this.facts = facts;
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.schedule = schedule == null ? Schedule.calendars(this.inventory) : schedule;
        this.metrics = metrics == null ? new IndicatorMetrics() : metrics;
    }

    /** The same service with S(e, W) from {@code newSchedule} (a shift calendar). */
    public IndicatorService withSchedule(Schedule newSchedule) {
        return new IndicatorService(facts, inventory, profiles, clock, newSchedule, metrics);
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
            List<EquipmentIndicators> results = evaluate(engine, resolved.equipment(), from, to, now, false);
            List<IndicatorReport.Finding> findings = new ArrayList<>();
            for (EquipmentIndicators e : results) {
                if (e.networked().value() && !e.digital()) {
                    findings.add(new IndicatorReport.Finding(
                            e.id(), "networked but not declared digital in the inventory (digital: false)"));
                }
            }
            Map<String, Figure> scopeFigures = engine.scope(results);
            IndicatorReport report = new IndicatorReport(
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
                    Assessment2024.of(resolved.equipment(), results, scopeFigures));
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
            EquipmentIndicators result = evaluate(
                            new IndicatorEngine(profile), List.of(e), from, to, clock.instant(), true)
                    .get(0);
            ok = true;
            return result;
        } finally {
            metrics.record("equipment", ok, System.nanoTime() - start);
        }
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
            boolean withEvidence) {
        List<String> ids = equipment.stream().map(Equipment::id).toList();
        // Sessions over the whole edge minutes too: they tell how the reads of a partly covered minute spread.
        Instant minuteFrom = from.truncatedTo(ChronoUnit.MINUTES);
        Instant minuteTo = to.truncatedTo(ChronoUnit.MINUTES).equals(to)
                ? to
                : to.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        Map<String, List<SessionFact>> sessions = facts.sessions(ids, minuteFrom, minuteTo);
        CompletableFuture<Map<String, List<StaticRun>>> runsRead = aside(() -> facts.staticRuns(ids, from, to));
        Map<String, Map<String, Declaration>> declarations = facts.declarations(ids);

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
        FactsStore.EdgeWeight weight = connectedWeight(sessions, now);
        for (Map.Entry<List<Interval>, List<Equipment>> g : groups.entrySet()) {
            Buckets b = Buckets.of(g.getKey());
            rollups.put(g.getKey(), b.describe());
            List<String> groupIds = g.getValue().stream().map(Equipment::id).toList();
            Map<String, Set<String>> pointIds = new LinkedHashMap<>();
            Map<String, List<String>> statePoints = new LinkedHashMap<>();
            for (Equipment e : g.getValue()) {
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
            }
            // Half of the point rollups (most of a report's rows) on a second connection.
            Map<String, Set<String>> firstHalf = new LinkedHashMap<>();
            Map<String, Set<String>> secondHalf = new LinkedHashMap<>();
            pointIds.forEach((id, ps) -> (firstHalf.size() < pointIds.size() / 2 ? firstHalf : secondHalf).put(id, ps));
            CompletableFuture<Map<String, Map<String, PointAgg>>> firstPoints =
                    aside(() -> facts.points(firstHalf, declarations, b));
            points.putAll(facts.points(secondHalf, declarations, b));
            reads.putAll(facts.reads(groupIds, b, weight));
            states.putAll(facts.stateMillis(statePoints, b));
            points.putAll(join(firstPoints));
        }

        Map<String, List<StaticRun>> runs = join(runsRead);
        Map<String, Map<String, Double>> counterFrozen =
                counterRunningFrozen(engine, equipment, scheduled, runs, states);
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
                    rollups.get(s.intervals()));
            out.add(engine.evaluate(inventory, e, s, f, now, withEvidence));
        }
        return out;
    }

    /**
     * Running time inside the frozen parts of each counter point, per equipment: a counter only freezes while the
     * machine runs. Read from the state rollups of exactly those parts (day/hour/minute), all on one connection, so
     * a counter idle all night is not frozen. Skipped for equipment that never ran in S.
     */
    private Map<String, Map<String, Double>> counterRunningFrozen(
            IndicatorEngine engine,
            List<Equipment> equipment,
            Map<String, ScheduledTime> scheduled,
            Map<String, List<StaticRun>> runs,
            Map<String, Map<String, Map<Double, Double>>> states) {
        List<FactsStore.StateRequest> requests = new ArrayList<>();
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
            if (runningInS > 0 && (runningValues == null || !runningValues.isEmpty())) {
                for (Map.Entry<List<Interval>, List<String>> g : byParts.entrySet()) {
                    String key = e.id() + "\u0000" + String.join("\u0000", g.getValue());
                    requests.add(new FactsStore.StateRequest(
                            key, e.id(), statePoint, Buckets.of(g.getKey()), runningValues));
                }
            }
        }
        // The two halves on two connections: these are the most rows of a report after the point rollups.
        List<FactsStore.StateRequest> firstHalf = requests.subList(0, requests.size() / 2);
        CompletableFuture<Map<String, Map<Double, Double>>> first = aside(() -> facts.stateMillis(firstHalf));
        Map<String, Map<Double, Double>> answers =
                new HashMap<>(facts.stateMillis(requests.subList(requests.size() / 2, requests.size())));
        answers.putAll(join(first));
        for (FactsStore.StateRequest q : requests) {
            StateMap map = engine.stateMapOf(inventory.equipment(q.device()).orElseThrow());
            double running = 0;
            for (Map.Entry<Double, Double> v :
                    answers.getOrDefault(q.key(), Map.of()).entrySet()) {
                if (map.stateOf(v.getKey()) == MachineState.RUNNING) {
                    running += v.getValue();
                }
            }
            String[] key = q.key().split("\u0000");
            for (int i = 1; i < key.length; i++) {
                out.get(q.device()).put(key[i], running);
            }
        }
        return out;
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
    private static FactsStore.EdgeWeight connectedWeight(Map<String, List<SessionFact>> sessions, Instant now) {
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
                return FactsStore.EdgeWeight.UNIFORM.weight(device, bucket, partFrom, partTo);
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
