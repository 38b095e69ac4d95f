package io.floorlink.collector.indicators;

import io.floorlink.collector.indicators.FactsFixture.PointRow;
import io.floorlink.collector.inventory.Equipment;
import io.floorlink.gateway.facts.DayProfiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;

/**
 * What the gateway's profile builder pays for one day (issue 15): one UTC day of a plant's rollups as a gateway keeps
 * them, a minute row per point, device and state value for every minute (the {@link IndicatorLoadHarness} writes
 * minute rows only for the hours its windows cut), then {@link DayProfiles#build} of that day, timed, and the rows
 * and bytes of the profiles it wrote beside the rows they were read from. Not a test: {@code java ...
 * ProfileBuilderLoadHarness <dir> [equipment]} (a new H2 file database in {@code dir} each run).
 */
public final class ProfileBuilderLoadHarness {
    private ProfileBuilderLoadHarness() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/builder-bench");
        int equipment = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        Files.createDirectories(dir);
        Path file = dir.resolve("builder-" + equipment + ".mv.db");
        Files.deleteIfExists(file);
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + dir.toAbsolutePath().resolve("builder-" + equipment)
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        FactsFixture facts = FactsFixture.migrated(ds);
        Instant day = IndicatorLoadHarness.START;
        String[] points = {"production_status", "shot_count", "reject_count", "mold_temp", "energy_kwh"};
        long t0 = System.nanoTime();
        long rows = 0;
        for (Equipment e : IndicatorLoadHarness.inventory(equipment).equipment()) {
            String d = e.id();
            facts.session("edge-" + (d.hashCode() & 7), d, day.minus(Duration.ofDays(1)), null, false);
            List<PointRow> minutes = new ArrayList<>();
            List<PointRow> hours = new ArrayList<>();
            List<Object[]> deviceMinutes = new ArrayList<>();
            List<Object[]> deviceHours = new ArrayList<>();
            List<Object[]> stateMinutes = new ArrayList<>();
            List<Object[]> stateHours = new ArrayList<>();
            for (int h = 0; h < 24; h++) {
                boolean running = IndicatorLoadHarness.running(h);
                Instant hour = day.plus(Duration.ofHours(h));
                for (String p : points) {
                    hours.add(IndicatorLoadHarness.hourRow(d, p, hour, running, 60));
                    for (int m = 0; m < 60; m++) {
                        minutes.add(IndicatorLoadHarness.hourRow(d, p, hour.plus(Duration.ofMinutes(m)), running, 1));
                    }
                }
                deviceHours.add(new Object[] {d, hour, 246L * 60, 0L});
                stateHours.add(new Object[] {d, "production_status", hour, running ? 4.0 : 2.0, 3_600_000L});
                for (int m = 0; m < 60; m++) {
                    Instant minute = hour.plus(Duration.ofMinutes(m));
                    deviceMinutes.add(new Object[] {d, minute, 246L, 0L});
                    stateMinutes.add(new Object[] {d, "production_status", minute, running ? 4.0 : 2.0, 60_000L});
                }
            }
            facts.insertPoints("point_minute", minutes)
                    .insertPoints("point_hour", hours)
                    .insert("device_minute", "device_id, bucket, reads_ok, reads_failed", deviceMinutes)
                    .insert("device_hour", "device_id, bucket, reads_ok, reads_failed", deviceHours)
                    .insert("point_state_minute", "device_id, point_id, bucket, state_value, millis", stateMinutes)
                    .insert("point_state_hour", "device_id, point_id, bucket, state_value, millis", stateHours)
                    .insert("fact_revision", "device_id, bucket, revision", List.<Object[]>of(new Object[] {d, day, 1L
                    }));
            rows += minutes.size()
                    + hours.size()
                    + deviceMinutes.size()
                    + deviceHours.size()
                    + stateMinutes.size()
                    + stateHours.size();
        }
        System.out.printf(
                "generated %,d rows of one day for %,d equipment in %.1f s%n",
                rows, equipment, (System.nanoTime() - t0) / 1e9);
        System.out.printf("file before the build: %,d bytes%n", Files.size(file));
        long t1 = System.nanoTime();
        int built = new DayProfiles(ds, group -> true, () -> IndicatorLoadHarness.NOW)
                .build(day.minus(Duration.ofDays(1)), IndicatorLoadHarness.NOW, Integer.MAX_VALUE);
        System.out.printf("built %,d device-days in %.1f s%n", built, (System.nanoTime() - t1) / 1e9);
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            for (String table : List.of(
                    "point_minute",
                    "device_minute",
                    "point_state_minute",
                    "point_day_profile",
                    "point_hour_profile",
                    "device_hour_profile",
                    "point_state_minute_profile",
                    "point_state_hour_profile")) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    rs.next();
                    System.out.printf("%s: %,d rows%n", table, rs.getLong(1));
                } catch (java.sql.SQLException missing) {
                    System.out.printf("%s: no such table%n", table);
                }
            }
            for (String table : List.of("point_hour_profile", "point_state_minute_profile")) {
                try (ResultSet rs = st.executeQuery("SELECT SUM(OCTET_LENGTH(minutes)) FROM " + table)) {
                    rs.next();
                    System.out.printf("%s: %,d bytes of profile%n", table, rs.getLong(1));
                } catch (java.sql.SQLException missing) {
                    System.out.printf("%s: no such table%n", table);
                }
            }
        }
        System.out.printf("file after the build: %,d bytes%n", Files.size(file));
    }
}
