package io.floorlink.collector.indicators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.floorlink.collector.indicators.FactsFixture.PointRow;
import io.floorlink.collector.inventory.Enterprise;
import io.floorlink.collector.inventory.Equipment;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.Line;
import io.floorlink.collector.inventory.PointRequirement;
import io.floorlink.collector.inventory.Site;
import io.floorlink.collector.inventory.Workshop;
import io.floorlink.collector.profiles.ProfileLoader;
import io.floorlink.sparkplug.Category;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A synthesized month of facts with known truth: March 2026, minute by minute, for an injection molding machine
 * (IMM-01: key, ideal cycle 12 s) and a sewing machine (SEW-01), plus a manual dryer without interface. Shifts
 * (Shanghai Mon-Sat 08:00-12:00, 13:00-17:30 = UTC 00:00-04:00, 05:00-09:30; holiday 9 March), outages, a
 * counter reset, a frozen temperature sensor, a counter stuck while running, a fault hour, out-of-range values,
 * failed reads and a source clock running ahead (SEW-01).
 *
 * <p>The facts are written like the gateway writes them: day and hour rollups for the whole month, and minute
 * rollups (which the engine only reads at window edges) for the hours the test windows cut: 09:00-10:00 of every
 * day, 2 March 07:00-08:00 and 29 March 15:00-16:00. Reading the wrong rollup level therefore changes the
 * figures. The true values are computed here from the minute model, not from the rollups.
 */
final class GoldenMonth {
    static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
    static final int MINUTES = 31 * 1440;
    static final Instant END = START.plus(Duration.ofMinutes(MINUTES));
    /** An unaligned window: day, hour, minute and partial-minute buckets. */
    static final Instant W2_FROM = Instant.parse("2026-03-02T07:23:30Z");

    static final Instant W2_TO = Instant.parse("2026-03-29T15:41:00Z");

    static final String IMM = "IMM-01";
    static final String SEW = "SEW-01";

    /** Per equipment and minute: the model. */
    static final class Model {
        final boolean[] connected = new boolean[MINUTES];
        final int[] state = new int[MINUTES];
        final Map<String, long[]> good = new LinkedHashMap<>();
        final Map<String, double[]> increase = new LinkedHashMap<>();
        final Map<String, double[]> value = new LinkedHashMap<>();
        final Map<String, int[]> latencyBucket = new LinkedHashMap<>();
        final long[] readsOk = new long[MINUTES];
        final long[] readsFailed = new long[MINUTES];
        final boolean[] outOfRange = new boolean[MINUTES];
        /** Static runs {point, first minute, end minute (exclusive), value}. */
        final List<Object[]> runs = new ArrayList<>();
    }

    final Model imm = new Model();
    final Model sew = new Model();
    final Inventory inventory;

    GoldenMonth() {
        inventory = Inventory.of(
                new Enterprise("ENT001", "Golden Month", null),
                List.of(new Site("S1", null, List.of(new Workshop("W1", null, List.of(new Line("L1", null)))))),
                List.of(
                        new Equipment(
                                IMM,
                                "Molding 1",
                                "injection_molding",
                                "L1",
                                true,
                                true,
                                true,
                                Duration.ofSeconds(12),
                                List.of(
                                        new PointRequirement(
                                                "production_status", Category.STATE, Duration.ofSeconds(1)),
                                        new PointRequirement("shot_count", Category.COUNTER, Duration.ofSeconds(1)),
                                        new PointRequirement("reject_count", Category.COUNTER, Duration.ofSeconds(1)),
                                        new PointRequirement("mold_temp", Category.PROCESS, Duration.ofSeconds(1)),
                                        new PointRequirement("energy_kwh", Category.ENERGY, Duration.ofSeconds(10)))),
                        new Equipment(
                                SEW,
                                "Sewing 1",
                                "sewing_machine",
                                "L1",
                                true,
                                true,
                                false,
                                null,
                                List.of(
                                        new PointRequirement("run_state", Category.STATE, Duration.ofSeconds(1)),
                                        new PointRequirement("ok_count", Category.COUNTER, Duration.ofSeconds(1)),
                                        new PointRequirement("ng_count", Category.COUNTER, Duration.ofSeconds(1)))),
                        new Equipment("DRY-01", "L1", true, false, false, List.of())));
        build();
    }

