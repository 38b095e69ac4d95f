package io.floorlink.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.gateway.facts.DeviceAgg;
import io.floorlink.gateway.facts.EdgeReceipt;
import io.floorlink.gateway.facts.FactsBatch;
import io.floorlink.gateway.facts.FactsStore;
import io.floorlink.gateway.facts.Keys;
import io.floorlink.gateway.facts.PointAgg;
import io.floorlink.gateway.facts.PointDeclaration;
import io.floorlink.gateway.facts.RidRanges;
import io.floorlink.gateway.facts.SessionOp;
import io.floorlink.gateway.facts.StaticRun;
import io.floorlink.gateway.facts.TestStores;
import java.time.Duration;
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
    private static final String GROUP = "ENT001";
    private static final Instant MINUTE = Instant.parse("2026-04-01T10:15:00Z");

    static Stream<String> stores() {
        return Stream.of(TestStores.h2Memory("contract"), TestStores.POSTGRESQL);
    }

    private static FactsStore open(String store) {
        return TestStores.open(store, "the facts store contract");
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
        points.put(new Keys.PointKey(GROUP, device, "temp", MINUTE.toEpochMilli()), point);
        Map<Keys.DeviceKey, DeviceAgg> devices = new HashMap<>();
        DeviceAgg d = new DeviceAgg();
        d.addReadsOk(readsOk);
        devices.put(new Keys.DeviceKey(GROUP, device, MINUTE.toEpochMilli()), d);
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

    /**
     * One batch with three minutes of a point in one hour and a fourth in the next: each minute row is its own, the
     * hour rows and the day row add them up (a rollup fed by one minute shares its aggregate, one fed by several is
     * a new sum: no minute row may change by it).
     */
    @ParameterizedTest
    @MethodSource("stores")
    void minutesOfOneBatchAddUpInTheirHourAndDayAndStayApart(String store) throws Exception {
        String device = "DEV-" + UUID.randomUUID();
        try (FactsStore facts = open(store)) {
            long t = MINUTE.toEpochMilli();
            Map<Keys.PointKey, PointAgg> points = new HashMap<>();
            long[] minutes = {t, t + 60_000, t + 120_000, t + 3_600_000};
            for (int i = 0; i < minutes.length; i++) {
                double[] values = new double[i + 1];
                java.util.Arrays.fill(values, 10.0 * (i + 1));
                points.put(new Keys.PointKey(GROUP, device, "temp", minutes[i]), agg(minutes[i], values));
            }
            facts.write(new FactsBatch(List.of(), List.of(), points, Map.of()), "contract", System.currentTimeMillis());

            for (int i = 0; i < minutes.length; i++) {
                Map<String, Object> m = Db.one(
                        facts.dataSource(),
                        "SELECT samples, value_sum FROM point_minute WHERE device_id = ? AND bucket = ?",
                        device,
                        Instant.ofEpochMilli(minutes[i]));
                assertThat(((Number) m.get("samples")).longValue()).isEqualTo(i + 1);
                assertThat(m.get("value_sum")).isEqualTo(10.0 * (i + 1) * (i + 1));
            }
            Map<String, Object> hour = Db.one(
                    facts.dataSource(),
                    "SELECT samples, value_sum, value_min, value_max FROM point_hour WHERE device_id = ? AND bucket = ?",
                    device,
                    Instant.parse("2026-04-01T10:00:00Z"));
            assertThat(((Number) hour.get("samples")).longValue()).isEqualTo(1 + 2 + 3);
            assertThat(hour.get("value_sum")).isEqualTo(10.0 + 40.0 + 90.0);
            assertThat(hour.get("value_min")).isEqualTo(10.0);
            assertThat(hour.get("value_max")).isEqualTo(30.0);
            Map<String, Object> next = Db.one(
                    facts.dataSource(),
                    "SELECT samples, value_sum FROM point_hour WHERE device_id = ? AND bucket = ?",
                    device,
                    Instant.parse("2026-04-01T11:00:00Z"));
            assertThat(((Number) next.get("samples")).longValue()).isEqualTo(4);
            assertThat(next.get("value_sum")).isEqualTo(160.0);
            Map<String, Object> day =
                    Db.one(facts.dataSource(), "SELECT samples, value_sum FROM point_day WHERE device_id = ?", device);
            assertThat(((Number) day.get("samples")).longValue()).isEqualTo(10);
            assertThat(day.get("value_sum")).isEqualTo(300.0);
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void everyWriteToADaysRollupsRaisesThatDaysRevisionOnce(String store) throws Exception {
        String device = "DEV-" + UUID.randomUUID();
        String other = "DEV-" + UUID.randomUUID();
        try (FactsStore facts = open(store)) {
            long t = MINUTE.toEpochMilli();
            Instant day = MINUTE.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
            String sql = "SELECT revision FROM fact_revision WHERE device_id = ? AND bucket = ?";
            // points and reads of one minute: one (device, day), raised once per transaction
            facts.write(batch(device, agg(t, 1.0), 3), "contract", System.currentTimeMillis());
            assertThat(((Number) Db.one(facts.dataSource(), sql, device, day).get("revision")).longValue())
                    .isEqualTo(1);
            facts.write(batch(device, agg(t + 5_000, 2.0), 3), "contract", System.currentTimeMillis());
            assertThat(((Number) Db.one(facts.dataSource(), sql, device, day).get("revision")).longValue())
                    .isEqualTo(2);

            // a historical state minute two days back raises only that day, and only for its device
            long back = t - 2 * 86_400_000L;
            Map<Keys.StateKey, Long> state =
                    Map.of(new Keys.StateKey(GROUP, other, "mode", Keys.minute(back), 1.0), 60_000L);
            FactsBatch historical =
                    new FactsBatch(List.of(), List.of(), Map.of(), Map.of(), List.of(), state, List.of());
            facts.write(historical, "contract", System.currentTimeMillis());
            assertThat(((Number) Db.one(facts.dataSource(), sql, other, day.minus(Duration.ofDays(2)))
                                    .get("revision"))
                            .longValue())
                    .isEqualTo(1);
            assertThat(Db.count(facts.dataSource(), "SELECT COUNT(*) FROM fact_revision WHERE device_id = ?", other))
                    .isEqualTo(1);
            assertThat(((Number) Db.one(facts.dataSource(), sql, device, day).get("revision")).longValue())
                    .isEqualTo(2);
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

    private static FactsBatch utilisation(
            String device, double increase, Map<Keys.StateKey, Long> states, List<StaticRun> runs) {
        PointAgg counter = new PointAgg();
        counter.addSample(0, false);
        counter.addValue(1.0, MINUTE.toEpochMilli());
        counter.addIncrease(increase);
        Map<Keys.PointKey, PointAgg> points = new HashMap<>();
        points.put(new Keys.PointKey(GROUP, device, "count", MINUTE.toEpochMilli()), counter);
        return new FactsBatch(List.of(), List.of(), points, Map.of(), List.of(), states, runs);
    }

    @ParameterizedTest
    @MethodSource("stores")
    void stateTimeAndCounterIncreasesAddUpAndStaticRunsAreUpserted(String store) throws Exception {
        String device = "DEV-" + UUID.randomUUID();
        long t = MINUTE.toEpochMilli();
        try (FactsStore facts = open(store)) {
            facts.write(
                    utilisation(
                            device,
                            4.0,
                            Map.of(
                                    new Keys.StateKey(GROUP, device, "mode", t, 1.0), 20_000L,
                                    new Keys.StateKey(GROUP, device, "mode", t + 60_000, 2.0), 5_000L),
                            List.of(new StaticRun(GROUP, device, "temp", t, t + 70_000, 20.5, true))),
                    "contract",
                    t + 80_000);
            facts.write(
                    utilisation(
                            device,
                            2.5,
                            Map.of(new Keys.StateKey(GROUP, device, "mode", t, 1.0), 15_000L),
                            List.of(
                                    new StaticRun(GROUP, device, "temp", t, t + 90_000, 20.5, false),
                                    new StaticRun(GROUP, device, "temp", t + 200_000, t + 300_000, 21.0, true))),
                    "contract",
                    t + 310_000);

            assertThat(Db.rows(
                            facts.dataSource(),
                            "SELECT bucket, state_value, millis FROM point_state_minute WHERE device_id = ?"
                                    + " ORDER BY bucket",
                            device))
                    .containsExactly(
                            Map.of("bucket", MINUTE, "state_value", 1.0, "millis", 35_000L),
                            Map.of("bucket", MINUTE.plusSeconds(60), "state_value", 2.0, "millis", 5_000L));
            assertThat(Db.rows(
                            facts.dataSource(),
                            "SELECT state_value, millis FROM point_state_day WHERE device_id = ? ORDER BY state_value",
                            device))
                    .containsExactly(
                            Map.of("state_value", 1.0, "millis", 35_000L),
                            Map.of("state_value", 2.0, "millis", 5_000L));
            assertThat(Db.one(facts.dataSource(), "SELECT value_increase FROM point_hour WHERE device_id = ?", device))
                    .isEqualTo(Map.of("value_increase", 6.5));
            assertThat(Db.rows(
                            facts.dataSource(),
                            "SELECT started_at, ended_at, static_value, is_open FROM point_static_run"
                                    + " WHERE device_id = ? ORDER BY started_at",
                            device))
                    .containsExactly(
                            Map.of(
                                    "started_at",
                                    MINUTE,
                                    "ended_at",
                                    MINUTE.plusSeconds(90),
                                    "static_value",
                                    20.5,
                                    "is_open",
                                    false),
                            Map.of(
                                    "started_at",
                                    MINUTE.plusSeconds(200),
                                    "ended_at",
                                    MINUTE.plusSeconds(300),
                                    "static_value",
                                    21.0,
                                    "is_open",
                                    true));

            facts.closeLeftOpenSessions("contract", Instant.now());
            assertThat(Db.count(
                            facts.dataSource(),
                            "SELECT COUNT(*) FROM point_static_run WHERE device_id = ? AND is_open",
                            device))
                    .as("a run left open by a previous run ends at its latest sample")
                    .isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void edgeReceiptsReplaceTheNodesRangesAndLoadBack(String store) throws Exception {
        String node = "edge-" + UUID.randomUUID();
        long t = MINUTE.toEpochMilli();
        try (FactsStore facts = open(store)) {
            facts.write(
                    new FactsBatch(
                            List.of(),
                            List.of(),
                            Map.of(),
                            Map.of(),
                            List.of(new EdgeReceipt(
                                    "ENT1", node, "epoch-1", List.of(new long[] {1, 10}, new long[] {12, 12})))),
                    "contract",
                    t);
            RidRanges first = facts.loadReceipts().get("ENT1/" + node);
            assertThat(first.epoch()).isEqualTo("epoch-1");
            assertThat(first.contains(10)).isTrue();
            assertThat(first.contains(11)).isFalse();
            assertThat(first.contains(12)).isTrue();

            // a new epoch replaces the node's ranges in the same transaction as the facts
            facts.write(
                    new FactsBatch(
                            List.of(),
                            List.of(),
                            Map.of(),
                            Map.of(),
                            List.of(new EdgeReceipt("ENT1", node, "epoch-2", List.of(new long[] {1, 3})))),
                    "contract",
                    t + 1_000);
            assertThat(Db.rows(
                            facts.dataSource(),
                            "SELECT buffer_epoch, rid_from, rid_to FROM edge_receipt WHERE edge_node_id = ?",
                            node))
                    .containsExactly(Map.of("buffer_epoch", "epoch-2", "rid_from", 1L, "rid_to", 3L));
            RidRanges second = facts.loadReceipts().get("ENT1/" + node);
            assertThat(second.epoch()).isEqualTo("epoch-2");
            assertThat(second.contains(3)).isTrue();
            assertThat(second.contains(10)).isFalse();
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void historicalDeviceSessionsAreClosedRowsThatLaterClosesDoNotTouch(String store) throws Exception {
        String node = "edge-" + UUID.randomUUID();
        String device = "DEV-" + UUID.randomUUID();
        long t = MINUTE.toEpochMilli();
        try (FactsStore facts = open(store)) {
            facts.write(
                    new FactsBatch(
                            List.of(
                                    new SessionOp.OpenEdge("ENT1", node, 3L, t + 60_000),
                                    new SessionOp.OpenDevice("ENT1", node, device, t + 60_000, false),
                                    new SessionOp.HistoricalDevice(
                                            "ENT1", node, device, t, t + 30_000, "edge_reported"),
                                    new SessionOp.HistoricalDevice(
                                            "ENT1", node, device, t + 40_000, t + 50_000, "history_end"),
                                    new SessionOp.CloseDevice("ENT1", node, device, t + 90_000, "ddeath")),
                            List.of(),
                            Map.of(),
                            Map.of()),
                    "contract-" + node,
                    t + 100_000);
            assertThat(Db.rows(
                            facts.dataSource(),
                            "SELECT connected_at, disconnected_at, end_reason, historical FROM device_session"
                                    + " WHERE device_id = ? ORDER BY connected_at",
                            device))
                    .containsExactly(
                            Map.of(
                                    "connected_at",
                                    MINUTE,
                                    "disconnected_at",
                                    MINUTE.plusSeconds(30),
                                    "end_reason",
                                    "edge_reported",
                                    "historical",
                                    true),
                            Map.of(
                                    "connected_at",
                                    MINUTE.plusSeconds(40),
                                    "disconnected_at",
                                    MINUTE.plusSeconds(50),
                                    "end_reason",
                                    "history_end",
                                    "historical",
                                    true),
                            Map.of(
                                    "connected_at",
                                    MINUTE.plusSeconds(60),
                                    "disconnected_at",
                                    MINUTE.plusSeconds(90),
                                    "end_reason",
                                    "ddeath",
                                    "historical",
                                    false));
        }
    }
}
