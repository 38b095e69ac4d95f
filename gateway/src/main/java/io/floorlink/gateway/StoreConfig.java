package io.floorlink.gateway;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;

/**
 * The facts store: an H2 file database in PostgreSQL mode or a PostgreSQL database, migrated at start.
 *
 * @param url JDBC URL, {@code jdbc:h2:...} or {@code jdbc:postgresql://...}, never null
 * @param username database user, nullable
 * @param password database password or {@code ${ENV}} reference, nullable; never logged
 */
public record StoreConfig(
        @JsonProperty("url") String url,
        @JsonProperty("username") String username,
        @JsonProperty("password") String password) {

    public StoreConfig {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("store.url is required (jdbc:h2:... or jdbc:postgresql://...)");
        }
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(
                    "store.url must start with jdbc:h2: or jdbc:postgresql: but was " + safeUrl(url));
        }
    }

    /** An H2 file database {@code <dir>/facts.mv.db} in PostgreSQL mode. */
    public static StoreConfig h2File(Path dir) {
        return new StoreConfig(
                "jdbc:h2:file:" + dir.toAbsolutePath().resolve("facts")
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
                "sa",
                null);
    }

    /** The URL without parameters ({@code ;...} or {@code ?...}), which may carry credentials: safe to log. */
    public static String safeUrl(String url) {
        return io.floorlink.gateway.facts.FactsStore.safeUrl(url);
    }

    public boolean isPostgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    @Override
    public String toString() {
        return "StoreConfig[url=" + safeUrl(url) + ", username=" + username + ", password="
                + (password == null ? "null" : "***") + "]";
    }
}