    static Instant at(int m) {
        return START.plus(Duration.ofMinutes(m));
    }

    static int minuteOf(String iso) {
        return (int) Duration.between(START, Instant.parse(iso)).toMinutes();
    }

    /** Shift minutes (UTC): Mon-Sat 00:00-04:00 and 05:00-09:30, not 9 March. */
    static boolean shift(int m) {
        Instant t = at(m);
        DayOfWeek dow = t.atOffset(ZoneOffset.UTC).getDayOfWeek();
        int minuteOfDay = m % 1440;
        int day = m / 1440 + 1;
        if (dow == DayOfWeek.SUNDAY || day == 9) {
            return false;
        }
        return minuteOfDay < 240 || (minuteOfDay >= 300 && minuteOfDay < 570);
    }

    /** The shift calendar as S(e, W) spans inside [from, to). */
    static ScheduledTime calendar(Instant from, Instant to) {
        List<Interval> spans = new ArrayList<>();
        for (int d = 0; d < 31; d++) {
            Instant day = START.plus(Duration.ofDays(d));
            DayOfWeek dow = day.atOffset(ZoneOffset.UTC).getDayOfWeek();
            if (dow == DayOfWeek.SUNDAY || d + 1 == 9) {
                continue;
            }
            for (long[] span : new long[][] {{0, 240}, {300, 570}}) {
                Instant a = Interval.max(from, day.plus(Duration.ofMinutes(span[0])));
                Instant b = Interval.min(to, day.plus(Duration.ofMinutes(span[1])));
                if (a.isBefore(b)) {
                    spans.add(new Interval(a, b));
                }
            }
        }
        return new ScheduledTime(new Interval(from, to), spans, "calendar:golden-shifts");
    }

    private void build() {
        int immOut1From = minuteOf("2026-03-10T02:00:00Z");
        int immOut1To = minuteOf("2026-03-10T06:00:00Z");
        int immOut2From = minuteOf("2026-03-20T10:15:00Z");
        int immOut2To = minuteOf("2026-03-20T10:45:00Z");
        int faultFrom = minuteOf("2026-03-12T01:00:00Z");
        int stuckFrom = minuteOf("2026-03-24T02:00:00Z");
        int frozenFrom = minuteOf("2026-03-18T00:00:00Z");
        int frozenTo = minuteOf("2026-03-18T06:00:00Z");
        int failDay = minuteOf("2026-03-25T00:00:00Z");
        int rangeDay = minuteOf("2026-03-22T03:00:00Z");
        for (String p : List.of("production_status", "shot_count", "reject_count", "mold_temp", "energy_kwh")) {
            imm.good.put(p, new long[MINUTES]);
            imm.latencyBucket.put(p, new int[MINUTES]);
        }
        for (String p : List.of("shot_count", "reject_count", "energy_kwh")) {
            imm.increase.put(p, new double[MINUTES]);
        }
        imm.value.put("mold_temp", new double[MINUTES]);
        int runningMinutes = 0;
        for (int m = 0; m < MINUTES; m++) {
            boolean out = (m >= immOut1From && m < immOut1To) || (m >= immOut2From && m < immOut2To);
            imm.connected[m] = !out;
            if (out) {
                continue;
            }
            boolean sh = shift(m);
            imm.state[m] = !sh ? 2 : (m >= faultFrom && m < faultFrom + 60) ? 5 : 4;
            for (String p : imm.good.keySet()) {
                imm.good.get(p)[m] = p.equals("energy_kwh") ? 6 : 60;
                imm.latencyBucket.get(p)[m] = p.equals("energy_kwh") ? 8 : 5;
            }
            if (imm.state[m] == 4) {
                runningMinutes++;
                boolean stuck = m >= stuckFrom && m < stuckFrom + 60;
                imm.increase.get("shot_count")[m] = stuck ? 0 : 4;
                imm.increase.get("reject_count")[m] = runningMinutes % 4 == 0 ? 1 : 0;
                imm.increase.get("energy_kwh")[m] = 0.5;
            } else {
                imm.increase.get("energy_kwh")[m] = 0.05;
            }
            boolean frozen = m >= frozenFrom && m < frozenTo;
            imm.value.get("mold_temp")[m] = frozen ? 201.0 : 200 + (m % 7);
            imm.outOfRange[m] = m >= rangeDay && m < rangeDay + 3;
            boolean fail = m >= failDay && m < failDay + 1440;
            imm.readsOk[m] = fail ? 221 : 246;
            imm.readsFailed[m] = fail ? 25 : 0;
        }

        int sewOutFrom = minuteOf("2026-03-05T00:00:00Z");
        int sewOutTo = minuteOf("2026-03-06T00:00:00Z");
        for (String p : List.of("run_state", "ok_count", "ng_count")) {
            sew.good.put(p, new long[MINUTES]);
            sew.latencyBucket.put(p, new int[MINUTES]);
        }
        sew.increase.put("ok_count", new double[MINUTES]);
        sew.increase.put("ng_count", new double[MINUTES]);
        for (int m = 0; m < MINUTES; m++) {
            sew.connected[m] = !(m >= sewOutFrom && m < sewOutTo);
            if (!sew.connected[m]) {
                continue;
            }
            boolean sh = shift(m);
            sew.state[m] = !sh ? 0 : (m % 60 < 48 ? 1 : 2);
            for (String p : sew.good.keySet()) {
                sew.good.get(p)[m] = 60;
                // 3 of 60 minutes' samples arrive >= 2 s before their source time: 5 % clock skew.
                sew.latencyBucket.get(p)[m] = m % 20 == 0 ? 0 : 4;
            }
            if (sew.state[m] == 1) {
                sew.increase.get("ok_count")[m] = 9;
                sew.increase.get("ng_count")[m] = m % 3 == 0 ? 1 : 0;
            }
            sew.readsOk[m] = 180;
        }
        staticRuns(imm);
        staticRuns(sew);
    }

