package io.floorlink.collector.indicators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The synthesized month ({@link GoldenMonth}) on H2: every indicator against the truth of the minute model. */
class GoldenMonthTest {
    private static final GoldenMonth MONTH = new GoldenMonth();
    private static FactsFixture facts;

    @BeforeAll
    static void write() {
        facts = FactsFixture.h2();
        MONTH.write(facts);
    }

    @Test
    void wholeMonthReadFromDayRollups() {
        Instant from = GoldenMonth.START;
        Instant to = GoldenMonth.START.plus(java.time.Duration.ofDays(30));
        MONTH.verify(MONTH.service(facts.dataSource()), from, to, ScheduledTime.wholeWindow(from, to));
    }

    @Test
    void wholeMonthWithoutTheCache() {
        Instant from = GoldenMonth.START;
        Instant to = GoldenMonth.START.plus(java.time.Duration.ofDays(30));
        MONTH.verify(
                MONTH.service(facts.dataSource()).withCache(FactsCache.off()),
                from,
                to,
                ScheduledTime.wholeWindow(from, to));
    }

    @Test
    void unalignedWindowWithoutTheCache() {
        MONTH.verify(
                MONTH.service(facts.dataSource()).withCache(FactsCache.off()),
                GoldenMonth.W2_FROM,
                GoldenMonth.W2_TO,
                ScheduledTime.wholeWindow(GoldenMonth.W2_FROM, GoldenMonth.W2_TO));
    }

    @Test
    void unalignedWindowReadFromDayHourMinuteAndPartialBuckets() {
        MONTH.verify(
                MONTH.service(facts.dataSource()),
                GoldenMonth.W2_FROM,
                GoldenMonth.W2_TO,
                ScheduledTime.wholeWindow(GoldenMonth.W2_FROM, GoldenMonth.W2_TO));
    }

    @Test
    void unalignedWindowAndShiftCalendarThroughACacheThatLeavesItsDaysToTheFiller() {
        MONTH.verifyUnalignedAndCalendarThroughTheFiller(facts.dataSource());
    }

    @Test
    void shiftCalendarReadsEverySpan() {
        IndicatorService shifts =
                MONTH.service(facts.dataSource()).withSchedule((e, from, to) -> GoldenMonth.calendar(from, to));
        MONTH.verify(
                shifts,
                GoldenMonth.W2_FROM,
                GoldenMonth.W2_TO,
                GoldenMonth.calendar(GoldenMonth.W2_FROM, GoldenMonth.W2_TO));
        assertThat(shifts.compute("pilot", GoldenMonth.W2_FROM, GoldenMonth.W2_TO)
                        .window()
                        .scheduledBasis())
                .isEqualTo("calendar:golden-shifts");
    }

    @Test
    void uplinkAvailabilitySeparatesTheEdgeOutageFromDeviceOutages() {
        IndicatorReport r = MONTH.service(facts.dataSource()).compute("pilot", GoldenMonth.START, GoldenMonth.END);
        assertThat(r.uplinks()).extracting(IndicatorReport.Uplink::edgeNodeId).containsExactly("edge-01", "edge-02");
        assertThat(r.uplinks().get(0).uplinkAvailability().value())
                .isCloseTo(GoldenMonth.uplinkTruth(GoldenMonth.START, GoldenMonth.END), within(1e-9));
        assertThat(r.uplinks().get(0).equipment()).containsExactly("IMM-01");
        assertThat(r.uplinks().get(1).uplinkAvailability().value()).isEqualTo(1.0);
    }
}
