package io.floorlink.collector.indicators;

import io.floorlink.collector.indicators.FactsFixture.PointRow;
import io.floorlink.collector.inventory.Enterprise;
import io.floorlink.collector.inventory.Equipment;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.Line;
import io.floorlink.collector.inventory.PointRequirement;
import io.floorlink.collector.inventory.Site;
import io.floorlink.collector.inventory.Workshop;
import io.floorlink.collector.profiles.ProfileLoader;
import io.floorlink.gateway.facts.FactsStore;
import io.floorlink.sparkplug.Category;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Load harness for the 30-day, 1,000-equipment indicator report (docs/benchmarks.md). Generates the facts once into
 * an H2 file database through the gateway's Flyway schema, then times {@link IndicatorService#compute} for the
 * pilot scope over 30-day windows: whole UTC days ({@code aligned}), whole local days in Asia/Shanghai (UTC+8,
 * {@code local}: what a reviewer in China picks; cut at 16:00 UTC, so its two end days are read by hours), cut at
 * seconds ({@code unaligned}) and a shift calendar over local days ({@code calendar}).
 *
 * <p>Facts per equipment (5 points: state, two counters, a process value, an energy counter): day and hour rollups
 * for all 31 days (points, reads, state time), minute rollups for the hours the unaligned window cuts, one device
 * session, static runs of both counters every night and lunch break (so the frozen check of every counter runs) and
 * the state minute rows of the hours their frozen parts cut,
 * point declarations, a fact_revision per device and day; then the gateway's {@code DayProfiles} builds the day,
 * month and state minute profiles (V12-V14) of every device-day, as it does once a day is over (timed and printed).
 *
 * <p>Run: {@code java -cp <test classpath> io.floorlink.collector.indicators.IndicatorLoadHarness [dir] [equipment]
 * [iterations]}. System properties: {@code bench.postgres} (a JDBC URL: PostgreSQL instead of H2),
 * {@code bench.postgres_reset} ({@code true}: drop the database's {@code public} schema first, e.g. after the gateway
 * benchmark wrote its facts there), {@code bench.windows} (comma-separated, default {@code aligned,local,unaligned,calendar}), {@code bench.h2_options}
 * (appended to the H2 URL, e.g. {@code ;CACHE_SIZE=262144}), {@code bench.profiles} ({@code false}: no day
 * or month profiles, the reports read hour and day rows as before V12), {@code bench.modes} (comma-separated, default
 * {@code uncached,first,filled}; also {@code inline}: the first report into an empty cache filling it before it
 * returns, as the cache warmer does; which timings to run, e.g. {@code filled} alone under a profiler).
 */
public final class IndicatorLoadHarness {
    static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
    static final int DAYS = 31;
    /** The harness's "now": every generated day is over and its profiles due. */
    static final Instant NOW = START.plus(Duration.ofDays(40));

    static final Instant ALIGNED_FROM = START;
    static final Instant ALIGNED_TO = START.plus(Duration.ofDays(30));
    static final Instant UNALIGNED_FROM = Instant.parse("2026-03-01T07:23:30Z");
    static final Instant UNALIGNED_TO = UNALIGNED_FROM.plus(Duration.ofDays(30));
    /** 30 local days in Asia/Shanghai (midnight is 16:00 UTC), for the shift calendar run. */
    static final Instant LOCAL_FROM = Instant.parse("2026-03-01T16:00:00Z");

    /** Process CPU time of each report timed since the last {@link #print}, in ms. */
    private static final List<Double> CPU_MS = new ArrayList<>();

