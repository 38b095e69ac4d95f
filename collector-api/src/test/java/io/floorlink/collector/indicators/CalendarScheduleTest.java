package io.floorlink.collector.indicators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.InventoryLoader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The inventory's shift calendar decides S(e, W) for every figure, without any extra wiring. */
class CalendarScheduleTest {
    // Monday 2026-03-02 in Asia/Shanghai (UTC+8): the whole local day.
    private static final Instant DAY_START = Instant.parse("2026-03-01T16:00:00Z");
    private static final Instant DAY_END = Instant.parse("2026-03-02T16:00:00Z");
    private static final Instant LOCAL_08 = Instant.parse("2026-03-02T00:00:00Z");

    private static final String INVENTORY = """
            enterprise: { code: ENT001, name: Demo, timezone: Asia/Shanghai }
            calendars:
              - id: day-shift
                shifts:
                  - { name: day, days: mon-sat, start: "08:00", end: "17:00", breaks: ["12:00-13:00"] }
            sites:
              - id: S1
                workshops:
                  - id: W1
                    lines:
                      - { id: L1, calendar: day-shift }
                      - { id: L2 }
            equipment:
              - { id: SEW-01, line: L1, production: true, digital: true, points: [{ id: run_state, category: state, interval: 1s }] }
              - { id: SEW-02, line: L2, production: true, digital: true, points: [{ id: run_state, category: state, interval: 1s }] }
            """;

    private final FactsFixture facts = FactsFixture.h2();

    @Test
    void equipmentOnACalendarLineIsMeasuredOverItsShiftsOnly() {
        Inventory inventory = InventoryLoader.parse("inventory.yaml", INVENTORY, name -> null);
        // Both connected from local 08:00 to 10:00 only.
        facts.session("SEW-01", LOCAL_08, LOCAL_08.plus(Duration.ofHours(2)));
        facts.session("SEW-02", LOCAL_08, LOCAL_08.plus(Duration.ofHours(2)));
        IndicatorService service = new IndicatorService(
                facts.dataSource(), inventory, Thresholds.defaults(), Clock.fixed(DAY_END, ZoneOffset.UTC));

        EquipmentIndicators onShift = service.equipment("SEW-01", DAY_START, DAY_END);
        // Shifts 08:00-12:00 and 13:00-17:00: S = 8 h, connected 2 h of it.
        assertThat(onShift.onlineRatio().denominator().doubleValue()).isCloseTo(8 * 3600, within(1e-6));
        assertThat(onShift.onlineRatio().value()).isCloseTo(0.25, within(1e-9));
        assertThat(String.valueOf(onShift.onlineRatio().parameters().get("scheduled_time")))
                .contains("day-shift");

        EquipmentIndicators noCalendar = service.equipment("SEW-02", DAY_START, DAY_END);
        assertThat(noCalendar.onlineRatio().denominator().doubleValue()).isCloseTo(24 * 3600, within(1e-6));
        assertThat(noCalendar.onlineRatio().value()).isCloseTo(2.0 / 24, within(1e-9));
    }
}
