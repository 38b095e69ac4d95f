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
    void unalignedWindowAndShiftCalendarFromProfilesThroughACacheThatLeavesItsDaysToTheFiller() {
        MONTH.verifyUnalignedAndCalendarThroughTheFiller(facts.dataSource());
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "V{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"12", "13"})
    void aStoreOfAGatewayBeforeMinuteProfilesIsReadFromRollupRows(String version) throws Exception {
        // A collector upgraded before its gateway: the store is at V12, whose marks promise day profiles but no
        // month rows, or at V13, whose marks promise hour profiles of state points but no minute profiles. Marks for
        // every day and no profile rows at all: a reader trusting them would read nothing (or fail on V14's table).
        org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
        ds.setURL("jdbc:h2:mem:v" + version + "-" + java.util.UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        FactsFixture store = FactsFixture.migrated(ds, version);
        MONTH.write(store);
        for (String device : java.util.List.of(GoldenMonth.IMM, GoldenMonth.SEW)) {
            store.revise(device, GoldenMonth.START, GoldenMonth.END);
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
