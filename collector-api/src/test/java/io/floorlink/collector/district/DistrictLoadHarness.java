package io.floorlink.collector.district;

import io.floorlink.collector.HttpConfig;
import io.floorlink.collector.api.ApiServer;
import io.floorlink.collector.indicators.FactsCache;
import io.floorlink.collector.indicators.FactsFixture;
import io.floorlink.collector.indicators.FactsFixture.PointRow;
import io.floorlink.collector.indicators.IndicatorLoadHarness;
import io.floorlink.collector.indicators.IndicatorService;
import io.floorlink.collector.inventory.Enterprise;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.profiles.ProfileLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Load harness for the programme view of a large district (docs/benchmarks.md, "Programme view: 500 enterprises x 50
 * equipment"): generates the facts into an empty PostgreSQL database through the gateway's Flyway schema, then times
 * the summarizer's full pass, {@code GET /api/v1/enterprises} through the real HTTP server over fresh objects and
 * the persisted summaries (cold) and again (cached), and one enterprise's 30-day pilot report through {@code GET
 * /api/v1/indicators} (cold: fresh service and cache; cached: the same again).
 *
 * <p>Generated per enterprise (all in Asia/Shanghai, so the default period of 30 local days up to yesterday starts
 * and ends at 16:00 UTC): 50 equipment with 5 points (state, two counters, a process value, energy); day rollups
 * (points, reads, state time) for the 31 UTC days the period touches, hour rollups only for the two UTC days it cuts,
 * one open device session, the counters' static runs of every night and lunch break, one fact_revision row per
 * device and day, a group_activity row. No minute rows (the period's edges are whole hours) and no shift calendars.
 * One enterprise is written through {@link FactsFixture}, the others are copies of its rows under their own group
 * through the PostgreSQL JDBC {@link CopyManager}.
 *
 * <p>Run: {@code java -Dbench.postgres=jdbc:postgresql://127.0.0.1:PORT/db?user=..&password=.. -cp <test classpath>
 * io.floorlink.collector.district.DistrictLoadHarness [enterprises] [equipment] [runs]}.
 */
public final class DistrictLoadHarness {
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    static final String[] POINTS = {"production_status", "shot_count", "reject_count", "mold_temp", "energy_kwh"};
    static final String ADMIN = "bench-admin-token-0123456789abcdef";
    static final String[] TABLES = {
        "point_day",
        "point_hour",
        "device_day",
        "device_hour",
        "point_state_day",
        "point_state_hour",
        "point_static_run",
        "fact_revision",
        "device_session",
        "group_activity"
    };

    private DistrictLoadHarness() {}

    public static void main(String[] args) throws Exception {
        int enterprises = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int equipment = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        String url = System.getProperty("bench.postgres");
        if (url == null) {
            throw new IllegalArgumentException("-Dbench.postgres=<jdbc url of an empty PostgreSQL database> is needed");
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        FactsFixture.migrated(ds);
        Summarizer.Period period = Summarizer.defaultPeriod(Clock.systemUTC());
        if (count(ds, "SELECT COUNT(*) FROM point_day") == 0) {
            long t0 = System.nanoTime();
            generate(ds, enterprises, equipment, period);
            System.out.printf("generated in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            exec(ds, "VACUUM ANALYZE");
        }
        // Pooled as the gateway pools the facts store (4 connections): PostgreSQL's SCRAM handshake per connection
        // would otherwise dominate.
        com.zaxxer.hikari.HikariConfig hc = new com.zaxxer.hikari.HikariConfig();
        hc.setDataSource(ds);
        hc.setMaximumPoolSize(4);
        hc.setMinimumIdle(1);
        com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(hc);
        run(pool, enterprises, equipment, runs, period);
        pool.close();
    }

    private static void run(DataSource ds, int enterprises, int equipment, int runs, Summarizer.Period period)
            throws Exception {
        for (String t : TABLES) {
            System.out.printf(
                    "%s: %,d rows, %,d bytes%n",
                    t, count(ds, "SELECT COUNT(*) FROM " + t), count(ds, "SELECT pg_total_relation_size('" + t + "')"));
        }
        System.out.printf("database: %,d bytes%n", count(ds, "SELECT pg_database_size(current_database())"));

        ProfileLoader profiles = ProfileLoader.shippedOnly();
        District district = district(enterprises);
        Map<String, Inventory> inventories = new LinkedHashMap<>();
        for (District.EnterpriseEntry e : district.enterprises()) {
            inventories.put(e.code(), inventory(e.code(), equipment));
        }
        String cacheKind = System.getProperty("bench.summary_cache", "off");

        // 1. Full summarizer passes from an empty table.
        double[] pass = new double[Integer.getInteger("bench.passes", 1)];
        for (int i = 0; i < pass.length; i++) {
            exec(ds, "DELETE FROM enterprise_summary");
            Enterprises es = enterprises(ds, district, inventories, profiles);
            FactsCache cache = cacheKind.equals("off") ? FactsCache.off() : new FactsCache(Integer.parseInt(cacheKind));
            Summarizer s = new Summarizer(ds, es, profiles.defaultProfile(), Clock.systemUTC(), cache);
            long t = System.nanoTime();
            s.summarizeAll();
            pass[i] = (System.nanoTime() - t) / 1e6;
            System.out.printf("summarizer pass %d (cache %s): %.1f s%n", i + 1, cacheKind, pass[i] / 1e3);
        }
        if (pass.length > 0) {
            print("summarizer full pass, " + enterprises + " enterprises (s)", pass, 1e3);
        }

        // 2. The programme view through HTTP over persisted summaries; 3. one enterprise's 30-day report.
        HttpClient http = HttpClient.newHttpClient();
        String code = district.enterprises().get(enterprises / 2).code();
        Instant from = period.from().atStartOfDay(ZONE).toInstant();
        Instant to = period.to().plusDays(1).atStartOfDay(ZONE).toInstant();
        String report = "/api/v1/indicators?enterprise=" + code + "&scope=pilot&from=" + from + "&to=" + to;
        double[] cold = new double[runs];
        double[] cached = new double[runs];
        double[] reportCold = new double[runs];
        double[] reportCached = new double[runs];
        for (int i = 0; i < runs; i++) {
            Enterprises es = enterprises(ds, district, inventories, profiles);
            Summarizer s = new Summarizer(ds, es, profiles.defaultProfile(), Clock.systemUTC(), FactsCache.off());
            long t = System.nanoTime();
            s.load();
            PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            ApiServer api = ApiServer.start(
                    new HttpConfig("127.0.0.1", 0, ADMIN), es, profiles, prometheus, new SimpleMeterRegistry(), null);
            api.attachSummaries(s);
            double load = (System.nanoTime() - t) / 1e6;
            try {
                String base = "http://127.0.0.1:" + api.port();
                String body = get(http, base + "/api/v1/enterprises");
                cold[i] = lastMs + load;
                if (!body.contains("\"count\":" + enterprises) || body.contains("\"stale\":true")) {
                    throw new IllegalStateException("the programme view is not " + enterprises + " fresh summaries: "
                            + body.substring(0, Math.min(400, body.length())));
                }
                get(http, base + "/api/v1/enterprises");
                cached[i] = lastMs;
                get(http, base + report);
                reportCold[i] = lastMs;
                get(http, base + report);
                reportCached[i] = lastMs;
                System.out.printf(
                        "run %d: programme view cold %.0f ms (of which loading summaries and starting the server %.0f"
                                + " ms), cached %.0f ms (%,d bytes); report of %s cold %.0f ms, cached %.0f ms%n",
                        i + 1, cold[i], load, cached[i], body.length(), code, reportCold[i], reportCached[i]);
            } finally {
                api.close();
            }
        }
        if (runs == 0) {
            return;
        }
        print("programme view cold (ms)", cold, 1);
        print("programme view cached (ms)", cached, 1);
        print("one enterprise's 30-day report cold (ms)", reportCold, 1);
        print("one enterprise's 30-day report cached (ms)", reportCached, 1);
    }

    private static double lastMs;

    private static String get(HttpClient http, String url) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + ADMIN)
                .GET()
                .build();
        long t = System.nanoTime();
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        lastMs = (System.nanoTime() - t) / 1e6;
        if (res.statusCode() != 200) {
            throw new IllegalStateException(url + ": HTTP " + res.statusCode() + " " + res.body());
        }
        return res.body();
    }

    private static void print(String label, double[] values, double unit) {
        double[] v = values.clone();
        Arrays.sort(v);
        System.out.printf(
                "%s: median %.2f, min %.2f, max %.2f (%d runs)%n",
                label, v[v.length / 2] / unit, v[0] / unit, v[v.length - 1] / unit, v.length);
    }

    private static Enterprises enterprises(
            DataSource ds, District district, Map<String, Inventory> inventories, ProfileLoader profiles) {
        FactsCache cache = new FactsCache(FactsCache.DEFAULT_ENTRIES);
        Function<Inventory, IndicatorService> services =
                inv -> new IndicatorService(ds, inv, profiles, Clock.systemUTC()).withCache(cache);
        return Enterprises.of(district, inventories, services);
    }

    static District district(int n) {
        List<District.EnterpriseEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            entries.add(new District.EnterpriseEntry(
                    code(i),
                    "Enterprise " + i,
                    "molding",
                    "C" + (i % 5),
                    "P1",
                    LocalDate.of(2026, 1, 1),
                    null,
                    District.Status.ACTIVE,
                    null));
        }
        List<District.Contractor> contractors = new ArrayList<>();
        for (int c = 0; c < 5; c++) {
            contractors.add(new District.Contractor("C" + c, "Contractor " + c));
        }
        return new District(
                List.of(new District.Programme("P1", "Bench programme")),
                List.of(new District.Industry("molding", "Injection molding")),
                contractors,
                entries,
                List.of());
    }

    static String code(int i) {
        return String.format("E%04d", i);
    }

    static Inventory inventory(String code, int n) {
        return IndicatorLoadHarness.inventory(
                new Enterprise(code, code, ZONE.getId()), n, 5, DistrictLoadHarness::device);
    }

    private static String device(int i) {
        return String.format("IMM-%03d", i);
    }

    /** Running 00:00-04:00 and 05:00-09:00 UTC (08:00-12:00 and 13:00-17:00 in Shanghai), idle otherwise. */
    private static boolean running(int hourOfDay) {
        return hourOfDay < 4 || (hourOfDay >= 5 && hourOfDay < 9);
    }

    private static void generate(DataSource ds, int enterprises, int equipment, Summarizer.Period period)
            throws Exception {
        String template = code(0);
        FactsFixture facts = FactsFixture.migrated(ds).group(template);
        Instant firstDay =
                period.from().minusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        int days = (int) Duration.between(
                        firstDay,
                        period.to().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant())
                .toDays();
        Instant lastDay = firstDay.plus(Duration.ofDays(days - 1));
        for (int i = 0; i < equipment; i++) {
            String d = device(i);
            facts.session("edge-01", d, firstDay.minus(Duration.ofDays(1)), null, false);
            List<PointRow> hourRows = new ArrayList<>();
            List<PointRow> dayRows = new ArrayList<>();
            List<Object[]> deviceHour = new ArrayList<>();
            List<Object[]> deviceDay = new ArrayList<>();
            List<Object[]> stateHour = new ArrayList<>();
            List<Object[]> stateDay = new ArrayList<>();
            List<Object[]> runs = new ArrayList<>();
            List<Object[]> revisions = new ArrayList<>();
            for (int day = 0; day < days; day++) {
                Instant dayStart = firstDay.plus(Duration.ofDays(day));
                boolean cut = dayStart.equals(firstDay) || dayStart.equals(lastDay);
                for (String p : POINTS) {
                    dayRows.add(row(d, p, dayStart, 8 * 60, 16 * 60));
                    if (cut) {
                        for (int h = 0; h < 24; h++) {
                            boolean run = running(h);
                            hourRows.add(row(d, p, dayStart.plus(Duration.ofHours(h)), run ? 60 : 0, run ? 0 : 60));
                        }
                    }
                }
                deviceDay.add(new Object[] {d, dayStart, 24L * 246 * 60, 0L});
                stateDay.add(new Object[] {d, "production_status", dayStart, 4.0, 8L * 3_600_000});
                stateDay.add(new Object[] {d, "production_status", dayStart, 2.0, 16L * 3_600_000});
                if (cut) {
                    for (int h = 0; h < 24; h++) {
                        Instant hour = dayStart.plus(Duration.ofHours(h));
                        deviceHour.add(new Object[] {d, hour, 246L * 60, 0L});
                        stateHour.add(new Object[] {d, "production_status", hour, running(h) ? 4.0 : 2.0, 3_600_000L});
                    }
                }
                for (String c : new String[] {"shot_count", "reject_count"}) {
                    runs.add(new Object[] {
                        d, c, dayStart.plus(Duration.ofHours(4)), dayStart.plus(Duration.ofHours(5)), 1.0, false
                    });
                    runs.add(new Object[] {
                        d, c, dayStart.plus(Duration.ofHours(9)), dayStart.plus(Duration.ofHours(24)), 1.0, false
                    });
                }
                revisions.add(new Object[] {d, dayStart, 1L});
            }
            facts.insertPoints("point_hour", hourRows)
                    .insertPoints("point_day", dayRows)
                    .insert("device_hour", "device_id, bucket, reads_ok, reads_failed", deviceHour)
                    .insert("device_day", "device_id, bucket, reads_ok, reads_failed", deviceDay)
                    .insert("point_state_hour", "device_id, point_id, bucket, state_value, millis", stateHour)
                    .insert("point_state_day", "device_id, point_id, bucket, state_value, millis", stateDay)
                    .insert(
                            "point_static_run",
                            "device_id, point_id, started_at, ended_at, static_value, is_open",
                            runs)
                    .insert("fact_revision", "device_id, bucket, revision", revisions);
        }
        facts.activity(lastDay.plus(Duration.ofHours(23)));
        try (Connection c = ds.getConnection()) {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            for (String table : TABLES) {
                List<String> columns = new ArrayList<>();
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT column_name FROM information_schema.columns WHERE"
                                + " table_name = '" + table + "' AND column_name NOT IN ('group_id', 'id')"
                                + " ORDER BY ordinal_position")) {
                    while (rs.next()) {
                        columns.add(rs.getString(1));
                    }
                }
                String cols = String.join(", ", columns);
                java.io.StringWriter out = new java.io.StringWriter();
                copy.copyOut(
                        "COPY (SELECT " + cols + " FROM " + table + " WHERE group_id = '" + template + "') TO STDOUT",
                        out);
                String[] lines = out.toString().split("\n");
                for (int g = 1; g < enterprises; g++) {
                    StringBuilder in = new StringBuilder(out.getBuffer().length() + lines.length * 8);
                    String prefix = code(g) + "\t";
                    for (String line : lines) {
                        in.append(prefix).append(line).append('\n');
                    }
                    copy.copyIn(
                            "COPY " + table + " (group_id, " + cols + ") FROM STDIN", new StringReader(in.toString()));
                }
                System.out.printf("%s copied to %d groups%n", table, enterprises - 1);
            }
        }
    }

    /** A day or hour rollup of one point: {@code runMinutes} running and {@code idleMinutes} idle. */
    private static PointRow row(String d, String p, Instant bucket, int runMinutes, int idleMinutes) {
        int minutes = runMinutes + idleMinutes;
        long perMinute = p.equals("energy_kwh") ? 6 : 60;
        long n = perMinute * minutes;
        long[] lat = new long[16];
        lat[5] = n;
        Double increase =
                switch (p) {
                    case "shot_count" -> 4.0 * runMinutes;
                    case "reject_count" -> 0.1 * runMinutes;
                    case "energy_kwh" -> 0.5 * runMinutes + 0.05 * idleMinutes;
                    default -> null;
                };
        Double min = p.equals("mold_temp") ? 195.0 : null;
        Double max = p.equals("mold_temp") ? 205.0 : null;
        return new PointRow(d, p, bucket, n, n, 0, 0, 0, min, max, increase, lat);
    }

    private static long count(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void exec(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
