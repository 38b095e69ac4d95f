package io.floorlink.collector.district;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floorlink.collector.indicators.FactsFixture;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The golden district on PostgreSQL, the production store: every check of {@link GoldenDistrictTest} (each
 * enterprise's report, evaluation and programme row the same in the district as alone, the scripted 设备联网率, the
 * programme view's counts and totals), each store a throw-away schema migrated with the gateway's Flyway scripts.
 * Runs when {@code FLOORLINK_IT_POSTGRES_URL} is set ({@code jdbc:postgresql://host:port/db?user=..&password=..});
 * skipped otherwise.
 */
class GoldenDistrictPostgresIT extends GoldenDistrictTest {
    private static final String URL = System.getenv("FLOORLINK_IT_POSTGRES_URL");

    private final List<String> schemas = new ArrayList<>();

    @Override
    FactsFixture newStore() {
        assumeTrue(URL != null && !URL.isBlank(), "FLOORLINK_IT_POSTGRES_URL is not set: no PostgreSQL to test on");
        String schema = "golden_district_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(URL);
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create schema " + schema, e);
        }
        schemas.add(schema);
        ds.setCurrentSchema(schema);
        return FactsFixture.migrated(ds);
    }

    @AfterAll
    void dropSchemas() throws SQLException {
        if (schemas.isEmpty()) {
            return;
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(URL);
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            for (String schema : schemas) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
