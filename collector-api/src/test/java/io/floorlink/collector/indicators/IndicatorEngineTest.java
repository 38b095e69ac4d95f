package io.floorlink.collector.indicators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.floorlink.collector.inventory.Enterprise;
import io.floorlink.collector.inventory.Equipment;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.Line;
import io.floorlink.collector.inventory.PointRequirement;
import io.floorlink.collector.inventory.Site;
import io.floorlink.collector.inventory.UnknownScopeException;
import io.floorlink.collector.inventory.Workshop;
import io.floorlink.sparkplug.Category;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndicatorEngineTest {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final Instant T1 = T0.plus(Duration.ofHours(1));

    private static final List<PointRequirement> TWO_POINTS = List.of(
            new PointRequirement("run_state", Category.STATE, Duration.ofSeconds(1)),
            new PointRequirement("stitch_count", Category.COUNTER, Duration.ofSeconds(1)));

    private final FactsFixture facts = FactsFixture.h2();

    private static Inventory inventory(Equipment... equipment) {
        return Inventory.of(
                new Enterprise("ENT001", "Demo Garments", null),
                List.of(new Site(
                        "S1",
                        "Plant 1",
                        List.of(new Workshop("W1", "Sewing", List.of(new Line("L1", null), new Line("L2", null)))))),
                List.of(equipment));
    }

    private static Equipment sewing(String id) {
        return new Equipment(id, "L1", true, true, false, TWO_POINTS);
    }

    private IndicatorService service(Inventory inventory) {
        return new IndicatorService(
                facts.dataSource(),
                inventory,
                Thresholds.defaults(),
                Clock.fixed(T1.plusSeconds(3600), ZoneOffset.UTC));
    }

    /** Good samples for every point and the expected reads (120 per minute for two 1 s points) for 60 minutes. */
    private void healthyMinutes(String device, long readsPerMinute, String... points) {
        for (int m = 0; m < 60; m++) {
            Instant bucket = T0.plus(Duration.ofMinutes(m));
            for (String p : points) {
                facts.pointMinute(device, p, bucket, 60);
            }
            facts.deviceMinute(device, bucket, readsPerMinute, 0);
        }
    }

    @Test
    void deviceConnected54Of60MinutesIsOnline90PercentAndNetworked() {
        facts.session("SEW-01", T0.plus(Duration.ofMinutes(3)), T0.plus(Duration.ofMinutes(57)));
        healthyMinutes("SEW-01", 120, "run_state", "stitch_count");

        EquipmentIndicators e = service(inventory(sewing("SEW-01"))).equipment("SEW-01", T0, T1);

        assertThat(e.onlineRatio().value()).isCloseTo(0.90, within(1e-6));
        assertThat(e.onlineRatio().formula()).isEqualTo("online_ratio.v1");
        assertThat(e.onlineRatio().numerator().doubleValue()).isCloseTo(3240, within(1e-6));
        assertThat(e.onlineRatio().denominator().doubleValue()).isCloseTo(3600, within(1e-6));
        assertThat(e.pointCoverage().value()).isEqualTo(1.0);
        assertThat(e.completeness().value()).isCloseTo(1.0, within(1e-9));
        assertThat(e.networked().value()).isTrue();
        assertThat(e.networked().reasons()).isEmpty();
        assertThat(e.networked().conditions()).allMatch(Networked.Condition::passed);
        assertThat(e.evidence().sessions()).hasSize(1);
    }

    @Test
    void overlappingSessionsAreCountedOnceAndClippedToTheWindow() {
        facts.session("SEW-01", T0.minus(Duration.ofHours(1)), T0.plus(Duration.ofMinutes(20)))
                .session("SEW-01", T0.plus(Duration.ofMinutes(10)), T0.plus(Duration.ofMinutes(30)))
                .session("SEW-01", T0.plus(Duration.ofMinutes(25)), T0.plus(Duration.ofMinutes(40)))
                .session("SEW-01", T0.plus(Duration.ofMinutes(50)), T0.plus(Duration.ofMinutes(55)))
                .session("SEW-01", T0.plus(Duration.ofMinutes(70)), T0.plus(Duration.ofMinutes(80)));

        EquipmentIndicators e = service(inventory(sewing("SEW-01"))).equipment("SEW-01", T0, T1);

        // [0, 40) and [50, 55) inside the window: 45 of 60 minutes.
        assertThat(e.onlineRatio().value()).isCloseTo(0.75, within(1e-9));
        assertThat(e.evidence().sessions()).hasSize(4);
    }

    @Test
    void openSessionRunsToTheWindowEndOrToNowWhicheverIsFirst() {
        facts.session("SEW-01", T0.plus(Duration.ofMinutes(30)), null);
        Inventory inv = inventory(sewing("SEW-01"));

        EquipmentIndicators past = service(inv).equipment("SEW-01", T0, T1);
        assertThat(past.onlineRatio().value()).isCloseTo(0.5, within(1e-9));

        IndicatorService atT0plus45 = new IndicatorService(
                facts.dataSource(),
                inv,
                Thresholds.defaults(),
                Clock.fixed(T0.plus(Duration.ofMinutes(45)), ZoneOffset.UTC));
        EquipmentIndicators running = atT0plus45.equipment("SEW-01", T0, T1);
        assertThat(running.onlineRatio().value()).isCloseTo(0.25, within(1e-9));
        assertThat(running.evidence().sessions().get(0).disconnectedAt()).isNull();
        assertThat(running.evidence().sessions().get(0).countedEnd()).isEqualTo(T0.plus(Duration.ofMinutes(45)));
    }

    @Test
    void missingPointLowersCoverageAndTheReasonNamesIt() {
        facts.session("SEW-01", T0, T1);
        healthyMinutes("SEW-01", 120, "run_state");

        EquipmentIndicators e = service(inventory(sewing("SEW-01"))).equipment("SEW-01", T0, T1);

        assertThat(e.onlineRatio().value()).isEqualTo(1.0);
        assertThat(e.pointCoverage().value()).isEqualTo(0.5);
        assertThat(e.pointCoverage().numerator().longValue()).isEqualTo(1);
        assertThat(e.pointCoverage().denominator().longValue()).isEqualTo(2);
        assertThat(e.networked().value()).isFalse();
        assertThat(e.networked().reasons())
                .singleElement()
                .asString()
                .contains("point_coverage")
                .contains("stitch_count");
        assertThat(e.evidence().points())
                .filteredOn(p -> !p.covered())
                .extracting(EquipmentIndicators.Point::id)
                .containsExactly("stitch_count");
    }

    @Test
    void completenessComesFromReadsOkAgainstExpectedReads() {
        facts.session("SEW-01", T0, T1);
        healthyMinutes("SEW-01", 90, "run_state", "stitch_count");

        EquipmentIndicators e = service(inventory(sewing("SEW-01"))).equipment("SEW-01", T0, T1);

        // 60 minutes x 90 reads of the 2 x 3600 expected.
        assertThat(e.completeness().value()).isCloseTo(5400.0 / 7200, within(1e-9));
        assertThat(e.completeness().denominator().doubleValue()).isCloseTo(7200, within(1e-9));
        assertThat(e.completeness().formula()).isEqualTo("completeness.v1");
        assertThat(e.networked().value()).isFalse();
        assertThat(e.networked().reasons()).singleElement().asString().startsWith("completeness 0.75 < θ_complete");
    }

    @Test
    void edgeMinuteReadsBelongToTheConnectedPartOfTheMinute() {
        // Up at 08:00:45: the first minute holds 15 s of reads (2 points x 1 s = 30), all of them after 08:00:45.
        facts.session("SEW-01", T0.plusSeconds(45), null)
                .deviceMinute("SEW-01", T0, 30, 0)
                .deviceMinute("SEW-01", T0.plus(Duration.ofMinutes(1)), 120, 0);
        IndicatorService service = service(inventory(sewing("SEW-01")));

        // W = [08:00:47, 08:01:47): 13 s of the first minute are inside W, i.e. 13/15 of its reads (26), plus
        // 47/60 of the second minute's (94): 120 reads of 2 x 60 expected.
        EquipmentIndicators e = service.equipment("SEW-01", T0.plusSeconds(47), T0.plusSeconds(107));
        assertThat(e.completeness().value()).isCloseTo(1.0, within(1e-9));
        assertThat(e.onlineRatio().value()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void completenessProRatesMinutesAtTheWindowEdgesAndIsCappedAtOne() {
        facts.deviceMinute("SEW-01", T0, 60, 0).deviceMinute("SEW-01", T0.plus(Duration.ofMinutes(1)), 60, 0);
        IndicatorService service = service(inventory(sewing("SEW-01")));

        // Half of each minute lies inside [T0+30s, T0+90s): 30 + 30 reads of the 2 x 60 expected.
        EquipmentIndicators half = service.equipment("SEW-01", T0.plusSeconds(30), T0.plusSeconds(90));
        assertThat(half.completeness().value()).isCloseTo(0.5, within(1e-9));

        facts.deviceMinute("SEW-01", T0.plus(Duration.ofMinutes(2)), 500, 0);
        EquipmentIndicators capped =
                service.equipment("SEW-01", T0.plus(Duration.ofMinutes(2)), T0.plus(Duration.ofMinutes(3)));
        assertThat(capped.completeness().value()).isEqualTo(1.0);
    }

    @Test
    void networkingRateUsesProductionEquipmentAsOfficialDenominatorAndDigitalAsVariant() {
        Equipment a = sewing("A");
        Equipment b = sewing("B");
        Equipment c = new Equipment("C", "L1", true, false, false, List.of());
        Equipment d = new Equipment("D", "L2", false, true, false, TWO_POINTS);
        for (String id : List.of("A", "D")) {
            facts.session(id, T0, T1);
            healthyMinutes(id, 120, "run_state", "stitch_count");
        }
        facts.session("B", T0, T0.plus(Duration.ofMinutes(30)));

        IndicatorReport r = service(inventory(a, b, c, d)).compute("pilot", T0, T1);

        Figure rate = r.indicators().get("networking_rate");
        assertThat(rate.formula()).isEqualTo("networking_rate.v1");
        assertThat(rate.official()).isTrue();
        assertThat(rate.numerator().longValue()).isEqualTo(1);
        assertThat(rate.denominator().longValue()).isEqualTo(3);
        assertThat(rate.value()).isCloseTo(1.0 / 3, within(1e-9));
        assertThat(rate.denominatorLabel()).contains("production equipment");

        Figure variant = r.indicators().get("networking_rate_digital");
        assertThat(variant.official()).isFalse();
        assertThat(variant.denominatorLabel()).startsWith("variant");
        assertThat(variant.value()).isCloseTo(0.5, within(1e-9));

        Figure digitalization = r.indicators().get("digitalization_rate");
        assertThat(digitalization.value()).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(digitalization.official()).isTrue();

        // Time-weighted over the digital equipment A, B, D: (60 + 30 + 60) / 180 minutes.
        assertThat(r.indicators().get("online_ratio").value()).isCloseTo(150.0 / 180, within(1e-9));

        assertThat(r.equipment())
                .extracting(EquipmentIndicators::id, e -> e.networked().value())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("A", true),
                        org.assertj.core.groups.Tuple.tuple("B", false),
                        org.assertj.core.groups.Tuple.tuple("C", false),
                        org.assertj.core.groups.Tuple.tuple("D", true));

        IndicatorReport line2 = service(inventory(a, b, c, d)).compute("L2", T0, T1);
        assertThat(line2.equipment()).extracting(EquipmentIndicators::id).containsExactly("D");
        assertThat(line2.indicators().get("networking_rate").value()).isNull();
        assertThat(line2.indicators().get("networking_rate").reason()).contains("no production equipment");
    }

    @Test
    void equipmentWithoutFactsIsZeroOnlineAndNotNetworkedWithReason() {
        IndicatorReport r = service(inventory(sewing("SEW-09"))).compute(null, T0, T1);

        EquipmentIndicators e = r.equipment().get(0);
        assertThat(e.onlineRatio().value()).isEqualTo(0.0);
        assertThat(e.onlineRatio().reason()).contains("no device_session");
        assertThat(e.pointCoverage().value()).isEqualTo(0.0);
        assertThat(e.completeness().value()).isEqualTo(0.0);
        assertThat(e.networked().value()).isFalse();
        assertThat(e.networked().reasons()).hasSize(3).first().asString().contains("online_ratio 0.0 < θ_online 0.9");
        assertThat(r.indicators().get("networking_rate").value()).isEqualTo(0.0);
    }

    @Test
    void emptyWindowIsNotMeasurableAndNeverNetworked() {
        facts.session("SEW-01", T0.minusSeconds(60), T1);

        EquipmentIndicators e = service(inventory(sewing("SEW-01"))).equipment("SEW-01", T0, T0);

        assertThat(e.scheduledSeconds()).isZero();
        assertThat(e.onlineRatio().value()).isNull();
        assertThat(e.onlineRatio().reason()).isEqualTo("scheduled time is empty");
        assertThat(e.networked().value()).isFalse();
        assertThat(e.networked().reasons()).first().asString().contains("online_ratio not measurable");
    }

    @Test
    void networkedEquipmentNotDeclaredDigitalIsAnInventoryFinding() {
        Equipment undeclared = new Equipment("IMM-01", "L2", true, false, false, TWO_POINTS);
        facts.session("IMM-01", T0, T1);
        healthyMinutes("IMM-01", 120, "run_state", "stitch_count");

        IndicatorReport r = service(inventory(undeclared)).compute("ENT001", T0, T1);

        assertThat(r.scope().kind()).isEqualTo("enterprise");
        assertThat(r.inventoryFindings()).singleElement().satisfies(f -> assertThat(f.equipment())
                .isEqualTo("IMM-01"));
    }

    @Test
    void badScopeAndReversedWindowAreRejected() {
        IndicatorService s = service(inventory(sewing("SEW-01")));
        assertThatThrownBy(() -> s.compute("L9", T0, T1))
                .isInstanceOf(UnknownScopeException.class)
                .hasMessageContaining("'L9'");
        assertThatThrownBy(() -> s.compute("pilot", T1, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("after");
    }

    // ------------------------------------------------------------ the figures of issue 6: edge cases

    private static long[] lat(int bucket, long n) {
        long[] l = new long[16];
        l[bucket] = n;
        return l;
    }

    private static FactsFixture.PointRow row(
            String device,
            String point,
            Instant bucket,
            long samples,
            long good,
            Double min,
            Double max,
            Double inc,
            long[] lat) {
        return new FactsFixture.PointRow(
                device, point, bucket, samples, good, samples - good, 0, 0, min, max, inc, lat);
    }

    private static Equipment molding(String id, List<PointRequirement> points) {
        return new Equipment(id, null, "injection_molding", "L1", true, true, true, Duration.ofSeconds(12), points);
    }

    @Test
    void emptyWindowMakesEveryNewFigureNotMeasurable() {
        Equipment e = molding(
                "IMM-01", List.of(new PointRequirement("production_status", Category.STATE, Duration.ofSeconds(1))));
        EquipmentIndicators r = service(inventory(e)).equipment("IMM-01", T0, T0);

        assertThat(r.readSuccess().value()).isNull();
        assertThat(r.latencyP95().value()).isNull();
        assertThat(r.latencyP95().reason()).contains("no real-time good sample");
        assertThat(r.goodRatio().value()).isNull();
        assertThat(r.powerOnRatio().value()).isNull();
        assertThat(r.powerOnRatio().reason()).isEqualTo("scheduled time is empty");
        assertThat(r.oee().value()).isNull();
        assertThat(r.clockSkew().value()).isFalse();
    }

    @Test
    void equipmentWithoutPointsIsNeverNetworkedAndHasNoDataFigures() {
        facts.session("MAN-01", T0, T1);
        Equipment manual = new Equipment("MAN-01", "L1", true, false, false, List.of());

        EquipmentIndicators r = service(inventory(manual)).equipment("MAN-01", T0, T1);

        assertThat(r.onlineRatio().value()).isEqualTo(1.0);
        assertThat(r.pointCoverage().value()).isNull();
        assertThat(r.pointCoverage().reason()).contains("no required points");
        assertThat(r.completeness().value()).isNull();
        assertThat(r.frozenRatio().value()).isNull();
        assertThat(r.goodRatio().value()).isNull();
        assertThat(r.networked().value()).isFalse();
        assertThat(r.oee().reason()).contains("no state map");
    }

    @Test
    void counterThatResetsAddsTheNewValueNeverANegativeStep() {
        // Raw counter 100 -> 110 -> 120 | reset to 0, counts to 3 -> 13: the gateway writes increases 10, 10, 3, 10.
        facts.session("IMM-01", T0, T1);
        double[] increases = {10, 10, 3, 10};
        List<FactsFixture.PointRow> rows = new java.util.ArrayList<>();
        for (int m = 0; m < increases.length; m++) {
            rows.add(row(
                    "IMM-01",
                    "shot_count",
                    T0.plus(Duration.ofMinutes(m)),
                    60,
                    60,
                    null,
                    null,
                    increases[m],
                    lat(5, 60)));
        }
        facts.points(rows);
        Equipment e =
                molding("IMM-01", List.of(new PointRequirement("shot_count", Category.COUNTER, Duration.ofSeconds(1))));

        EquipmentIndicators r = service(inventory(e)).equipment("IMM-01", T0, T1);

        assertThat(r.counters()).singleElement().satisfies(c -> {
            assertThat(c.point()).isEqualTo("shot_count");
            assertThat(c.increase()).isEqualTo(33.0);
        });
        // A window holding only the reset minute.
        EquipmentIndicators reset = service(inventory(e))
                .equipment("IMM-01", T0.plus(Duration.ofMinutes(2)), T0.plus(Duration.ofMinutes(3)));
        assertThat(reset.counters().get(0).increase()).isEqualTo(3.0);
    }

    @Test
    void readSuccessLatencyPercentilesAndClockSkew() {
        facts.session("SEW-01", T0, T1).deviceMinute("SEW-01", T0, 95, 5);
        // 100 samples: 1 at <= -2 s (exactly 1 %: no skew), 49 <= 50 ms, 45 <= 100 ms, 4 <= 1 s, 1 > 300 s.
        long[] l = new long[16];
        l[0] = 1;
        l[4] = 49;
        l[5] = 45;
        l[8] = 4;
        l[15] = 1;
        facts.points(List.of(row("SEW-01", "run_state", T0, 100, 100, null, null, null, l)));
        Equipment e = new Equipment("SEW-01", "L1", true, true, false, List.of(TWO_POINTS.get(0)));

        EquipmentIndicators r = service(inventory(e)).equipment("SEW-01", T0, T1);

        assertThat(r.readSuccess().value()).isCloseTo(0.95, within(1e-12));
        assertThat(r.readSuccess().formula()).isEqualTo("read_success.v1");
        assertThat(r.latencyP50().value()).isEqualTo(50.0);
        assertThat(r.latencyP95().value()).isEqualTo(100.0);
        assertThat(r.latencyP99().value()).isEqualTo(1000.0);
        assertThat(r.latencyP50().unit()).isEqualTo("ms");
        assertThat(r.latencyP50().parameters())
                .containsEntry("resolution", "upper bound of the latency bucket holding the percentile");
        assertThat(r.clockSkew().value()).isFalse();
        assertThat(r.clockSkew().share()).isCloseTo(0.01, within(1e-12));

        long[] skewed = new long[16];
        skewed[0] = 2;
        skewed[4] = 48;
        facts.points(
                List.of(row("SEW-01", "run_state", T0.plus(Duration.ofMinutes(1)), 50, 50, null, null, null, skewed)));
        EquipmentIndicators s = service(inventory(e)).equipment("SEW-01", T0, T1);
        assertThat(s.clockSkew().value()).isTrue();
        assertThat(s.clockSkew().reason()).contains("source clock runs ahead");
    }

    @Test
    void latencyPercentileInTheOpenBucketSaysSo() {
        facts.session("SEW-01", T0, T1);
        facts.points(List.of(row("SEW-01", "run_state", T0, 10, 10, null, null, null, lat(15, 10))));
        Equipment e = new Equipment("SEW-01", "L1", true, true, false, List.of(TWO_POINTS.get(0)));

        EquipmentIndicators r = service(inventory(e)).equipment("SEW-01", T0, T1);

        assertThat(r.latencyP50().value()).isEqualTo(300000.0);
        assertThat(r.latencyP50().reason()).contains("above 300000 ms");
    }

    @Test
    void goodRatioCountsBadStatusAndValuesOutsideTheDeclaredRange() {
        facts.session("IMM-01", T0, T1).declaration("edge-01", "IMM-01", "mold_temp", "process", 1000, 150.0, 250.0);
        facts.points(List.of(
                row("IMM-01", "mold_temp", T0, 60, 54, 200.0, 210.0, null, lat(5, 54)),
                row("IMM-01", "mold_temp", T0.plus(Duration.ofMinutes(1)), 60, 60, 200.0, 251.0, null, lat(5, 60))));
        Equipment e =
                molding("IMM-01", List.of(new PointRequirement("mold_temp", Category.PROCESS, Duration.ofSeconds(1))));

        EquipmentIndicators r = service(inventory(e)).equipment("IMM-01", T0, T1);

        // 6 bad by status, at least 1 outside [150, 250]: (114 - 1) / 120 is the upper bound.
        assertThat(r.goodRatio().value()).isCloseTo(113.0 / 120, within(1e-12));
        assertThat(r.goodRatio().reason()).contains("upper bound");
        assertThat(r.evidence().points().get(0).engHigh()).isEqualTo(250.0);
        assertThat(r.evidence().points().get(0).outOfRangeBuckets()).isEqualTo(1.0);
    }

    @Test
    void frozenCountsStaticTimeBeyondMaxStaticAndCountersOnlyWhileRunning() {
        facts.session("IMM-01", T0, T1);
        // mold_temp static 08:00-08:30: frozen after 10 min, 20 min of the hour.
        facts.staticRun("IMM-01", "mold_temp", T0, T0.plus(Duration.ofMinutes(30)), 201.0);
        // shot_count static 08:00-08:40: frozen after 5 min (08:05-08:40); running only 08:20-08:40.
        facts.staticRun("IMM-01", "shot_count", T0, T0.plus(Duration.ofMinutes(40)), 5.0);
        for (int m = 0; m < 60; m++) {
            facts.stateMinute(
                    "IMM-01", "production_status", T0.plus(Duration.ofMinutes(m)), m >= 20 && m < 40 ? 4 : 2, 60_000);
        }
        Equipment e = molding(
                "IMM-01",
                List.of(
                        new PointRequirement("production_status", Category.STATE, Duration.ofSeconds(1)),
                        new PointRequirement("shot_count", Category.COUNTER, Duration.ofSeconds(1)),
                        new PointRequirement("mold_temp", Category.PROCESS, Duration.ofSeconds(1))));

        EquipmentIndicators r = service(inventory(e)).equipment("IMM-01", T0, T1);

        // (20 + 20) frozen minutes over 2 variable points x 60 minutes.
        assertThat(r.frozenRatio().value()).isCloseTo(40.0 / 120, within(1e-9));
        assertThat(r.evidence().frozen().get("mold_temp"))
                .containsExactly(new Interval(T0.plus(Duration.ofMinutes(10)), T0.plus(Duration.ofMinutes(30))));
        assertThat(r.evidence().points())
                .filteredOn(p -> p.id().equals("shot_count"))
                .singleElement()
                .satisfies(p -> assertThat(p.frozenSeconds()).isCloseTo(20 * 60, within(1e-6)));
    }

    @Test
    void statesMapThroughTheProfileAndTimeNotConnectedIsOff() {
        // Connected 08:00-08:40; running 20 min, fault 10 min, unmapped value 9 (-> idle) 10 min.
        facts.session("IMM-01", T0, T0.plus(Duration.ofMinutes(40)));
        for (int m = 0; m < 40; m++) {
            double v = m < 20 ? 4 : m < 30 ? 5 : 9;
            facts.stateMinute("IMM-01", "production_status", T0.plus(Duration.ofMinutes(m)), v, 60_000);
        }
        Equipment e = molding(
                "IMM-01", List.of(new PointRequirement("production_status", Category.STATE, Duration.ofSeconds(1))));

        EquipmentIndicators r = service(inventory(e)).equipment("IMM-01", T0, T1);

        assertThat(r.powerOnRatio().value()).isCloseTo(40.0 / 60, within(1e-9));
        assertThat(r.powerOnRatio().parameters()).containsEntry("not_connected", "counts as off");
        assertThat(r.runRatio().value()).isCloseTo(20.0 / 40, within(1e-9));
        assertThat(r.utilisation().value()).isCloseTo(20.0 / 60, within(1e-9));
        assertThat(r.faultRatio().value()).isCloseTo(10.0 / 60, within(1e-9));
        assertThat(r.evidence().stateSeconds()).containsEntry("idle", 600.0).containsEntry("off", 1200.0);
        assertThat(r.oee().value()).isNull();
        assertThat(r.oee().reason()).contains("shot_count");

        Equipment untyped = new Equipment("IMM-01", "L1", true, true, false, e.points());
        EquipmentIndicators none = service(inventory(untyped)).equipment("IMM-01", T0, T1);
        assertThat(none.powerOnRatio().value()).isNull();
        assertThat(none.powerOnRatio().reason()).contains("no state map for equipment type (none)");
    }

    @Test
    void oeeIsAvailabilityTimesPerformanceTimesQuality() {
        facts.session("IMM-01", T0, T1);
        for (int m = 0; m < 60; m++) {
            Instant b = T0.plus(Duration.ofMinutes(m));
            facts.stateMinute("IMM-01", "production_status", b, m < 6 ? 1 : m < 51 ? 4 : 2, 60_000);
        }
        // 45 running minutes, 6 setup (planned stop); 180 shots (ideal 12 s: 36 min), 9 rejects.
        facts.points(List.of(
                row("IMM-01", "shot_count", T0, 60, 60, null, null, 180.0, lat(5, 60)),
                row("IMM-01", "reject_count", T0, 60, 60, null, null, 9.0, lat(5, 60))));
        Equipment e = molding(
                "IMM-01",
                List.of(
                        new PointRequirement("production_status", Category.STATE, Duration.ofSeconds(1)),
                        new PointRequirement("shot_count", Category.COUNTER, Duration.ofSeconds(1)),
                        new PointRequirement("reject_count", Category.COUNTER, Duration.ofSeconds(1))));

        EquipmentIndicators r = service(inventory(e)).equipment("IMM-01", T0, T1);

        assertThat(r.oee().availability().value()).isCloseTo(45.0 / 54, within(1e-9));
        assertThat(r.oee().performance().value()).isCloseTo(36.0 / 45, within(1e-9));
        assertThat(r.oee().quality().value()).isCloseTo(171.0 / 180, within(1e-9));
        assertThat(r.oee().value()).isCloseTo(45.0 / 54 * 36.0 / 45 * 171.0 / 180, within(1e-9));
        assertThat(r.oee().formula()).isEqualTo("oee.iso22400.v1");
    }

    @Test
    void severalScheduledSpansAreReadSpanBySpan() {
        facts.session("SEW-01", T0, T1);
        // Reads in every minute; 120 a minute in [08:00, 08:10) and [08:30, 08:45), none elsewhere.
        for (int m = 0; m < 60; m++) {
            boolean in = m < 10 || (m >= 30 && m < 45);
            facts.deviceMinute("SEW-01", T0.plus(Duration.ofMinutes(m)), in ? 120 : 0, 0);
            facts.pointMinute("SEW-01", "run_state", T0.plus(Duration.ofMinutes(m)), in ? 60 : 0);
            facts.pointMinute("SEW-01", "stitch_count", T0.plus(Duration.ofMinutes(m)), in ? 60 : 0);
        }
        IndicatorService shifts = service(inventory(sewing("SEW-01")))
                .withSchedule((e, from, to) -> new ScheduledTime(
                        new Interval(from, to),
                        List.of(
                                new Interval(T0, T0.plus(Duration.ofMinutes(10))),
                                new Interval(T0.plus(Duration.ofMinutes(30)), T0.plus(Duration.ofMinutes(45)))),
                        "calendar:test"));

        EquipmentIndicators r = shifts.equipment("SEW-01", T0, T1);

        assertThat(r.scheduledSeconds()).isEqualTo(25 * 60.0);
        assertThat(r.completeness().value()).isCloseTo(1.0, within(1e-9));
        assertThat(r.networked().value()).isTrue();
        assertThat(r.onlineRatio().parameters()).containsEntry("scheduled_time", "calendar:test");
    }

    @Test
    void keyNetworkingRateAndThe2024Bands() {
        Equipment a = new Equipment("A", "L1", true, true, true, TWO_POINTS);
        Equipment b = new Equipment("B", "L1", true, true, true, TWO_POINTS);
        facts.session("A", T0, T1);
        healthyMinutes("A", 120, "run_state", "stitch_count");

        IndicatorReport r = service(inventory(a, b)).compute("pilot", T0, T1);

        assertThat(r.indicators().get("key_networking_rate").value()).isEqualTo(0.5);
        assertThat(r.assessment2024().items())
                .filteredOn(i -> i.id().equals("equipment_networking"))
                .singleElement()
                .satisfies(i -> {
                    assertThat(i.points()).isEqualTo(4.5);
                    assertThat(i.evidence()).containsExactly("A");
                });
        assertThat(r.assessment2024().items())
                .filteredOn(i -> i.id().equals("data_collection.production_control"))
                .singleElement()
                .satisfies(i -> assertThat(i.points()).isEqualTo(0.7));
        assertThat(r.assessment2024().items())
                .filteredOn(i -> i.id().equals("data_collection.equipment_management"))
                .singleElement()
                .satisfies(i -> assertThat(i.points()).isZero());
        assertThat(r.assessment2024().partialScore()).isEqualTo(6 + 4.5 + 0.7);
        assertThat(r.assessment2024().disclaimer())
                .contains("never a level by itself")
                .contains("public implementations");
        assertThat(Assessment2024.band(0.10)).isZero();
        assertThat(Assessment2024.band(0.1001)).isEqualTo(1.5);
        assertThat(Assessment2024.band(0.40)).isEqualTo(3);
        assertThat(Assessment2024.band(0.61)).isEqualTo(6);
        assertThat(Assessment2024.band(null)).isZero();
    }
}
