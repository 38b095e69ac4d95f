package io.floorlink.sim.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.digitalpetri.modbus.client.ModbusTcpClient;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.tcp.client.NettyTcpClientTransport;
import io.floorlink.sim.SimulatorsMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ModbusCommandIT {
    private static final Pattern ENDPOINT =
            Pattern.compile("IMM-02 modbus-tcp://127\\.0\\.0\\.1:(\\d+) byte order CDAB");

    @Test
    void modbusCommandServesTheMachinesUntilStopped() throws Exception {
        CommandLine commandLine = new CommandLine(new SimulatorsMain());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        ModbusCommand command = commandLine.getSubcommands().get("modbus").getCommand();

        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> commandLine.execute(
                "modbus", "--machines", "2", "--port", "0", "--byte-order", "ABCD,CDAB", "--tick", "50ms"));
        try {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> ENDPOINT.matcher(out.toString()).find() || exit.isDone());
            assertThat(err.toString()).isEmpty();
            Matcher m = ENDPOINT.matcher(out.toString());
            assertThat(m.find()).as("printed endpoint in: %s", out).isTrue();
            NettyTcpClientTransport transport = NettyTcpClientTransport.create(cfg -> {
                cfg.setHostname("127.0.0.1");
                cfg.setPort(Integer.parseInt(m.group(1)));
            });
            ModbusTcpClient client = ModbusTcpClient.create(transport);
            client.connect();
            try {
                byte[] r = client.readHoldingRegisters(1, new ReadHoldingRegistersRequest(MoldingMachine.TEST_INT32, 2))
                        .registers();
                byte[] be = {r[2], r[3], r[0], r[1]};
                assertThat(ByteBuffer.wrap(be).getInt()).isEqualTo(MoldingMachine.TEST_INT32_VALUE);
            } finally {
                client.disconnect();
            }
        } finally {
            command.requestStop();
        }
        assertThat(exit.get()).isZero();
        assertThat(out.toString()).contains("IMM-01 modbus-tcp://127.0.0.1:").contains("Stopped.");
    }

    @Test
    void aBadByteOrderIsAUsageError() {
        StringWriter err = new StringWriter();
        int exit = SimulatorsMain.commandLine()
                .setErr(new PrintWriter(err, true))
                .execute("modbus", "--machines", "1", "--port", "0", "--byte-order", "ABDC");
        assertThat(exit).isEqualTo(SimulatorsMain.EXIT_USAGE);
        assertThat(err.toString()).contains("--byte-order: unknown byte order 'ABDC'");
    }
}
