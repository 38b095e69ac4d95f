package io.floorlink.gateway.facts;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The day-profile builder on every supported store (H2 always, PostgreSQL when {@value TestStores#POSTGRES_ENV} is
 * set), fed through the gateway's own write path: a closed day's profile holds exactly its hour rows and its month's
 * profile the month's day rows, a day not over is left alone, and a late write into a profiled day makes the profile
 * stale until the next round rebuilds it.
 */
class DayProfilesIT {
    private static final Instant DAY = Instant.parse("2026-03-02T00:00:00Z");

    static Stream<String> stores() {
        return Stream.of(TestStores.h2Memory("profiles"), TestStores.POSTGRESQL);
    }

    private static FactsBatch batch(String group, String device, String point, Instant minute, int n, double base) {
        PointAgg a = new PointAgg();
        for (int i = 0; i < n; i++) {
            a.addSample(i % 7 == 0 ? 2 : 0, false);
            a.addValue(base + i, minute.toEpochMilli() + i * 1000L);
            a.addIncrease(1);
            a.addLatency(30 + 200 * i);
        }
        Map<Keys.PointKey, PointAgg> points = new HashMap<>();
        points.put(new Keys.PointKey(group, device, point, minute.toEpochMilli()), a);
        DeviceAgg reads = new DeviceAgg();
        reads.addReadsOk(n);
        reads.addReadsFailed(n / 2);
        Map<Keys.DeviceKey, DeviceAgg> devices =
                Map.of(new Keys.DeviceKey(group, device, minute.toEpochMilli()), reads);
        Map<Keys.StateKey, Long> states = Map.of(
                new Keys.StateKey(group, device, "status", minute.toEpochMilli(), base),
                1000L * n,
                new Keys.StateKey(group, device, "status", minute.toEpochMilli(), -1.0),
                500L);
        return new FactsBatch(List.of(), List.of(), points, devices, List.of(), states, List.of());
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aClosedDaysProfileIsItsHourRowsAndALateWriteRebuildsIt(String url) throws Exception {
        try (FactsStore store = TestStores.open(url, "the day-profile builder")) {
            String group = "ENT-" + UUID.randomUUID();
            String other = "ENT-" + UUID.randomUUID();
            long now = DAY.plus(Duration.ofDays(2)).toEpochMilli();
            // hours 1, 8 and 17 of the day, two points; the day after (not over at `now`) and another group's day
            store.write(batch(group, "M1", "shots", DAY.plus(Duration.ofMinutes(61)), 5, 10), "h", now);
            store.write(batch(group, "M1", "shots", DAY.plus(Duration.ofMinutes(62)), 3, -4), "h", now);
            store.write(batch(group, "M1", "temp", DAY.plus(Duration.ofHours(8)), 9, 60.5), "h", now);
            store.write(batch(group, "M1", "temp", DAY.plus(Duration.ofHours(17).plusMinutes(59)), 2, 1e9), "h", now);
            store.write(batch(group, "M1", "temp", DAY.plus(Duration.ofHours(40)), 4, 0), "h", now);
            store.write(batch(other, "M1", "temp", DAY.plus(Duration.ofHours(3)), 4, 0), "h", now);

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            DayProfiles builder = new DayProfiles(store.dataSource(), group::equals, () -> Instant.ofEpochMilli(now));
            builder.bindTo(registry);
            Instant before =
                    DAY.plus(Duration.ofDays(1)).plus(DayProfiles.SETTLE).plusSeconds(1);
            assertThat(builder.build(DAY, before, 1000))
                    .as("the day is over and settled: one device-day of this group, none of the other")
                    .isEqualTo(1);
            assertThat(registry.get("floorlink.gateway.profiles.built")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(profiles(store, group)).containsOnlyKeys("shots", "temp");
            assertThat(profiles(store, group)).isEqualTo(hourRows(store, group, DAY));
            assertThat(deviceProfile(store, group)).containsOnlyKeys(1, 8, 17).isEqualTo(deviceHours(store, group));
            assertThat(stateProfile(store, group)).isEqualTo(stateHours(store, group));
            assertThat(stateProfile(store, group).get(1))
                    .containsEntry(-1.0, 1000L)
                    .containsEntry(10.0, 5000L);
            assertThat(markRevision(store, group, DAY)).isEqualTo(revision(store, group, DAY));
            assertMonthIsItsDayRows(store, group);
            assertThat(stateMinuteProfiles(store, group))
                    .as("the state minute profile of the day is its state minute rows")
                    .containsOnlyKeys(
                            "2026-03-02T01:01Z", "2026-03-02T01:02Z", "2026-03-02T08:00Z", "2026-03-02T17:59Z")
                    .isEqualTo(stateMinutes(store, group));
            assertThat(hourProfiles(store, group))
                    .as("the hour profiles of the day's points are their minute rows (01:01, 01:02, 08:00, 17:59)")
                    .containsOnlyKeys("shots", "temp")
                    .isEqualTo(rollupRows(store, group, "M1", "point_minute", DAY, DAY.plus(Duration.ofDays(1))));
            assertThat(hourProfiles(store, group).get("shots")).containsOnlyKeys(61, 62);
            assertThat(deviceHourProfiles(store, group))
                    .as("the device's hour profiles are its minute rows")
                    .containsOnlyKeys(61, 62, 480, 1079)
                    .isEqualTo(deviceMinutes(store, group));
            assertThat(monthProfile(store, group).get("temp"))
                    .as("March 2 and 3 (the day after has day rows but no mark yet: readers leave its slot alone)")
                    .containsOnlyKeys(1, 2);
            assertThat(profiles(store, other)).isEmpty();
            assertThat(builder.build(DAY, before, 1000))
                    .as("nothing due while the mark equals the revision")
                    .isZero();
            assertThat(builder.build(DAY, DAY.plus(Duration.ofDays(2)), 1000))
                    .as("the next day is over but not settled")
                    .isZero();

            // a late sample into hour 8 of the profiled day
            store.write(batch(group, "M1", "temp", DAY.plus(Duration.ofHours(8).plusMinutes(30)), 1, -7), "h", now);
            assertThat(markRevision(store, group, DAY))
                    .as("the late write raised the revision past the mark: readers fall back to hour rows")
                    .isLessThan(revision(store, group, DAY));
            assertThat(builder.build(DAY, before, 1000)).isEqualTo(1);
            assertThat(profiles(store, group)).isEqualTo(hourRows(store, group, DAY));
            assertThat(deviceProfile(store, group)).isEqualTo(deviceHours(store, group));
            assertThat(stateProfile(store, group)).isEqualTo(stateHours(store, group));
            assertThat(markRevision(store, group, DAY)).isEqualTo(revision(store, group, DAY));
            assertMonthIsItsDayRows(store, group);
            assertThat(stateMinuteProfiles(store, group)).isEqualTo(stateMinutes(store, group));
            assertThat(hourProfiles(store, group))
                    .isEqualTo(rollupRows(store, group, "M1", "point_minute", DAY, DAY.plus(Duration.ofDays(1))));
            assertThat(hourProfiles(store, group).get("temp")).containsOnlyKeys(480, 510, 1079);
            assertThat(deviceHourProfiles(store, group)).isEqualTo(deviceMinutes(store, group));
        }
    }

    /** "minute" (UTC, ISO) -> state value -> millis of M1's "status" on DAY, from point_state_minute. */
    private static Map<String, Map<Double, Long>> stateMinutes(FactsStore store, String group) throws SQLException {
        Map<String, Map<Double, Long>> out = new HashMap<>();
        query(store, "SELECT bucket, state_value, millis FROM point_state_minute", group, rs -> out.computeIfAbsent(
                        rs.getObject(1, OffsetDateTime.class)
                                .withOffsetSameInstant(ZoneOffset.UTC)
                                .toString(),
                        k -> new HashMap<>())
                .put(rs.getDouble(2), rs.getLong(3)));
        return out;
    }

    /** As {@link #stateMinutes}, from point_state_minute_profile: every minute of every run. */
    private static Map<String, Map<Double, Long>> stateMinuteProfiles(FactsStore store, String group)
            throws SQLException {
        Map<String, Map<Double, Long>> out = new HashMap<>();
        query(store, "SELECT bucket, minutes FROM point_state_minute_profile", group, rs -> {
            OffsetDateTime day = rs.getObject(1, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC);
            DayProfile.Cursor c = new DayProfile.Cursor(rs.getBytes(2));
            while (c.next()) {
                c.readStates();
                for (int m = c.hour(); m < c.hour() + c.run(); m++) {
                    for (int i = 0; i < c.states(); i++) {
                        out.computeIfAbsent(day.plusMinutes(m).toString(), k -> new HashMap<>())
                                .put(c.stateValue(i), c.stateMillis(i));
                    }
                }
            }
        });
        return out;
    }

    /** The month profiles of M1 for March hold exactly its day rows (points, device reads, states). */
    private static void assertMonthIsItsDayRows(FactsStore store, String group) throws SQLException {
        Instant month = Instant.parse("2026-03-01T00:00:00Z");
        assertThat(monthProfile(store, group))
                .isNotEmpty()
                .isEqualTo(rollupRows(store, group, "M1", "point_day", month, Instant.parse("2026-04-01T00:00:00Z")));
        Map<Integer, List<Long>> reads = new HashMap<>();
        queryMonth(
                store,
                "SELECT bucket, reads_ok, reads_failed FROM device_day",
                group,
                rs -> reads.put(
                        rs.getObject(1, OffsetDateTime.class).getDayOfMonth() - 1,
                        List.of(rs.getLong(2), rs.getLong(3))));
        Map<Integer, List<Long>> readSlots = new HashMap<>();
        queryMonth(store, "SELECT days FROM device_month_profile", group, readSlots(readSlots));
        assertThat(readSlots).isNotEmpty().isEqualTo(reads);
        Map<Integer, Map<Double, Long>> states = new HashMap<>();
        queryMonth(
                store, "SELECT bucket, state_value, millis FROM point_state_day", group, rs -> states.computeIfAbsent(
                                rs.getObject(1, OffsetDateTime.class).getDayOfMonth() - 1, k -> new HashMap<>())
                        .put(rs.getDouble(2), rs.getLong(3)));
        Map<Integer, Map<Double, Long>> stateSlots = new HashMap<>();
        queryMonth(store, "SELECT days FROM point_state_month_profile", group, stateSlots(stateSlots));
        assertThat(stateSlots).isNotEmpty().isEqualTo(states);
    }

    private static Map<String, Map<Integer, List<Object>>> monthProfile(FactsStore store, String group)
            throws SQLException {
        return profiles(store, group, "M1", "point_month_profile", "days", Instant.parse("2026-03-01T00:00:00Z"));
    }

    /** Rows of {@code select} for device M1 of the group in March 2026. */
    private static void queryMonth(FactsStore store, String select, String group, Row row) throws SQLException {
        try (Connection c = store.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        select + " WHERE group_id = ? AND device_id = 'M1' AND bucket >= ? AND bucket < ?")) {
            ps.setString(1, group);
            ps.setObject(2, OffsetDateTime.parse("2026-03-01T00:00:00Z"));
            ps.setObject(3, OffsetDateTime.parse("2026-04-01T00:00:00Z"));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aRoundStopsAtItsLimitAndTheNextGoesOn(String url) throws Exception {
        try (FactsStore store = TestStores.open(url, "the day-profile builder")) {
            String group = "ENT-" + UUID.randomUUID();
            long now = DAY.plus(Duration.ofDays(400)).toEpochMilli();
            int devices = DayProfiles.BATCH + 30;
            for (int d = 0; d < devices; d++) {
                store.write(batch(group, "D" + d, "p", DAY.plus(Duration.ofHours(d % 24)), 1, d), "h", now);
            }
            DayProfiles builder = new DayProfiles(store.dataSource(), group::equals, () -> Instant.ofEpochMilli(now));
            Instant later = Instant.ofEpochMilli(now);
            assertThat(builder.build(DAY, later, 50)).isEqualTo(50);
            assertThat(builder.build(DAY, later, 1000)).isEqualTo(devices - 50);
            assertThat(builder.build(DAY, later, 1000)).isZero();
            for (int d = 0; d < devices; d += 37) {
                assertThat(hourRows(store, group, DAY, "D" + d)).isEqualTo(profiles(store, group, "D" + d));
            }
        }
    }

    /** Per point, hour -> the hour row's values as the profile holds them. */
    private static Map<String, Map<Integer, List<Object>>> hourRows(FactsStore store, String group, Instant day)
            throws SQLException {
        return hourRows(store, group, day, "M1");
    }

    private static Map<String, Map<Integer, List<Object>>> hourRows(
            FactsStore store, String group, Instant day, String device) throws SQLException {
        return rollupRows(store, group, device, "point_hour", day, day.plus(Duration.ofDays(1)));
    }

    /**
     * Per point, slot -> the rollup row's values as a profile holds them: minute rows by minute of the day, hour rows
     * by hour of day, day rows by day of month less one.
     */
    private static Map<String, Map<Integer, List<Object>>> rollupRows(
            FactsStore store, String group, String device, String table, Instant from, Instant to) throws SQLException {
        Map<String, Map<Integer, List<Object>>> out = new HashMap<>();
        StringBuilder cols = new StringBuilder("point_id, bucket, samples, good, bad, uncertain, historical,"
                + " value_min, value_max, value_increase");
        for (int i = 0; i < FactsSchema.LATENCY_BUCKETS; i++) {
            cols.append(", ").append(FactsSchema.latencyColumn(i));
        }
        try (Connection c = store.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + cols + " FROM " + table + " WHERE group_id = ?"
                        + " AND device_id = ? AND bucket >= ? AND bucket < ?")) {
            ps.setString(1, group);
            ps.setString(2, device);
            ps.setObject(3, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
            ps.setObject(4, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<Object> v = new ArrayList<>();
                    for (int i = 3; i <= 7; i++) {
                        v.add(rs.getLong(i));
                    }
                    for (int i = 8; i <= 10; i++) {
                        v.add(rs.getObject(i, Double.class));
                    }
                    for (int i = 0; i < FactsSchema.LATENCY_BUCKETS; i++) {
                        v.add(rs.getLong(11 + i));
                    }
                    OffsetDateTime bucket = rs.getObject(2, OffsetDateTime.class);
                    int slot = table.endsWith("_minute")
                            ? bucket.getHour() * 60 + bucket.getMinute()
                            : table.endsWith("_hour") ? bucket.getHour() : bucket.getDayOfMonth() - 1;
                    out.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(slot, v);
                }
            }
        }
        return out;
    }

    private static Map<String, Map<Integer, List<Object>>> profiles(FactsStore store, String group)
            throws SQLException {
        return profiles(store, group, "M1");
    }

    private static Map<String, Map<Integer, List<Object>>> profiles(FactsStore store, String group, String device)
            throws SQLException {
        return profiles(store, group, device, "point_day_profile", "hours", DAY);
    }

    /** Per point, slot -> values of the profile rows of {@code table} (the only bucket being {@code bucket}). */
    private static Map<String, Map<Integer, List<Object>>> profiles(
            FactsStore store, String group, String device, String table, String column, Instant bucket)
            throws SQLException {
        Map<String, Map<Integer, List<Object>>> out = new HashMap<>();
        try (Connection c = store.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT point_id, bucket, " + column + " FROM " + table
                        + " WHERE group_id = ? AND device_id = ?")) {
            ps.setString(1, group);
            ps.setString(2, device);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    assertThat(rs.getObject(2, OffsetDateTime.class).toInstant())
                            .isEqualTo(bucket);
                    DayProfile.Cursor cur = new DayProfile.Cursor(rs.getBytes(3));
                    Map<Integer, List<Object>> hours = out.computeIfAbsent(rs.getString(1), k -> new HashMap<>());
                    while (cur.next()) {
                        hours.put(cur.hour(), values(cur.read()));
                    }
                }
            }
        }
        return out;
    }

    /** A point slot's values in the order of {@link #rollupRows}. */
    private static List<Object> values(DayProfile.Cursor cur) {
        List<Object> v =
                new ArrayList<>(List.of(cur.samples(), cur.good(), cur.bad(), cur.uncertain(), cur.historical()));
        v.add(cur.min());
        v.add(cur.max());
        v.add(cur.increase());
        for (int i = 0; i < FactsSchema.LATENCY_BUCKETS; i++) {
            v.add(cur.latency(i));
        }
        return v;
    }

    /** Per point, minute of the day -> values of M1's point_hour_profile rows on DAY. */
    private static Map<String, Map<Integer, List<Object>>> hourProfiles(FactsStore store, String group)
            throws SQLException {
        Map<String, Map<Integer, List<Object>>> out = new HashMap<>();
        query(store, "SELECT point_id, bucket, minutes FROM point_hour_profile", group, rs -> {
            int hour = utcHour(rs, 2);
            DayProfile.Cursor cur = new DayProfile.Cursor(rs.getBytes(3));
            while (cur.next()) {
                out.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                        .put(hour * 60 + cur.hour(), values(cur.read()));
            }
        });
        return out;
    }

    /** The UTC hour of a bucket column (H2 and PostgreSQL hand timestamps back in the session's offset). */
    private static int utcHour(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class)
                .withOffsetSameInstant(ZoneOffset.UTC)
                .getHour();
    }

    /** Minute of the day -> [reads_ok, reads_failed] of M1 on DAY, from device_hour_profile. */
    private static Map<Integer, List<Long>> deviceHourProfiles(FactsStore store, String group) throws SQLException {
        Map<Integer, List<Long>> out = new HashMap<>();
        query(store, "SELECT bucket, minutes FROM device_hour_profile", group, rs -> {
            int hour = utcHour(rs, 1);
            DayProfile.Cursor cur = new DayProfile.Cursor(rs.getBytes(2));
            while (cur.next()) {
                cur.readReads();
                out.put(hour * 60 + cur.hour(), List.of(cur.readsOk(), cur.readsFailed()));
            }
        });
        return out;
    }

    /** Minute of the day -> [reads_ok, reads_failed] of M1 on DAY, from device_minute. */
    private static Map<Integer, List<Long>> deviceMinutes(FactsStore store, String group) throws SQLException {
        Map<Integer, List<Long>> out = new HashMap<>();
        query(store, "SELECT bucket, reads_ok, reads_failed FROM device_minute", group, rs -> {
            OffsetDateTime b = rs.getObject(1, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC);
            out.put(b.getHour() * 60 + b.getMinute(), List.of(rs.getLong(2), rs.getLong(3)));
        });
        return out;
    }

    /** hour -> [reads_ok, reads_failed] of device M1 on DAY, from device_hour. */
    private static Map<Integer, List<Long>> deviceHours(FactsStore store, String group) throws SQLException {
        Map<Integer, List<Long>> out = new HashMap<>();
        query(
                store,
                "SELECT bucket, reads_ok, reads_failed FROM device_hour",
                group,
                rs -> out.put(rs.getObject(1, OffsetDateTime.class).getHour(), List.of(rs.getLong(2), rs.getLong(3))));
        return out;
    }

    private static Map<Integer, List<Long>> deviceProfile(FactsStore store, String group) throws SQLException {
        Map<Integer, List<Long>> out = new HashMap<>();
        query(store, "SELECT hours FROM device_day_profile", group, readSlots(out));
        return out;
    }

    /** Decodes a device profile (column 1) into slot -> [reads_ok, reads_failed]. */
    private static Row readSlots(Map<Integer, List<Long>> out) {
        return rs -> {
            DayProfile.Cursor c = new DayProfile.Cursor(rs.getBytes(1));
            while (c.next()) {
                c.readReads();
                out.put(c.hour(), List.of(c.readsOk(), c.readsFailed()));
            }
        };
    }

    /** Decodes a state profile (column 1) into slot -> state value -> millis. */
    private static Row stateSlots(Map<Integer, Map<Double, Long>> out) {
        return rs -> {
            DayProfile.Cursor c = new DayProfile.Cursor(rs.getBytes(1));
            while (c.next()) {
                c.readStates();
                for (int i = 0; i < c.states(); i++) {
                    out.computeIfAbsent(c.hour(), k -> new HashMap<>()).put(c.stateValue(i), c.stateMillis(i));
                }
            }
        };
    }

    /** hour -> state value -> millis of M1's "status" on DAY, from point_state_hour. */
    private static Map<Integer, Map<Double, Long>> stateHours(FactsStore store, String group) throws SQLException {
        Map<Integer, Map<Double, Long>> out = new HashMap<>();
        query(store, "SELECT bucket, state_value, millis FROM point_state_hour", group, rs -> out.computeIfAbsent(
                        rs.getObject(1, OffsetDateTime.class).getHour(), k -> new HashMap<>())
                .put(rs.getDouble(2), rs.getLong(3)));
        return out;
    }

    private static Map<Integer, Map<Double, Long>> stateProfile(FactsStore store, String group) throws SQLException {
        Map<Integer, Map<Double, Long>> out = new HashMap<>();
        query(store, "SELECT hours FROM point_state_day_profile", group, stateSlots(out));
        return out;
    }

    private interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    /** Rows of {@code select} for device M1 of the group on DAY (its bucket a day or an hour of it). */
    private static void query(FactsStore store, String select, String group, Row row) throws SQLException {
        try (Connection c = store.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        select + " WHERE group_id = ? AND device_id = 'M1' AND bucket >= ? AND bucket < ?")) {
            ps.setString(1, group);
            ps.setObject(2, OffsetDateTime.ofInstant(DAY, ZoneOffset.UTC));
            ps.setObject(3, OffsetDateTime.ofInstant(DAY.plus(Duration.ofDays(1)), ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
        }
    }

    private static long revision(FactsStore store, String group, Instant day) throws SQLException {
        return single(store, "SELECT revision FROM fact_revision", group, day);
    }

    private static long markRevision(FactsStore store, String group, Instant day) throws SQLException {
        return single(store, "SELECT revision FROM day_profile_mark", group, day);
    }

    private static long single(FactsStore store, String select, String group, Instant day) throws SQLException {
        try (Connection c = store.dataSource().getConnection();
                PreparedStatement ps =
                        c.prepareStatement(select + " WHERE group_id = ? AND device_id = 'M1' AND bucket = ?")) {
            ps.setString(1, group);
            ps.setObject(2, OffsetDateTime.ofInstant(day, ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getLong(1);
            }
        }
    }
}
