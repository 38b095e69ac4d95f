package io.floorlink.gateway;

import static org.assertj.core.api.Assumptions.assumeThat;

/** The PostgreSQL variants of the store tests: they run only when CI provides a database. */
final class PostgresIt {
    /** Environment variable with the JDBC URL of the test database. */
    static final String ENV = "FLOORLINK_IT_POSTGRES_URL";

    private PostgresIt() {}

    /** The JDBC URL from {@link #ENV}; skips the calling test (assumption) when it is not set. */
    static String urlOrSkip() {
        String url = System.getenv(ENV);
        assumeThat(url)
                .as("PostgreSQL variant skipped: set " + ENV
                        + " (e.g. jdbc:postgresql://127.0.0.1:5432/floorlink?user=..&password=..)")
                .isNotBlank();
        return url;
    }
}
