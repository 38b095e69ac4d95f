package io.floorlink.gateway.facts;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.UUID;

/**
 * Facts stores for tests: a new in-memory H2 database in PostgreSQL mode (the settings the gateway runs H2 with), or
 * the PostgreSQL that {@code .ci/run} starts, named by {@value #POSTGRES_ENV}.
 */
public final class TestStores {
    /** Environment variable with the JDBC URL of the test PostgreSQL database. */
    public static final String POSTGRES_ENV = "FLOORLINK_IT_POSTGRES_URL";
    /** The store name {@link #open} resolves to {@value #POSTGRES_ENV}. */
    public static final String POSTGRESQL = "postgresql";

    private TestStores() {}

    /** A JDBC URL of a new in-memory H2 database, kept until the JVM exits; {@code prefix} names it in errors. */
    public static String h2Memory(String prefix) {
        return "jdbc:h2:mem:" + prefix + "-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
    }

    /**
     * Opens {@code store}: an H2 URL as it is, or {@value #POSTGRESQL}, which skips the calling test (an assumption,
     * saying {@code what} is skipped) when {@value #POSTGRES_ENV} is not set.
     */
    public static FactsStore open(String store, String what) {
        if (store.equals(POSTGRESQL)) {
            String url = System.getenv(POSTGRES_ENV);
            assumeThat(url)
                    .as(what + " skipped on PostgreSQL: set " + POSTGRES_ENV
                            + " (e.g. jdbc:postgresql://127.0.0.1:5432/floorlink?user=..&password=..)")
                    .isNotBlank();
            return FactsStore.open(url, null, null);
        }
        return FactsStore.open(store, "sa", null);
    }
}
