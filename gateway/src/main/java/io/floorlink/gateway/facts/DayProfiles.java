package io.floorlink.gateway.facts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the day profiles (V12 {@code point_day_profile}, {@code device_day_profile}, {@code
 * point_state_day_profile}; layout {@link DayProfile}) of closed UTC days from their {@code point_hour}, {@code
 * device_hour} and {@code point_state_hour} rows, off the flush path, and marks each device-day with the {@code fact_revision} it was built
 * at ({@code day_profile_mark}). A device-day is due when its day ended {@link #SETTLE} ago or more and its mark is
 * missing or behind its revision (a late or historical write raised it); a reader uses a device-day's profiles only
 * while the mark equals the revision, so a profile is never wrong, at worst not used yet.
 *
 * <p>With each device-day it writes the month profiles (V13 {@code point_month_profile}, {@code
 * device_month_profile}, {@code point_state_month_profile}) of that device and UTC month from its day rows, in the same
 * transaction as the mark: a reader uses a day's slot under the same condition as the day's profiles; and the state
 * minute profiles (V14 {@code point_state_minute_profile}) of the day from its state minute rows, one row per state
 * point and day, and the hour profiles of its points and the device (V14 {@code point_hour_profile}, {@code
 * device_hour_profile}) from their minute rows, one row per point (the device) and hour that has minute rows.
 *
 * <p>The revision is read before the hour rows: a write that lands in between makes the profile newer than its mark,
 * never older, and raises the revision past the mark, so the device-day is built again at the next round.
 */
public final class DayProfiles implements MeterBinder, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DayProfiles.class);

    /** How long after a UTC midnight the day before is built: late data still in flight lands first. */
    public static final Duration SETTLE = Duration.ofMinutes(10);

    /** How far back every hourly round looks for device-days whose revision moved (older days stay unprofiled). */
    public static final Duration LOOKBACK = Duration.ofDays(62);

    /** How far back the other rounds look: the days just closed and late data into them. */
    static final Duration RECENT = Duration.ofDays(3);

    /** Device-days fetched per query of due ones and written per transaction at most. */
    static final int BATCH = 200;

    /** Device-days one round builds at most, so a round ends whatever the backlog; the next goes on. */
    static final int ROUND_LIMIT = 20_000;

    private static final long DAY_SECONDS = 86_400;

    private static final String HOUR_COLUMNS;

    static {
        StringBuilder sb = new StringBuilder(
                "point_id, bucket, samples, good, bad, uncertain, historical, value_min, value_max, value_increase");
        for (int i = 0; i < FactsSchema.LATENCY_BUCKETS; i++) {
            sb.append(", ").append(FactsSchema.latencyColumn(i));
        }
        HOUR_COLUMNS = sb.toString();
    }

    private static final String[] PROFILE_COLUMNS = {"group_id", "device_id", "point_id", "bucket", "hours"};
    private static final String[] DEVICE_PROFILE_COLUMNS = {"group_id", "device_id", "bucket", "hours"};
    private static final String[] MONTH_COLUMNS = {"group_id", "device_id", "point_id", "bucket", "days"};
    private static final String[] DEVICE_MONTH_COLUMNS = {"group_id", "device_id", "bucket", "days"};
    private static final String[] MINUTES_COLUMNS = {"group_id", "device_id", "point_id", "bucket", "minutes"};
    private static final String[] DEVICE_MINUTES_COLUMNS = {"group_id", "device_id", "bucket", "minutes"};
    private static final String[] POINT_KEY = {"group_id", "device_id", "point_id", "bucket"};
    private static final String[] DEVICE_KEY = {"group_id", "device_id", "bucket"};
    private static final String[] MARK_COLUMNS = {"group_id", "device_id", "bucket", "revision", "built_at"};

    private final DataSource dataSource;
    private final Predicate<String> groups;
    private final Supplier<Instant> clock;
    private ScheduledExecutorService thread;
    private long rounds;
    private Counter built;
    private Counter failed;
    private Timer roundTimer;

    /** One device-day due for its profiles, with the revision read before its hour rows. */
    record Due(String groupId, String deviceId, Instant day, long revision) {}

    /**
     * @param groups the Sparkplug groups this gateway builds for (a cluster instance: the groups it holds a lease
     *     on), never null
     * @param clock now, for which days are over
     */
    public DayProfiles(DataSource dataSource, Predicate<String> groups, Supplier<Instant> clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.groups = Objects.requireNonNull(groups, "groups");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        built = Counter.builder("floorlink.gateway.profiles.built")
                .description("device-days whose day profiles (and month rows) were built or rebuilt")
                .baseUnit("device_days")
                .register(registry);
        failed = Counter.builder("floorlink.gateway.profiles.failed")
                .description("device-days whose profiles could not be written (tried again next round)")
                .baseUnit("device_days")
                .register(registry);
        roundTimer = Timer.builder("floorlink.gateway.profiles.round")
                .description("time of one round of the day-profile builder")
                .register(registry);
    }

    /**
     * Starts building on a thread of its own: a first round after {@code firstDelay}, then one every {@code
     * interval}; every twelfth round looks {@link #LOOKBACK} back, the others {@link #RECENT}. A failing round is
     * logged and the next one tries again.
     */
    public synchronized void start(Duration firstDelay, Duration interval) {
        if (thread != null) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "floorlink-day-profiles");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        });
        thread.scheduleWithFixedDelay(this::round, firstDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void round() {
        Instant now = clock.get();
        Duration back = rounds++ % 12 == 0 ? LOOKBACK : RECENT;
        long t0 = System.nanoTime();
        try {
            int n = build(now.minus(back), now, ROUND_LIMIT);
            if (n > 0) {
                log.info("built the day profiles of {} device-days", n);
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("day profiles not built this round: {}", FactsStore.rootMessage(e));
        } finally {
            if (roundTimer != null) {
                roundTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            }
        }
    }

    /**
     * Builds the profiles of the device-days due: UTC days starting at or after {@code since}'s day that ended
     * {@link #SETTLE} before {@code now} or earlier, of the groups this builder serves, at most {@code limit}. A
     * device-day that cannot be written (e.g. another cluster instance wrote the same rows at once) is counted and
     * skipped; the next call tries it again. Blocks on JDBC.
     *
     * @return device-days built
     * @throws SQLException when the due device-days cannot be read
     */
    public int build(Instant since, Instant now, int limit) throws SQLException {
        Instant from = dayStart(epochDay(since));
        Instant before = dayStart(epochDay(now.minus(SETTLE)));
        int done = 0;
        Due after = null;
        while (done < limit && from.isBefore(before)) {
            List<Due> due = due(from, before, after);
            if (due.isEmpty()) {
                break;
            }
            after = due.get(due.size() - 1);
            List<Due> mine = due.stream()
                    .filter(d -> groups.test(d.groupId()))
                    .limit(limit - done)
                    .toList();
            if (!mine.isEmpty()) {
                int n = writeOrEach(mine);
                done += n;
                if (built != null) {
                    built.increment(n);
                }
            }
            if (due.size() < BATCH) {
                break;
            }
        }
        return done;
    }

    /** The next {@link #BATCH} device-days due after {@code after} (null: from the start), in key order. */
    private List<Due> due(Instant from, Instant before, Due after) throws SQLException {
        List<Due> out = new ArrayList<>();
        String page = after == null ? "" : " AND (r.bucket, r.group_id, r.device_id) > (?, ?, ?)";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT r.group_id, r.device_id, r.bucket, r.revision"
                        + " FROM fact_revision r LEFT JOIN day_profile_mark m ON m.group_id = r.group_id"
                        + " AND m.device_id = r.device_id AND m.bucket = r.bucket"
                        + " WHERE r.bucket >= ? AND r.bucket < ? AND (m.revision IS NULL OR m.revision <> r.revision)"
                        + page + " ORDER BY r.bucket, r.group_id, r.device_id LIMIT ?")) {
            int i = 1;
            ps.setObject(i++, utc(from));
            ps.setObject(i++, utc(before));
            if (after != null) {
                ps.setObject(i++, utc(after.day()));
                ps.setString(i++, after.groupId());
                ps.setString(i++, after.deviceId());
            }
            ps.setInt(i, BATCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Due(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getObject(3, OffsetDateTime.class).toInstant(),
                            rs.getLong(4)));
                }
            }
        }
        return out;
    }

    /**
     * Writes the batch in one transaction, or, when that fails, each device-day in its own, skipping those that fail
     * (logged and counted; still due, so tried again next round): one device-day the store refuses never holds back
     * the others.
     *
     * @return device-days written
     */
    private int writeOrEach(List<Due> batch) {
        try {
            write(batch);
            return batch.size();
        } catch (SQLException | RuntimeException e) {
            if (batch.size() == 1) {
                if (failed != null) {
                    failed.increment();
                }
                Due d = batch.get(0);
                log.warn(
                        "day profiles of device {} of group {} for {} not written: {}",
                        d.deviceId(),
                        d.groupId(),
                        d.day(),
                        FactsStore.rootMessage(e));
                return 0;
            }
        }
        int n = 0;
        for (Due d : batch) {
            n += writeOrEach(List.of(d));
        }
        return n;
    }

    /**
     * Reads the hour rows of each device-day and writes its profiles and mark, and the month profiles of each
     * device and month among them from the day rows as they are now (after the revision was read, so never older
     * than the mark), all in one transaction.
     */
    private void write(List<Due> due) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            String range = " WHERE group_id = ? AND device_id = ? AND bucket >= ? AND bucket < ?";
            try (PreparedStatement pointHours =
                            c.prepareStatement("SELECT " + HOUR_COLUMNS + " FROM point_hour" + range);
                    PreparedStatement deviceHours =
                            c.prepareStatement("SELECT bucket, reads_ok, reads_failed FROM device_hour" + range);
                    PreparedStatement stateHours = c.prepareStatement(
                            "SELECT point_id, bucket, state_value, millis FROM point_state_hour" + range);
                    PreparedStatement pointDays =
                            c.prepareStatement("SELECT " + HOUR_COLUMNS + " FROM point_day" + range);
                    PreparedStatement deviceDays =
                            c.prepareStatement("SELECT bucket, reads_ok, reads_failed FROM device_day" + range);
                    PreparedStatement stateDays = c.prepareStatement(
                            "SELECT point_id, bucket, state_value, millis FROM point_state_day" + range);
                    PreparedStatement stateMinutes = c.prepareStatement(
                            "SELECT point_id, bucket, state_value, millis FROM point_state_minute" + range);
                    PreparedStatement pointMinutes =
                            c.prepareStatement("SELECT " + HOUR_COLUMNS + " FROM point_minute" + range);
                    PreparedStatement deviceMinutes =
                            c.prepareStatement("SELECT bucket, reads_ok, reads_failed FROM device_minute" + range);
                    PreparedStatement pointHourProfiles = c.prepareStatement(
                            FactsStore.merge("point_hour_profile", MINUTES_COLUMNS, POINT_KEY, "minutes = s.minutes"));
                    PreparedStatement deviceHourProfiles = c.prepareStatement(FactsStore.merge(
                            "device_hour_profile", DEVICE_MINUTES_COLUMNS, DEVICE_KEY, "minutes = s.minutes"));
                    PreparedStatement stateMinuteProfiles = c.prepareStatement(FactsStore.merge(
                            "point_state_minute_profile", MINUTES_COLUMNS, POINT_KEY, "minutes = s.minutes"));
                    PreparedStatement points = c.prepareStatement(
                            FactsStore.merge("point_day_profile", PROFILE_COLUMNS, POINT_KEY, "hours = s.hours"));
                    PreparedStatement devices = c.prepareStatement(FactsStore.merge(
                            "device_day_profile", DEVICE_PROFILE_COLUMNS, DEVICE_KEY, "hours = s.hours"));
                    PreparedStatement states = c.prepareStatement(FactsStore.merge(
                            "point_state_day_profile", PROFILE_COLUMNS, POINT_KEY, "hours = s.hours"));
                    PreparedStatement pointMonths = c.prepareStatement(
                            FactsStore.merge("point_month_profile", MONTH_COLUMNS, POINT_KEY, "days = s.days"));
                    PreparedStatement deviceMonths = c.prepareStatement(FactsStore.merge(
                            "device_month_profile", DEVICE_MONTH_COLUMNS, DEVICE_KEY, "days = s.days"));
                    PreparedStatement stateMonths = c.prepareStatement(
                            FactsStore.merge("point_state_month_profile", MONTH_COLUMNS, POINT_KEY, "days = s.days"));
                    PreparedStatement mark = c.prepareStatement(FactsStore.merge(
                            "day_profile_mark",
                            MARK_COLUMNS,
                            DEVICE_KEY,
                            "revision = s.revision, built_at = s.built_at"))) {
                OffsetDateTime builtAt = utc(clock.get());
                java.util.Set<DeviceMonth> months = new java.util.LinkedHashSet<>();
                PreparedStatement[] hourReads = {pointHours, deviceHours, stateHours};
                PreparedStatement[] dayMerges = {points, devices, states};
                PreparedStatement[] dayReads = {pointDays, deviceDays, stateDays};
                PreparedStatement[] monthMerges = {pointMonths, deviceMonths, stateMonths};
                PreparedStatement[] minuteReads = {pointMinutes, deviceMinutes};
                PreparedStatement[] hourMerges = {pointHourProfiles, deviceHourProfiles};
                for (Due d : due) {
                    Instant end = d.day().plusSeconds(DAY_SECONDS);
                    write(
                            hourReads,
                            dayMerges,
                            d.groupId(),
                            d.deviceId(),
                            d.day(),
                            end,
                            DAY_SECONDS,
                            3600,
                            DayProfile.Builder::new);
                    write(
                            minuteReads,
                            hourMerges,
                            d.groupId(),
                            d.deviceId(),
                            d.day(),
                            end,
                            3600,
                            60,
                            DayProfile.Builder::hour);
                    write(
                            Kind.STATE,
                            stateMinutes,
                            stateMinuteProfiles,
                            d.groupId(),
                            d.deviceId(),
                            d.day(),
                            end,
                            DAY_SECONDS,
                            60,
                            DayProfile.Builder::minutes);
                    months.add(new DeviceMonth(d.groupId(), d.deviceId(), monthStart(d.day())));
                    mark.setString(1, d.groupId());
                    mark.setString(2, d.deviceId());
                    mark.setObject(3, utc(d.day()));
                    mark.setLong(4, d.revision());
                    mark.setObject(5, builtAt);
                    mark.addBatch();
                }
                for (DeviceMonth m : months) {
                    Instant end = utc(m.start()).plusMonths(1).toInstant();
                    long monthSeconds = end.getEpochSecond() - m.start().getEpochSecond();
                    write(
                            dayReads,
                            monthMerges,
                            m.group(),
                            m.device(),
                            m.start(),
                            end,
                            monthSeconds,
                            DAY_SECONDS,
                            DayProfile.Builder::month);
                }
                for (PreparedStatement ps : List.of(
                        points,
                        devices,
                        states,
                        pointMonths,
                        deviceMonths,
                        stateMonths,
                        stateMinuteProfiles,
                        pointHourProfiles,
                        deviceHourProfiles,
                        mark)) {
                    ps.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    /**
     * Reads the rollup rows of one device over {@code [from, to)} with {@code read} (columns as the {@code kind}'s
     * statements in {@link #write(List)}) and adds to {@code merge} a profile row per point (or the device's one) and
     * per {@code rowSeconds} from {@code from}, a slot per {@code slotSeconds} within its row.
     */
    private static void write(
            Kind kind,
            PreparedStatement read,
            PreparedStatement merge,
            String group,
            String device,
            Instant from,
            Instant to,
            long rowSeconds,
            long slotSeconds,
            Supplier<DayProfile.Builder> builder)
            throws SQLException {
        read.setString(1, group);
        read.setString(2, device);
        read.setObject(3, utc(from));
        read.setObject(4, utc(to));
        Map<ProfileRow, DayProfile.Builder> out = new LinkedHashMap<>();
        try (ResultSet rs = read.executeQuery()) {
            while (rs.next()) {
                long offset = rs.getObject(kind == Kind.DEVICE ? 1 : 2, OffsetDateTime.class)
                                .toEpochSecond()
                        - from.getEpochSecond();
                int slot = (int) (offset % rowSeconds / slotSeconds);
                ProfileRow row = new ProfileRow(kind == Kind.DEVICE ? null : rs.getString(1), offset / rowSeconds);
                if (kind == Kind.DEVICE) {
                    out.computeIfAbsent(row, k -> builder.get()).reads(slot, rs.getLong(2), rs.getLong(3));
                } else if (kind == Kind.STATE) {
                    out.computeIfAbsent(row, k -> builder.get()).state(slot, rs.getDouble(3), rs.getLong(4));
                } else {
                    long[] latency = new long[FactsSchema.LATENCY_BUCKETS];
                    for (int i = 0; i < latency.length; i++) {
                        latency[i] = rs.getLong(11 + i);
                    }
                    out.computeIfAbsent(row, k -> builder.get())
                            .hour(
                                    slot,
                                    rs.getLong(3),
                                    rs.getLong(4),
                                    rs.getLong(5),
                                    rs.getLong(6),
                                    rs.getLong(7),
                                    rs.getObject(8, Double.class),
                                    rs.getObject(9, Double.class),
                                    rs.getObject(10, Double.class),
                                    latency);
                }
            }
        }
        for (Map.Entry<ProfileRow, DayProfile.Builder> p : out.entrySet()) {
            int i = 1;
            merge.setString(i++, group);
            merge.setString(i++, device);
            if (p.getKey().point() != null) {
                merge.setString(i++, p.getKey().point());
            }
            merge.setObject(i++, utc(from.plusSeconds(p.getKey().index() * rowSeconds)));
            merge.setBytes(i, p.getValue().toBytes());
            merge.addBatch();
        }
    }

    /**
     * The profile rows of the first {@code reads.length} kinds for one device and span: {@code reads} and {@code
     * merges} in {@link Kind} order (all three, or points and devices only).
     */
    private static void write(
            PreparedStatement[] reads,
            PreparedStatement[] merges,
            String group,
            String device,
            Instant from,
            Instant to,
            long rowSeconds,
            long slotSeconds,
            Supplier<DayProfile.Builder> builder)
            throws SQLException {
        Kind[] kinds = Kind.values();
        for (int i = 0; i < reads.length; i++) {
            write(kinds[i], reads[i], merges[i], group, device, from, to, rowSeconds, slotSeconds, builder);
        }
    }

    /** One profile row being built: its point (null for a device's) and its index from the span's start. */
    private record ProfileRow(String point, long index) {}

    /** A device's UTC month whose month profiles are due with one of its days. */
    private record DeviceMonth(String group, String device, Instant start) {}

    /** The shapes of rollup rows, in the order of the statement arrays. */
    private enum Kind {
        POINT,
        DEVICE,
        STATE
    }

    /** The first instant of the UTC month of {@code t}. */
    static Instant monthStart(Instant t) {
        return utc(t).toLocalDate()
                .withDayOfMonth(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
    }

    /** Stops the builder's thread, waiting up to 10 s for a round under way. */
    @Override
    public synchronized void close() {
        if (thread == null) {
            return;
        }
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
    }

    private static long epochDay(Instant t) {
        return Math.floorDiv(t.getEpochSecond(), DAY_SECONDS);
    }

    private static Instant dayStart(long epochDay) {
        return Instant.ofEpochSecond(epochDay * DAY_SECONDS);
    }

    private static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
