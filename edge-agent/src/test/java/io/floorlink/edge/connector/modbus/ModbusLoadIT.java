package io.floorlink.edge.connector.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.sim.modbus.MoldingMachineSimulator;
import io.floorlink.sim.modbus.WordOrder;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 50 simulated machines polled at 1 s by one agent (one connector each), while 5 more are unreachable: 3 refuse
 * connections, 2 accept TCP but never answer. The healthy machines must miss no cycle, and the 55 connectors share a
 * few threads instead of one each.
 */
class ModbusLoadIT {
    private static final int HEALTHY = 50;
    private static final String POINTS = """
            - { id: machine_mode, address: "holding:0", type: uint16, category: state }
            - { id: production_status, address: "holding:1", type: uint16, category: state }
            - { id: cycle_counter, address: "holding:2", type: uint32, category: counter }
            - { id: good_parts, address: "holding:4", type: uint32, category: quality }
            - { id: bad_parts, address: "holding:6", type: uint32, category: quality }
            - { id: last_cycle_time, address: "holding:8", type: float32, unit: s, category: process }
            - { id: mold_temp_1, address: "holding:10", type: float32, unit: degC, category: process }
            - { id: injection_pressure, address: "holding:18", type: float32, unit: bar, category: process }
            - { id: power, address: "holding:20", type: float32, unit: kW, category: energy }
            - { id: energy, address: "holding:22", type: float64, unit: kWh, category: energy }
            - { id: running, address: "holding:26", type: bool, bit: 0, category: state }
            - { id: name, address: "holding:30", type: string, length: 8, category: state }
            - { id: alarm, address: "coil:1", type: bool, category: alarm }
            - { id: door_closed, address: "discrete:1", type: bool, category: safety }
            """;
    private static final int POINT_COUNT = 14;

