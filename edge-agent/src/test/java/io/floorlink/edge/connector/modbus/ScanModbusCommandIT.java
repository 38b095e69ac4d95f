package io.floorlink.edge.connector.modbus;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.edge.cli.ScanModbusCommand;
import io.floorlink.sim.modbus.MachineEndpoint;
import io.floorlink.sim.modbus.MoldingMachine;
import io.floorlink.sim.modbus.MoldingMachineSimulator;
import io.floorlink.sim.modbus.WordOrder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ScanModbusCommandIT {

    private record Run(int exit, String out, String err) {}

    private static Run scan(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new ScanModbusCommand())
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static MoldingMachineSimulator simulator(WordOrder order) throws Exception {
        return MoldingMachineSimulator.start(new MoldingMachineSimulator.Options(
                "127.0.0.1", 0, 1, List.of(order), 1, Duration.ofMillis(100), null));
    }

    @Test
    void expectFindsTheTypeOrderAndAddressOfAPanelValue() throws Exception {
        try (var sim = simulator(WordOrder.CDAB)) {
            MachineEndpoint e = sim.endpoints().get(0);
            Run r = scan(
                    "modbus",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(e.port()),
                    "--unit",
                    "1",
                    "--start",
                    "210",
                    "--count",
                    "12",
                    "--expect",
                    "3.14159");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("float32 CDAB", "float64 GHEFCDAB", "int16", "uint64 HGFEDCBA");
            assertThat(r.out()).contains("Decodings equal to 3.14159");
            String hits = r.out().substring(r.out().indexOf("Decodings equal"));
            assertThat(hits).contains("float32 CDAB holding:" + MoldingMachine.TEST_FLOAT32 + " = 3.14159");
            assertThat(hits.lines().filter(l -> l.startsWith("  ")).count()).isEqualTo(1);
        }
    }

    @Test
    void csvHasOneRowPerRegisterAndOneColumnPerTypeAndOrder() throws Exception {
        try (var sim = simulator(WordOrder.ABCD)) {
            MachineEndpoint e = sim.endpoints().get(0);
            Run r = scan(
                    "modbus",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(e.port()),
                    "--area",
                    "input",
                    "--start",
                    "201",
                    "--count",
                    "1",
                    "--one-based",
                    "--csv");
            assertThat(r.exit()).as(r.err()).isZero();
            List<String> lines = r.out().lines().toList();
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0).split(",")).hasSize(3 + 2 + 6 * 4);
            assertThat(lines.get(1)).startsWith("200,FB2E,..,-1234,64302");
        }
    }

    @Test
    void aModbusExceptionAndAnUnreachableHostAreReportedWithTheirCause() throws Exception {
        try (var sim = simulator(WordOrder.ABCD)) {
            MachineEndpoint e = sim.endpoints().get(0);
            e.setExceptionRange(0, 10, 2);
            Run r = scan(
                    "modbus",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(e.port()),
                    "--start",
                    "0",
                    "--count",
                    "4");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("holding 0..3: Modbus exception code 2");
            e.stop();
            Run down = scan(
                    "modbus",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(e.port()),
                    "--start",
                    "0",
                    "--count",
                    "4",
                    "--timeout",
                    "2");
            assertThat(down.exit()).isEqualTo(1);
            assertThat(down.err()).startsWith("scan modbus: 127.0.0.1:" + e.port());
        }
        assertThat(scan("modbus", "--host", "h", "--start", "0", "--count", "126")
                        .err())
                .contains("--count: must be 1..125");
    }
}
