package io.floorlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.floorlink.gateway.facts.DeviceAgg;
import io.floorlink.gateway.facts.FactsBatch;
import io.floorlink.gateway.facts.FactsStore;
import io.floorlink.gateway.facts.Keys;
import io.floorlink.gateway.facts.PointAgg;
import io.floorlink.gateway.facts.PointDeclaration;
import io.floorlink.gateway.facts.SessionOp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The facts store contract on every supported database: H2 (PostgreSQL mode) always, PostgreSQL when
 * FLOORLINK_IT_POSTGRES_URL is set. Device ids are unique per run so a shared PostgreSQL database may be reused.
 */
class FactsStoreContractIT {
    private static final String PG_ENV = "FLOORLINK_IT_POSTGRES_URL";
    private static final Instant MINUTE = Instant.parse("2026-04-01T10:15:00Z");

    static Stream<String> stores() {
        return Stream.of(
                "jdbc:h2:mem:contract-" + UUID.randomUUID()
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
                "postgresql");
    }

    private static FactsStore open(String store) {
        if (store.equals("postgresql")) {
            String url = System.getenv(PG_ENV);
            assumeThat(url)
                    .as("PostgreSQL contract skipped: set " + PG_ENV
                            + " (e.g. jdbc:postgresql://127.0.0.1:5432/floorlink?user=..&password=..)")
                    .isNotBlank();
            return FactsStore.open(url, null, null);
        }
        return FactsStore.open(store, "sa", null);
    }

    private static PointAgg agg(long t0, double... values) {
        PointAgg a = new PointAgg();
        for (int i = 0; i < values.length; i++) {
            a.addSample(0, false);
            a.addValue(values[i], t0 + i * 1000L);
            a.addLatency(40 + i);
        }
        return a;
    }

    private static FactsBatch batch(String device, PointAgg point, long readsOk) {
        Map<Keys.PointKey, PointAgg> points = new HashMap<>();
        points.put(new Keys.PointKey(device, "temp", MINUTE.toEpochMilli()), point);
        Map<Keys.DeviceKey, DeviceAgg> devices = new HashMap<>();
        DeviceAgg d = new DeviceAgg();
        d.addReadsOk(readsOk);
        devices.put(new Keys.DeviceKey(device, MINUTE.toEpochMilli()), d);
        return new FactsBatch(List.of(), List.of(), points, devices);
    }

