package io.floorlink.edge.connector.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.sim.modbus.MachineEndpoint;
import io.floorlink.sim.modbus.MoldingMachineSimulator;
import io.floorlink.sim.modbus.WordOrder;
import io.floorlink.sim.scenario.Scenario;
import io.floorlink.sim.scenario.ScenarioAction;
import io.floorlink.sim.scenario.ScenarioEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A scripted outage of known length: the connector's up/down timeline gives the online ratio the collector will
 * compute, and the failed reads are the attempts made while the machine was away.
 */
class ModbusOutageIT {

    @Test
    void aKnownOutageGivesTheMatchingOnlineRatioAndFailedReads() throws Exception {
        // the server goes away 2 s after start and comes back 3 s later (connection refused meanwhile)
        Scenario outage = Scenario.of(
                ScenarioEvent.of(Duration.ofSeconds(2), ScenarioAction.SERVER_STOP),
                ScenarioEvent.of(Duration.ofSeconds(5), ScenarioAction.SERVER_START));
        String points = """
                - { id: status, address: "holding:1", type: uint16, category: state }
                - { id: cycles, address: "holding:2", type: uint32, category: counter }
                """;
        RecordingSink sink = new RecordingSink();
        long t0 = System.nanoTime();
        try (var sim = MoldingMachineSimulator.start(new MoldingMachineSimulator.Options(
                        "127.0.0.1", 0, 1, List.of(WordOrder.ABCD), 5, Duration.ofMillis(100), outage));
                var c = new ModbusConnector(
                        ModbusConnectorIT.config(
                                "IMM-01", sim.endpoints().get(0).port(), "ABCD", "200ms", points),
                        new SimpleMeterRegistry())) {
            MachineEndpoint e = sim.endpoints().get(0);
            c.start(sink);
            await().atMost(Duration.ofSeconds(15)).until(() -> sink.events.size() >= 3);
            Thread.sleep(Math.max(0, 8000 - (System.nanoTime() - t0) / 1_000_000));
            long t1 = System.nanoTime();
            assertThat(e.running()).isTrue();
            assertThat(sink.events).containsExactly("up IMM-01", "down IMM-01 connection_lost", "up IMM-01");

            // the collector's online_ratio over the device's observed window: connected time / window
            List<Map.Entry<String, Long>> tl = sink.timeline;
            double window = (t1 - tl.get(0).getValue()) / 1e9;
            double down = (tl.get(2).getValue() - tl.get(1).getValue()) / 1e9;
            double onlineRatio = (window - down) / window;
            double scripted = (window - 3.0) / window;
            long failed = sink.failed("IMM-01");
            long ok = sink.ok("IMM-01");
            System.out.printf(
                    "ModbusOutageIT: window %.2f s, outage scripted 3.00 s, seen down %.2f s, online_ratio %.3f"
                            + " (scripted %.3f), reads_ok %d, reads_failed %d%n",
                    window, down, onlineRatio, scripted, ok, failed);
            // down from the drop until the first reconnect after the restart: at most one max backoff (1 s) late
            assertThat(down).isBetween(2.9, 4.2);
            assertThat(onlineRatio).isCloseTo(scripted, org.assertj.core.data.Offset.offset(1.2 / window));
            // one failed read per point per refused connection attempt: backoff 200 ms..1 s over 3 s
            assertThat(failed % 2).isZero();
            assertThat(failed).isBetween(2L * 3, 2L * 16);
            // reads_ok: one per point per 200 ms while up (about 5 s of the 8 s)
            assertThat(ok).isBetween(2L * 20, 2L * 27);
        }
    }
}
