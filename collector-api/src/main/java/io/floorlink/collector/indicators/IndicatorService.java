package io.floorlink.collector.indicators;

import io.floorlink.collector.indicators.FactsStore.Reads;
import io.floorlink.collector.indicators.FactsStore.SessionFact;
import io.floorlink.collector.inventory.Equipment;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.Scope;
import io.floorlink.collector.inventory.UnknownScopeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Computes the indicators of INDICATORS.md from the gateway's facts and the inventory, for any window, so every
 * figure can be recomputed. Thread-safe; every method blocks on JDBC (call it from a request thread or your own
 * executor, never from a broker or Netty callback).
 */
public final class IndicatorService {
    private final FactsStore facts;
    private final Inventory inventory;
    private final Thresholds thresholds;
    private final Clock clock;
    private final IndicatorEngine engine;
    private final IndicatorMetrics metrics = new IndicatorMetrics();

    /**
     * @param dataSource the facts store (H2 or PostgreSQL with the gateway's migrations applied), never null
     * @param inventory the equipment inventory, never null
     * @param thresholds parameters of networked, never null
     * @param clock "now" for open sessions and default windows, never null
     */
    public IndicatorService(DataSource dataSource, Inventory inventory, Thresholds thresholds, Clock clock) {
        this.facts = new FactsStore(Objects.requireNonNull(dataSource, "dataSource"));
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.engine = new IndicatorEngine(thresholds);
    }

    public Inventory inventory() {
        return inventory;
    }

    public Thresholds thresholds() {
        return thresholds;
    }

    public Clock clock() {
        return clock;
    }

    /** The binder of this service's meters; bind it once to the application registry. */
    public IndicatorMetrics metrics() {
        return metrics;
    }

    /**
     * Indicators of a scope over {@code [from, to)}.
     *
     * @param scope scope expression ({@code pilot}, enterprise code, site/workshop/line/equipment id, or
     *     {@code kind:id}); null means pilot
     * @param from inclusive start, never null
     * @param to exclusive end, not before {@code from}, never null
     * @throws UnknownScopeException if the scope names nothing in the inventory
     * @throws IllegalArgumentException if {@code from} is after {@code to}
     * @throws FactsUnavailableException if the facts store cannot be read
     */
    public IndicatorReport compute(String scope, Instant from, Instant to) {
        Scope resolved = inventory.resolve(scope);
        checkWindow(from, to);
        long start = System.nanoTime();
        boolean ok = false;
        try {
            Instant now = clock.instant();
            List<EquipmentIndicators> results = evaluate(resolved.equipment(), from, to, now, false);
            List<IndicatorReport.Finding> findings = new ArrayList<>();
            for (EquipmentIndicators e : results) {
                if (e.networked().value() && !e.digital()) {
                    findings.add(new IndicatorReport.Finding(
                            e.id(), "networked but not declared digital in the inventory (digital: false)"));
                }
            }
            IndicatorReport report = new IndicatorReport(
                    new IndicatorReport.ScopeRef(
                            resolved.kind().wireName(), resolved.id(), resolved.name(), resolved.expression()),
                    window(from, to),
                    thresholds,
                    now,
                    engine.scope(results),
                    results,
                    findings);
            ok = true;
            return report;
        } finally {
            metrics.record("scope", ok, System.nanoTime() - start);
        }
    }

    /**
     * Drill-down of one equipment over {@code [from, to)}: its figures, why it is networked or not, and the facts
     * (sessions, points, reads) they come from.
     *
     * @throws NoSuchElementException if the inventory has no such equipment
     * @throws IllegalArgumentException if {@code from} is after {@code to}
     * @throws FactsUnavailableException if the facts store cannot be read
     */
    public EquipmentIndicators equipment(String equipmentId, Instant from, Instant to) {
        Equipment e = inventory
                .equipment(equipmentId)
                .orElseThrow(() -> new NoSuchElementException("no equipment '" + equipmentId + "' in the inventory"));
        checkWindow(from, to);
        long start = System.nanoTime();
        boolean ok = false;
        try {
            EquipmentIndicators result =
                    evaluate(List.of(e), from, to, clock.instant(), true).get(0);
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
        ZoneId zone = inventory.enterprise().zone();
        return new IndicatorReport.WindowRef(
                from,
                to,
                zone.getId(),
                from.atZone(zone).toOffsetDateTime().toString(),
                to.atZone(zone).toOffsetDateTime().toString(),
                ScheduledTime.WHOLE_WINDOW);
    }

    private List<EquipmentIndicators> evaluate(
            List<Equipment> equipment, Instant from, Instant to, Instant now, boolean withEvidence) {
        List<String> ids = equipment.stream().map(Equipment::id).toList();
        // Sessions over the whole edge minutes too: they tell how the reads of a partly covered minute spread.
        Instant minuteFrom = from.truncatedTo(ChronoUnit.MINUTES);
        Instant minuteTo = to.truncatedTo(ChronoUnit.MINUTES).equals(to)
                ? to
                : to.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        Map<String, List<SessionFact>> sessions = facts.sessions(ids, minuteFrom, minuteTo);
        List<EquipmentIndicators> out = new ArrayList<>(equipment.size());
        // Without a calendar every equipment has S = W, so the rollups are read once for all of them.
        ScheduledTime s = scheduledTime(from, to);
        Map<String, Map<String, Long>> good = facts.goodSamples(ids, from, to);
        Map<String, Reads> reads = facts.reads(ids, from, to, connectedWeight(sessions, now));
        for (Equipment e : equipment) {
            out.add(engine.evaluate(
                    inventory,
                    e,
                    s,
                    sessions.getOrDefault(e.id(), List.of()).stream()
                            .filter(f -> f.connectedAt().isBefore(to)
                                    && (f.disconnectedAt() == null
                                            || f.disconnectedAt().isAfter(from)))
                            .toList(),
                    good.getOrDefault(e.id(), Map.of()),
                    reads.get(e.id()),
                    now,
                    withEvidence));
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

    /** S(e, W); a calendar will narrow it per equipment. */
    private static ScheduledTime scheduledTime(Instant from, Instant to) {
        return ScheduledTime.wholeWindow(from, to);
    }

    private static void checkWindow(Instant from, Instant to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("from " + from + " is after to " + to);
        }
    }
}
