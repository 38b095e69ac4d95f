package io.floorlink.collector.indicators;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The synthesized month ({@link GoldenMonth}) on H2 with the gateway's day profiles built: the windows that read
 * whole hours (the cut days of an unaligned window, a shift calendar) read them from the profiles and still meet
 * the truth of the minute model, out-of-range hours of the molding machine's temperature included.
 */
class GoldenMonthProfilesTest {
    private static final GoldenMonth MONTH = new GoldenMonth();
    private static FactsFixture facts;

    @BeforeAll
    static void write() {
        facts = FactsFixture.h2();
        MONTH.write(facts);
        assertThat(MONTH.buildProfiles(facts))
                .as("two devices, every day of the month and the days the fixture's rows spill into")
                .isGreaterThanOrEqualTo(2 * 30);
    }

    @Test
    void unalignedWindowAndShiftCalendarFromProfiles() {
        MONTH.verifyUnalignedAndCalendar(MONTH.service(facts.dataSource()).withCache(FactsCache.off()));
    }

    @Test
    void unalignedWindowAndShiftCalendarFromProfilesThroughTheCache() {
        MONTH.verifyUnalignedAndCalendar(MONTH.service(facts.dataSource()));
    }
}