    private IndicatorLoadHarness() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target-w4/bench");
        int equipment = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        String pgUrl = System.getProperty("bench.postgres");
        String url;
        boolean fresh;
        if (pgUrl != null) {
            // An empty PostgreSQL database, e.g. the one .ci/run starts: jdbc:postgresql://127.0.0.1:port/db?user=..
            url = pgUrl;
            if (Boolean.getBoolean("bench.postgres_reset")) {
                try (java.sql.Connection c = java.sql.DriverManager.getConnection(pgUrl);
                        java.sql.Statement st = c.createStatement()) {
                    st.execute("DROP SCHEMA public CASCADE");
                    st.execute("CREATE SCHEMA public");
                }
            }
        } else {
            Files.createDirectories(dir);
            url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("facts-" + equipment)
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1"
                    + System.getProperty("bench.h2_options", "");
        }
        // The collector's own pool (HikariCP, 4 connections, the store's URL settings): a report reuses its
        // connections, as in the collector, instead of opening a PostgreSQL backend per read.
        FactsStore store = FactsStore.open(url, pgUrl == null ? "sa" : null, null);
        javax.sql.DataSource ds = store.dataSource();
        fresh = !hasFacts(ds);
        FactsFixture facts = FactsFixture.migrated(ds);
        Inventory inventory = inventory(equipment);
        if (fresh) {
            long t0 = System.nanoTime();
            long rows = generate(facts, inventory);
            System.out.printf("generated %,d rows in %.1f s%n", rows, (System.nanoTime() - t0) / 1e9);
            if (pgUrl != null) {
                try (java.sql.Connection c = ds.getConnection();
                        java.sql.Statement st = c.createStatement()) {
                    st.execute("VACUUM ANALYZE");
                }
            }
        }
        if (!"false".equals(System.getProperty("bench.profiles"))) {
            // What the gateway's builder does once each day is over (the harness's data is 40 days old).
            long t0 = System.nanoTime();
            int built = new io.floorlink.gateway.facts.DayProfiles(ds, group -> true, () -> NOW)
                    .build(START.minus(Duration.ofDays(1)), NOW, Integer.MAX_VALUE);
            System.out.printf("day profiles: built %,d device-days in %.1f s%n", built, (System.nanoTime() - t0) / 1e9);
            if (pgUrl != null && built > 0) {
                // the builder rewrote the profile tables: what autovacuum does on a running collector's store
                try (java.sql.Connection c = ds.getConnection();
                        java.sql.Statement st = c.createStatement()) {
                    st.execute("VACUUM ANALYZE");
                }
            }
        } else {
            try (java.sql.Connection c = ds.getConnection();
                    java.sql.Statement st = c.createStatement()) {
                st.execute("DELETE FROM day_profile_mark");
            }
            System.out.println("day profiles: none (bench.profiles=false)");
        }
        IndicatorService service =
                new IndicatorService(ds, inventory, ProfileLoader.shippedOnly(), Clock.fixed(NOW, ZoneOffset.UTC));
        IndicatorService plain = service;
        List<String> modes = List.of(
                System.getProperty("bench.modes", "uncached,first,filled").split(","));
        for (String label : System.getProperty("bench.windows", "aligned,local,unaligned,calendar")
                .split(",")) {
            Instant from =
                    switch (label) {
                        case "aligned" -> ALIGNED_FROM;
                        case "unaligned" -> UNALIGNED_FROM;
                        default -> LOCAL_FROM;
                    };
            Instant to = from.plus(Duration.ofDays(30));
            service = label.equals("calendar") ? plain.withSchedule(IndicatorLoadHarness::shifts) : plain;
            IndicatorService uncached = service.withCache(FactsCache.off());
            IndicatorReport warm = uncached.compute("pilot", from, to);
            for (int i = 0; i < 2; i++) {
                uncached.compute("pilot", from, to);
            }
            if (modes.contains("uncached")) {
                print(label + " without cache", equipment, time(uncached, from, to, iterations), warm);
            }
            // First report into an empty cache each time (its days filled behind it, or inline as the warmer
            // does), then reports answered from a filled one.
            if (modes.contains("first")) {
                double[] first = new double[iterations];
                double[] fill = new double[iterations];
                for (int i = 0; i < iterations; i++) {
                    FactsCache cache = new FactsCache(FactsCache.DEFAULT_ENTRIES);
                    first[i] = time(service.withCache(cache), from, to, 1)[0];
                    long t = System.nanoTime();
                    if (!cache.awaitFills(Duration.ofMinutes(10))) {
                        throw new IllegalStateException("the cache's filler did not finish in 10 minutes");
                    }
                    fill[i] = (System.nanoTime() - t) / 1e6;
                    // the filled cache is dropped: its collection belongs to no report's time
                    usedHeap();
                }
                Arrays.sort(first);
                Arrays.sort(fill);
                print(label + " first, empty cache", equipment, first, warm);
                System.out.printf(
                        "%s: the filler cached the first report's days in a median %.0f ms after it%n",
                        label, fill[fill.length / 2]);
            }
            if (modes.contains("inline")) {
                double[] first = new double[iterations];
                for (int i = 0; i < iterations; i++) {
                    first[i] = time(
                            service.withCache(new FactsCache(FactsCache.DEFAULT_ENTRIES))
                                    .fillingInline(),
                            from,
                            to,
                            1)[0];
                    usedHeap();
                }
                Arrays.sort(first);
                print(label + " first, empty cache filled inline", equipment, first, warm);
            }
            if (!modes.contains("filled")) {
                continue;
            }
            long heapBefore = usedHeap();
            IndicatorService cached = service.withCache(new FactsCache(FactsCache.DEFAULT_ENTRIES));
            IndicatorReport filled = cached.compute("pilot", from, to);
            cached.cache().awaitFills(Duration.ofMinutes(10));
            long heapAfter = usedHeap();
            System.out.printf(
                    "%s: cache of %,d entries, about %,d bytes each (heap after GC)%n",
                    label,
                    cached.cache().size(),
                    (heapAfter - heapBefore) / Math.max(1, cached.cache().size()));
            if (!rounded(filled).equals(rounded(warm))) {
                throw new IllegalStateException("the report from the cache differs from the one read from the store");
            }
            print(label + " cache filled", equipment, time(cached, from, to, iterations), filled);
        }
        store.close();
    }

    /**
     * The report as text with every decimal number rounded to 9 significant digits: equal reports up to the order
     * of floating-point sums (fractions of partial minutes, counter increases) give the same text.
     */
    public static String rounded(Object report) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("-?\\d+\\.\\d+(E-?\\d+)?").matcher(report.toString());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, String.format("%.9g", Double.parseDouble(m.group())));
        }
        return m.appendTail(out).toString();
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return r.totalMemory() - r.freeMemory();
    }

    private static double[] time(IndicatorService service, Instant from, Instant to, int iterations) {
        double[] ms = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long c = processCpuNanos();
            long t = System.nanoTime();
            service.compute("pilot", from, to);
            ms[i] = (System.nanoTime() - t) / 1e6;
            CPU_MS.add((processCpuNanos() - c) / 1e6);
        }
        Arrays.sort(ms);
        return ms;
    }

    /** CPU time of the whole process: on a shared machine wall-clock time also counts other processes' turns. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void print(String label, int equipment, double[] ms, IndicatorReport report) {
        List<Double> cpu = new ArrayList<>(CPU_MS);
        CPU_MS.clear();
        cpu.sort(null);
        System.out.printf(
                "%s: 30-day pilot report, %d equipment: median %.0f ms, min %.0f ms, max %.0f ms (%d runs),"
                        + " process CPU median %.0f ms; networking_rate %.3f, utilisation[0] %.3f,"
                        + " frozen_ratio[0] %.4f%n",
                label,
                equipment,
                ms[ms.length / 2],
                ms[0],
                ms[ms.length - 1],
                ms.length,
                cpu.isEmpty() ? Double.NaN : cpu.get(cpu.size() / 2),
                report.indicators().get("networking_rate").value(),
                report.equipment().get(0).utilisation().value(),
                report.equipment().get(0).frozenRatio().value());
    }

    /**
     * The shifts 08:00-12:00 and 13:00-17:00 Asia/Shanghai, Monday to Saturday (00:00-04:00 and 05:00-09:00 UTC,
     * the hours the generated machines run).
     */
    static ScheduledTime shifts(Equipment e, Instant from, Instant to) {
        List<Interval> spans = new ArrayList<>();
        for (Instant day = from.truncatedTo(ChronoUnit.DAYS); day.isBefore(to); day = day.plus(Duration.ofDays(1))) {
            if (day.atOffset(ZoneOffset.ofHours(8)).plusHours(8).getDayOfWeek() == java.time.DayOfWeek.SUNDAY) {
                continue;
            }
            for (int[] h : new int[][] {{0, 4}, {5, 9}}) {
                Instant a = Interval.max(from, day.plus(Duration.ofHours(h[0])));
                Instant b = Interval.min(to, day.plus(Duration.ofHours(h[1])));
                if (a.isBefore(b)) {
                    spans.add(new Interval(a, b));
                }
            }
        }
        return new ScheduledTime(new Interval(from, to), spans, "calendar:bench-shifts");
    }

    /** Whether the store (migrated by {@code FactsStore.open}, so {@code point_day} exists) holds facts already. */
    private static boolean hasFacts(javax.sql.DataSource ds) throws java.sql.SQLException {
        try (java.sql.Connection c = ds.getConnection();
                java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM point_day")) {
            return rs.next() && rs.getLong(1) > 0;
        }
    }

    static Inventory inventory(int n) {
        return inventory(new Enterprise("ENT001", null, null), n, 20, IndicatorLoadHarness::id);
    }

    /**
     * {@code n} injection-molding machines of one site and workshop over {@code lineCount} lines, every tenth a key
     * equipment, each with the harness's five required points.
     */
    public static Inventory inventory(
            Enterprise enterprise, int n, int lineCount, java.util.function.IntFunction<String> id) {
        List<Equipment> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(new Equipment(
                    id.apply(i),
                    null,
                    "injection_molding",
                    "L" + (i % lineCount),
                    true,
                    true,
                    i % 10 == 0,
                    Duration.ofSeconds(12),
                    List.of(
                            new PointRequirement("production_status", Category.STATE, Duration.ofSeconds(1)),
                            new PointRequirement("shot_count", Category.COUNTER, Duration.ofSeconds(1)),
                            new PointRequirement("reject_count", Category.COUNTER, Duration.ofSeconds(1)),
                            new PointRequirement("mold_temp", Category.PROCESS, Duration.ofSeconds(1)),
                            new PointRequirement("energy_kwh", Category.ENERGY, Duration.ofSeconds(10)))));
        }
        List<Line> lines = new ArrayList<>();
        for (int l = 0; l < lineCount; l++) {
            lines.add(new Line("L" + l, null));
        }
        return Inventory.of(enterprise, List.of(new Site("S1", null, List.of(new Workshop("W1", null, lines)))), list);
    }

    private static String id(int i) {
        return String.format("IMM-%04d", i);
    }

    /** Running 00:00-04:00 and 05:00-09:00 UTC every day, idle otherwise. */
    static boolean running(int hourOfDay) {
        return hourOfDay < 4 || (hourOfDay >= 5 && hourOfDay < 9);
    }

    private static long generate(FactsFixture facts, Inventory inventory) {
        long rows = 0;
        String[] points = {"production_status", "shot_count", "reject_count", "mold_temp", "energy_kwh"};
        int hours = DAYS * 24;
        for (Equipment e : inventory.equipment()) {
            String d = e.id();
            facts.session("edge-" + (d.hashCode() & 7), d, START.minus(Duration.ofDays(1)), null, false);
            List<PointRow> hourRows = new ArrayList<>();
            List<PointRow> dayRows = new ArrayList<>();
            List<PointRow> minuteRows = new ArrayList<>();
            List<Object[]> deviceHour = new ArrayList<>();
            List<Object[]> deviceDay = new ArrayList<>();
            List<Object[]> deviceMinute = new ArrayList<>();
            List<Object[]> stateHour = new ArrayList<>();
            List<Object[]> stateDay = new ArrayList<>();
            List<Object[]> stateMinute = new ArrayList<>();
            List<Object[]> runs = new ArrayList<>();
            List<Object[]> revisions = new ArrayList<>();
            for (int day = 0; day < DAYS; day++) {
                Instant dayStart = START.plus(Duration.ofDays(day));
                revisions.add(new Object[] {d, dayStart, 1L});
                for (String p : points) {
                    PointRow dayRow = null;
                    for (int h = 0; h < 24; h++) {
                        PointRow r = hourRow(d, p, dayStart.plus(Duration.ofHours(h)), running(h), 60);
                        hourRows.add(r);
                        dayRow = dayRow == null ? r.at(dayStart) : dayRow.plus(r.at(dayStart));
                    }
                    dayRows.add(dayRow);
                }
                deviceDay.add(new Object[] {d, dayStart, 24L * 246 * 60, 0L});
                stateDay.add(new Object[] {d, "production_status", dayStart, 4.0, 8L * 3_600_000});
                stateDay.add(new Object[] {d, "production_status", dayStart, 2.0, 16L * 3_600_000});
                for (int h = 0; h < 24; h++) {
                    Instant hour = dayStart.plus(Duration.ofHours(h));
                    deviceHour.add(new Object[] {d, hour, 246L * 60, 0L});
                    stateHour.add(new Object[] {d, "production_status", hour, running(h) ? 4.0 : 2.0, 3_600_000L});
                }
                // The gateway keeps a state minute row per minute; these are those of the hours the counters' frozen
                // parts cut (a run is frozen from max_static after its start: 04:05 and 09:05), which the check reads.
                for (int h : new int[] {4, 9}) {
                    for (int m = 0; m < 60; m++) {
                        stateMinute.add(new Object[] {
                            d,
                            "production_status",
                            dayStart.plus(Duration.ofHours(h).plusMinutes(m)),
                            running(h) ? 4.0 : 2.0,
                            60_000L
                        });
                    }
                }
                // Counters static from the end of each shift to the next start.
                for (String c : new String[] {"shot_count", "reject_count"}) {
                    runs.add(new Object[] {
                        d, c, dayStart.plus(Duration.ofHours(4)), dayStart.plus(Duration.ofHours(5)), 1.0, false
                    });
                    runs.add(new Object[] {
                        d, c, dayStart.plus(Duration.ofHours(9)), dayStart.plus(Duration.ofHours(24)), 1.0, false
                    });
                }
            }
            for (Instant edge : new Instant[] {UNALIGNED_FROM, UNALIGNED_TO}) {
                Instant hour = edge.truncatedTo(ChronoUnit.HOURS);
                boolean run = running(hour.atOffset(ZoneOffset.UTC).getHour());
                for (int m = 0; m < 60; m++) {
                    Instant b = hour.plus(Duration.ofMinutes(m));
                    for (String p : points) {
                        minuteRows.add(hourRow(d, p, b, run, 1));
                    }
                    deviceMinute.add(new Object[] {d, b, 246L, 0L});
                    stateMinute.add(new Object[] {d, "production_status", b, run ? 4.0 : 2.0, 60_000L});
                }
            }
            facts.insertPoints("point_hour", hourRows)
                    .insertPoints("point_day", dayRows)
                    .insertPoints("point_minute", minuteRows)
                    .insert("device_hour", "device_id, bucket, reads_ok, reads_failed", deviceHour)
                    .insert("device_day", "device_id, bucket, reads_ok, reads_failed", deviceDay)
                    .insert("device_minute", "device_id, bucket, reads_ok, reads_failed", deviceMinute)
                    .insert("point_state_hour", "device_id, point_id, bucket, state_value, millis", stateHour)
                    .insert("point_state_day", "device_id, point_id, bucket, state_value, millis", stateDay)
                    .insert("point_state_minute", "device_id, point_id, bucket, state_value, millis", stateMinute)
                    .insert(
                            "point_static_run",
                            "device_id, point_id, started_at, ended_at, static_value, is_open",
                            runs)
                    .insert("fact_revision", "device_id, bucket, revision", revisions);
            rows += hourRows.size()
                    + dayRows.size()
                    + minuteRows.size()
                    + deviceHour.size()
                    + deviceDay.size()
                    + deviceMinute.size()
                    + stateHour.size()
                    + stateDay.size()
                    + stateMinute.size()
                    + runs.size()
                    + revisions.size();
        }
        return rows;
    }

    /** A rollup row covering {@code minutes} minutes of one point. */
    static PointRow hourRow(String d, String p, Instant bucket, boolean running, int minutes) {
        long perMinute = p.equals("energy_kwh") ? 6 : 60;
        long n = perMinute * minutes;
        long[] lat = new long[16];
        lat[5] = n;
        Double increase =
                switch (p) {
                    case "shot_count" -> running ? 4.0 * minutes : 0.0;
                    case "reject_count" -> running ? 0.1 * minutes : 0.0;
                    case "energy_kwh" -> (running ? 0.5 : 0.05) * minutes;
                    default -> null;
                };
        Double min = p.equals("mold_temp") ? 195.0 : null;
        Double max = p.equals("mold_temp") ? 205.0 : null;
        return new PointRow(d, p, bucket, n, n, 0, 0, 0, min, max, increase, lat);
    }
}