    /** Static runs (>= 60 s) of counters (no increase) and process values (same value), cut by disconnects. */
    private static void staticRuns(Model model) {
        for (String p : model.good.keySet()) {
            double[] inc = model.increase.get(p);
            double[] val = model.value.get(p);
            if (inc == null && val == null) {
                continue;
            }
            int i = 0;
            while (i < MINUTES) {
                if (!model.connected[i] || (inc != null && inc[i] != 0)) {
                    i++;
                    continue;
                }
                int s = i;
                double v = val == null ? 0 : val[i];
                i++;
                while (i < MINUTES && model.connected[i] && (inc != null ? inc[i] == 0 : val[i] == v)) {
                    i++;
                }
                if (i - s >= 2 || inc != null) {
                    model.runs.add(new Object[] {p, s, i, v});
                }
            }
        }
    }

    /** max_static of the shipped profile in minutes: process 10, energy 30, counter 5. */
    private static int maxStaticMinutes(String point) {
        return point.equals("mold_temp") ? 10 : point.equals("energy_kwh") ? 30 : 5;
    }

    /** True frozen minutes (weighted by S) per point: after max_static, counters only while running. */
    static Map<String, Double> frozenTruth(Model model, double[] w, int runningState) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Object[] r : model.runs) {
            String p = (String) r[0];
            boolean counter = model.increase.containsKey(p) && !p.equals("energy_kwh");
            double f = 0;
            for (int m = (int) r[1] + maxStaticMinutes(p); m < (int) r[2]; m++) {
                if (!counter || model.state[m] == runningState) {
                    f += w[m];
                }
            }
            out.merge(p, f, Double::sum);
        }
        return out;
    }

    private static boolean minuteRowWanted(int m) {
        int hourOfDay = (m % 1440) / 60;
        Instant t = at(m);
        Instant hour = t.truncatedTo(ChronoUnit.HOURS);
        return hourOfDay == 9
                || hour.equals(W2_FROM.truncatedTo(ChronoUnit.HOURS))
                || hour.equals(W2_TO.truncatedTo(ChronoUnit.HOURS));
    }

    void write(FactsFixture facts) {
        writeEquipment(facts, IMM, imm, Map.of("mold_temp", new double[] {150, 250}));
        writeEquipment(facts, SEW, sew, Map.of());
        // IMM-01's edge node lost its uplink during the first outage; SEW-01 reports through a second edge node.
        facts.edgeSession("edge-01", START.minus(Duration.ofDays(1)), at(minuteOf("2026-03-10T02:00:00Z")))
                .edgeSession("edge-01", at(minuteOf("2026-03-10T06:00:00Z")), null);
        facts.edgeSession("edge-02", START.minus(Duration.ofDays(1)), null);
    }

    /**
     * Builds the gateway's day and month profiles (V12, V13) of every day of the month, as its builder does once a day is over: a
     * fact_revision per device and day first (the fixture writes rollups directly, the gateway's writer raises it).
     *
     * @return device-days built
     */
    int buildProfiles(FactsFixture facts) {
        for (String device : List.of(IMM, SEW)) {
            facts.revise(device, START, END);
        }
        Instant now = END.plus(Duration.ofDays(1));
        try {
            return new io.floorlink.gateway.facts.DayProfiles(facts.dataSource(), group -> true, () -> now)
                    .build(START, now, Integer.MAX_VALUE);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void writeEquipment(FactsFixture facts, String device, Model model, Map<String, double[]> ranges) {
        String edge = device.equals(IMM) ? "edge-01" : "edge-02";
        // Sessions: maximal connected runs.
        int m = 0;
        while (m < MINUTES) {
            if (!model.connected[m]) {
                m++;
                continue;
            }
            int s = m;
            while (m < MINUTES && model.connected[m]) {
                m++;
            }
            facts.session(edge, device, at(s), m == MINUTES ? at(MINUTES).plus(Duration.ofDays(1)) : at(m), false);
        }
        for (String p : model.good.keySet()) {
            double[] range = ranges.get(p);
            facts.declaration(
                    edge, device, p, "x", 1000, range == null ? null : range[0], range == null ? null : range[1]);
        }
        Map<String, PointRow> minutes = new LinkedHashMap<>();
        Map<String, PointRow> hours = new LinkedHashMap<>();
        Map<String, PointRow> days = new LinkedHashMap<>();
        for (String p : model.good.keySet()) {
            long[] good = model.good.get(p);
            double[] inc = model.increase.get(p);
            double[] val = model.value.get(p);
            for (int i = 0; i < MINUTES; i++) {
                if (good[i] == 0) {
                    continue;
                }
                long[] lat = new long[16];
                lat[model.latencyBucket.get(p)[i]] = good[i];
                Double min = val == null ? null : val[i];
                Double max = val == null ? null : (model.outOfRange[i] ? 260.0 : val[i]);
                PointRow r = new PointRow(
                        device, p, at(i), good[i], good[i], 0, 0, 0, min, max, inc == null ? null : inc[i], lat);
                if (minuteRowWanted(i)) {
                    minutes.put(p + i, r);
                }
                Instant h = at(i).truncatedTo(ChronoUnit.HOURS);
                Instant d = at(i).truncatedTo(ChronoUnit.DAYS);
                hours.merge(p + h, r.at(h), PointRow::plus);
                days.merge(p + d, r.at(d), PointRow::plus);
            }
        }
        facts.insertPoints("point_minute", minutes.values())
                .insertPoints("point_hour", hours.values())
                .insertPoints("point_day", days.values());

        for (String level : new String[] {"minute", "hour", "day"}) {
            ChronoUnit unit = level.equals("minute")
                    ? ChronoUnit.MINUTES
                    : level.equals("hour") ? ChronoUnit.HOURS : ChronoUnit.DAYS;
            Map<Instant, long[]> reads = new LinkedHashMap<>();
            Map<List<Object>, Long> states = new LinkedHashMap<>();
            for (int i = 0; i < MINUTES; i++) {
                if (!model.connected[i]) {
                    continue;
                }
                Instant b = at(i).truncatedTo(unit);
                // State minutes everywhere (counter frozen parts are read at minute resolution); reads at the
                // edges only, like the points.
                if (!level.equals("minute") || minuteRowWanted(i)) {
                    long[] r = reads.computeIfAbsent(b, k -> new long[2]);
                    r[0] += model.readsOk[i];
                    r[1] += model.readsFailed[i];
                }
                states.merge(List.of(b, (double) model.state[i]), 60_000L, Long::sum);
            }
            String statePoint = device.equals(IMM) ? "production_status" : "run_state";
            facts.insert(
                    "device_" + level,
                    "device_id, bucket, reads_ok, reads_failed",
                    reads.entrySet().stream()
                            .map(e -> new Object[] {device, e.getKey(), e.getValue()[0], e.getValue()[1]})
                            .toList());
            facts.insert(
                    "point_state_" + level,
                    "device_id, point_id, bucket, state_value, millis",
                    states.entrySet().stream()
                            .map(e -> new Object[] {
                                device,
                                statePoint,
                                e.getKey().get(0),
                                e.getKey().get(1),
                                e.getValue()
                            })
                            .toList());
        }

        List<Object[]> runs = new ArrayList<>();
        for (Object[] r : model.runs) {
            runs.add(new Object[] {device, r[0], at((int) r[1]), at((int) r[2]), r[3], false});
        }
        facts.insert("point_static_run", "device_id, point_id, started_at, ended_at, static_value, is_open", runs);
    }

    // ---------------------------------------------------------------- truth, from the minute model

    /** Weight of each minute inside S: |minute ∩ S| / 1 min. */
    static double[] weights(ScheduledTime s) {
        double[] w = new double[MINUTES];
        for (Interval i : s.intervals()) {
            long a = Duration.between(START, i.start()).toMillis();
            long b = Duration.between(START, i.end()).toMillis();
            for (long t = a; t < b; ) {
                int m = (int) (t / 60_000);
                long end = Math.min(b, (m + 1) * 60_000L);
                w[m] += (end - t) / 60_000.0;
                t = end;
            }
        }
        return w;
    }

    static double sum(double[] w, java.util.function.IntToDoubleFunction f) {
        double s = 0;
        for (int m = 0; m < MINUTES; m++) {
            if (w[m] > 0) {
                s += w[m] * f.applyAsDouble(m);
            }
        }
        return s;
    }

    /** Checks every indicator of IMM-01 and SEW-01 and the scope against the truth, for one S. */
    void verify(IndicatorService service, Instant from, Instant to, ScheduledTime s) {
        double[] w = weights(s);
        double sMinutes = sum(w, m -> 1);
        IndicatorReport r = service.compute("pilot", from, to);
        long hits = service.cache().hits();
        // The same report again, answered from the closed days just cached (the month is over), once a fill left to
        // the cache's filler is through.
        try {
            assertThat(service.cache().awaitFills(Duration.ofSeconds(30))).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        assertThat(service.compute("pilot", from, to))
                .usingRecursiveComparison()
                .withComparatorForType(
                        (x, y) -> Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x)) ? 0 : Double.compare(x, y),
                        Double.class)
                .isEqualTo(r);
        if (service.cache().enabled()) {
            assertThat(service.cache().hits()).isGreaterThan(hits);
        }
        EquipmentIndicators imm1 = service.equipment(IMM, from, to);
        EquipmentIndicators sew1 = r.equipment().get(1);
        assertThat(r.equipment().get(0).onlineRatio().value())
                .isEqualTo(imm1.onlineRatio().value());
        assertThat(imm1.scheduledSeconds()).isCloseTo(sMinutes * 60, within(1e-6));

        // online_ratio
        assertThat(imm1.onlineRatio().value())
                .isCloseTo(sum(w, m -> imm.connected[m] ? 1 : 0) / sMinutes, within(1e-9));
        assertThat(sew1.onlineRatio().value())
                .isCloseTo(sum(w, m -> sew.connected[m] ? 1 : 0) / sMinutes, within(1e-9));
        // completeness and read_success: 246 reads expected a minute for IMM-01, 180 for SEW-01.
        double immOk = sum(w, m -> imm.readsOk[m]);
        double immFailed = sum(w, m -> imm.readsFailed[m]);
        assertThat(imm1.completeness().value()).isCloseTo(Math.min(1, immOk / (246 * sMinutes)), within(1e-9));
        assertThat(imm1.readSuccess().value()).isCloseTo(immOk / (immOk + immFailed), within(1e-9));
        assertThat(sew1.completeness().value()).isCloseTo(sum(w, m -> sew.readsOk[m]) / (180 * sMinutes), within(1e-9));
        assertThat(imm1.pointCoverage().value()).isEqualTo(1.0);
        // good_ratio: every sample good, but 3 minutes had a mold_temp above eng_high 250. The rollups keep one
        // out-of-range bucket per level read, so the figure is an upper bound within 3 samples of the truth.
        double immSamples = sum(w, m -> imm.connected[m] ? 4 * 60 + 6 : 0);
        double oor = sum(w, m -> imm.outOfRange[m] ? 1 : 0);
        assertThat(imm1.goodRatio().value()).isCloseTo((immSamples - oor) / immSamples, within(3.0 / immSamples));
        if (oor > 0) {
            assertThat(imm1.goodRatio().value()).isLessThan(1.0);
            assertThat(imm1.goodRatio().reason()).contains("eng range");
        }
        // latency percentiles at bucket upper bounds and clock skew.
        assertThat(imm1.latencyP50().value()).isEqualTo(100.0);
        assertThat(imm1.latencyP95().value()).isEqualTo(100.0);
        assertThat(imm1.latencyP99().value()).isEqualTo(1000.0);
        assertThat(imm1.clockSkew().value()).isFalse();
        assertThat(sew1.clockSkew().value()).isTrue();
        assertThat(sew1.clockSkew().share())
                .isCloseTo(
                        sum(w, m -> sew.connected[m] && m % 20 == 0 ? 1 : 0) / sum(w, m -> sew.connected[m] ? 1 : 0),
                        within(1e-9));
        assertThat(sew1.latencyP50().value()).isEqualTo(50.0);

        // States: IMM-01 4 running, 5 fault, 2 idle; not connected counts as off.
        double on = sum(w, m -> imm.connected[m] ? 1 : 0);
        double running = sum(w, m -> imm.connected[m] && imm.state[m] == 4 ? 1 : 0);
        double fault = sum(w, m -> imm.connected[m] && imm.state[m] == 5 ? 1 : 0);
        assertThat(imm1.powerOnRatio().value()).isCloseTo(on / sMinutes, within(1e-9));
        assertThat(imm1.runRatio().value()).isCloseTo(running / on, within(1e-9));
        assertThat(imm1.utilisation().value()).isCloseTo(running / sMinutes, within(1e-9));
        assertThat(imm1.faultRatio().value()).isCloseTo(fault / sMinutes, within(1e-9));
        // Counters: increments with the reset already folded; OEE parts.
        double shots = sum(w, m -> imm.connected[m] ? imm.increase.get("shot_count")[m] : 0);
        double rejects = sum(w, m -> imm.connected[m] ? imm.increase.get("reject_count")[m] : 0);
        assertThat(imm1.counters())
                .filteredOn(c -> c.point().equals("shot_count"))
                .singleElement()
                .satisfies(c -> assertThat(c.increase()).isCloseTo(shots, within(1e-6)));
        assertThat(imm1.oee().availability().value()).isCloseTo(running / sMinutes, within(1e-9));
        assertThat(imm1.oee().performance().value()).isCloseTo(shots * 12 / (running * 60), within(1e-9));
        assertThat(imm1.oee().quality().value()).isCloseTo((shots - rejects) / shots, within(1e-9));
        assertThat(imm1.oee().value())
                .isCloseTo(
                        running / sMinutes * (shots * 12 / (running * 60)) * ((shots - rejects) / shots), within(1e-9));
        assertThat(sew1.oee().value()).isNull();
        assertThat(sew1.oee().reason()).contains("ideal_cycle_time");

        // frozen_ratio: mold_temp static 18 March 00:00-06:00, shot_count stuck while running 24 March 02:00-03:00;
        // counters static while idle or off never count. Variable points of IMM-01: shot_count, reject_count,
        // mold_temp, energy_kwh.
        Map<String, Double> frozen = frozenTruth(imm, w, 4);
        double frozenAll =
                frozen.values().stream().mapToDouble(Double::doubleValue).sum();
        assertThat(frozen.get("mold_temp")).isPositive();
        assertThat(imm1.frozenRatio().value()).isCloseTo(frozenAll / (4 * sMinutes), within(1e-9));
        assertThat(imm1.evidence().points())
                .filteredOn(p -> p.id().equals("mold_temp"))
                .singleElement()
                .satisfies(p -> assertThat(p.frozenSeconds()).isCloseTo(frozen.get("mold_temp") * 60, within(1e-6)));
        assertThat(imm1.evidence().points())
                .filteredOn(p -> p.id().equals("shot_count"))
                .singleElement()
                .satisfies(p -> assertThat(p.frozenSeconds())
                        .isCloseTo(frozen.getOrDefault("shot_count", 0.0) * 60, within(1e-6)));
        Map<String, Double> sewFrozen = frozenTruth(sew, w, 1);
        assertThat(sew1.frozenRatio().value())
                .isCloseTo(
                        sewFrozen.values().stream()
                                        .mapToDouble(Double::doubleValue)
                                        .sum()
                                / (2 * sMinutes),
                        within(1e-9));

        // Scope.
        long networked =
                r.equipment().stream().filter(e -> e.networked().value()).count();
        assertThat(r.indicators().get("networking_rate").value()).isCloseTo(networked / 3.0, within(1e-12));
        assertThat(r.indicators().get("digitalization_rate").value()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(r.indicators().get("key_networking_rate").denominator().longValue())
                .isEqualTo(1);
        double sewSamples = sum(w, m -> sew.connected[m] ? 180 : 0);
        assertThat(r.indicators().get("online_ratio").value())
                .isCloseTo(
                        (sum(w, m -> imm.connected[m] ? 1 : 0) + sum(w, m -> sew.connected[m] ? 1 : 0))
                                / (2 * sMinutes),
                        within(1e-9));
        assertThat(sewSamples).isPositive();
        assertThat(r.assessment2024().items())
                .filteredOn(i -> i.id().equals("equipment_digitalization"))
                .singleElement()
                .satisfies(i -> assertThat(i.points()).isEqualTo(6.0));
    }

    /** uplink_availability of edge-01 over [from, to): down 10 March 02:00-06:00. */
    static double uplinkTruth(Instant from, Instant to) {
        Instant a = Interval.max(from, Instant.parse("2026-03-10T02:00:00Z"));
        Instant b = Interval.min(to, Instant.parse("2026-03-10T06:00:00Z"));
        double down = a.isBefore(b) ? Duration.between(a, b).toMillis() : 0;
        return 1 - down / Duration.between(from, to).toMillis();
    }

    /** Verifies the unaligned window W2, over the whole window and over the golden shift calendar. */
    void verifyUnalignedAndCalendar(IndicatorService service) {
        verify(service, W2_FROM, W2_TO, ScheduledTime.wholeWindow(W2_FROM, W2_TO));
        verify(service.withSchedule((e, from, to) -> calendar(from, to)), W2_FROM, W2_TO, calendar(W2_FROM, W2_TO));
    }

    /**
     * {@link #verifyUnalignedAndCalendar} through a cache that leaves every missed day to its filler: each first
     * report reads S at once, the one after it comes from the days the filler cached.
     */
    void verifyUnalignedAndCalendarThroughTheFiller(javax.sql.DataSource ds) {
        FactsCache cache = new FactsCache(FactsCache.DEFAULT_ENTRIES, 0);
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        cache.bindTo(registry);
        verifyUnalignedAndCalendar(service(ds).withCache(cache));
        assertThat(registry.get("floorlink.collector.indicators.cache.fills")
                        .tag("result", "done")
                        .functionCounter()
                        .count())
                .as("the first report of each S left its days to the filler")
                .isEqualTo(2);
    }

    IndicatorService service(javax.sql.DataSource ds) {
        return new IndicatorService(
                ds, inventory, ProfileLoader.shippedOnly(), Clock.fixed(END.plus(Duration.ofDays(1)), ZoneOffset.UTC));
    }
}
