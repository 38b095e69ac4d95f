package io.floorlink.gateway;

import static io.floorlink.gateway.TestEdge.point;
import static io.floorlink.gateway.TestEdge.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.MessageType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, PostgreSQL lost four times while data flows (only when FLOORLINK_IT_POSTGRES_URL is set): in one test
 * every other backend of the gateway's user is ended by {@code pg_terminate_backend}; in the other the server is
 * restarted ({@code pg_ctl restart -m fast}, by the command in FLOORLINK_IT_POSTGRES_RESTART, which .ci/run sets). The writer reconnects and retries; the facts equal what was sent, and every outage the
 * writer saw (a failed commit) is a store_unreachable platform gap.
 */
class PostgresOutageFaultIT {
    private static final String PG_ENV = "FLOORLINK_IT_POSTGRES_URL";
    private static final String RESTART_ENV = "FLOORLINK_IT_POSTGRES_RESTART";

    @TempDir
    Path dir;

    /** Ends the gateway's connections once; returns how many it ended (0 when none was there). */
    @FunctionalInterface
    private interface Outage {
        int cause(String url) throws Exception;
    }

    @Test
    @DisplayName("PostgreSQL connections terminated during ingest: the writer reconnects and nothing is lost")
    void terminatedConnectionsAreReconnectedAndNothingIsLost() throws Exception {
        ingestThrough(url -> {
            try (Connection killer = DriverManager.getConnection(url)) {
                return terminateOthers(killer);
            }
        });
    }

    @Test
    @DisplayName("PostgreSQL restarted during ingest: the writer reconnects and nothing is lost")
    void aServerRestartedDuringIngestLosesNothing() throws Exception {
        String script = System.getenv(RESTART_ENV);
        assumeThat(script)
                .as("PostgreSQL restart test skipped: set " + RESTART_ENV
                        + " to a command that restarts the server (.ci/run does)")
                .isNotBlank();
        ingestThrough(url -> {
            Process p = new ProcessBuilder(script).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as("restart: " + out).isZero();
            return 1;
        });
    }

    private void ingestThrough(Outage outage) throws Exception {
        String url = System.getenv(PG_ENV);
        assumeThat(url)
                .as("PostgreSQL outage test skipped: set " + PG_ENV
                        + " (e.g. jdbc:postgresql://127.0.0.1:5432/floorlink?user=..&password=..)")
                .isNotBlank();
        GatewayConfig cfg = GatewayConfig.defaults(dir)
                .withAuth(AuthConfig.anonymousOnLoopback())
                .withBrokerPort(0)
                .withHostId("outage-" + UUID.randomUUID().toString().substring(0, 8))
                .withFlushInterval(Duration.ofMillis(100))
                .withStore(new StoreConfig(url, null, null));
        String device = "PGOUT-" + UUID.randomUUID().toString().substring(0, 8);
        long t0 = System.currentTimeMillis() / 60_000 * 60_000;
        int sent = 0;
        int terminated = 0;
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        java.time.Instant began = java.time.Instant.now();
        try (Gateway gw = Gateway.start(cfg, registry);
                TestEdge edge = new TestEdge(gw.mqttUrl(), "PGOUT", "edge-" + device, 0)) {
            edge.connect();
            edge.nbirth(t0);
            edge.device(
                    MessageType.DBIRTH,
                    device,
                    t0,
                    List.of(point("speed", DataType.DOUBLE, null, "process", null, null)
                            .setIsNull(true)));
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < 25; i++) {
                    edge.device(
                            MessageType.DDATA, device, t0, List.of(sample("speed", DataType.DOUBLE, 1.0, t0 + sent)));
                    sent++;
                    Thread.sleep(10);
                }
                terminated += outage.cause(url);
            }
            assertThat(terminated).as("the pool's connections were ended").isPositive();
            int expected = sent;
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                gw.flush();
                assertThat(Db.count(
                                gw.dataSource(),
                                "SELECT COALESCE(SUM(samples), 0) FROM point_minute WHERE device_id = ?",
                                device))
                        .isEqualTo(expected);
            });
            assertThat(Db.count(
                            gw.dataSource(),
                            "SELECT COUNT(*) FROM edge_session WHERE edge_node_id = ?",
                            "edge-" + device))
                    .isEqualTo(1);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(gw.health().status()).isEqualTo(GatewayHealth.UP));
            // the pool may replace a terminated connection before the writer uses it: only failed commits are gaps
            double failed =
                    registry.get("floorlink.gateway.flush.errors").counter().count();
            gw.flush();
            List<java.util.Map<String, Object>> gaps = Db.rows(
                    gw.dataSource(),
                    "SELECT device_id, gap_from, gap_to FROM platform_gap WHERE host_id = ?"
                            + " AND cause = 'store_unreachable'",
                    cfg.hostId());
            if (failed > 0) {
                assertThat(gaps).isNotEmpty().allSatisfy(g -> {
                    assertThat(g.get("device_id")).isNull();
                    assertThat((java.time.Instant) g.get("gap_from")).isAfterOrEqualTo(began);
                    assertThat((java.time.Instant) g.get("gap_to"))
                            .isAfterOrEqualTo((java.time.Instant) g.get("gap_from"));
                });
            } else {
                assertThat(gaps).isEmpty();
            }
        }
    }

    private static int terminateOthers(Connection killer) throws Exception {
        int n = 0;
        try (Statement st = killer.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                + " WHERE datname = current_database() AND usename = current_user AND pid <> pg_backend_pid()")) {
            while (rs.next()) {
                if (rs.getBoolean(1)) {
                    n++;
                }
            }
        }
        return n;
    }
}