    @ParameterizedTest
    @MethodSource("stores")
    void migrationsApplyAndMergesOfTheSameRowAddUp(String store) throws Exception {
        String device = "DEV-" + UUID.randomUUID();
        try (FactsStore facts = open(store)) {
            assertThat(Db.count(facts.dataSource(), "SELECT COUNT(*) FROM flyway_schema_history WHERE success"))
                    .isGreaterThanOrEqualTo(2);
            long t = MINUTE.toEpochMilli();
            facts.write(batch(device, agg(t + 10_000, 5.0, 7.0), 10), "contract", System.currentTimeMillis());
            facts.write(batch(device, agg(t + 1_000, 9.0, 1.0, 3.0), 4), "contract", System.currentTimeMillis());

            Map<String, Object> r = Db.one(
                    facts.dataSource(),
                    "SELECT samples, good, value_count, value_min, value_max, value_sum, value_last, last_ts,"
                            + " latency_count, latency_sum_ms, latency_min_ms, latency_max_ms, lat_b04"
                            + " FROM point_minute WHERE device_id = ? AND point_id = 'temp' AND bucket = ?",
                    device,
                    MINUTE);
            assertThat(((Number) r.get("samples")).longValue()).isEqualTo(5);
            assertThat(((Number) r.get("good")).longValue()).isEqualTo(5);
            assertThat(((Number) r.get("value_count")).longValue()).isEqualTo(5);
            assertThat(r.get("value_min")).isEqualTo(1.0);
            assertThat(r.get("value_max")).isEqualTo(9.0);
            assertThat(r.get("value_sum")).isEqualTo(25.0);
            // last by time: 7.0 at +11 s beats the second flush's latest, 3.0 at +3 s
            assertThat(r.get("value_last")).isEqualTo(7.0);
            assertThat(r.get("last_ts")).isEqualTo(MINUTE.plusSeconds(11));
            assertThat(((Number) r.get("latency_count")).longValue()).isEqualTo(5);
            assertThat(((Number) r.get("latency_sum_ms")).longValue()).isEqualTo(40 + 41 + 40 + 41 + 42);
            assertThat(((Number) r.get("latency_min_ms")).longValue()).isEqualTo(40);
            assertThat(((Number) r.get("latency_max_ms")).longValue()).isEqualTo(42);
            assertThat(((Number) r.get("lat_b04")).longValue())
                    .as("25 < latency <= 50 ms")
                    .isEqualTo(5);

            assertThat(((Number) Db.one(
                                            facts.dataSource(),
                                            "SELECT reads_ok FROM device_minute WHERE device_id = ?",
                                            device)
                                    .get("reads_ok"))
                            .longValue())
                    .isEqualTo(14);
            assertThat(((Number) Db.one(facts.dataSource(), "SELECT samples FROM point_day WHERE device_id = ?", device)
                                    .get("samples"))
                            .longValue())
                    .isEqualTo(5);
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void rowsWithoutValuesKeepTheStoredMinMax(String store) throws Exception {
        String device = "DEV-" + UUID.randomUUID();
        try (FactsStore facts = open(store)) {
            facts.write(batch(device, agg(MINUTE.toEpochMilli(), 4.0), 0), "contract", System.currentTimeMillis());
            PointAgg noValue = new PointAgg();
            noValue.addSample(2, true);
            facts.write(batch(device, noValue, 0), "contract", System.currentTimeMillis());
            Map<String, Object> r = Db.one(
                    facts.dataSource(),
                    "SELECT samples, bad, historical, value_min, value_max, value_last, latency_min_ms"
                            + " FROM point_minute WHERE device_id = ?",
                    device);
            assertThat(((Number) r.get("samples")).longValue()).isEqualTo(2);
            assertThat(((Number) r.get("bad")).longValue()).isEqualTo(1);
            assertThat(((Number) r.get("historical")).longValue()).isEqualTo(1);
            assertThat(r.get("value_min")).isEqualTo(4.0);
            assertThat(r.get("value_max")).isEqualTo(4.0);
            assertThat(r.get("value_last")).isEqualTo(4.0);
            assertThat(((Number) r.get("latency_min_ms")).longValue()).isEqualTo(40);
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void sessionsAndDeclarationsAreWrittenInOrderAndLeftOpenOnesClosedAtRestart(String store) throws Exception {
        String node = "edge-" + UUID.randomUUID();
        String device = "DEV-" + UUID.randomUUID();
        long t = MINUTE.toEpochMilli();
        try (FactsStore facts = open(store)) {
            facts.write(
                    new FactsBatch(
                            List.of(
                                    new SessionOp.OpenEdge("ENT1", node, 1L, t),
                                    new SessionOp.OpenDevice("ENT1", node, device, t, false),
                                    new SessionOp.CloseDevice("ENT1", node, device, t + 5_000, "edge_reported"),
                                    new SessionOp.OpenDevice("ENT1", node, device, t + 9_000, true)),
                            List.of(new PointDeclaration(
                                    "ENT1", node, device, "temp", 10, "process", "degC", 1000L, 0.0, 80.0, t)),
                            Map.of(),
                            Map.of()),
                    "contract-" + node,
                    t + 20_000);
            assertThat(Db.rows(
                            facts.dataSource(),
                            "SELECT end_reason, historical FROM device_session WHERE device_id = ? ORDER BY"
                                    + " connected_at",
                            device))
                    .hasSize(2)
                    .first()
                    .isEqualTo(Map.of("end_reason", "edge_reported", "historical", false));
            assertThat(Db.one(
                            facts.dataSource(),
                            "SELECT category, eng_high FROM point_declaration WHERE device_id = ?",
                            device))
                    .isEqualTo(Map.of("category", "process", "eng_high", 80.0));

            facts.closeLeftOpenSessions("contract-" + node, Instant.now());
            Map<String, Object> open = Db.one(
                    facts.dataSource(),
                    "SELECT disconnected_at, end_reason FROM device_session WHERE device_id = ? AND historical",
                    device);
            assertThat(open.get("end_reason")).isEqualTo("platform_restart");
            assertThat(open.get("disconnected_at")).isEqualTo(Instant.ofEpochMilli(t + 20_000));
            assertThat(Db.one(facts.dataSource(), "SELECT end_reason FROM edge_session WHERE edge_node_id = ?", node)
                            .get("end_reason"))
                    .isEqualTo("platform_restart");
        }
    }
}
