package io.floorlink.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.broker.EmbeddedBroker;
import io.floorlink.collector.indicators.EquipmentIndicators;
import io.floorlink.collector.indicators.IndicatorReport;
import io.floorlink.collector.indicators.IndicatorService;
import io.floorlink.collector.indicators.Thresholds;
import io.floorlink.collector.inventory.Enterprise;
import io.floorlink.collector.inventory.Equipment;
import io.floorlink.collector.inventory.Inventory;
import io.floorlink.collector.inventory.Line;
import io.floorlink.collector.inventory.Site;
import io.floorlink.collector.inventory.Workshop;
import io.floorlink.edge.EdgeAgent;
import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.gateway.AuthConfig;
import io.floorlink.gateway.BrokerConfig;
import io.floorlink.gateway.Gateway;
import io.floorlink.gateway.GatewayConfig;
import io.floorlink.sim.modbus.MoldingMachine;
import io.floorlink.sim.modbus.MoldingMachineSimulator;
import io.floorlink.sim.net.TcpProxy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edge buffer too small for an uplink outage: four Modbus TCP molding machines with 100 read-sequence registers
 * each (every read returns the register's next value) are polled every second by an in-process edge agent whose
 * buffer has {@code max_size: 1MB}, through a cuttable uplink to an embedded HiveMQ CE broker and the gateway with its
 * H2 facts store. The uplink is cut long enough for the buffer to overflow (drop_oldest), then restored. The facts
 * then hold, per machine, {@code platform_gap} rows of cause {@code edge_buffer_loss} inside the outage whose events
 * add up to the records the edge agent counted as dropped ({@code floorlink.edge.buffer.dropped}), and every value
 * outside those spans is in the facts exactly once, up to the last read served.
 */
@Tag("soak")
class EdgeBufferLossIT {
    private static final int MACHINES = 4;
    private static final int POINTS = MoldingMachine.READ_SEQUENCE_REGISTERS;
    private static final Duration UPLINK_OUTAGE = Duration.ofSeconds(90);
    private static final String HOST_ID = "floorlink-buffer-loss";

    @TempDir
    Path dir;

    private MoldingMachineSimulator plant;
    private EmbeddedBroker broker;
    private TcpProxy uplink;
    private Gateway gateway;
    private EdgeAgent edge;
    private final SimpleMeterRegistry edgeMeters = new SimpleMeterRegistry();

    @AfterEach
    void stopAll() throws Exception {
        JavaProcess.closeAll(edge, gateway, uplink, broker, plant);
    }

    private record Gap(String device, Instant from, Instant to, long events, String detail) {}

    @Test
    void anOverflowDuringAnUplinkOutageIsAnEdgeBufferLossGapWithTheDroppedCountAndEverythingElseArrivesExactlyOnce()
            throws Exception {
        plant = MoldingMachineSimulator.start(MoldingMachineSimulator.Options.local(MACHINES));
        BrokerConfig brokerConfig = BrokerConfig.embedded("127.0.0.1", 0, dir.resolve("broker"));
        broker = EmbeddedBroker.start(brokerConfig, AuthConfig.anonymousOnLoopback());
        uplink = new TcpProxy(broker.port());
        gateway = Gateway.start(
                GatewayConfig.defaults(dir.resolve("gateway"))
                        .withBroker(BrokerConfig.external(broker.url(), null, null))
                        .withHostId(HOST_ID)
                        .withFlushInterval(Duration.ofSeconds(1)),
                new SimpleMeterRegistry());
        Path edgeYaml = Files.writeString(dir.resolve("edge.yaml"), edgeYaml());
        edge = EdgeAgent.start(EdgeConfig.load(edgeYaml), edgeMeters);

        awaitFlowing(Duration.ofSeconds(90));
        Thread.sleep(10_000);
        assertThat(dropped()).as("nothing dropped before the outage").isZero();

        Instant cutAt = Instant.now();
        uplink.cut();
        Thread.sleep(UPLINK_OUTAGE.toMillis());
        uplink.restore();
        Instant restoredAt = Instant.now();
        assertThat(dropped()).as("the buffer overflowed during the outage").isPositive();
        awaitFlowing(Duration.ofSeconds(90));
        Thread.sleep(10_000);

        for (String id : plant.machineIds()) {
            plant.setStationPower(id, false);
        }
        long droppedTotal = dropped();
        Map<String, Long> truth = truth();
        await("every loss record and every kept value in the facts")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> {
                    gateway.flush();
                    return gapEvents() == droppedTotal && missingAfterGaps(truth) == 0;
                });

        List<Gap> gaps = gaps();
        assertThat(gaps).extracting(Gap::device).containsAll(plant.machineIds());
        for (Gap g : gaps) {
            assertThat(g.from())
                    .as("gap %s starts inside the outage (cut %s, restored %s)", g, cutAt, restoredAt)
                    .isAfterOrEqualTo(cutAt.minusSeconds(5));
            assertThat(g.to())
                    .as("gap %s ends inside the outage (cut %s, restored %s)", g, cutAt, restoredAt)
                    .isBefore(restoredAt);
            assertThat(g.from()).isBefore(g.to());
            assertThat(g.events()).isPositive();
            assertThat(g.detail()).isEqualTo("edge buffer overflow: " + g.events() + " records dropped");
        }
        assertThat(gaps.stream().mapToLong(Gap::events).sum())
                .as("the gaps count every record the edge agent dropped, once (floorlink.edge.buffer.dropped)")
                .isEqualTo(droppedTotal);

        // Outside the gaps nothing is missing and nothing is twice: values may be missing only in the minutes a
        // gap of the machine touches, and at most as many as the gaps count.
        List<String> problems = new ArrayList<>();
        long lost = 0;
        try (Connection c = gateway.dataSource().getConnection()) {
            for (String machine : plant.machineIds()) {
                List<Gap> own =
                        gaps.stream().filter(g -> g.device().equals(machine)).toList();
                for (int i = 0; i < POINTS; i++) {
                    String point = PlantYaml.pointId(i);
                    lost += SequenceFacts.check(
                            machine + "." + point,
                            SequenceFacts.minutes(c, machine, point),
                            truth.get(machine + "." + point),
                            minute -> touches(own, minute),
                            problems);
                }
            }
        }
        assertThat(problems)
                .as("exactly-once violations outside the gaps (cut %s, restored %s, gaps %s)", cutAt, restoredAt, gaps)
                .isEmpty();
        assertThat(lost)
                .as("values missing in the gaps' minutes: dropped (with the dropped health records)")
                .isPositive()
                .isLessThanOrEqualTo(droppedTotal);

        // What the reviewer reads over the outage: the machines ran all along, so the lost span is "not known", not
        // offline (a read cycle between the last dropped record and the first kept one may still count as offline).
        Instant from = cutAt;
        Instant to = restoredAt;
        IndicatorService indicators = new IndicatorService(
                gateway.dataSource(),
                Inventory.of(
                        new Enterprise("ENT001", "Molding", null),
                        List.of(new Site(
                                "S1", "Plant", List.of(new Workshop("W1", "Molding", List.of(new Line("L1", null)))))),
                        plant.machineIds().stream()
                                .map(id -> new Equipment(id, "L1", true, true, false, List.of()))
                                .toList()),
                Thresholds.defaults(),
                Clock.systemUTC());
        IndicatorReport report = indicators.compute("pilot", from, to);
        assertThat(report.dataTrust().status()).isEqualTo(IndicatorReport.TRUST_FLAGGED);
        for (EquipmentIndicators e : report.equipment()) {
            double raw = e.onlineRatio().numerator().doubleValue() / e.scheduledSeconds();
            assertThat(e.dataTrust())
                    .as("%s flags its buffer loss", e.id())
                    .anyMatch(f -> f.cause().equals("edge_buffer_loss") && f.events() > 0);
            assertThat(e.notKnownSeconds())
                    .as("%s: the lost span is not known", e.id())
                    .isPositive();
            assertThat(e.onlineRatio().value())
                    .as(
                            "%s ran all along: online ratio over the known time (raw over |S|: %s); W %s..%s; gaps %s;"
                                    + " sessions %s",
                            e.id(),
                            raw,
                            from,
                            to,
                            e.dataTrust(),
                            indicators.equipment(e.id(), from, to).evidence().sessions())
                    .isGreaterThanOrEqualTo(0.9)
                    .isGreaterThan(raw);
        }
    }

    /**
     * Whether a gap of the machine overlaps the minute starting at {@code minute}; the gap is taken one read interval
     * longer, as the first value after it may fall into the next minute.
     */
    private static boolean touches(List<Gap> gaps, Instant minute) {
        Instant end = minute.plus(1, ChronoUnit.MINUTES);
        for (Gap g : gaps) {
            if (g.from().isBefore(end) && !g.to().plusSeconds(2).isBefore(minute)) {
                return true;
            }
        }
        return false;
    }

    private long dropped() {
        return Math.round(edgeMeters.find("floorlink.edge.buffer.dropped").counters().stream()
                .mapToDouble(Counter::count)
                .sum());
    }

    private List<Gap> gaps() throws Exception {
        List<Gap> out = new ArrayList<>();
        try (Connection c = gateway.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT device_id, gap_from, gap_to, events, detail,"
                                + " group_id, edge_node_id FROM platform_gap WHERE cause = 'edge_buffer_loss' ORDER BY gap_from");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                assertThat(rs.getString(6)).isEqualTo("ENT001");
                assertThat(rs.getString(7)).isEqualTo("edge-01");
                out.add(new Gap(
                        rs.getString(1),
                        rs.getObject(2, OffsetDateTime.class).toInstant(),
                        rs.getObject(3, OffsetDateTime.class).toInstant(),
                        rs.getLong(4),
                        rs.getString(5)));
            }
        }
        return out;
    }

    private long gapEvents() throws Exception {
        return gaps().stream().mapToLong(Gap::events).sum();
    }

    /** Values served but not in the facts, in the minutes after the last gap of each machine. */
    private long missingAfterGaps(Map<String, Long> truth) throws Exception {
        long missing = 0;
        try (Connection c = gateway.dataSource().getConnection()) {
            for (String machine : plant.machineIds()) {
                for (int i = 0; i < POINTS; i++) {
                    String point = PlantYaml.pointId(i);
                    TreeMap<Instant, long[]> minutes = SequenceFacts.minutes(c, machine, point);
                    long last = minutes.isEmpty() ? 0 : minutes.lastEntry().getValue()[2];
                    missing += Math.max(0, truth.get(machine + "." + point) - last);
                }
            }
        }
        return missing;
    }

    private Map<String, Long> truth() {
        Map<String, Long> served = new TreeMap<>();
        for (String machine : plant.machineIds()) {
            for (int i = 0; i < POINTS; i++) {
                served.put(machine + "." + PlantYaml.pointId(i), (long)
                        plant.endpoint(machine).machine().readsServed(MoldingMachine.READ_SEQUENCE + i));
            }
        }
        return served;
    }

    /** Waits until fresh live values of every machine arrive in the facts. */
    private void awaitFlowing(Duration atMost) {
        Instant since = Instant.now();
        await("fresh samples from every machine")
                .atMost(atMost)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    gateway.flush();
                    try (Connection c = gateway.dataSource().getConnection();
                            PreparedStatement ps = c.prepareStatement("SELECT COUNT(DISTINCT device_id) FROM"
                                    + " point_minute WHERE last_ts > ? AND historical < samples")) {
                        ps.setObject(1, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            return rs.getInt(1) == MACHINES;
                        }
                    }
                });
    }

    private String edgeYaml() {
        return "edge: { group: ENT001, node: edge-01 }\n"
                + "uplink:\n"
                + "  url: tcp://127.0.0.1:" + uplink.port() + "\n"
                + "  primary_host: " + HOST_ID + "\n"
                + "  reconnect: { initial_delay: 500ms, max_delay: 5s }\n"
                + PlantYaml.edgeBufferHttpAndConnectors(dir.resolve("edge-buffer.db"), "1MB", plant, POINTS);
    }
}
