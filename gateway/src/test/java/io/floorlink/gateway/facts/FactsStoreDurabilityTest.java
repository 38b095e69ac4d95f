package io.floorlink.gateway.facts;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Receipts name committed facts, so an H2 file store must have them on disk when the commit returns. */
class FactsStoreDurabilityTest {

    @TempDir
    Path dir;

    @Test
    void anH2FileStoreWritesEveryCommitBeforeItReturns() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("facts") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        try (FactsStore store = FactsStore.open(url, "sa", null);
                Connection c = store.dataSource().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT setting_value FROM information_schema.settings WHERE setting_name = 'WRITE_DELAY'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("0");
        }
    }

    /**
     * H2 closes its databases in a JVM shutdown hook of its own unless told not to; that hook runs beside the
     * collector's (SIGTERM, Ctrl-C), which still writes the final flush: the store closes the database itself.
     */
    @Test
    void h2DoesNotCloseTheStoreInItsOwnShutdownHook(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("facts") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        try (FactsStore store = FactsStore.open(url, "sa", null)) {
            assertThat(((HikariDataSource) store.dataSource()).getJdbcUrl()).contains(";DB_CLOSE_ON_EXIT=FALSE");
        }
    }

    @Test
    void anExplicitWriteDelayAndOtherStoresAreLeftAsConfigured() {
        assertThat(FactsStore.durable("jdbc:h2:file:/x/facts;WRITE_DELAY=100"))
                .isEqualTo("jdbc:h2:file:/x/facts;WRITE_DELAY=100;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(FactsStore.durable("jdbc:h2:mem:t")).isEqualTo("jdbc:h2:mem:t");
        assertThat(FactsStore.durable("jdbc:h2:tcp://127.0.0.1:9092/mem:t"))
                .isEqualTo("jdbc:h2:tcp://127.0.0.1:9092/mem:t;WRITE_DELAY=0");
        assertThat(FactsStore.durable("jdbc:postgresql://127.0.0.1/f")).isEqualTo("jdbc:postgresql://127.0.0.1/f");
        assertThat(FactsStore.durable("jdbc:h2:file:/x/facts"))
                .isEqualTo("jdbc:h2:file:/x/facts;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        assertThat(FactsStore.durable("jdbc:h2:file:/x/facts;AUTO_SERVER=TRUE"))
                .isEqualTo("jdbc:h2:file:/x/facts;AUTO_SERVER=TRUE;WRITE_DELAY=0");
        assertThat(FactsStore.durable("jdbc:h2:file:/x/facts;db_close_on_exit=true"))
                .isEqualTo("jdbc:h2:file:/x/facts;db_close_on_exit=true;WRITE_DELAY=0");
    }
}
