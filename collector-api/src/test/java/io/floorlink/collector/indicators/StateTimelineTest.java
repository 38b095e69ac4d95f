package io.floorlink.collector.indicators;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.collector.indicators.EquipmentIndicators.StateSegment;
import io.floorlink.collector.indicators.EquipmentIndicators.StateTimeline;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.InventoryLoader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The equipment page's machine-state timeline: running, fault and idle as the shipped profile maps EUROMAP 77
 * ProductionStatus (4 running, 5 fault, 2 idle), the state held longest in each bucket, neighbours merged, only the
 * enterprise's own group.
 */
class StateTimelineTest {
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final String INVENTORY = """
            enterprise: { code: ENT001, name: Demo, timezone: UTC }
            sites: [{ id: S1, workshops: [{ id: W1, lines: [{ id: L1 }] }] }]
            equipment:
              - { id: IMM-01, type: injection_molding, line: L1, production: true, digital: true,
                  points: [{ id: production_status, category: state, interval: 1s }] }
              - { id: CUT-01, line: L1, production: true, digital: false }
            """;

    private final FactsFixture facts = FactsFixture.h2();

    /** 08:00-08:30 running, 08:30-08:40 fault, 08:40-09:00 idle, 09:00 a minute of 40 s running and 20 s fault. */
    private void scriptedHour() {
        List<Object[]> rows = new ArrayList<>();
        for (int m = 0; m < 60; m++) {
            double status = m < 30 ? 4 : m < 40 ? 5 : 2;
            rows.add(new Object[] {"IMM-01", "production_status", T0.plus(Duration.ofMinutes(m)), status, 60_000L});
        }
        rows.add(new Object[] {"IMM-01", "production_status", T0.plus(Duration.ofMinutes(60)), 4.0, 40_000L});
        rows.add(new Object[] {"IMM-01", "production_status", T0.plus(Duration.ofMinutes(60)), 5.0, 20_000L});
        facts.states(rows);
    }

    private IndicatorService service() {
        Inventory inventory = InventoryLoader.parse("inventory.yaml", INVENTORY, name -> null);
        return new IndicatorService(
                facts.dataSource(),
                inventory,
                Thresholds.defaults(),
                Clock.fixed(T0.plus(Duration.ofDays(5)), ZoneOffset.UTC));
    }

    private StateTimeline timeline(IndicatorService s, Instant from, Instant to) {
        return s.equipment("IMM-01", from, to).evidence().stateTimeline();
    }

    @Test
    void aShortWindowIsReadByTheMinuteAndShowsEveryChangeOfState() {
        scriptedHour();

        StateTimeline t = timeline(service(), T0.minus(Duration.ofMinutes(30)), T0.plus(Duration.ofHours(2)));

        assertThat(t.point()).isEqualTo("production_status");
        assertThat(t.resolution()).isEqualTo("minute");
        assertThat(t.reason()).isNull();
        assertThat(t.segments())
                .containsExactly(
                        new StateSegment(T0, T0.plus(Duration.ofMinutes(30)), "running"),
                        new StateSegment(T0.plus(Duration.ofMinutes(30)), T0.plus(Duration.ofMinutes(40)), "fault"),
                        new StateSegment(T0.plus(Duration.ofMinutes(40)), T0.plus(Duration.ofMinutes(60)), "idle"),
                        // 40 s running against 20 s fault: the minute is running
                        new StateSegment(T0.plus(Duration.ofMinutes(60)), T0.plus(Duration.ofMinutes(61)), "running"));
    }

    @Test
    void segmentsAreCutToTheWindow() {
        scriptedHour();

        StateTimeline t = timeline(service(), T0.plus(Duration.ofSeconds(90)), T0.plus(Duration.ofMinutes(35)));

        assertThat(t.segments())
                .containsExactly(
                        new StateSegment(T0.plus(Duration.ofSeconds(90)), T0.plus(Duration.ofMinutes(30)), "running"),
                        new StateSegment(T0.plus(Duration.ofMinutes(30)), T0.plus(Duration.ofMinutes(35)), "fault"));
    }

    @Test
    void aLongWindowIsReadByTheHourWithTheStateHeldLongestInEachHour() {
        scriptedHour();

        StateTimeline t = timeline(service(), T0.minus(Duration.ofDays(1)), T0.plus(Duration.ofDays(2)));

        assertThat(t.resolution()).isEqualTo("hour");
        // 08:00-09:00: 30 min running, 20 idle, 10 fault; 09:00-10:00: only the running minute
        assertThat(t.segments()).containsExactly(new StateSegment(T0, T0.plus(Duration.ofHours(2)), "running"));
    }

    @Test
    void anotherEnterprisesStatesOfTheSameDeviceIdAreNotShown() {
        scriptedHour();
        List<Object[]> other = new ArrayList<>();
        for (int m = 0; m < 120; m++) {
            other.add(new Object[] {"IMM-01", "production_status", T0.plus(Duration.ofMinutes(m)), 5.0, 60_000L});
        }
        facts.group("ENT002").states(other);

        StateTimeline t = timeline(service(), T0, T0.plus(Duration.ofHours(2)));

        assertThat(t.segments()).extracting(StateSegment::state).containsExactly("running", "fault", "idle", "running");
        assertThat(t.segments().get(t.segments().size() - 1).to()).isEqualTo(T0.plus(Duration.ofMinutes(61)));
    }

    @Test
    void equipmentWithoutAStatePointHasAnEmptyTimelineWithTheReason() {
        StateTimeline t = service()
                .equipment("CUT-01", T0, T0.plus(Duration.ofHours(1)))
                .evidence()
                .stateTimeline();

        assertThat(t.segments()).isEmpty();
        assertThat(t.reason()).isEqualTo("the equipment has no state point");
    }
}
