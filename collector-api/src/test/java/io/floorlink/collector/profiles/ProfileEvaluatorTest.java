package io.floorlink.collector.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.collector.indicators.FactsFixture;
import io.floorlink.collector.indicators.IndicatorService;
import io.floorlink.collector.inventory.Enterprise;
import io.floorlink.collector.inventory.Equipment;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.Line;
import io.floorlink.collector.inventory.PointRequirement;
import io.floorlink.collector.inventory.Site;
import io.floorlink.collector.inventory.Workshop;
import io.floorlink.sparkplug.Category;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileEvaluatorTest {
    private static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    private static final Instant T1 = T0.plus(Duration.ofDays(7));
    private static final List<PointRequirement> POINTS =
            List.of(new PointRequirement("run_state", Category.STATE, Duration.ofSeconds(60)));

    private final FactsFixture facts = FactsFixture.h2();

    private static Inventory inventory(Equipment... equipment) {
        return Inventory.of(
                new Enterprise("ENT001", null, null),
                List.of(new Site(
                        "S1",
                        null,
                        List.of(new Workshop("W1", null, List.of(new Line("L1", null), new Line("L2", null)))))),
                List.of(equipment));
    }

    /** A week of healthy facts for a device: one good sample and one read a minute, as its 60 s point expects. */
    private void healthyWeek(String device) {
        facts.session(device, T0, T1);
        java.util.Map<Instant, long[]> reads = new java.util.LinkedHashMap<>();
        List<FactsFixture.PointRow> rows = new java.util.ArrayList<>();
        for (int m = 0; m < 7 * 1440; m++) {
            Instant b = T0.plus(Duration.ofMinutes(m));
            reads.put(b, new long[] {1, 0});
            long[] lat = new long[16];
            lat[5] = 1;
            rows.add(new FactsFixture.PointRow(device, "run_state", b, 1, 1, 0, 0, 0, null, null, null, lat));
        }
        facts.devices(java.util.Map.of(device, reads));
        facts.points(rows);
    }

    private static Profile profile(String rules) {
        return ProfileLoader.parse("test.yaml", """
                id: test
                version: "1"
                min_window: 1d
                rules:
                """ + rules);
    }

    private Evaluation evaluate(Inventory inv, Profile p, String scope, Instant from, Instant to) {
        IndicatorService service = new IndicatorService(
                facts.dataSource(), inv, ProfileLoader.shippedOnly(), Clock.fixed(T1.plusSeconds(60), ZoneOffset.UTC));
        return new ProfileEvaluator(service).evaluate(p, scope, from, to);
    }

    @Test
    void passesWhenEveryRuleHoldsWithTheValueThresholdAndEvidence() {
        healthyWeek("A");
        Inventory inv = inventory(new Equipment("A", "L1", true, true, true, POINTS));

        Evaluation e = evaluate(inv, profile("""
                          - { id: net, indicator: networking_rate, comparator: ">=", threshold: 0.6 }
                          - { id: key, indicator: networked, comparator: "==", threshold: 1, level: key_equipment }
                        """), "pilot", T0, T1);

        assertThat(e.status()).isEqualTo("pass");
        assertThat(e.rules()).extracting(Evaluation.RuleResult::outcome).containsExactly("pass", "pass");
        Evaluation.RuleResult net = e.rules().get(0);
        assertThat(net.value()).isEqualTo(1.0);
        assertThat(net.threshold()).isEqualTo(0.6);
        assertThat(net.formula()).isEqualTo("networking_rate.v1");
        assertThat(net.evidence()).singleElement().satisfies(r -> {
            assertThat(r.equipment()).isEqualTo("A");
            assertThat(r.passed()).isTrue();
        });
        assertThat(e.assessment2024()).isNotNull();
    }

    @Test
    void failsNamingTheEquipmentThatDecidedIt() {
        healthyWeek("A");
        facts.session("B", T0, T0.plus(Duration.ofDays(1)));
        Inventory inv = inventory(
                new Equipment("A", "L1", true, true, true, POINTS), new Equipment("B", "L1", true, true, true, POINTS));

        Evaluation e = evaluate(inv, profile("""
                          - { id: net, indicator: networking_rate, threshold: 0.6 }
                          - { id: key, indicator: networked, comparator: "==", threshold: 1, level: key_equipment }
                          - { id: online, indicator: online_ratio, threshold: 0.5 }
                        """), "pilot", T0, T1);

        assertThat(e.status()).isEqualTo("fail");
        assertThat(e.rules().get(0).outcome()).isEqualTo("fail");
        assertThat(e.rules().get(0).value()).isEqualTo(0.5);
        assertThat(e.rules().get(0).evidence())
                .filteredOn(r -> r.equipment().equals("B"))
                .singleElement()
                .satisfies(r -> assertThat(r.detail()).contains("online_ratio"));
        assertThat(e.rules().get(1).outcome()).isEqualTo("fail");
        assertThat(e.rules().get(1).reason()).isEqualTo("fails for [B]");
        // Scope online ratio (7 + 1) / 14 days passes 0.5.
        assertThat(e.rules().get(2).outcome()).isEqualTo("pass");
    }

    @Test
    void cannotEvaluateATooShortWindowAnEmptyScopeOrAScopeWithoutFacts() {
        Inventory inv = inventory(new Equipment("A", "L1", true, true, true, POINTS));
        Profile p = profile("  - { id: net, indicator: networking_rate, threshold: 0.6 }\n");

        Evaluation shortWindow = evaluate(inv, p, "pilot", T0, T0.plus(Duration.ofHours(2)));
        assertThat(shortWindow.status()).isEqualTo("cannot_evaluate");
        assertThat(shortWindow.reasons())
                .anySatisfy(r -> assertThat(r).contains("min_window 1d").contains("2h"));
        assertThat(shortWindow.rules()).isEmpty();

        Evaluation noFacts = evaluate(inv, p, "pilot", T0, T1);
        assertThat(noFacts.status()).isEqualTo("cannot_evaluate");
        assertThat(noFacts.reasons()).singleElement().asString().contains("no facts");

        Evaluation emptyScope = evaluate(inv, p, "L2", T0, T1);
        assertThat(emptyScope.reasons()).singleElement().asString().contains("line:L2 holds no equipment");

        Evaluation emptyInventory = evaluate(Inventory.empty("ENT001"), p, "pilot", T0, T1);
        assertThat(emptyInventory.reasons()).singleElement().asString().contains("inventory is empty");
    }

    @Test
    void aRuleOnAFigureThatIsNotMeasurableCannotBeEvaluatedAndSaysWhy() {
        healthyWeek("A");
        Inventory inv = inventory(new Equipment("A", "L1", true, true, false, POINTS));

        Evaluation e = evaluate(inv, profile("""
                          - { id: key, indicator: key_networking_rate, threshold: 1 }
                          - { id: oee, indicator: oee, threshold: 0.6, level: production_equipment }
                        """), "pilot", T0, T1);

        assertThat(e.status()).isEqualTo("cannot_evaluate");
        assertThat(e.rules().get(0).reason()).contains("no key production equipment");
        assertThat(e.rules().get(1).outcome()).isEqualTo("cannot_evaluate");
        assertThat(e.reasons()).hasSize(2);
    }
}
