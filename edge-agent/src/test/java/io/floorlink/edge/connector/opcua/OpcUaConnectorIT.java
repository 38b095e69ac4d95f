package io.floorlink.edge.connector.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.edge.config.Reconnect;
import io.floorlink.edge.connector.DeviceSink;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig.Device;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig.Point;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig.PointMode;
import io.floorlink.edge.point.PointSample;
import io.floorlink.edge.point.PointSpec;
import io.floorlink.sim.opcua.SewingLineOptions;
import io.floorlink.sim.opcua.SewingLineSimulator;
import io.floorlink.sparkplug.Category;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.Quality;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The connector against the sewing-line simulator (a real Milo OPC UA server on 127.0.0.1, free port). */
class OpcUaConnectorIT {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private SewingLineSimulator sim;
    private OpcUaConnector connector;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RecordingSink sink = new RecordingSink();

    @BeforeEach
    void startSimulator() throws Exception {
        sim = SewingLineSimulator.start(
                SewingLineOptions.defaults().withStations(3).withTick(Duration.ofMillis(100)));
    }

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.close();
        }
        sim.close();
    }

    private static Point point(String id, String node, Category category, Duration interval, DataType type) {
        return new Point(id, node, category, interval, null, null, null, type, null, null);
    }

    /** RunState, StitchCount and MotorSpeed of each station, types left to the server. */
    private List<Device> stations() {
        List<Device> devices = new ArrayList<>();
        for (String station : sim.stationIds()) {
            devices.add(new Device(
                    station,
                    List.of(
                            point("run_state", sim.nodeId(station, "RunState"), Category.STATE, ms(200), null),
                            point("stitch_count", sim.nodeId(station, "StitchCount"), Category.COUNTER, ms(200), null),
                            point("motor_speed", sim.nodeId(station, "MotorSpeed"), Category.PROCESS, ms(200), null))));
        }
        return devices;
    }

    private OpcUaConnector start(List<Device> devices) {
        OpcUaConnectorConfig config = new OpcUaConnectorConfig(
                "sewing-line-1",
                URI.create(sim.endpointUrl()),
                null,
                Duration.ofSeconds(3),
                new Reconnect(ms(200), ms(1000)),
                devices);
        connector = new OpcUaConnector(config, registry);
        connector.start(sink);
        return connector;
    }

    private static Duration ms(long ms) {
        return Duration.ofMillis(ms);
    }

    private double meter(String name, String... tags) {
        var search = registry.find(name).tag("connector", "sewing-line-1");
        for (int i = 0; i + 1 < tags.length; i += 2) {
            search = search.tag(tags[i], tags[i + 1]);
        }
        var counter = search.functionCounter();
        return counter != null ? counter.count() : search.gauge().value();
    }

    @Test
    void allStationsComeUpWithResolvedTypesAndTimestampedValues() {
        Instant begin = Instant.now();
        start(stations());

        await().atMost(WAIT).until(() -> sink.upCount() == 3);
        assertThat(connector.deviceIds()).containsExactly("SEW-01", "SEW-02", "SEW-03");
        for (String station : sim.stationIds()) {
            Map<String, DataType> types =
                    sink.lastBirth(station).stream().collect(Collectors.toMap(PointSpec::id, PointSpec::type));
            assertThat(types)
                    .containsEntry("run_state", DataType.INT32)
                    .containsEntry("stitch_count", DataType.UINT32)
                    .containsEntry("motor_speed", DataType.DOUBLE);
            assertThat(sink.lastBirth(station))
                    .allSatisfy(s -> assertThat(s.interval()).isEqualTo(ms(200)));
        }

        await().atMost(WAIT).until(() -> sim.stationIds().stream()
                .allMatch(st ->
                        sink.samples(s -> s.deviceId().equals(st) && s.pointId().equals("stitch_count"))
                                        .size()
                                >= 3));
        for (PointSample s : sink.samples(s -> true)) {
            assertThat(s.quality()).isEqualTo(Quality.GOOD);
            switch (s.pointId()) {
                case "run_state" -> assertThat(s.value()).isInstanceOf(Integer.class);
                case "stitch_count" -> assertThat(s.value()).isInstanceOf(Long.class);
                default -> assertThat(s.value()).isInstanceOf(Double.class);
            }
            // The server's source timestamp is kept: earlier than (or equal to) our receive time, not made up.
            assertThat(s.sourceTime())
                    .isBetween(begin.minusSeconds(5), s.readTime().plusMillis(50));
        }
        List<Long> stitches =
                sink.samples(s -> s.deviceId().equals("SEW-01") && s.pointId().equals("stitch_count")).stream()
                        .map(s -> (Long) s.value())
                        .toList();
        assertThat(stitches).isSortedAccordingTo(Long::compare);

        assertThat(sink.readsOk("SEW-01")).isGreaterThanOrEqualTo(3);
        assertThat(sink.readsFailed("SEW-01")).isZero();
        assertThat(meter("floorlink.edge.opcua.session.active")).isEqualTo(1.0);
        assertThat(meter("floorlink.edge.opcua.devices.up")).isEqualTo(3.0);
        assertThat(meter("floorlink.edge.opcua.notifications")).isGreaterThan(9.0);
        assertThat(meter("floorlink.edge.opcua.reads", "outcome", "ok")).isGreaterThan(9.0);
        assertThat(sink.downs).isEmpty();
    }

    @Test
    void everySamplingIntervalOfALiveSubscriptionCountsAsOneRead() throws Exception {
        // FaultCode stays 0 while a station is healthy: no data change, yet the server samples it every interval.
        List<Device> devices = new ArrayList<>();
        for (String station : sim.stationIds()) {
            devices.add(new Device(
                    station,
                    List.of(
                            point("fault_code", sim.nodeId(station, "FaultCode"), Category.ALARM, ms(250), null),
                            point("pieces", sim.nodeId(station, "Pieces"), Category.COUNTER, ms(500), null))));
        }
        start(devices);
        await().atMost(WAIT).until(() -> sink.upCount() == 3);
        Thread.sleep(1_500);
        long okBefore = sink.readsOk("SEW-03");
        Instant t0 = Instant.now();
        Thread.sleep(4_000);
        long ok = sink.readsOk("SEW-03") - okBefore;
        double seconds = Duration.between(t0, Instant.now()).toMillis() / 1000.0;
        // 4 reads/s of fault_code + 2 reads/s of pieces; the ledger settles once a second, so allow one settle of
        // slack.
        double expected = seconds * (4 + 2);
        assertThat((double) ok).isCloseTo(expected, org.assertj.core.data.Offset.offset(7.0));
        assertThat(sink.readsFailed("SEW-03")).isZero();

        sim.setStationPower("SEW-03", false);
        await().atMost(WAIT).until(() -> sink.downs.stream().anyMatch(d -> d.startsWith("SEW-03")));
        long failedBefore = sink.readsFailed("SEW-03");
        Thread.sleep(3_000);
        assertThat(sink.readsFailed("SEW-03") - failedBefore)
                .as("a dead station's sampling intervals are failed reads")
                .isBetween(11L, 25L);
    }

    @Test
    void poweredOffStationGoesDownAndComesBackUp() {
        start(stations());
        await().atMost(WAIT).until(() -> sink.upCount() == 3);

        sim.setStationPower("SEW-02", false);
        Instant off = Instant.now();
        await().atMost(Duration.ofSeconds(5)).until(() -> sink.downs.contains("SEW-02:no_communication"));
        assertThat(Duration.between(off, Instant.now())).isLessThan(Duration.ofSeconds(5));
        assertThat(sink.downs).containsExactly("SEW-02:no_communication");
        // Sampling intervals under a Bad status are settled as failed reads at least once a second.
        await().atMost(Duration.ofSeconds(3)).until(() -> sink.readsFailed("SEW-02") > 0);
        assertThat(sink.samples(s -> s.deviceId().equals("SEW-02") && s.quality() == Quality.BAD))
                .isNotEmpty()
                .allSatisfy(s -> assertThat(s.value()).isNull());
        assertThat(meter("floorlink.edge.opcua.devices.up")).isEqualTo(2.0);

        long failedBefore = sink.readsFailed("SEW-01");
        sim.setStationPower("SEW-02", true);
        await().atMost(Duration.ofSeconds(5)).until(() -> sink.ups("SEW-02") == 2);
        assertThat(sink.readsFailed("SEW-01")).isEqualTo(failedBefore);
        Instant on = Instant.now();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !sink.samples(s -> s.deviceId().equals("SEW-02")
                                && s.quality() == Quality.GOOD
                                && s.readTime().isAfter(on))
                        .isEmpty());
    }

    @Test
    void serverDownAtStartIsRetriedUntilItComesUp() throws Exception {
        sim.stopServer();
        start(stations());

        await().atMost(WAIT).until(() -> meter("floorlink.edge.opcua.connects", "outcome", "failed") >= 3);
        assertThat(sink.upCount()).isZero();
        assertThat(meter("floorlink.edge.opcua.session.active")).isZero();

        sim.startServer();
        await().atMost(WAIT).until(() -> sink.upCount() == 3);
        await().atMost(WAIT)
                .until(() -> sink.samples(s -> s.deviceId().equals("SEW-03")).size() >= 3);
        assertThat(meter("floorlink.edge.opcua.connects", "outcome", "ok")).isEqualTo(1.0);
    }

    @Test
    void serverRestartBringsAllDevicesDownThenUpAndDataFlowsAgain() {
        start(stations());
        await().atMost(WAIT).until(() -> sink.upCount() == 3);

        sim.stopServer();
        await().atMost(WAIT).until(() -> sink.downs.size() == 3);
        assertThat(sink.downs)
                .containsExactlyInAnyOrder("SEW-01:session_lost", "SEW-02:session_lost", "SEW-03:session_lost");
        assertThat(meter("floorlink.edge.opcua.devices.up")).isZero();

        sim.startServer();
        Instant restarted = Instant.now();
        await().atMost(WAIT).until(() -> sim.stationIds().stream().allMatch(st -> sink.ups(st) == 2));
        await().atMost(WAIT).until(() -> sim.stationIds().stream()
                .allMatch(st -> sink.samples(s -> s.deviceId().equals(st)
                                        && s.pointId().equals("stitch_count")
                                        && s.readTime().isAfter(restarted))
                                .size()
                        >= 2));
        assertThat(meter("floorlink.edge.opcua.sessions.lost")).isEqualTo(1.0);
        assertThat(meter("floorlink.edge.opcua.session.active")).isEqualTo(1.0);
    }

    @Test
    void unknownNodeGivesBadQualityForThatPointOnly() {
        String missing = "ns=" + sim.namespaceIndex() + ";s=Line1.SEW-01.NoSuchVariable";
        start(List.of(new Device(
                "SEW-01",
                List.of(
                        point("run_state", sim.nodeId("SEW-01", "RunState"), Category.STATE, ms(200), null),
                        point("ghost", missing, Category.PROCESS, ms(300), null),
                        point("stitch_count", sim.nodeId("SEW-01", "StitchCount"), Category.COUNTER, ms(200), null)))));

        await().atMost(WAIT).until(() -> sink.upCount() == 1);
        assertThat(sink.lastBirth("SEW-01"))
                .extracting(PointSpec::id)
                .containsExactly("run_state", "ghost", "stitch_count");
        await().atMost(WAIT)
                .until(() -> sink.samples(s -> s.pointId().equals("ghost")).size() >= 3);

        assertThat(sink.samples(s -> s.pointId().equals("ghost"))).allSatisfy(s -> {
            assertThat(s.quality()).isEqualTo(Quality.BAD);
            assertThat(s.value()).isNull();
        });
        assertThat(sink.samples(s -> s.pointId().equals("stitch_count")))
                .isNotEmpty()
                .allSatisfy(s -> assertThat(s.quality()).isEqualTo(Quality.GOOD));
        assertThat(sink.readsFailed("SEW-01")).isGreaterThanOrEqualTo(3);
        assertThat(sink.readsOk("SEW-01")).isGreaterThanOrEqualTo(2);
        assertThat(sink.downs).isEmpty();
        // The server refused the monitored item, so the point fell back to polling.
        assertThat(meter("floorlink.edge.opcua.points.polled")).isEqualTo(1.0);
        assertThat(meter("floorlink.edge.opcua.reads", "outcome", "failed")).isGreaterThanOrEqualTo(3.0);
    }

    @Test
    void pollModePointDeliversAtItsInterval() throws Exception {
        start(List.of(new Device(
                "SEW-01",
                List.of(new Point(
                        "motor_speed",
                        sim.nodeId("SEW-01", "MotorSpeed"),
                        Category.PROCESS,
                        ms(300),
                        "rpm",
                        0.0,
                        6000.0,
                        null,
                        null,
                        PointMode.POLL)))));
        await().atMost(WAIT).until(() -> sink.upCount() == 1);
        PointSpec spec = sink.lastBirth("SEW-01").get(0);
        assertThat(spec.type()).isEqualTo(DataType.DOUBLE);
        assertThat(spec.unit()).isEqualTo("rpm");
        assertThat(spec.engHigh()).isEqualTo(6000.0);

        int before = sink.samples(s -> true).size();
        Thread.sleep(3000);
        List<PointSample> window = sink.samples(s -> true);
        int polled = window.size() - before;
        // 3 s at 300 ms: about 10 reads, every one delivered even when the value did not change.
        assertThat(polled).isBetween(7, 12);
        List<PointSample> last = window.subList(window.size() - 6, window.size());
        for (int i = 1; i < last.size(); i++) {
            long gap = Duration.between(last.get(i - 1).readTime(), last.get(i).readTime())
                    .toMillis();
            assertThat(gap).isBetween(150L, 450L);
        }
        assertThat(meter("floorlink.edge.opcua.poll.requests")).isGreaterThanOrEqualTo(polled);
        assertThat(meter("floorlink.edge.opcua.notifications")).isZero();
    }

    /** Our own DeviceSink (the edge node's side of the contract) recording what the connector tells it. */
    static final class RecordingSink implements DeviceSink {
        final List<String> downs = new CopyOnWriteArrayList<>();
        private final List<String> upEvents = new CopyOnWriteArrayList<>();
        private final Map<String, List<PointSpec>> births = new ConcurrentHashMap<>();
        private final List<PointSample> samples = new CopyOnWriteArrayList<>();
        private final Map<String, AtomicLong> ok = new ConcurrentHashMap<>();
        private final Map<String, AtomicLong> failed = new ConcurrentHashMap<>();

        @Override
        public void deviceUp(String deviceId, List<PointSpec> points) {
            births.put(deviceId, List.copyOf(points));
            upEvents.add(deviceId);
        }

        @Override
        public void deviceDown(String deviceId, String reason) {
            downs.add(deviceId + ":" + reason);
        }

        @Override
        public void samples(List<PointSample> batch) {
            samples.addAll(batch);
        }

        @Override
        public void reads(String deviceId, long okReads, long failedReads) {
            ok.computeIfAbsent(deviceId, k -> new AtomicLong()).addAndGet(okReads);
            failed.computeIfAbsent(deviceId, k -> new AtomicLong()).addAndGet(failedReads);
        }

        long upCount() {
            return upEvents.size();
        }

        long ups(String deviceId) {
            return upEvents.stream().filter(deviceId::equals).count();
        }

        List<PointSpec> lastBirth(String deviceId) {
            return births.get(deviceId);
        }

        List<PointSample> samples(Predicate<PointSample> filter) {
            return samples.stream().filter(filter).toList();
        }

        long readsOk(String deviceId) {
            AtomicLong v = ok.get(deviceId);
            return v == null ? 0 : v.get();
        }

        long readsFailed(String deviceId) {
            AtomicLong v = failed.get(deviceId);
            return v == null ? 0 : v.get();
        }
    }
}
