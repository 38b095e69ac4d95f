package io.floorlink.edge.connector.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.edge.cli.BrowseOpcUaCommand;
import io.floorlink.edge.config.ConnectorConfig;
import io.floorlink.sim.opcua.SewingLineOptions;
import io.floorlink.sim.opcua.SewingLineSimulator;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.config.YamlConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code browse opcua} against the sewing-line simulator. */
class BrowseOpcUaCommandIT {

    record Snippet(List<ConnectorConfig> connectors) {}

    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new BrowseOpcUaCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void printsTheTreeAndASuggestionThatLoadsAsConfiguration() throws Exception {
        try (SewingLineSimulator sim =
                SewingLineSimulator.start(SewingLineOptions.defaults().withStations(2))) {
            sim.setStationPower("SEW-02", false);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();

            int code = run(out, err, "opcua", "--endpoint", sim.endpointUrl(), "--depth", "3");

            String text = out.toString();
            assertThat(code).as(err.toString()).isZero();
            String runState = sim.nodeId("SEW-01", "RunState");
            assertThat(text)
                    .contains("Line1  ns=" + sim.namespaceIndex() + ";s=Line1  Object")
                    .containsPattern(
                            "      RunState  " + java.util.regex.Pattern.quote(runState) + "  Int32  r..  = -?\\d+")
                    .containsPattern("StitchCount  \\S+  UInt32  r..  = \\d+")
                    .containsPattern("MotorSpeed  \\S+  Double  r..  = ")
                    .contains("(Bad_NoCommunication)")
                    .doesNotContain("ServerStatus");
            assertThat(text)
                    .contains("- { id: run_state, node: \"" + runState
                            + "\", category: state, interval: 1s, type: int32 }");
            assertThat(err.toString()).contains("readable variables");

            // The suggestion is meant to be pasted under a connector: it must load as-is.
            String suggestion = text.substring(text.indexOf("devices:"));
            String yaml = "connectors:\n  - type: opcua\n    name: pasted\n    endpoint: " + sim.endpointUrl() + "\n"
                    + suggestion.lines().map(l -> "    " + l).reduce("", (a, b) -> a + b + "\n");
            OpcUaConnectorConfig config = (OpcUaConnectorConfig)
                    YamlConfig.parse("suggestion.yaml", yaml, Map.<String, String>of()::get, Snippet.class)
                            .connectors()
                            .get(0);
            assertThat(config.devices())
                    .extracting(OpcUaConnectorConfig.Device::id)
                    .containsExactly("SEW-01", "SEW-02");
            assertThat(config.devices().get(0).points())
                    .extracting(OpcUaConnectorConfig.Point::id)
                    .containsExactlyElementsOf(SewingLineSimulator.VARIABLES.stream()
                            .map(OpcUaBrowser::pointId)
                            .toList());
            assertThat(config.devices().get(0).points().get(0).type()).isEqualTo(DataType.INT32);
        }
    }

    @Test
    void unreachableServerIsAClearErrorNotAStackTrace() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = run(out, err, "opcua", "--endpoint", "opc.tcp://127.0.0.1:" + port, "--timeout", "2");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString())
                .startsWith("browse opcua: cannot get endpoints of opc.tcp://127.0.0.1:" + port)
                .doesNotContain("\tat ");
    }

    @Test
    void badEndpointIsAUsageError() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = run(out, err, "opcua", "--endpoint", "http://127.0.0.1:4840");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--endpoint: 'http://127.0.0.1:4840' is not an opc.tcp://host:port URL");
    }

    @Test
    void pointIdsAreSnakeCase() {
        assertThat(OpcUaBrowser.pointId("RunState")).isEqualTo("run_state");
        assertThat(OpcUaBrowser.pointId("Motor Speed")).isEqualTo("motor_speed");
        assertThat(OpcUaBrowser.pointId("PLCStatus")).isEqualTo("plc_status");
        assertThat(OpcUaBrowser.guessCategory("stitch_count")).isEqualTo("counter");
        assertThat(OpcUaBrowser.guessCategory("fault_code")).isEqualTo("alarm");
    }
}
