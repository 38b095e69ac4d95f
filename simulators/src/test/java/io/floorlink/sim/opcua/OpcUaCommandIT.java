package io.floorlink.sim.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.floorlink.sim.SimulatorsMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class OpcUaCommandIT {

    private static final Pattern ENDPOINT = Pattern.compile("opc\\.tcp://127\\.0\\.0\\.1:(\\d+)/floorlink");

    @Test
    void opcuaCommandServesTheLineUntilStopped() throws Exception {
        CommandLine commandLine = new CommandLine(new SimulatorsMain());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        OpcUaCommand command = commandLine.getSubcommands().get("opcua").getCommand();

        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> commandLine.execute(
                "opcua", "--port", "0", "--stations", "3", "--seed", "7", "--line", "LineB", "--tick", "50ms"));
        try {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> out.toString().contains("User tokens:") || exit.isDone());
            assertThat(err.toString()).isEmpty();
            Matcher matcher = ENDPOINT.matcher(out.toString());
            assertThat(matcher.find()).as("printed endpoint in: %s", out).isTrue();
            assertThat(Integer.parseInt(matcher.group(1))).isPositive();
            assertThat(out.toString()).contains("3 stations").contains("Security policy None");

            try (OpcUaTestClient client = OpcUaTestClient.connect(matcher.group())) {
                DataValue runState = client.read("ns=2;s=LineB.SEW-03.RunState");
                assertThat(runState.getStatusCode().isGood()).isTrue();
                assertThat((Integer) runState.getValue().getValue()).isBetween(1, 3);
                assertThat(client.read("ns=2;s=LineB.SEW-04.RunState")
                                .getStatusCode()
                                .getValue())
                        .isEqualTo(StatusCodes.Bad_NodeIdUnknown);
            }
        } finally {
            command.requestStop();
        }
        assertThat(exit.get()).isZero();
        assertThat(out.toString()).contains("Stopped.");
    }

    @Test
    void securedOptionsOfferSignedEndpointsAndWriteTheServerCertificate(@TempDir Path pki) throws Exception {
        CommandLine commandLine = new CommandLine(new SimulatorsMain());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        OpcUaCommand command = commandLine.getSubcommands().get("opcua").getCommand();

        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> commandLine.execute(
                "opcua",
                "--port",
                "0",
                "--stations",
                "1",
                "--secured",
                "--pki-dir",
                pki.toString(),
                "--user",
                "operator:s3cret"));
        try {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> out.toString().contains("User tokens:") || exit.isDone());
            assertThat(err.toString()).isEmpty();
            assertThat(out.toString())
                    .contains("Security policies None, Basic256Sha256, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss")
                    .contains("urn:floorlink:sim:sewing-line:Line1")
                    .contains("User tokens: anonymous, user names operator")
                    .doesNotContain("s3cret");
            assertThat(pki.resolve("server.der")).exists();
            Matcher matcher = ENDPOINT.matcher(out.toString());
            assertThat(matcher.find()).isTrue();
            try (OpcUaTestClient client = OpcUaTestClient.connect(matcher.group())) {
                assertThat(client.read("ns=2;s=Line1.SEW-01.RunState")
                                .getStatusCode()
                                .isGood())
                        .isTrue();
            }
        } finally {
            command.requestStop();
        }
        assertThat(exit.get()).isZero();
    }

    @Test
    void securityOptionsWithoutSecuredAreAUsageError() {
        CommandLine commandLine = SimulatorsMain.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err, true));
        assertThat(commandLine.execute("opcua", "--port", "0", "--pki-dir", "x"))
                .isEqualTo(SimulatorsMain.EXIT_USAGE);
        assertThat(err.toString()).contains("need --secured");
    }
}
