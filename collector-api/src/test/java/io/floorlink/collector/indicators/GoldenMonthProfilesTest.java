package io.floorlink.collector.indicators;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The synthesized month ({@link GoldenMonth}) on H2 with the gateway's day and month profiles built: the windows
 * that read whole hours (the cut days of an unaligned window, a shift calendar) and whole days read them from the
 * profiles and still meet the truth of the minute model, out-of-range hours of the molding machine's temperature
 * included.
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

    @Test
    void aStoreOfAGatewayBeforeMonthProfilesIsReadFromRollupRows() throws Exception {
        // A collector upgraded before its gateway: the store is at V12, whose marks promise day profiles but no
        // month rows. Marks for every day and no profile rows at all: a reader trusting them would read nothing.
        org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
        ds.setURL("jdbc:h2:mem:v12-" + java.util.UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        FactsFixture v12 = FactsFixture.migrated(ds, "12");
        MONTH.write(v12);
        for (String device : java.util.List.of(GoldenMonth.IMM, GoldenMonth.SEW)) {
            v12.revise(device, GoldenMonth.START, GoldenMonth.END);
        }
        try (java.sql.Connection c = ds.getConnection();
                java.sql.Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("INSERT INTO day_profile_mark (group_id, device_id, bucket, revision, built_at)"
                            + " SELECT group_id, device_id, bucket, revision, bucket FROM fact_revision"))
                    .isGreaterThanOrEqualTo(2 * 30);
        }
        MONTH.verifyUnalignedAndCalendar(MONTH.service(ds).withCache(FactsCache.off()));
    }
}
