package io.floorlink.collector.indicators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.profiles.ProfileLoader;
import io.floorlink.gateway.facts.DayProfiles;
import io.floorlink.gateway.facts.DeviceAgg;
import io.floorlink.gateway.facts.FactsBatch;
import io.floorlink.gateway.facts.FactsStore;
import io.floorlink.gateway.facts.Keys;
import io.floorlink.gateway.facts.PointAgg;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reports over whole hours (a shift calendar, the cut days of a window) read the gateway's day profiles (V12), and
 * over whole days its month profiles (V13), state minutes from its state minute profiles (V14), where they are current
 * and rollup rows elsewhere, with the same figures; a late write into a profiled day is read from the rollup rows until the builder catches up. Facts come through the gateway's writer on H2, the profiles from its
 * builder.
 */
class DayProfileReportIT {
    /** A Monday, 00:00 UTC (08:00 in Asia/Shanghai: the harness's shifts are 00:00-04:00 and 05:00-09:00 UTC). */
    private static final Instant D0 = Instant.parse("2026-05-04T00:00:00Z");

    private static final String IMM = "IMM-0000";
    private static final Inventory INVENTORY = IndicatorLoadHarness.inventory(1);
    private static final Instant NOW = D0.plus(Duration.ofDays(4)).plus(Duration.ofHours(1));

    private FactsStore store;

    @BeforeEach
    void open() {
        store = FactsStore.open(
                "jdbc:h2:mem:profile-report-" + UUID.randomUUID()
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                "sa",
                null);
    }

    @AfterEach
    void close() {
        store.close();
    }

    /**
     * One minute of the machine: every point sampled 60 times, {@code bad} of them bad, latency {@code ms}; 60 reads,
     * {@code bad} failed; running (state 4) for 40 s of it, idle (2) for 20 s.
     */
    private void writeMinute(Instant minute, int bad, long ms) throws Exception {
        Map<Keys.PointKey, PointAgg> points = new HashMap<>();
        for (String p : new String[] {"production_status", "shot_count", "reject_count", "mold_temp", "energy_kwh"}) {
            PointAgg a = new PointAgg();
            for (int i = 0; i < 60; i++) {
                a.addSample(i < bad ? 2 : 0, false);
                a.addValue(180.0 + i, minute.toEpochMilli() + i * 1000L);
                a.addLatency(ms);
            }
            points.put(new Keys.PointKey(FactsFixture.DEFAULT_GROUP, IMM, p, minute.toEpochMilli()), a);
        }
        DeviceAgg d = new DeviceAgg();
        d.addReadsOk(60);
        d.addReadsFailed(bad);
        Map<Keys.DeviceKey, DeviceAgg> devices =
                Map.of(new Keys.DeviceKey(FactsFixture.DEFAULT_GROUP, IMM, minute.toEpochMilli()), d);
        long at = minute.toEpochMilli();
        Map<Keys.StateKey, Long> states = Map.of(
                new Keys.StateKey(FactsFixture.DEFAULT_GROUP, IMM, "production_status", at, 4.0), 40_000L,
                new Keys.StateKey(FactsFixture.DEFAULT_GROUP, IMM, "production_status", at, 2.0), 20_000L);
        store.write(
                new FactsBatch(List.of(), List.of(), points, devices, List.of(), states, List.of()),
                "profile-it",
                NOW.toEpochMilli());
    }

    private EquipmentIndicators report(Instant from, Instant to, boolean calendar) {
        return report(from, to, calendar, FactsCache.off());
    }

    private EquipmentIndicators report(Instant from, Instant to, boolean calendar, FactsCache cache) {
        IndicatorService s = new IndicatorService(
                        store.dataSource(), INVENTORY, ProfileLoader.shippedOnly(), Clock.fixed(NOW, ZoneOffset.UTC))
                .withCache(cache);
        if (calendar) {
            s = s.withSchedule(IndicatorLoadHarness::shifts);
        }
        return s.compute("pilot", from, to).equipment().get(0);
    }

    private int buildProfiles() throws Exception {
        return new DayProfiles(store.dataSource(), group -> true, () -> NOW)
                .build(D0.minus(Duration.ofDays(10)), NOW, 1000);
    }

