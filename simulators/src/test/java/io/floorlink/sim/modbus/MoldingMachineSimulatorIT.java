package io.floorlink.sim.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.digitalpetri.modbus.client.ModbusTcpClient;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.pdu.ReadCoilsRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.tcp.client.NettyTcpClientTransport;
import io.floorlink.sim.scenario.Scenario;
import io.floorlink.sim.scenario.ScenarioException;
import io.floorlink.sim.scenario.ScenarioLoader;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MoldingMachineSimulatorIT {

    private static ModbusTcpClient client(MachineEndpoint e) throws Exception {
        NettyTcpClientTransport transport = NettyTcpClientTransport.create(cfg -> {
            cfg.setHostname("127.0.0.1");
            cfg.setPort(e.port());
            cfg.setConnectPersistent(false);
        });
        ModbusTcpClient client = ModbusTcpClient.create(transport, c -> c.setRequestTimeout(Duration.ofSeconds(2)));
        client.connect();
        return client;
    }

    private static MoldingMachineSimulator.Options options(int machines, List<WordOrder> orders) {
        return new MoldingMachineSimulator.Options("127.0.0.1", 0, machines, orders, 7, Duration.ofMillis(50), null);
    }

    @Test
    void servesTheRegisterMapInEachMachinesByteOrder() throws Exception {
        try (var sim = MoldingMachineSimulator.start(options(2, List.of(WordOrder.ABCD, WordOrder.CDAB)))) {
            assertThat(sim.machineIds()).containsExactly("IMM-01", "IMM-02");
            assertThat(sim.endpoints().get(0).port())
                    .isNotEqualTo(sim.endpoints().get(1).port());
            ModbusTcpClient big = client(sim.endpoint("IMM-01"));
            ModbusTcpClient swapped = client(sim.endpoint("IMM-02"));
            try {
                byte[] a = big.readHoldingRegisters(1, new ReadHoldingRegistersRequest(0, 32))
                        .registers();
                assertThat(ByteBuffer.wrap(a, 2, 2).getShort())
                        .as("production status")
                        .isEqualTo((short) 4);
                byte[] t = big.readHoldingRegisters(1, new ReadHoldingRegistersRequest(MoldingMachine.TEST_FLOAT32, 2))
                        .registers();
                assertThat(ByteBuffer.wrap(t).getFloat()).isEqualTo(MoldingMachine.TEST_FLOAT32_VALUE);
                byte[] c = swapped.readHoldingRegisters(
                                1, new ReadHoldingRegistersRequest(MoldingMachine.TEST_FLOAT32, 2))
                        .registers();
                byte[] be = {c[2], c[3], c[0], c[1]};
                assertThat(ByteBuffer.wrap(be).getFloat()).isEqualTo(MoldingMachine.TEST_FLOAT32_VALUE);
                assertThat(big.readCoils(1, new ReadCoilsRequest(0, 1)).coils()[0] & 1)
                        .as("running coil")
                        .isEqualTo(1);
            } finally {
                big.disconnect();
                swapped.disconnect();
            }
        }
    }

    @Test
    void scenarioFileFaultsAreAppliedAndCleared() throws Exception {
        Scenario scenario = ScenarioLoader.parse("faults.yaml", """
                events:
                  - { at: 0s, station: IMM-01, action: fault, fault: exception, from: 100, to: 109, code: 2 }
                  - { at: 0s, station: IMM-01, action: fault, fault: freeze }
                  - { at: 1500ms, station: IMM-01, action: clear, fault: exception }
                """);
        try (var sim = MoldingMachineSimulator.start(new MoldingMachineSimulator.Options(
                "127.0.0.1", 0, 1, List.of(WordOrder.ABCD), 7, Duration.ofMillis(50), scenario))) {
            ModbusTcpClient client = client(sim.endpoint("IMM-01"));
            try {
                await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThatThrownBy(
                                () -> client.readHoldingRegisters(1, new ReadHoldingRegistersRequest(100, 2)))
                        .isInstanceOfSatisfying(ModbusResponseException.class, x -> assertThat(x.getExceptionCode())
                                .isEqualTo(2)));
                long frozen = sim.endpoint("IMM-01").machine().cycles();
                Thread.sleep(300);
                assertThat(sim.endpoint("IMM-01").machine().cycles())
                        .as("frozen")
                        .isEqualTo(frozen);
                await().atMost(Duration.ofSeconds(4)).ignoreExceptions().untilAsserted(() -> assertThat(
                                client.readHoldingRegisters(1, new ReadHoldingRegistersRequest(100, 2))
                                        .registers())
                        .hasSize(4));
            } finally {
                client.disconnect();
            }
        }
    }

    @Test
    void aFaultTheSimulatorDoesNotHaveIsRejectedWithItsLineBeforeAnythingRuns() {
        Scenario scenario = ScenarioLoader.parse("faults.yaml", """
                events:
                  - { at: 1s, station: IMM-01, action: fault, fault: slow, delay: 200ms }
                  - { at: 2s, station: IMM-01, action: fault, fault: clock_skew, skew: 5m }
                """);
        assertThatThrownBy(() -> MoldingMachineSimulator.start(new MoldingMachineSimulator.Options(
                        "127.0.0.1", 0, 1, List.of(WordOrder.ABCD), 7, Duration.ofMillis(50), scenario)))
                .isInstanceOf(ScenarioException.class)
                .hasMessageContaining("faults.yaml line 3")
                .hasMessageContaining("clock_skew")
                .hasMessageContaining("exception");
    }

    @Test
    void faultsGiveExceptionCodesRefusalsAndCounterResets() throws Exception {
        try (var sim = MoldingMachineSimulator.start(options(1, List.of(WordOrder.ABCD)))) {
            MachineEndpoint e = sim.endpoints().get(0);
            e.setExceptionRange(100, 109, 4);
            ModbusTcpClient client = client(e);
            try {
                assertThatThrownBy(() -> client.readHoldingRegisters(1, new ReadHoldingRegistersRequest(105, 2)))
                        .isInstanceOfSatisfying(ModbusResponseException.class, x -> assertThat(x.getExceptionCode())
                                .isEqualTo(4));
                assertThat(client.readHoldingRegisters(1, new ReadHoldingRegistersRequest(0, 2))
                                .registers())
                        .hasSize(4);
                e.machine().resetCounters();
                byte[] counter = client.readHoldingRegisters(
                                1, new ReadHoldingRegistersRequest(MoldingMachine.CYCLE_COUNTER, 2))
                        .registers();
                assertThat(ByteBuffer.wrap(counter).getInt()).isZero();
            } finally {
                client.disconnect();
            }
            e.stop();
            assertThatThrownBy(() -> client(e)).isInstanceOf(Exception.class);
            e.start();
            ModbusTcpClient again = client(e);
            assertThat(again.readHoldingRegisters(1, new ReadHoldingRegistersRequest(0, 1))
                            .registers())
                    .hasSize(2);
            again.disconnect();
        }
    }
}