    @Test
    void fiftyMachinesAtOneSecondMissNoCycleWhileFiveAreUnreachable() throws Exception {
        List<ServerSocket> silent = new ArrayList<>();
        List<ModbusConnector> connectors = new ArrayList<>();
        RecordingSink sink = new RecordingSink();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (var sim = MoldingMachineSimulator.start(new MoldingMachineSimulator.Options(
                "127.0.0.1", 0, HEALTHY, List.of(WordOrder.values()), 11, Duration.ofMillis(500), null))) {
            for (var e : sim.endpoints()) {
                connectors.add(new ModbusConnector(
                        ModbusConnectorIT.config(e.machine().name(), e.port(), "ABCD", "1s", POINTS), registry));
            }
            for (int i = 0; i < 3; i++) {
                int closedPort;
                try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                    closedPort = s.getLocalPort();
                }
                connectors.add(new ModbusConnector(
                        ModbusConnectorIT.config("GONE-0" + i, closedPort, "ABCD", "1s", POINTS), registry));
            }
            for (int i = 0; i < 2; i++) {
                ServerSocket s = new ServerSocket();
                s.bind(new InetSocketAddress("127.0.0.1", 0), 50);
                silent.add(s);
                connectors.add(new ModbusConnector(
                        ModbusConnectorIT.config("MUTE-0" + i, s.getLocalPort(), "ABCD", "1s", POINTS), registry));
            }
            // the simulator and the Modbus library's shared event loop are up: what the connectors add is theirs
            try (var warm = new ModbusConnector(
                    ModbusConnectorIT.config("WARM", sim.endpoints().get(0).port(), "ABCD", "1s", POINTS), registry)) {
                RecordingSink warmSink = new RecordingSink();
                warm.start(warmSink);
                await().atMost(Duration.ofSeconds(10)).until(() -> warmSink.ok("WARM") > 0);
            }
            java.util.Set<Thread> existing = Thread.getAllStackTraces().keySet();
            connectors.forEach(c -> c.start(sink));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> sim.machineIds().stream().allMatch(id -> sink.ok(id) >= 2L * POINT_COUNT));
            // the simulated machines run in this JVM too: their threads (and the Modbus library's shared event loop,
            // which only their servers use) and the test's own are not the agent's
            java.util.Map<String, Long> addedByKind = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !existing.contains(t))
                    .filter(t -> !t.getName().startsWith("floorlink-sim-")
                            && !t.getName().startsWith("modbus-netty-event-loop")
                            && !t.getName().startsWith("awaitility"))
                    .collect(java.util.stream.Collectors.groupingBy(
                            t -> t.getName().replaceAll("[0-9]+", "N"),
                            java.util.TreeMap::new,
                            java.util.stream.Collectors.counting()));
            long threadsAdded =
                    addedByKind.values().stream().mapToLong(Long::longValue).sum();

            long[] before = sim.machineIds().stream().mapToLong(sink::ok).toArray();
            long t0 = System.nanoTime();
            Thread.sleep(10_000);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long[] after = sim.machineIds().stream().mapToLong(sink::ok).toArray();

            LongSummaryStatistics cycles = new LongSummaryStatistics();
            for (int i = 0; i < before.length; i++) {
                long reads = after[i] - before[i];
                assertThat(reads % POINT_COUNT)
                        .as("whole cycles of " + sim.machineIds().get(i))
                        .isZero();
                cycles.accept(reads / POINT_COUNT);
            }
            long healthyFailed =
                    sim.machineIds().stream().mapToLong(sink::failed).sum();
            double skipped = registry.find("floorlink.edge.modbus.cycles.skipped").functionCounters().stream()
                    .mapToDouble(f -> f.count())
                    .sum();
            Timer cycle = registry.find("floorlink.edge.modbus.cycle.duration").timers().stream()
                    .reduce((a, b) -> a.max(TimeUnit.MILLISECONDS) >= b.max(TimeUnit.MILLISECONDS) ? a : b)
                    .orElseThrow();
            double meanMs = registry.find("floorlink.edge.modbus.cycle.duration").timers().stream()
                            .mapToDouble(t -> t.totalTime(TimeUnit.MILLISECONDS))
                            .sum()
                    / registry.find("floorlink.edge.modbus.cycle.duration").timers().stream()
                            .mapToLong(Timer::count)
                            .sum();
            long unreachableFailed = List.of("GONE-00", "GONE-01", "GONE-02", "MUTE-00", "MUTE-01").stream()
                    .mapToLong(sink::failed)
                    .sum();
            System.out.printf(
                    "ModbusLoadIT: %d machines x %d points at 1 s + 5 unreachable, window %.2f s:"
                            + " cycles per machine min %d max %d (expected %.1f), failed reads of healthy %d,"
                            + " skipped cycles %.0f, cycle duration mean %.2f ms max %.2f ms,"
                            + " failed reads of the unreachable %d, threads added by %d connectors %d%n",
                    HEALTHY,
                    POINT_COUNT,
                    seconds,
                    cycles.getMin(),
                    cycles.getMax(),
                    seconds,
                    healthyFailed,
                    skipped,
                    meanMs,
                    cycle.max(TimeUnit.MILLISECONDS),
                    unreachableFailed,
                    connectors.size(),
                    threadsAdded);

            assertThat(cycles.getMin()).isGreaterThanOrEqualTo((long) Math.floor(seconds) - 1);
            assertThat(cycles.getMax()).isLessThanOrEqualTo((long) Math.ceil(seconds) + 1);
            assertThat(healthyFailed).isZero();
            assertThat(skipped).isZero();
            assertThat(sink.events.stream().filter(e -> e.startsWith("down IMM")))
                    .isEmpty();
            assertThat(sink.events.stream().filter(e -> e.contains("GONE") || e.contains("MUTE")))
                    .isEmpty();
            assertThat(unreachableFailed).isPositive();
            assertThat(threadsAdded)
                    .as(
                            "threads added by %d connectors (the %d shared Modbus event loops, not one each): %s",
                            connectors.size(), ModbusEventLoops.THREADS, addedByKind)
                    .isLessThanOrEqualTo(ModbusEventLoops.THREADS);
        } finally {
            connectors.forEach(ModbusConnector::close);
            for (ServerSocket s : silent) {
                s.close();
            }
        }
    }
}