    private void deleteHourRows() throws Exception {
        for (String table : new String[] {"point_hour", "device_hour", "point_state_hour"}) {
            execute("DELETE FROM " + table);
        }
    }

    private void deleteDayRows() throws Exception {
        for (String table : new String[] {"point_day", "device_day", "point_state_day"}) {
            execute("DELETE FROM " + table);
        }
    }

    private void execute(String sql) throws Exception {
        try (Connection c = store.dataSource().getConnection();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void aShiftCalendarReadsCurrentProfilesAndFallsBackToHourRowsAfterALateWrite() throws Exception {
        // in the shifts (UTC 0-4, 5-9) and outside them (11, 20), a bad sample per minute on day 1 only
        for (int day = 0; day < 3; day++) {
            for (int hour : new int[] {0, 3, 5, 8, 11, 20}) {
                writeMinute(
                        D0.plus(Duration.ofDays(day))
                                .plus(Duration.ofHours(hour).plusMinutes(7)),
                        day == 1 ? 1 : 0,
                        40 + 300 * day);
            }
        }
        Instant from = D0;
        Instant to = D0.plus(Duration.ofDays(3));
        EquipmentIndicators fromHourRows = report(from, to, true);
        assertThat(fromHourRows.goodRatio().value()).isLessThan(1.0);
        assertThat(fromHourRows.readSuccess().value()).isLessThan(1.0);
        assertThat(fromHourRows.runRatio().value()).isPositive();

        assertThat(buildProfiles()).as("three closed device-days").isEqualTo(3);
        assertThat(report(from, to, true)).isEqualTo(fromHourRows);

        // Without hour rows the report is still the same: its hours come from the profiles.
        deleteHourRows();
        assertThat(report(from, to, true)).isEqualTo(fromHourRows);

        // A late minute into day 1 raises its revision: day 1 is read from its hour rows again (now only the late
        // minute's), days 0 and 2 still from their profiles.
        writeMinute(D0.plus(Duration.ofDays(1)).plus(Duration.ofHours(2)), 0, 40);
        EquipmentIndicators afterLate = report(from, to, true);
        assertThat(afterLate.goodRatio().value())
                .as("day 1's bad samples are no longer read: its profile is stale, its hour rows are gone")
                .isEqualTo(1.0);
        assertThat(afterLate.readSuccess().value()).isEqualTo(1.0);
        assertThat(afterLate).isNotEqualTo(fromHourRows);

        assertThat(buildProfiles()).as("only day 1 again").isEqualTo(1);
        assertThat(report(from, to, true)).isEqualTo(afterLate);
    }

    @Test
    void aWindowCutInsideHoursReadsTheCutDaysWholeHoursFromProfiles() throws Exception {
        for (int day = 0; day < 3; day++) {
            for (int hour = 0; hour < 24; hour += 5) {
                writeMinute(
                        D0.plus(Duration.ofDays(day))
                                .plus(Duration.ofHours(hour).plusMinutes(30)),
                        hour % 2,
                        10 * hour);
            }
        }
        Instant from = D0.plus(Duration.ofHours(7)).plusSeconds(23 * 60 + 30);
        Instant to = D0.plus(Duration.ofDays(2)).plus(Duration.ofHours(15)).plusSeconds(12 * 60 + 5);
        EquipmentIndicators fromHourRows = report(from, to, false);
        assertThat(buildProfiles()).isEqualTo(3);
        assertThat(report(from, to, false)).isEqualTo(fromHourRows);
        // the whole hours of the two cut days from profiles, day 1 from its day row, the cut hours from minutes
        deleteHourRows();
        assertThat(report(from, to, false)).isEqualTo(fromHourRows);
    }

    @Test
    void theClosedDayCacheKeepsNoStaleProfileAcrossALateWrite() throws Exception {
        for (int day = 0; day < 3; day++) {
            for (int hour : new int[] {1, 6}) {
                writeMinute(D0.plus(Duration.ofDays(day)).plus(Duration.ofHours(hour)), day, 50);
            }
        }
        Instant from = D0;
        Instant to = D0.plus(Duration.ofDays(3));
        buildProfiles();
        FactsCache cache = new FactsCache(1000);
        assertThat(report(from, to, true, cache)).isEqualTo(report(from, to, true));

        writeMinute(D0.plus(Duration.ofDays(1)).plus(Duration.ofHours(2)), 7, 50);
        EquipmentIndicators fresh = report(from, to, true);
        assertThat(report(from, to, true, cache))
                .as("the late write raised day 1's revision: neither its cache entry nor its profile is used")
                .isEqualTo(fresh);
        buildProfiles();
        assertThat(report(from, to, true, cache)).isEqualTo(fresh).isEqualTo(report(from, to, true));
    }

    @Test
    void wholeDaysAcrossAMonthEndReadMonthProfilesAndFallBackToDayRowsAfterALateWrite() throws Exception {
        // April 29 .. May 3: bad samples and failed reads on April 30 only
        Instant first = D0.minus(Duration.ofDays(5));
        for (int day = 0; day < 5; day++) {
            for (int hour : new int[] {2, 9, 17, 23}) {
                writeMinute(
                        first.plus(Duration.ofDays(day)).plus(Duration.ofHours(hour)),
                        day == 1 ? 3 : 0,
                        20 + 100 * day);
            }
        }
        Instant from = first;
        Instant to = D0;
        // 16:00 UTC is midnight in Asia/Shanghai: whole local days are hours of two days and whole days between
        Instant localFrom = first.minus(Duration.ofHours(8));
        Instant localTo = D0.minus(Duration.ofHours(8));
        EquipmentIndicators fromRows = report(from, to, false);
        assertThat(fromRows.goodRatio().value()).isLessThan(1.0);
        assertThat(fromRows.readSuccess().value()).isLessThan(1.0);
        assertThat(fromRows.runRatio().value()).isPositive();
        assertThat(buildProfiles()).as("five closed device-days").isEqualTo(5);
        assertThat(report(from, to, false)).isEqualTo(fromRows);

        // A late minute into April 30 raises its revision: its month slot is stale and the day is read from its
        // rollup rows (a report from the stale slot would miss the late minute's 60 reads).
        writeMinute(first.plus(Duration.ofDays(1)).plus(Duration.ofHours(5)), 0, 40);
        EquipmentIndicators afterLate = report(from, to, false);
        assertThat(afterLate.readSuccess().denominator().doubleValue())
                .isEqualTo(fromRows.readSuccess().denominator().doubleValue() + 60);
        assertThat(report(from, to, false, new FactsCache(1000))).isEqualTo(afterLate);
        EquipmentIndicators localAfterLate = report(localFrom, localTo, false);
        assertThat(buildProfiles()).as("only April 30 again").isEqualTo(1);
        assertThat(report(from, to, false)).isEqualTo(afterLate);

        // Without hour and day rows the reports are still the same: whole days come from the April and May month
        // profiles, the local window's cut days from day profiles; also day by day, as into an empty cache.
        deleteHourRows();
        deleteDayRows();
        assertThat(report(from, to, false)).isEqualTo(afterLate);
        assertThat(report(from, to, false, new FactsCache(1000))).isEqualTo(afterLate);
        assertThat(report(localFrom, localTo, false)).isEqualTo(localAfterLate);
        assertThat(report(localFrom, localTo, false, new FactsCache(1000))).isEqualTo(localAfterLate);
    }

    @Test
    void hoursCutAtMinutesComeFromHourAndMinuteProfiles() throws Exception {
        // minutes inside the window's two cut hours (07 of day 0, 15 of day 2), its partial minutes (07:23 of day 0,
        // 15:12 of day 2) and whole hours elsewhere
        for (int day = 0; day < 3; day++) {
            for (int[] at : new int[][] {{7, 40}, {7, 41}, {15, 5}, {12, 0}, {7, 23}, {15, 12}}) {
                writeMinute(
                        D0.plus(Duration.ofDays(day))
                                .plus(Duration.ofHours(at[0]).plusMinutes(at[1])),
                        day,
                        50);
            }
        }
        Instant from = D0.plus(Duration.ofHours(7)).plusSeconds(23 * 60 + 30);
        Instant to = D0.plus(Duration.ofDays(2)).plus(Duration.ofHours(15)).plusSeconds(12 * 60 + 5);
        EquipmentIndicators fromRows = report(from, to, false);
        assertThat(fromRows.powerOnRatio().numerator().doubleValue())
                .as("16 whole minutes are in the window (07:40 and 07:41 of day 0 and 15:05 of day 2 in its cut hours),"
                        + " the last 30 s of 07:23 of day 0 and the first 5 s of 15:12 of day 2")
                .isCloseTo(16 * 60.0 + 30 + 5, within(1e-9));
        assertThat(buildProfiles()).isEqualTo(3);

        // Without minute rows the report is the same: the cut hours' minutes and the partial minutes, weighted by
        // their part inside, come from the points' and the device's hour profiles and the state point's minute
        // profile; days and hours from day and month profiles.
        deleteHourRows();
        deleteDayRows();
        execute("DELETE FROM point_state_minute");
        execute("DELETE FROM point_minute");
        execute("DELETE FROM device_minute");
        // equal up to the order of the partial minutes' weighted sums
        String expected = IndicatorLoadHarness.rounded(fromRows);
        assertThat(IndicatorLoadHarness.rounded(report(from, to, false))).isEqualTo(expected);
        assertThat(IndicatorLoadHarness.rounded(report(from, to, false, new FactsCache(1000))))
                .isEqualTo(expected);
    }

    @Test
    void aFrozenPartCutAtSecondsReadsItsPartialMinutesFromTheStateMinuteProfile() throws Exception {
        // day 1, 07:00-10:00: running 40 s of each minute; shot_count static 07:31:20-09:12:40, so (max_static 5 min
        // for counters) frozen from 07:36:20: its first and last minutes are partial
        Instant day1 = D0.plus(Duration.ofDays(1));
        for (int m = 0; m < 180; m++) {
            writeMinute(day1.plus(Duration.ofHours(7)).plus(Duration.ofMinutes(m)), 0, 50);
        }
        execute("INSERT INTO point_static_run (group_id, device_id, point_id, started_at, ended_at, static_value,"
                + " is_open) VALUES ('" + FactsFixture.DEFAULT_GROUP + "', '" + IMM + "', 'shot_count', TIMESTAMP WITH"
                + " TIME ZONE '" + day1.plusSeconds(7 * 3600 + 31 * 60 + 20) + "', TIMESTAMP WITH TIME ZONE '"
                + day1.plusSeconds(9 * 3600 + 12 * 60 + 40) + "', 1200.0, FALSE)");
        Instant from = D0;
        Instant to = D0.plus(Duration.ofDays(3));
        EquipmentIndicators fromRows = report(from, to, false);
        assertThat(fromRows.frozenRatio().numerator().doubleValue())
                .as("running two thirds of 07:36:20-09:12:40 (5,780 s)")
                .isCloseTo(5780 * 2 / 3.0, within(1e-6));
        assertThat(buildProfiles()).isEqualTo(1);

        // the frozen part's whole and partial minutes come from the state minute profile
        execute("DELETE FROM point_state_minute");
        String expected = IndicatorLoadHarness.rounded(fromRows);
        assertThat(IndicatorLoadHarness.rounded(report(from, to, false))).isEqualTo(expected);
        assertThat(IndicatorLoadHarness.rounded(report(from, to, false, new FactsCache(1000))))
                .isEqualTo(expected);

        // A report that leaves its days to the cache's filler is computed as without the cache; the filler caches its
        // days day by day, the frozen part's day too.
        FactsCache filled = new FactsCache(1000, 0);
        assertThat(IndicatorLoadHarness.rounded(report(from, to, false, filled)))
                .isEqualTo(expected);
        assertThat(filled.awaitFills(Duration.ofSeconds(30))).isTrue();
        long hits = filled.hits();
        assertThat(IndicatorLoadHarness.rounded(report(from, to, false, filled)))
                .isEqualTo(expected);
        assertThat(filled.hits() - hits)
                .as("three days' rollups and the frozen part's day, all from the cache")
                .isEqualTo(4);
    }
}
