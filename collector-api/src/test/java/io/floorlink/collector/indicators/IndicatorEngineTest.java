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
}
