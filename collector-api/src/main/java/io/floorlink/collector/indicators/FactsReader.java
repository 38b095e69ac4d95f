package io.floorlink.collector.indicators;

import io.floorlink.gateway.facts.DayProfile;
import io.floorlink.gateway.facts.FactsSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Reads the gateway's facts ({@link FactsSchema}, the owner of the tables) of one Sparkplug group for a set of devices and a set of spans. Every method blocks on
 * JDBC and throws {@link FactsUnavailableException} when the store cannot be read. Runs unchanged on H2
 * (PostgreSQL mode) and PostgreSQL.
 *
 * <p>Spans are read through {@link Buckets}: day rollups for whole UTC days, hour rollups for whole hours, minute
 * rollups for the rest; a minute only partly inside is weighted by the share of it inside (reads by the
 * caller's {@link EdgeWeight}). Rollup sums come either for the whole spans (under {@link #ALL_DAYS}) or per UTC
 * day (under the day's epoch day number), for {@link FactsCache}.
 */
final class FactsReader {
    private static final int CHUNK = 500;
    /** Rows of a VALUES table of bucket ranges per statement (5 parameters each). */
    private static final int RANGE_CHUNK = 1000;

    /** The key of sums over all the spans, when they are not split by day. */
    static final long ALL_DAYS = Long.MIN_VALUE;

    private static final long DAY_SECONDS = 86_400;

    /** One device_session row. */
    record SessionFact(
            String deviceId,
            String edgeNodeId,
            Instant connectedAt,
            Instant disconnectedAt,
            String endReason,
            boolean historical) {}

    /** One edge_session row. */
    record EdgeSessionFact(
            String groupId, String edgeNodeId, Instant connectedAt, Instant disconnectedAt, String endReason) {}

    /** A point_declaration row (latest DBIRTH). */
    record Declaration(
            String deviceId,
            String groupId,
            String edgeNodeId,
            String pointId,
            String category,
            Long intervalMs,
            Double engLow,
            Double engHigh) {}

    /**
     * A platform_gap row (V7): a known gap of the platform itself.
     *
     * @param cause wire name of {@code io.floorlink.gateway.facts.PlatformGap.Cause}
     * @param groupId affected group, null for every node
     * @param edgeNodeId affected edge node, null for every node
     * @param deviceId affected device, null for every device of the node (or of the host)
     */
    record GapFact(
            String cause,
            String groupId,
            String edgeNodeId,
            String deviceId,
            Instant from,
            Instant to,
            long events,
            String detail) {}

    /** A point_static_run row. */
    record StaticRun(String deviceId, String pointId, Instant startedAt, Instant endedAt, Double value, boolean open) {}

    /** reads_ok / reads_failed of a device over a span; fractional where edge minutes are pro-rated. */
    record Reads(double ok, double failed) {
        Reads plus(Reads o) {
            return new Reads(ok + o.ok, failed + o.failed);
        }
    }

    /**
     * Sums of a point's rollups over the spans. Counts are fractional where partial minutes are weighted.
     *
     * @param latency counts per latency bucket lat_b00..lat_b15 (real-time good samples)
     * @param outOfRangeBuckets rollup buckets whose value_min or value_max lies outside the declared eng range
     * @param increase sum of value_increase, null when no bucket has one
     */
    record PointAgg(
            double samples,
            double good,
            double bad,
            double uncertain,
            double historical,
            Double min,
            Double max,
            Double increase,
            double[] latency,
            double outOfRangeBuckets) {

        static final PointAgg EMPTY =
                new PointAgg(0, 0, 0, 0, 0, null, null, null, new double[FactsSchema.LATENCY_BUCKETS], 0);

        PointAgg plus(PointAgg o) {
            double[] lat = new double[FactsSchema.LATENCY_BUCKETS];
            for (int i = 0; i < FactsSchema.LATENCY_BUCKETS; i++) {
                lat[i] = latency[i] + o.latency[i];
            }
            return new PointAgg(
                    samples + o.samples,
                    good + o.good,
                    bad + o.bad,
                    uncertain + o.uncertain,
                    historical + o.historical,
                    combine(min, o.min, Math::min),
                    combine(max, o.max, Math::max),
                    combine(increase, o.increase, Double::sum),
                    lat,
                    outOfRangeBuckets + o.outOfRangeBuckets);
        }

        /**
         * The sums times {@code w} (the part of a minute inside a window), as a partial minute's row is weighted:
         * min and max as they are.
         */
        PointAgg times(double w) {
            double[] lat = new double[FactsSchema.LATENCY_BUCKETS];
            for (int i = 0; i < FactsSchema.LATENCY_BUCKETS; i++) {
                lat[i] = latency[i] * w;
            }
            return new PointAgg(
                    samples * w,
                    good * w,
                    bad * w,
                    uncertain * w,
                    historical * w,
                    min,
                    max,
                    increase == null ? null : increase * w,
                    lat,
                    outOfRangeBuckets * w);
        }

        private static Double combine(Double a, Double b, java.util.function.DoubleBinaryOperator op) {
            if (a == null) {
                return b;
            }
            return b == null ? a : Double.valueOf(op.applyAsDouble(a, b));
        }

        double latencyCount() {
            double n = 0;
            for (double v : latency) {
                n += v;
            }
            return n;
        }
    }

    /**
     * Which share of an edge minute's reads fall inside the span, for a device.
     *
     * @param bucket start of the minute
     * @param from start of the part of the minute inside the span
     * @param to end of that part
     */
    interface EdgeWeight {
        double weight(String deviceId, Instant bucket, Instant from, Instant to);

        /** Reads spread evenly over the minute. */
        EdgeWeight UNIFORM =
                (device, bucket, from, to) -> new Buckets.Partial(bucket, new Interval(from, to)).fraction();
    }

    private static final String POINT_COLUMNS = pointColumns(true);
    /** The same columns of single rows, for reads that do not aggregate (one day bucket per row). */
    private static final String POINT_ROW_COLUMNS = pointColumns(false);

    private static String pointColumns(boolean aggregate) {
        String sum = aggregate ? "SUM(" : "(";
        StringBuilder sb = new StringBuilder("p.device_id, p.point_id");
        for (String c : new String[] {"samples", "good", "bad", "uncertain", "historical"}) {
            sb.append(", ").append(sum).append("p.").append(c).append(')');
        }
        sb.append(aggregate ? ", MIN(p.value_min), MAX(p.value_max)" : ", p.value_min, p.value_max");
        sb.append(", ").append(sum).append("p.value_increase)");
        for (int i = 0; i < FactsSchema.LATENCY_BUCKETS; i++) {
            sb.append(", ")
                    .append(sum)
                    .append("p.")
                    .append(FactsSchema.latencyColumn(i))
                    .append(')');
        }
        sb.append(", ")
                .append(sum)
                .append("CASE WHEN (k.klo IS NOT NULL AND p.value_min < k.klo)"
                        + " OR (k.khi IS NOT NULL AND p.value_max > k.khi) THEN 1 ELSE 0 END)");
        return sb.toString();
    }

    private final DataSource dataSource;
    private final String groupId;
    /** Whether the store has day and month profiles (V12, V13); once true, never looked up again. */
    private volatile boolean profiles;
    /** Whether the store is PostgreSQL; null until the first connection tells. */
    private volatile Boolean postgres;

    /**
     * A store bound to one Sparkplug group (one enterprise): every statement reads rows of that group only, with
     * {@code group_id} as the leading key column (V8), so no read can reach another enterprise's facts.
     */
    FactsReader(DataSource dataSource, String groupId) {
        this.dataSource = java.util.Objects.requireNonNull(dataSource, "dataSource");
        this.groupId = java.util.Objects.requireNonNull(groupId, "groupId");
    }

    /** The Sparkplug group (enterprise code) every read is bound to. */
    String groupId() {
        return groupId;
    }

    /** Sessions of the devices that overlap {@code [from, to)}, open ones included, ordered by start. */
    Map<String, List<SessionFact>> sessions(Collection<String> devices, Instant from, Instant to) {
        Map<String, List<SessionFact>> out = new HashMap<>();
        forDevices(
                devices,
                "SELECT t.device_id, t.edge_node_id, t.connected_at, t.disconnected_at, t.end_reason, t.historical",
                " JOIN device_session t ON t.group_id = ? AND t.device_id = k.kd WHERE t.connected_at < ?"
                        + " AND (t.disconnected_at IS NULL OR t.disconnected_at > ?) ORDER BY t.connected_at",
                List.of(utc(to), utc(from)),
                rs -> {
                    SessionFact s = new SessionFact(
                            rs.getString(1),
                            rs.getString(2),
                            instant(rs, 3),
                            instant(rs, 4),
                            rs.getString(5),
                            rs.getBoolean(6));
                    out.computeIfAbsent(s.deviceId(), k -> new ArrayList<>()).add(s);
                });
        return out;
    }

    /** Edge sessions of every edge node of the group that overlap {@code [from, to)}, ordered by node and start. */
    List<EdgeSessionFact> edgeSessions(Instant from, Instant to) {
        List<EdgeSessionFact> out = new ArrayList<>();
        withConnection(c -> {
            String sql = "SELECT group_id, edge_node_id, connected_at, disconnected_at, end_reason FROM edge_session"
                    + " WHERE group_id = ? AND connected_at < ? AND (disconnected_at IS NULL OR disconnected_at > ?)"
                    + " ORDER BY edge_node_id, connected_at";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, groupId);
                ps.setObject(2, utc(to));
                ps.setObject(3, utc(from));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new EdgeSessionFact(
                                rs.getString(1), rs.getString(2), instant(rs, 3), instant(rs, 4), rs.getString(5)));
                    }
                }
            }
        });
        return out;
    }

    /**
     * Platform gaps of the group, or of no group (the whole host), overlapping {@code [from, to)}, ordered by start;
     * at most {@code limit} rows (the caller detects a cut by asking for one more than it keeps).
     */
    List<GapFact> gaps(Instant from, Instant to, int limit) {
        List<GapFact> out = new ArrayList<>();
        withConnection(c -> {
            String sql = "SELECT cause, group_id, edge_node_id, device_id, gap_from, gap_to, events, detail"
                    + " FROM platform_gap WHERE (group_id IS NULL OR group_id = ?) AND gap_from < ? AND gap_to > ?"
                    + " ORDER BY gap_from, id LIMIT ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, groupId);
                ps.setObject(2, utc(to));
                ps.setObject(3, utc(from));
                ps.setInt(4, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new GapFact(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4),
                                instant(rs, 5),
                                instant(rs, 6),
                                rs.getLong(7),
                                rs.getString(8)));
                    }
                }
            }
        });
        return out;
    }

    /** The latest data time of the group's stored facts (V9 {@code group_activity}); null when it has none. */
    Instant lastDataAt() {
        Instant[] out = {null};
        withConnection(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT last_data_at FROM group_activity WHERE group_id = ?")) {
                ps.setString(1, groupId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        out[0] = instant(rs, 1);
                    }
                }
            }
        });
        return out[0];
    }

    /**
     * Milliseconds per raw state value in each bucket of one device's state point over {@code [from, to)}, at one
     * rollup level ({@code minute}, {@code hour} or {@code day}), in bucket order.
     *
     * @return bucket start -> raw state value -> milliseconds
     */
    java.util.SortedMap<Instant, Map<Double, Long>> stateBuckets(
            String device, String point, Instant from, Instant to, String level) {
        if (!Set.of("minute", "hour", "day").contains(level)) {
            throw new IllegalArgumentException("level must be minute, hour or day but was " + level);
        }
        java.util.SortedMap<Instant, Map<Double, Long>> out = new java.util.TreeMap<>();
        withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT bucket, state_value, millis FROM point_state_" + level
                            + " WHERE group_id = ? AND device_id = ? AND point_id = ? AND bucket >= ? AND bucket < ?")) {
                ps.setString(1, groupId);
                ps.setString(2, device);
                ps.setString(3, point);
                ps.setObject(4, utc(from));
                ps.setObject(5, utc(to));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.computeIfAbsent(instant(rs, 1), k -> new HashMap<>())
                                .merge(rs.getDouble(2), rs.getLong(3), Long::sum);
                    }
                }
            }
        });
        return out;
    }

    /**
     * The minutes of {@code [from, to)} in which the edge reported health counters of each device (a device_minute
     * row, live or historical): minutes the platform knows about even when it was not watching live.
     */
    Map<String, List<Instant>> reportedMinutes(Collection<String> devices, Instant from, Instant to) {
        Map<String, List<Instant>> out = new HashMap<>();
        forDevices(
                devices,
                "SELECT t.device_id, t.bucket",
                " JOIN device_minute t ON t.group_id = ? AND t.device_id = k.kd WHERE t.bucket >= ? AND t.bucket < ?"
                        + " ORDER BY t.device_id, t.bucket",
                List.of(utc(from.truncatedTo(java.time.temporal.ChronoUnit.MINUTES)), utc(to)),
                rs -> out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                        .add(instant(rs, 2)));
        return out;
    }

    /** Point declarations of the devices, by device and point id. */
    Map<String, Map<String, Declaration>> declarations(Collection<String> devices) {
        Map<String, Map<String, Declaration>> out = new HashMap<>();
        forDevices(
                devices,
                "SELECT t.device_id, t.group_id, t.edge_node_id, t.point_id, t.category, t.interval_ms, t.eng_low,"
                        + " t.eng_high",
                " JOIN point_declaration t ON t.group_id = ? AND t.device_id = k.kd",
                List.of(),
                rs -> {
                    Declaration d = new Declaration(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            (Long) rs.getObject(6, Long.class),
                            (Double) rs.getObject(7, Double.class),
                            (Double) rs.getObject(8, Double.class));
                    out.computeIfAbsent(d.deviceId(), k -> new HashMap<>()).put(d.pointId(), d);
                });
        return out;
    }

    /** Static runs of the devices that overlap {@code [from, to)}. */
    Map<String, List<StaticRun>> staticRuns(Collection<String> devices, Instant from, Instant to) {
        Map<String, List<StaticRun>> out = new HashMap<>();
        forDevices(
                devices,
                "SELECT t.device_id, t.point_id, t.started_at, t.ended_at, t.static_value, t.is_open",
                " JOIN point_static_run t ON t.group_id = ? AND t.device_id = k.kd WHERE t.ended_at > ? AND t.started_at < ?",
                List.of(utc(from), utc(to)),
                rs -> {
                    StaticRun r = new StaticRun(
                            rs.getString(1),
                            rs.getString(2),
                            instant(rs, 3),
                            instant(rs, 4),
                            (Double) rs.getObject(5, Double.class),
                            rs.getBoolean(6));
                    out.computeIfAbsent(r.deviceId(), k -> new ArrayList<>()).add(r);
                });
        return out;
    }

    /**
     * Rollup sums per device and point over the spans, for the given points of each device. A bucket is out of
     * range against the eng range of the point's declaration in {@code declarations} (none: never out of range).
     */
    Map<Long, Map<String, Map<String, PointAgg>>> points(
            Map<String, ? extends Collection<String>> pointsByDevice,
            Map<String, Map<String, Declaration>> declarations,
            Buckets spans,
            boolean byDay,
            ProfiledDays profiled) {
        Map<Long, Map<String, Map<String, PointAgg>>> out = new HashMap<>();
        // The eng range rides along with the key instead of a join per rollup row.
        List<List<Object>> keys = new ArrayList<>();
        pointsByDevice.forEach((d, points) -> points.forEach(p -> {
            Declaration decl = declarations.getOrDefault(d, Map.of()).get(p);
            List<Object> key = new ArrayList<>(4);
            key.add(d);
            key.add(p);
            key.add(decl == null ? null : decl.engLow());
            key.add(decl == null ? null : decl.engHigh());
            keys.add(key);
        }));
        RowSink sink = (rs, partial, day) -> {
            double w = partial == null ? 1 : partial.fraction();
            double[] lat = new double[FactsSchema.LATENCY_BUCKETS];
            for (int i = 0; i < FactsSchema.LATENCY_BUCKETS; i++) {
                lat[i] = rs.getLong(11 + i) * w;
            }
            Double inc = (Double) rs.getObject(10, Double.class);
            PointAgg a = new PointAgg(
                    rs.getLong(3) * w,
                    rs.getLong(4) * w,
                    rs.getLong(5) * w,
                    rs.getLong(6) * w,
                    rs.getLong(7) * w,
                    (Double) rs.getObject(8, Double.class),
                    (Double) rs.getObject(9, Double.class),
                    inc == null ? null : inc * w,
                    lat,
                    rs.getLong(11 + FactsSchema.LATENCY_BUCKETS) * w);
            out.computeIfAbsent(day, k -> new HashMap<>())
                    .computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                    .merge(rs.getString(2), a, PointAgg::plus);
        };
        withProfiles(
                keys,
                spans,
                profiled,
                Level.HOUR,
                rest -> rollups(rest.keys(), rest.spans(), "point", POINT_COLUMNS, POINT_ROW_COLUMNS, byDay, sink),
                (chunk, span) -> profileSums(chunk, span, byDay, out));
        return out;
    }

    /** Keys (device first) and the spans to read them over from rollup rows. */
    private record RollupRead(List<List<Object>> keys, Buckets spans) {}

    private interface ProfileRead {
        /** Reads the wanted slots of {@code span} for {@code keys} from profiles. */
        void read(List<List<Object>> keys, ProfileSpan span);
    }

    /** The profile tables: what a row holds and how its bucket is keyed. */
    private enum Level {
        /** Day profiles: a row per UTC day (keyed by epoch day), a slot per hour. */
        DAY("_day_profile", "p.hours", DayProfile.HOURS),
        /** Month profiles: a row per UTC month (keyed by the epoch day it starts on), a slot per day. */
        MONTH("_month_profile", "p.days", DayProfile.DAYS),
        /** Hour profiles of points and devices: a row per UTC hour (keyed by epoch hour), a slot per minute. */
        HOUR("_hour_profile", "p.minutes", DayProfile.MINUTES),
        /** Minute profiles of state points: a row per UTC day (keyed by epoch day), a slot per minute of the day. */
        MINUTE("_minute_profile", "p.minutes", DayProfile.DAY_MINUTES);

        final String suffix;
        final String column;
        final int slots;

        Level(String suffix, String column, int slots) {
            this.suffix = suffix;
            this.column = column;
            this.slots = slots;
        }

        /** The key of the row whose bucket is {@code bucket}. */
        long key(Instant bucket) {
            return this == HOUR ? Math.floorDiv(bucket.getEpochSecond(), 3600) : epochDay(bucket);
        }

        Instant start(long key) {
            return this == HOUR ? Instant.ofEpochSecond(key * 3600) : dayStart(key);
        }

        long next(long key) {
            return this == MONTH
                    ? java.time.LocalDate.ofEpochDay(key).plusMonths(1).toEpochDay()
                    : key + 1;
        }

        /** The epoch day of slot {@code slot} of the row keyed {@code key}. */
        long day(long key, int slot) {
            return switch (this) {
                case MONTH -> key + slot;
                case HOUR -> Math.floorDiv(key, 24);
                default -> key;
            };
        }
    }

    /**
     * What a read takes from one profile table: row key -> its wanted slots, and row key -> the partial minute each
     * slot stands for (null where none; rows of hour and minute profiles only), read with that minute's weight.
     */
    private record ProfileSpan(Level level, Map<Long, boolean[]> wanted, Map<Long, Buckets.Partial[]> partial) {
        ProfileSpan(Level level, Map<Long, boolean[]> wanted) {
            this(level, wanted, Map.of());
        }

        String table(String kind) {
            return kind + level.suffix;
        }

        long day(long key, int slot) {
            return level.day(key, slot);
        }

        /** The row key ranges to read: one per run of consecutive rows. */
        List<long[]> runs() {
            List<long[]> runs = new ArrayList<>();
            for (long key : new java.util.TreeSet<>(wanted.keySet())) {
                if (!runs.isEmpty() && runs.get(runs.size() - 1)[1] == key) {
                    runs.get(runs.size() - 1)[1] = level.next(key);
                } else {
                    runs.add(new long[] {key, level.next(key)});
                }
            }
            return runs;
        }
    }

    /**
     * Splits a read: the whole days, whole hours and whole minutes of days whose profiles are current (per device,
     * the report's {@link #profiledDays}) go to {@code profiles}, a month-profile row per key and month for the days,
     * a day-profile row per key and day for the hours, and for the minutes a row of {@code minutes} (hour profiles
     * of points and devices, minute profiles of state points); everything else, and every key of a device without
     * current profiles, to {@code rollups} as before. Keys of devices with the same profiled days are read together.
     */
    private static void withProfiles(
            List<List<Object>> keys,
            Buckets spans,
            ProfiledDays profiled,
            Level minutes,
            java.util.function.Consumer<RollupRead> rollups,
            ProfileRead profiles) {
        if (spans.days().isEmpty()
                && spans.hours().isEmpty()
                && spans.minutes().isEmpty()
                && spans.partial().isEmpty()) {
            rollups.accept(new RollupRead(keys, spans));
            return;
        }
        Map<String, Set<Long>> current = profiled.get();
        // Devices are grouped by their profiled days among the days this read touches, so devices that differ only
        // outside it (a late write elsewhere) share statements.
        Set<Long> touched = new java.util.HashSet<>();
        for (List<Interval> ranges : List.of(spans.days(), spans.hours(), spans.minutes())) {
            ranges.forEach(r -> perDay(r).forEach(part -> touched.add(epochDay(part.start()))));
        }
        spans.partial().forEach(p -> touched.add(epochDay(p.bucket())));
        Map<Set<Long>, Set<Long>> inRead = new java.util.IdentityHashMap<>();
        Map<Set<Long>, List<List<Object>>> byProfiled = new HashMap<>();
        for (List<Object> key : keys) {
            Set<Long> days = inRead.computeIfAbsent(current.getOrDefault((String) key.get(0), Set.of()), d -> {
                Set<Long> in = new java.util.HashSet<>(d);
                in.retainAll(touched);
                return in;
            });
            byProfiled.computeIfAbsent(days, k -> new ArrayList<>()).add(key);
        }
        for (Map.Entry<Set<Long>, List<List<Object>>> g : byProfiled.entrySet()) {
            Set<Long> days = g.getKey();
            Map<Level, Map<Long, boolean[]>> slots = profileSlots(spans, days, minutes);
            // A partial minute of a profiled day is a slot of the same hour (minute) profile row that the cut hour's
            // whole minutes come from: read with them instead of one more index seek per key in the minute rows.
            Map<Long, Buckets.Partial[]> partial = partialSlots(spans.partial(), days, minutes, slots);
            rollups.accept(new RollupRead(g.getValue(), slots.isEmpty() ? spans : withoutProfiled(spans, days, true)));
            slots.forEach((level, wanted) ->
                    profiles.read(g.getValue(), new ProfileSpan(level, wanted, level == minutes ? partial : Map.of())));
        }
    }

    /**
     * The partial minutes of {@code days} by the row of {@code level} (hour or minute profiles) holding them: row
     * key -> the partial minute per slot. Each such row is also put in {@code slots} (wanting no whole slot when it
     * had none there), so that it is read.
     */
    private static Map<Long, Buckets.Partial[]> partialSlots(
            List<Buckets.Partial> partials, Set<Long> days, Level level, Map<Level, Map<Long, boolean[]>> slots) {
        Map<Long, Buckets.Partial[]> out = new HashMap<>();
        for (Buckets.Partial p : partials) {
            if (days.contains(epochDay(p.bucket()))) {
                long row = level.key(p.bucket());
                int slot =
                        (int) ((p.bucket().getEpochSecond() - level.start(row).getEpochSecond()) / 60);
                out.computeIfAbsent(row, k -> new Buckets.Partial[level.slots])[slot] = p;
                slots.computeIfAbsent(level, k -> new HashMap<>()).computeIfAbsent(row, k -> new boolean[level.slots]);
            }
        }
        return out;
    }

    /**
     * What profiles of {@code days} serve of {@code spans}: per level, row key -> wanted slots (levels with none left
     * out); the minutes from profiles of level {@code minutes}.
     */
    private static Map<Level, Map<Long, boolean[]>> profileSlots(Buckets spans, Set<Long> days, Level minutes) {
        Map<Level, Map<Long, boolean[]>> out = new java.util.EnumMap<>(Level.class);
        if (days.isEmpty()) {
            return out;
        }
        for (Interval r : spans.days()) {
            for (long d = epochDay(r.start()); d < epochDay(r.end()); d++) {
                if (days.contains(d)) {
                    long month =
                            java.time.LocalDate.ofEpochDay(d).withDayOfMonth(1).toEpochDay();
                    out.computeIfAbsent(Level.MONTH, k -> new HashMap<>())
                            .computeIfAbsent(month, k -> new boolean[Level.MONTH.slots])[(int) (d - month)] = true;
                }
            }
        }
        // Slots are marked a row at a time: a frozen part cuts about 55 minutes of an hour, and a lookup of its day and
        // row per slot took 6 % of a whole-day report's CPU.
        for (Interval r : spans.hours()) {
            mark(out, Level.DAY, r.start().getEpochSecond() / 3600, r.end().getEpochSecond() / 3600, days);
        }
        for (Interval r : spans.minutes()) {
            mark(out, minutes, r.start().getEpochSecond() / 60, r.end().getEpochSecond() / 60, days);
        }
        return out;
    }

    /**
     * Marks slots {@code [from, to)} (hours for day profiles, minutes for hour and minute profiles, counted from the
     * epoch) in their rows, skipping rows of days not in {@code days}.
     */
    private static void mark(Map<Level, Map<Long, boolean[]>> out, Level level, long from, long to, Set<Long> days) {
        int perRow = level.slots;
        for (long row = Math.floorDiv(from, perRow); row * perRow < to; row++) {
            if (days.contains(level.day(row, 0))) {
                java.util.Arrays.fill(
                        out.computeIfAbsent(level, k -> new HashMap<>()).computeIfAbsent(row, k -> new boolean[perRow]),
                        (int) (Math.max(from, row * perRow) - row * perRow),
                        (int) (Math.min(to, (row + 1) * perRow) - row * perRow),
                        true);
            }
        }
    }

    private interface ProfileRow {
        /**
         * One profile row with wanted slots: its key columns as read, the row's key ({@link Level#key}), the slots
         * wanted, the partial minute per slot (null: none in this row), its cursor.
         */
        void accept(ResultSet rs, long bucket, boolean[] wanted, Buckets.Partial[] partial, DayProfile.Cursor cursor)
                throws SQLException;
    }

    /**
     * Reads the rows of a profile table ({@code kind}: point, device or point_state) for the keys and the span, in
     * key chunks and one bucket range per run of consecutive rows: columns 1.. are {@code select}'s, then the bucket
     * and the profile.
     */
    private void profileRows(List<List<Object>> keys, String kind, String select, ProfileSpan span, ProfileRow row) {
        // One index range per run: the two cut days of a window read 2 rows per key, not 31.
        List<long[]> runs = span.runs();
        int width = keys.get(0).size();
        int bucket = select.split(", ").length + 1;
        Level level = span.level();
        withConnection(c -> {
            for (int from = 0; from < keys.size(); from += CHUNK) {
                List<List<Object>> chunk = keys.subList(from, Math.min(keys.size(), from + CHUNK));
                String on = width == 1
                        ? " ON p.group_id = ? AND p.device_id = k.kd"
                        : " ON p.group_id = ? AND p.device_id = k.kd AND p.point_id = k.kp";
                String sql = "SELECT " + select + ", p.bucket, " + level.column + " FROM "
                        + keyTable(chunk.size(), width) + " JOIN " + span.table(kind) + " p" + on
                        + " WHERE p.bucket >= ? AND p.bucket < ?";
                List<Object[]> rows = chunk.stream().map(List::toArray).toList();
                for (long[] run : runs) {
                    List<Object> bounds = List.of(groupId, utc(level.start(run[0])), utc(level.start(run[1])));
                    queryRows(c, sql, rows, bounds, rs -> {
                        long key = level.key(instant(rs, bucket));
                        boolean[] wanted = span.wanted().get(key);
                        if (wanted != null) {
                            row.accept(
                                    rs,
                                    key,
                                    wanted,
                                    span.partial().get(key),
                                    new DayProfile.Cursor(rs.getBytes(bucket + 1)));
                        }
                    });
                }
            }
        });
    }

    /**
     * The spans without the whole days, whole hours and whole minutes of {@code days} (read from profiles instead),
     * and without their partial minutes too if {@code partials}.
     */
    private static Buckets withoutProfiled(Buckets spans, Set<Long> days, boolean partials) {
        return new Buckets(
                without(spans.days(), days),
                without(spans.hours(), days),
                without(spans.minutes(), days),
                partials
                        ? spans.partial().stream()
                                .filter(p -> !days.contains(epochDay(p.bucket())))
                                .toList()
                        : spans.partial());
    }

    /** The ranges without their parts in {@code days}, consecutive parts joined again. */
    private static List<Interval> without(List<Interval> ranges, Set<Long> days) {
        List<Interval> out = new ArrayList<>();
        for (Interval r : ranges) {
            for (Interval part : perDay(r)) {
                if (days.contains(epochDay(part.start()))) {
                    continue;
                }
                int last = out.size() - 1;
                if (last >= 0 && out.get(last).end().equals(part.start())) {
                    out.set(last, new Interval(out.get(last).start(), part.end()));
                } else {
                    out.add(part);
                }
            }
        }
        return out;
    }

    /**
     * A report's {@link #profiledDays}, read at the first read that has whole days, hours or (state) minutes to take
     * from profiles (a report the closed-day cache answers reads none) and then kept. Thread-safe: a report's side queries
     * share it.
     */
    static final class ProfiledDays implements java.util.function.Supplier<Map<String, Set<Long>>> {
        private final java.util.function.Supplier<Map<String, Set<Long>>> read;
        private Map<String, Set<Long>> days;

        ProfiledDays(java.util.function.Supplier<Map<String, Set<Long>>> read) {
            this.read = read;
        }

        /** The profiled days by device; blocks on the store the first time. */
        @Override
        public synchronized Map<String, Set<Long>> get() {
            if (days == null) {
                days = read.get();
            }
            return days;
        }
    }

    /**
     * The days among {@code days} whose profiles (V12, V13: day, month and state hour) each device may be read from:
     * those whose {@code day_profile_mark} equals their {@code fact_revision} (a later write makes the day read from
     * rollup rows until the gateway rebuilds it), against revisions already read ({@link #revisions}, covering the days; null: read
     * them first). Empty on a store without profiles. Marks are read after the revisions, so a profile rebuilt in between is newer than
     * the revision it is compared with, never older.
     */
    Map<String, Set<Long>> profiledDays(
            Collection<String> devices, Set<Long> days, Map<String, Map<Long, Long>> revisions) {
        Map<String, Set<Long>> out = new HashMap<>();
        if (days.isEmpty() || !hasProfiles()) {
            return out;
        }
        long first = java.util.Collections.min(days);
        long last = java.util.Collections.max(days);
        Map<String, Map<Long, Long>> current =
                revisions != null ? revisions : revisions(devices, dayStart(first), dayStart(last + 1));
        forDevices(
                devices,
                "SELECT m.device_id, m.bucket, m.revision",
                " JOIN day_profile_mark m ON m.group_id = ? AND m.device_id = k.kd WHERE m.bucket >= ? AND m.bucket < ?",
                List.of(utc(dayStart(first)), utc(dayStart(last + 1))),
                rs -> {
                    String device = rs.getString(1);
                    long day = epochDay(instant(rs, 2));
                    long revision = current.getOrDefault(device, Map.of()).getOrDefault(day, 0L);
                    if (days.contains(day) && rs.getLong(3) == revision) {
                        out.computeIfAbsent(device, k -> new java.util.HashSet<>())
                                .add(day);
                    }
                });
        return out;
    }

    private boolean hasProfiles() {
        if (profiles) {
            return true;
        }
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.getMetaData().getTables(null, null, "point_state_minute_profile", null)) {
            // A store of a gateway before V14 has no minute profiles (and its marks promise none; before V13 no month
            // profiles either): read as before, looked up again until it has them (the gateway migrates it).
            profiles = rs.next();
            return profiles;
        } catch (SQLException e) {
            throw new FactsUnavailableException("cannot read facts: " + e.getMessage(), e);
        }
    }

    /**
     * Sums the wanted slots of the span from the day or month profiles of the keys (device, point, eng low, eng
     * high), into {@code out} by day or under {@link #ALL_DAYS}: the same sums as the hour or day rows, a bucket out
     * of range judged per slot as there, each run of consecutive slots (of one day, by day) summed first as one
     * range would be.
     */
    private void profileSums(
            List<List<Object>> keys,
            ProfileSpan span,
            boolean byDay,
            Map<Long, Map<String, Map<String, PointAgg>>> out) {
        HourSums sums = new HourSums();
        HourSums one = new HourSums();
        profileRows(
                keys, "point", "p.device_id, p.point_id, k.klo, k.khi", span, (rs, bucket, wanted, partial, cursor) -> {
                    Double lo = (Double) rs.getObject(3, Double.class);
                    Double hi = (Double) rs.getObject(4, Double.class);
                    String device = rs.getString(1);
                    String point = rs.getString(2);
                    int previous = -2;
                    long previousDay = ALL_DAYS;
                    while (cursor.next()) {
                        int h = cursor.hour();
                        if (!wanted[h]) {
                            if (partial != null && partial[h] != null) {
                                // as the minute row's sums times the part of the minute inside
                                one.add(cursor.read(), lo, hi);
                                out.computeIfAbsent(byDay ? span.day(bucket, h) : ALL_DAYS, k -> new HashMap<>())
                                        .computeIfAbsent(device, k -> new HashMap<>())
                                        .merge(point, one.take().times(partial[h].fraction()), PointAgg::plus);
                            }
                            continue;
                        }
                        long day = byDay ? span.day(bucket, h) : ALL_DAYS;
                        if (!sums.isEmpty() && (!consecutive(wanted, previous, h) || day != previousDay)) {
                            sums.mergeInto(out, previousDay, device, point);
                        }
                        sums.add(cursor.read(), lo, hi);
                        previous = h;
                        previousDay = day;
                    }
                    if (!sums.isEmpty()) {
                        sums.mergeInto(out, previousDay, device, point);
                    }
                });
    }

    /** Whether hours {@code a} and {@code b} of a day lie in one range of wanted hours. */
    private static boolean consecutive(boolean[] wanted, int a, int b) {
        if (a < 0) {
            return false;
        }
        for (int h = a; h <= b; h++) {
            if (!wanted[h]) {
                return false;
            }
        }
        return true;
    }

    /** Sums of profile hours in progress, as one SQL SUM over their hour rows would give them. */
    private static final class HourSums {
        private long samples;
        private long good;
        private long bad;
        private long uncertain;
        private long historical;
        private Double min;
        private Double max;
        private Double increase;
        private final long[] latency = new long[FactsSchema.LATENCY_BUCKETS];
        private long outOfRange;
        private int hours;

        void add(DayProfile.Cursor h, Double lo, Double hi) {
            samples += h.samples();
            good += h.good();
            bad += h.bad();
            uncertain += h.uncertain();
            historical += h.historical();
            if (h.min() != null) {
                min = min == null ? h.min() : Math.min(min, h.min());
            }
            if (h.max() != null) {
                max = max == null ? h.max() : Math.max(max, h.max());
            }
            if (h.increase() != null) {
                increase = increase == null ? h.increase() : increase + h.increase();
            }
            for (int i = 0; i < latency.length; i++) {
                latency[i] += h.latency(i);
            }
            if ((lo != null && h.min() != null && h.min() < lo) || (hi != null && h.max() != null && h.max() > hi)) {
                outOfRange++;
            }
            hours++;
        }

        boolean isEmpty() {
            return hours == 0;
        }

        void mergeInto(Map<Long, Map<String, Map<String, PointAgg>>> out, long day, String device, String point) {
            out.computeIfAbsent(day, k -> new HashMap<>())
                    .computeIfAbsent(device, k -> new HashMap<>())
                    .merge(point, take(), PointAgg::plus);
        }

        PointAgg take() {
            double[] lat = new double[latency.length];
            for (int i = 0; i < latency.length; i++) {
                lat[i] = latency[i];
                latency[i] = 0;
            }
            PointAgg a = new PointAgg(
                    samples, good, bad, uncertain, historical, min, max, increase, lat, (double) outOfRange);
            samples = good = bad = uncertain = historical = outOfRange = 0;
            min = max = increase = null;
            hours = 0;
            return a;
        }
    }

    /** Milliseconds per raw state value, per device and state point, over the spans (by day or not). */
    Map<Long, Map<String, Map<String, Map<Double, Double>>>> stateMillis(
            Map<String, ? extends Collection<String>> pointsByDevice,
            Buckets spans,
            boolean byDay,
            ProfiledDays profiled) {
        Map<Long, Map<String, Map<String, Map<Double, Double>>>> out = new HashMap<>();
        List<List<Object>> keys = pairs(pointsByDevice);
        if (keys.isEmpty()) {
            return out;
        }
        withProfiles(
                keys,
                spans,
                profiled,
                Level.MINUTE,
                rest -> rollups(
                        rest.keys(),
                        rest.spans(),
                        "point_state",
                        "p.device_id, p.point_id, p.state_value, SUM(p.millis)",
                        "p.device_id, p.point_id, p.state_value, p.millis",
                        byDay,
                        (rs, partial, day) -> {
                            double w = partial == null ? 1 : partial.fraction();
                            out.computeIfAbsent(day, k -> new HashMap<>())
                                    .computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                                    .computeIfAbsent(rs.getString(2), k -> new HashMap<>())
                                    .merge(rs.getDouble(3), rs.getLong(4) * w, Double::sum);
                        }),
                (chunk, span) -> profileRows(
                        chunk,
                        "point_state",
                        "p.device_id, p.point_id",
                        span,
                        (rs, bucket, wanted, partial, cursor) -> {
                            String device = rs.getString(1);
                            String point = rs.getString(2);
                            while (cursor.next()) {
                                int h = cursor.hour();
                                double slots = wantedIn(wanted, h, cursor.run()) + partIn(partial, h, cursor.run());
                                if (slots > 0) {
                                    Map<Double, Double> millis = out.computeIfAbsent(
                                                    byDay ? span.day(bucket, h) : ALL_DAYS, k -> new HashMap<>())
                                            .computeIfAbsent(device, k -> new HashMap<>())
                                            .computeIfAbsent(point, k -> new HashMap<>());
                                    cursor.readStates();
                                    for (int i = 0; i < cursor.states(); i++) {
                                        millis.merge(cursor.stateValue(i), cursor.stateMillis(i) * slots, Double::sum);
                                    }
                                }
                            }
                        }));
        return out;
    }

    /**
     * One state-time question: a device's state point over some spans, answered under {@code key}.
     *
     * @param values the raw state values asked for; null for all
     */
    record StateRequest(String key, String device, String point, Buckets spans, Set<Double> values) {}

    /**
     * Milliseconds per raw state value for many (device, point, spans) questions, set-based: the bucket ranges of
     * all questions at one rollup level go in as a VALUES table (question, device, point, from, to) joined on the
     * primary key, so the statements do not grow with the number of questions, and partial minutes likewise
     * (question, device, point, bucket) with their weight applied here. Questions asking for some values only
     * skip the other rows in SQL (an empty set of values reads nothing useful: ask for null or leave it out).
     */
    Map<String, Map<Double, Double>> stateMillis(List<StateRequest> requests, ProfiledDays profiled) {
        Map<String, Map<Double, Double>> out = new HashMap<>();
        List<Map<Double, Double>> answers = new ArrayList<>(requests.size());
        Map<Set<Double>, List<Integer>> byValues = new HashMap<>();
        for (int r = 0; r < requests.size(); r++) {
            StateRequest q = requests.get(r);
            answers.add(out.computeIfAbsent(q.key(), k -> new HashMap<>()));
            byValues.computeIfAbsent(q.values(), k -> new ArrayList<>()).add(r);
        }
        if (requests.isEmpty()) {
            return out;
        }
        // Whole days, hours and minutes of days with current profiles are read from them: a month-profile row per
        // state point and month, a day-profile row per day for hours, a minute-profile row per day for minutes.
        boolean any = false;
        for (StateRequest q : requests) {
            any |= !q.spans().days().isEmpty()
                    || !q.spans().hours().isEmpty()
                    || !q.spans().minutes().isEmpty()
                    || !q.spans().partial().isEmpty();
        }
        Map<String, Set<Long>> current = any ? profiled.get() : Map.of();
        List<StateRequest> fromRollups = new ArrayList<>(requests.size());
        // per level, state point and row key, the questions asking for some of its slots
        Map<Level, Map<List<Object>, Map<Long, List<StateAsk>>>> asks = new java.util.EnumMap<>(Level.class);
        for (int r = 0; r < requests.size(); r++) {
            StateRequest q = requests.get(r);
            Set<Long> days = current.getOrDefault(q.device(), Set.of());
            Map<Level, Map<Long, boolean[]>> slots = profileSlots(q.spans(), days, Level.MINUTE);
            // a frozen part starts at a sample's second: its first minute is partial, read from the same row
            Map<Long, Buckets.Partial[]> partial = partialSlots(q.spans().partial(), days, Level.MINUTE, slots);
            if (slots.isEmpty()) {
                fromRollups.add(q);
                continue;
            }
            fromRollups.add(new StateRequest(
                    q.key(), q.device(), q.point(), withoutProfiled(q.spans(), days, true), q.values()));
            double[] values = q.values() == null
                    ? null
                    : q.values().stream().mapToDouble(Double::doubleValue).toArray();
            Map<Double, Double> answer = answers.get(r);
            slots.forEach((level, wanted) -> {
                Map<Long, List<StateAsk>> byKey = asks.computeIfAbsent(level, k -> new HashMap<>())
                        .computeIfAbsent(List.of(q.device(), q.point()), k -> new HashMap<>());
                wanted.forEach((key, w) -> byKey.computeIfAbsent(key, k -> new ArrayList<>(1))
                        .add(new StateAsk(w, level == Level.MINUTE ? partial.get(key) : null, values, answer)));
            });
        }
        withConnection(c -> {
            for (Map.Entry<Set<Double>, List<Integer>> g : byValues.entrySet()) {
                stateMillis(
                        c,
                        groupId,
                        fromRollups,
                        g.getValue(),
                        g.getKey() == null ? List.of() : List.copyOf(g.getKey()),
                        answers);
            }
        });
        asks.forEach((level, byPoint) -> {
            Map<Long, boolean[]> rowKeys = new HashMap<>();
            boolean[] all = new boolean[level.slots];
            java.util.Arrays.fill(all, true);
            byPoint.values().forEach(byKey -> byKey.keySet().forEach(key -> rowKeys.put(key, all)));
            List<StateSums> sums = new ArrayList<>();
            profileRows(
                    List.copyOf(byPoint.keySet()),
                    "point_state",
                    "p.device_id, p.point_id",
                    new ProfileSpan(level, rowKeys),
                    (rs, key, unused, noPartial, cursor) -> {
                        List<StateAsk> asking = byPoint.get(List.of(rs.getString(1), rs.getString(2)))
                                .get(key);
                        if (asking == null) {
                            return;
                        }
                        while (sums.size() < asking.size()) {
                            sums.add(new StateSums());
                        }
                        while (cursor.next()) {
                            boolean decoded = false;
                            for (int a = 0; a < asking.size(); a++) {
                                StateAsk ask = asking.get(a);
                                double slots = wantedIn(ask.wanted(), cursor.hour(), cursor.run())
                                        + partIn(ask.partial(), cursor.hour(), cursor.run());
                                if (slots == 0) {
                                    continue;
                                }
                                if (!decoded) {
                                    cursor.readStates();
                                    decoded = true;
                                }
                                for (int i = 0; i < cursor.states(); i++) {
                                    if (ask.accepts(cursor.stateValue(i))) {
                                        sums.get(a).add(cursor.stateValue(i), cursor.stateMillis(i) * slots);
                                    }
                                }
                            }
                        }
                        for (int a = 0; a < asking.size(); a++) {
                            sums.get(a).drainInto(asking.get(a).answer());
                        }
                    });
        });
        return out;
    }

    /** The parts inside of the partial minutes among the {@code run} slots from {@code first} (null: none). */
    private static double partIn(Buckets.Partial[] partial, int first, int run) {
        double w = 0;
        if (partial != null) {
            for (int i = first; i < first + run; i++) {
                if (partial[i] != null) {
                    w += partial[i].fraction();
                }
            }
        }
        return w;
    }

    /** How many of the {@code run} slots from {@code first} are wanted (a minute profile's run stands for many). */
    private static int wantedIn(boolean[] wanted, int first, int run) {
        int n = 0;
        for (int i = first; i < first + run; i++) {
            if (wanted[i]) {
                n++;
            }
        }
        return n;
    }

    /**
     * One question's wanted slots of one profile row, its partial minutes there (null: none), the values it counts
     * (null: all) and where they add up.
     */
    private record StateAsk(boolean[] wanted, Buckets.Partial[] partial, double[] values, Map<Double, Double> answer) {
        boolean accepts(double v) {
            if (values == null) {
                return true;
            }
            for (double x : values) {
                // Set<Double>.contains semantics: Double.equals compares the bits
                if (Double.doubleToLongBits(x) == Double.doubleToLongBits(v)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Milliseconds per state value over the slots of one profile row, summed in arrays: a machine has a handful of
     * states, and boxed {@code Map<Double, Double>} merges per slot were most of the frozen-counter check's CPU (small
     * integral doubles also share a hash bucket).
     */
    private static final class StateSums {
        private double[] values = new double[8];
        private double[] millis = new double[8];
        private int n;

        void add(double value, double ms) {
            long bits = Double.doubleToLongBits(value);
            for (int i = 0; i < n; i++) {
                if (Double.doubleToLongBits(values[i]) == bits) {
                    millis[i] += ms;
                    return;
                }
            }
            if (n == values.length) {
                values = java.util.Arrays.copyOf(values, n * 2);
                millis = java.util.Arrays.copyOf(millis, n * 2);
            }
            values[n] = value;
            millis[n++] = ms;
        }

        /** Adds the sums to {@code into} and starts again. */
        void drainInto(Map<Double, Double> into) {
            for (int i = 0; i < n; i++) {
                into.merge(values[i], millis[i], Double::sum);
            }
            n = 0;
        }
    }

    private static void stateMillis(
            Connection c,
            String groupId,
            List<StateRequest> requests,
            List<Integer> indexes,
            List<Double> values,
            List<Map<Double, Double>> answers)
            throws SQLException {
        List<Object> bound = new ArrayList<>(values.size() + 1);
        bound.add(groupId);
        bound.addAll(values);
        String[] levels = {"day", "hour", "minute"};
        List<List<Object[]>> ranges = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<Object[]> partials = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        for (int r : indexes) {
            StateRequest q = requests.get(r);
            List<List<Interval>> byLevel =
                    List.of(q.spans().days(), q.spans().hours(), q.spans().minutes());
            for (int l = 0; l < 3; l++) {
                for (Interval i : byLevel.get(l)) {
                    ranges.get(l).add(new Object[] {r, q.device(), q.point(), utc(i.start()), utc(i.end())});
                }
            }
            for (Buckets.Partial p : q.spans().partial()) {
                partials.add(new Object[] {r, q.device(), q.point(), utc(p.bucket()), (double) weights.size()});
                weights.add(p.fraction());
            }
        }
        String only = values.isEmpty() ? "" : " AND p.state_value IN (" + marks(values.size()) + ")";
        for (int l = 0; l < 3; l++) {
            List<Object[]> rows = ranges.get(l);
            for (int from = 0; from < rows.size(); from += RANGE_CHUNK) {
                List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + RANGE_CHUNK));
                String sql = "SELECT k.kq, p.state_value, SUM(p.millis) FROM "
                        + rangeValues(chunk.size(), "TIMESTAMP WITH TIME ZONE") + " AS k(kq, kd, kp, lo, hi)"
                        + " JOIN point_state_" + levels[l]
                        + " p ON p.group_id = ? AND p.device_id = k.kd AND p.point_id = k.kp"
                        + " AND p.bucket >= k.lo AND p.bucket < k.hi" + only + " GROUP BY k.kq, p.state_value";
                queryRows(c, sql, chunk, bound, rs -> answers.get(rs.getInt(1))
                        .merge(rs.getDouble(2), (double) rs.getLong(3), Double::sum));
            }
        }
        for (int from = 0; from < partials.size(); from += RANGE_CHUNK) {
            List<Object[]> chunk = partials.subList(from, Math.min(partials.size(), from + RANGE_CHUNK));
            String sql = "SELECT k.kq, k.hi, p.state_value, p.millis FROM "
                    + rangeValues(chunk.size(), "DOUBLE PRECISION") + " AS k(kq, kd, kp, lo, hi)"
                    + " JOIN point_state_minute p ON p.group_id = ? AND p.device_id = k.kd AND p.point_id = k.kp AND p.bucket = k.lo"
                    + only;
            queryRows(c, sql, chunk, bound, rs -> answers.get(rs.getInt(1))
                    .merge(rs.getDouble(3), rs.getLong(4) * weights.get((int) rs.getDouble(2)), Double::sum));
        }
    }

    /** A VALUES table of n rows (INTEGER, VARCHAR device, VARCHAR point, TIMESTAMP WITH TIME ZONE, {@code last}). */
    private static String rangeValues(int n, String last) {
        String row = "(CAST(? AS INTEGER), CAST(? AS VARCHAR(128)), CAST(? AS VARCHAR(256)),"
                + " CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS " + last + "))";
        return "(VALUES " + String.join(", ", Collections.nCopies(n, row)) + ")";
    }

    private interface RowReader {
        void accept(ResultSet rs) throws SQLException;
    }

    /** A null parameter is a DOUBLE PRECISION null: only eng ranges are ever null. */
    private static void bind(PreparedStatement ps, int i, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setObject(i, v);
        }
    }

    private static void queryRows(Connection c, String sql, List<Object[]> rows, List<?> extra, RowReader reader)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (Object[] row : rows) {
                for (Object v : row) {
                    bind(ps, i++, v);
                }
            }
            for (Object v : extra) {
                bind(ps, i++, v);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reader.accept(rs);
                }
            }
        }
    }

    /**
     * reads_ok / reads_failed per device over the spans (by day or not); partial minutes weighted by
     * {@code weight}.
     */
    Map<Long, Map<String, Reads>> reads(
            Collection<String> devices, Buckets spans, EdgeWeight weight, boolean byDay, ProfiledDays profiled) {
        Map<Long, Map<String, Reads>> out = new HashMap<>();
        List<List<Object>> keys = devices.stream().<List<Object>>map(List::of).toList();
        if (keys.isEmpty()) {
            return out;
        }
        withProfiles(
                keys,
                spans,
                profiled,
                Level.HOUR,
                rest -> rollups(
                        rest.keys(),
                        rest.spans(),
                        "device",
                        "p.device_id, SUM(p.reads_ok), SUM(p.reads_failed)",
                        "p.device_id, p.reads_ok, p.reads_failed",
                        byDay,
                        (rs, partial, day) -> {
                            String device = rs.getString(1);
                            double w = partial == null
                                    ? 1
                                    : weight.weight(
                                            device,
                                            partial.bucket(),
                                            partial.part().start(),
                                            partial.part().end());
                            out.computeIfAbsent(day, k -> new HashMap<>())
                                    .merge(device, new Reads(rs.getLong(2) * w, rs.getLong(3) * w), Reads::plus);
                        }),
                (chunk, span) ->
                        profileRows(chunk, "device", "p.device_id", span, (rs, bucket, wanted, partial, cursor) -> {
                            String device = rs.getString(1);
                            long[] sums = new long[2];
                            long sumDay = ALL_DAYS;
                            boolean any = false;
                            while (cursor.next()) {
                                int h = cursor.hour();
                                if (!wanted[h]) {
                                    if (partial != null && partial[h] != null) {
                                        Buckets.Partial p = partial[h];
                                        double w = weight.weight(
                                                device,
                                                p.bucket(),
                                                p.part().start(),
                                                p.part().end());
                                        cursor.readReads();
                                        out.computeIfAbsent(
                                                        byDay ? span.day(bucket, h) : ALL_DAYS, k -> new HashMap<>())
                                                .merge(
                                                        device,
                                                        new Reads(cursor.readsOk() * w, cursor.readsFailed() * w),
                                                        Reads::plus);
                                    }
                                    continue;
                                }
                                long day = byDay ? span.day(bucket, h) : ALL_DAYS;
                                if (any && day != sumDay) {
                                    out.computeIfAbsent(sumDay, k -> new HashMap<>())
                                            .merge(device, new Reads(sums[0], sums[1]), Reads::plus);
                                    sums[0] = sums[1] = 0;
                                }
                                cursor.readReads();
                                sums[0] += cursor.readsOk();
                                sums[1] += cursor.readsFailed();
                                sumDay = day;
                                any = true;
                            }
                            if (any) {
                                out.computeIfAbsent(sumDay, k -> new HashMap<>())
                                        .merge(device, new Reads(sums[0], sums[1]), Reads::plus);
                            }
                        }));
        return out;
    }

    /**
     * fact_revision of the devices for the UTC days starting in {@code [from, to)}, by device and epoch day; a day
     * without a row is revision 0.
     */
    Map<String, Map<Long, Long>> revisions(Collection<String> devices, Instant from, Instant to) {
        Map<String, Map<Long, Long>> out = new HashMap<>();
        forDevices(
                devices,
                "SELECT t.device_id, t.bucket, t.revision",
                " JOIN fact_revision t ON t.group_id = ? AND t.device_id = k.kd WHERE t.bucket >= ? AND t.bucket < ?",
                List.of(utc(from), utc(to)),
                rs -> out.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                        .put(epochDay(instant(rs, 2)), rs.getLong(3)));
        return out;
    }

    /** The UTC day of an instant, as days since 1970-01-01. */
    static long epochDay(Instant t) {
        return Math.floorDiv(t.getEpochSecond(), DAY_SECONDS);
    }

    /** Start of a UTC day given as days since 1970-01-01. */
    static Instant dayStart(long epochDay) {
        return Instant.ofEpochSecond(epochDay * DAY_SECONDS);
    }

    /** Throws {@link FactsUnavailableException} unless a connection answers within two seconds. */
    void ping() {
        try (Connection c = dataSource.getConnection()) {
            if (!c.isValid(2)) {
                throw new FactsUnavailableException("facts store connection is not valid", null);
            }
        } catch (SQLException e) {
            throw new FactsUnavailableException("facts store unreachable: " + e.getMessage(), e);
        }
    }

    private interface RowSink {
        /** @param day the epoch day the row belongs to, or {@link #ALL_DAYS} */
        void accept(ResultSet rs, Buckets.Partial partial, long day) throws SQLException;
    }

    /**
     * Runs grouped queries over the whole buckets of the spans at each rollup level (day, hour, minute), one
     * statement per bucket range, and one per partial minute. The keys (device; device and point; or device, point,
     * eng_low and eng_high) come in as a VALUES table joined on the primary key's leading columns, so every lookup
     * is an index range on the bucket (an IN list on device_id alone would scan every bucket of the device).
     * By day, day rows are read one by one ({@code rowColumns}: the same columns without aggregates, the leading
     * key columns being the grouping) and hour and minute ranges are cut at midnight.
     */
    private void rollups(
            List<List<Object>> keys,
            Buckets spans,
            String table,
            String columns,
            String rowColumns,
            boolean byDay,
            RowSink sink) {
        // The grouping is the leading columns that are not aggregates: those without a parenthesis.
        String groupBy = String.join(
                ", ",
                java.util.Arrays.stream(columns.split(", "))
                        .takeWhile(c -> !c.contains("("))
                        .toList());
        if (keys.isEmpty()) {
            return;
        }
        int width = keys.get(0).size();
        withConnection(c -> {
            for (int from = 0; from < keys.size(); from += CHUNK) {
                List<List<Object>> chunk = keys.subList(from, Math.min(keys.size(), from + CHUNK));
                String values = keyTable(chunk.size(), width);
                String on = width == 1
                        ? " ON p.group_id = ? AND p.device_id = k.kd"
                        : " ON p.group_id = ? AND p.device_id = k.kd AND p.point_id = k.kp";
                String[] levels = {"_day", "_hour", "_minute"};
                List<List<Interval>> ranges = List.of(spans.days(), spans.hours(), spans.minutes());
                for (int l = 0; l < 3; l++) {
                    for (Interval r : ranges.get(l)) {
                        if (byDay && l == 0) {
                            String sql = "SELECT " + rowColumns + ", p.bucket FROM " + values + " JOIN " + table
                                    + levels[l] + " p" + on + " WHERE p.bucket >= ? AND p.bucket < ?";
                            query(c, sql, chunk, List.of(groupId, utc(r.start()), utc(r.end())), null, null, sink);
                            continue;
                        }
                        for (Interval part : byDay ? perDay(r) : List.of(r)) {
                            String sql = "SELECT " + columns + " FROM " + values + " JOIN " + table + levels[l] + " p"
                                    + on + " WHERE p.bucket >= ? AND p.bucket < ? GROUP BY " + groupBy;
                            long day = byDay ? epochDay(part.start()) : ALL_DAYS;
                            query(c, sql, chunk, List.of(groupId, utc(part.start()), utc(part.end())), null, day, sink);
                        }
                    }
                }
                for (Buckets.Partial p : spans.partial()) {
                    String sql = "SELECT " + columns + " FROM " + values + " JOIN " + table + "_minute p" + on
                            + " WHERE p.bucket = ? GROUP BY " + groupBy;
                    long day = byDay ? epochDay(p.bucket()) : ALL_DAYS;
                    query(c, sql, chunk, List.of(groupId, utc(p.bucket())), p, day, sink);
                }
            }
        });
    }

    /** A range cut at UTC midnights, in order. */
    static List<Interval> perDay(Interval r) {
        List<Interval> out = new ArrayList<>();
        Instant at = r.start();
        while (at.isBefore(r.end())) {
            Instant next = Interval.min(dayStart(epochDay(at) + 1), r.end());
            out.add(new Interval(at, next));
            at = next;
        }
        return out;
    }

    /**
     * @param day the epoch day of every row, or null when the day is the statement's last column (a bucket)
     */
    private static void query(
            Connection c,
            String sql,
            List<List<Object>> keys,
            List<Object> args,
            Buckets.Partial partial,
            Long day,
            RowSink sink)
            throws SQLException {
        List<Object[]> rows = keys.stream().map(List::toArray).toList();
        int[] bucketColumn = {0};
        queryRows(c, sql, rows, args, rs -> {
            if (day != null) {
                sink.accept(rs, partial, day);
                return;
            }
            if (bucketColumn[0] == 0) {
                bucketColumn[0] = rs.getMetaData().getColumnCount();
            }
            sink.accept(rs, partial, epochDay(instant(rs, bucketColumn[0])));
        });
    }

    private static List<List<Object>> pairs(Map<String, ? extends Collection<String>> pointsByDevice) {
        List<List<Object>> keys = new ArrayList<>();
        pointsByDevice.forEach((d, points) -> points.forEach(p -> keys.add(List.of(d, p))));
        return keys;
    }

    private interface ConnectionQuery {
        void run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code select FROM k(kd) tail} for chunks of the devices, {@code k} being a VALUES table of device ids
     * joined on the key columns after the group (an IN list is compared one by one for every row read by H2), with
     * the group and then {@code args} bound after the ids, every row to {@code reader}. The tail's first parameter
     * is the group ({@code t.group_id = ?}).
     */
    private void forDevices(
            Collection<String> devices, String select, String tail, List<Object> args, RowReader reader) {
        if (devices.isEmpty()) {
            return;
        }
        List<String> all = List.copyOf(devices);
        List<Object> bound = new ArrayList<>(args.size() + 1);
        bound.add(groupId);
        bound.addAll(args);
        withConnection(c -> {
            for (int i = 0; i < all.size(); i += CHUNK) {
                List<String> ids = all.subList(i, Math.min(all.size(), i + CHUNK));
                String sql = select + " FROM " + keyTable(ids.size(), 1) + tail;
                List<Object[]> rows = ids.stream().map(id -> new Object[] {id}).toList();
                queryRows(c, sql, rows, bound, reader);
            }
        });
    }

    private void withConnection(ConnectionQuery query) {
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            if (!isPostgres(c)) {
                query.run(c);
                return;
            }
            // PostgreSQL cannot estimate how many rows a VALUES key table joins to, and for a few hundred keys it
            // picks a sequential scan of the whole rollup table with a hash join, once per statement: seconds for a
            // long retention. Every key is meant to be an index range, so other joins are off for these reads only
            // (SET LOCAL ends with the transaction; the pooled connection is unchanged). Plans are custom: on a
            // pooled connection the driver server-prepares a statement from its fifth use, and PostgreSQL's generic
            // plan for a VALUES join of bound keys and bucket bounds made a 30-day report of 1,000 machines take
            // 5-23 s instead of under 1 s (docs/benchmarks.md).
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute("SET LOCAL enable_hashjoin = off");
                    st.execute("SET LOCAL enable_mergejoin = off");
                    st.execute("SET LOCAL plan_cache_mode = force_custom_plan");
                }
                query.run(c);
            } finally {
                c.rollback();
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new FactsUnavailableException("cannot read facts: " + e.getMessage(), e);
        }
    }

    private boolean isPostgres(Connection c) throws SQLException {
        Boolean pg = postgres;
        if (pg == null) {
            pg = c.getMetaData()
                    .getDatabaseProductName()
                    .toLowerCase(java.util.Locale.ROOT)
                    .contains("postgres");
            postgres = pg;
        }
        return pg;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /**
     * A VALUES table of n keys: {@code k(kd)} device ids, {@code k(kd, kp)} with point ids, or
     * {@code k(kd, kp, klo, khi)} with the eng range.
     */
    private static String keyTable(int n, int width) {
        String row = width == 1
                ? "(CAST(? AS VARCHAR(128)))"
                : width == 2
                        ? "(CAST(? AS VARCHAR(128)), CAST(? AS VARCHAR(256)))"
                        : "(CAST(? AS VARCHAR(128)), CAST(? AS VARCHAR(256)), CAST(? AS DOUBLE PRECISION),"
                                + " CAST(? AS DOUBLE PRECISION))";
        return "(VALUES " + String.join(", ", Collections.nCopies(n, row))
                + (width == 1 ? ") AS k(kd)" : width == 2 ? ") AS k(kd, kp)" : ") AS k(kd, kp, klo, khi)");
    }

    private static String marks(int n) {
        return String.join(",", Collections.nCopies(n, "?"));
    }

    private static OffsetDateTime utc(Instant t) {
        // OffsetDateTime.ofInstant builds a ZoneRules per call; a report binds hundreds of thousands of bounds
        return java.time.LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC)
                .atOffset(ZoneOffset.UTC);
    }
}
