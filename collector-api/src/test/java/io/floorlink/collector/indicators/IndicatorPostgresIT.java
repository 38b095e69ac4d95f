package io.floorlink.collector.indicators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floorlink.collector.inventory.Enterprise;
import io.floorlink.collector.inventory.Equipment;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.Line;
import io.floorlink.collector.inventory.PointRequirement;
import io.floorlink.collector.inventory.Site;
import io.floorlink.collector.inventory.Workshop;
import io.floorlink.sparkplug.Category;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The facts store contract on PostgreSQL: the facts queries on a real PostgreSQL (the production store), in a throw-away schema migrated with the
 * gateway's Flyway scripts. Runs when {@code FLOORLINK_IT_POSTGRES_URL} is set
 * ({@code jdbc:postgresql://host:port/db?user=..&password=..}); skipped otherwise.
 */
class IndicatorPostgresIT {
    private static final String URL = System.getenv("FLOORLINK_IT_POSTGRES_URL");
    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final Instant T1 = T0.plus(Duration.ofHours(1));

    private PGSimpleDataSource ds;
    private String schema;

    @BeforeEach
    void setUp() throws SQLException {
        assumeTrue(URL != null && !URL.isBlank(), "FLOORLINK_IT_POSTGRES_URL is not set: no PostgreSQL to test on");
        schema = "collector_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        PGSimpleDataSource admin = new PGSimpleDataSource();
        admin.setURL(URL);
        try (Connection c = admin.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        ds = new PGSimpleDataSource();
        ds.setURL(URL);
        ds.setCurrentSchema(schema);
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (ds != null) {
            try (Connection c = ds.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    /** One line of sewing machines, each with a state point sampled every second. */
    private static Inventory sewingLine(String... ids) {
        return Inventory.of(
                new Enterprise("ENT001", null, null),
                List.of(new Site("S1", null, List.of(new Workshop("W1", null, List.of(new Line("L1", null)))))),
                java.util.Arrays.stream(ids)
                        .map(id -> new Equipment(
                                id,
                                "L1",
                                true,
                                true,
                                false,
                                List.of(new PointRequirement("run_state", Category.STATE, Duration.ofSeconds(1)))))
                        .toList());
    }

    @Test
    void indicatorsOnPostgresMatchTheKnownFacts() {
        FactsFixture facts = FactsFixture.migrated(ds);
        facts.session("SEW-01", T0.plus(Duration.ofMinutes(3)), T0.plus(Duration.ofMinutes(30)))
                .session("SEW-01", T0.plus(Duration.ofMinutes(20)), T0.plus(Duration.ofMinutes(57)))
                .session("SEW-02", T0.plus(Duration.ofMinutes(30)), null);
        for (int m = 0; m < 60; m++) {
            Instant bucket = T0.plus(Duration.ofMinutes(m));
            facts.pointMinute("SEW-01", "run_state", bucket, 60).deviceMinute("SEW-01", bucket, 60, 1);
        }
        IndicatorService service = new IndicatorService(
                ds,
                sewingLine("SEW-01", "SEW-02"),
                Thresholds.defaults(),
                Clock.fixed(T1.plusSeconds(60), ZoneOffset.UTC));

        IndicatorReport r = service.compute("pilot", T0, T1);

        EquipmentIndicators sew1 = r.equipment().get(0);
        assertThat(sew1.onlineRatio().value()).isCloseTo(0.9, within(1e-6));
        assertThat(sew1.pointCoverage().value()).isEqualTo(1.0);
        assertThat(sew1.completeness().value()).isCloseTo(1.0, within(1e-9));
        assertThat(sew1.networked().value()).isTrue();
        assertThat(r.equipment().get(1).onlineRatio().value()).isCloseTo(0.5, within(1e-9));
        assertThat(r.indicators().get("networking_rate").value()).isCloseTo(0.5, within(1e-9));

        EquipmentIndicators edge = service.equipment("SEW-01", T0.plusSeconds(30), T0.plusSeconds(90));
        assertThat(edge.evidence().readsOk()).isCloseTo(60, within(1e-9));
    }

    /**
     * Reports on one pooled connection (as the collector's store pool hands them out): the driver turns statements
     * used five times into server-prepared ones, the figures stay the same, and the reads' planner settings
     * ({@code SET LOCAL}: index nested loops, custom plans) end with their transaction, so the gateway's writes on
     * that connection plan as before.
     */
    @Test
    void reportsOnOnePooledConnectionLeaveItAsTheyFoundIt() throws SQLException {
        FactsFixture facts = FactsFixture.migrated(ds);
        facts.session("SEW-01", T0, null);
        for (int m = 0; m < 60; m++) {
            Instant bucket = T0.plus(Duration.ofMinutes(m));
            facts.pointMinute("SEW-01", "run_state", bucket, 60).deviceMinute("SEW-01", bucket, m < 54 ? 60 : 0, 0);
        }
        com.zaxxer.hikari.HikariConfig hc = new com.zaxxer.hikari.HikariConfig();
        hc.setDataSource(ds);
        hc.setMaximumPoolSize(1);
        try (com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(hc)) {
            IndicatorService service = new IndicatorService(
                            pool,
                            sewingLine("SEW-01"),
                            Thresholds.defaults(),
                            Clock.fixed(T1.plusSeconds(60), ZoneOffset.UTC))
                    .withCache(FactsCache.off());
            for (int i = 0; i < 8; i++) {
                assertThat(service.compute("pilot", T0, T1)
                                .equipment()
                                .get(0)
                                .completeness()
                                .value())
                        .as("report %d on the same connection", i)
                        .isCloseTo(0.9, within(1e-9));
            }
            try (Connection c = pool.getConnection();
                    Statement st = c.createStatement()) {
                for (String[] setting : new String[][] {
                    {"plan_cache_mode", "auto"}, {"enable_hashjoin", "on"}, {"enable_mergejoin", "on"}
                }) {
                    try (java.sql.ResultSet rs = st.executeQuery("SHOW " + setting[0])) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).as(setting[0]).isEqualTo(setting[1]);
                    }
                }
                assertThat(c.getAutoCommit()).isTrue();
            }
        }
    }

    /** The same golden month as {@code GoldenMonthTest}: every indicator and rollup level on PostgreSQL. */
    @Test
    void goldenMonthOnPostgresMatchesTheTruth() {
        FactsFixture facts = FactsFixture.migrated(ds);
        GoldenMonth month = new GoldenMonth();
        month.write(facts);
        month.verifyUnalignedAndCalendar(month.service(ds));
    }

    /** The golden month's unaligned window and shift calendar read from day profiles built on PostgreSQL. */
    @Test
    void goldenMonthFromDayProfilesOnPostgresMatchesTheTruth() {
        FactsFixture facts = FactsFixture.migrated(ds);
        GoldenMonth month = new GoldenMonth();
        month.write(facts);
        org.assertj.core.api.Assertions.assertThat(month.buildProfiles(facts)).isPositive();
        month.verifyUnalignedAndCalendar(month.service(ds).withCache(FactsCache.off()));
    }
}
