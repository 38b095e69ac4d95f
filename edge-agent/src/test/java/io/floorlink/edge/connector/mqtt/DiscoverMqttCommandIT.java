package io.floorlink.edge.connector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.floorlink.edge.cli.DiscoverMqttCommand;
import io.floorlink.edge.config.ConnectorConfig;
import io.floorlink.sim.mqtt.AssemblyLineOptions;
import io.floorlink.sim.mqtt.AssemblyLineSimulator;
import io.floorlink.sparkplug.DataType;
import io.floorlink.sparkplug.config.YamlConfig;
import io.floorlink.testing.TestBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code discover mqtt} against the assembly-line simulator on a real HiveMQ CE broker. */
class DiscoverMqttCommandIT {

    @TempDir
    Path dir;

    record Snippet(List<ConnectorConfig> connectors) {}

    @Test
    void listsTopicsWithRatesAndFieldsAndSuggestsALoadableWildcardEntry() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
                AssemblyLineSimulator sim = AssemblyLineSimulator.start(AssemblyLineOptions.defaults(broker.url())
                        .withStations(3)
                        .withInterval(Duration.ofMillis(200)))) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(new DiscoverMqttCommand());
            cli.setOut(new PrintWriter(out));
            cli.setErr(new PrintWriter(err));

            int code =
                    cli.execute("mqtt", "--url", broker.url().toString(), "--topic", "plant/asm1/#", "--seconds", "2");

            assertThat(code).as(err.toString()).isZero();
            String text = out.toString();
            assertThat(text)
                    .contains("plant/asm1/ST-01/data")
                    .contains("plant/asm1/ST-03/data")
                    .contains("/counts/ok  int64")
                    .contains("/state  string")
                    .contains("/energy_kwh  double")
                    .contains("/test/values/leak_rate/high  double");
            assertThat(text).containsPattern("plant/asm1/ST-02/data  \\d+ msgs  [3-6]\\.\\d\\d/s  json");

            String yaml = text.substring(text.indexOf("connectors:"));
            MqttConnectorConfig c = (MqttConnectorConfig) YamlConfig.parse("suggestion", yaml, k -> null, Snippet.class)
                    .connectors()
                    .get(0);
            // ST-03 is the end-of-line tester: more fields, so it is its own entry.
            assertThat(c.deviceIds()).containsExactlyInAnyOrder("ST-01", "ST-02", "ST-03");
            MqttConnectorConfig.Device line = c.devices().get(0);
            assertThat(line.topic()).isEqualTo("plant/asm1/+/data");
            assertThat(line.deviceSegment()).isEqualTo(3);
            assertThat(line.timestamp().pointer()).isEqualTo("/ts");
            // The stations' last-will topics are recognised and attached, not suggested as more devices.
            assertThat(line.status().topic()).isEqualTo("plant/asm1/+/status");
            assertThat(c.devices().get(1).status().topic()).isEqualTo("plant/asm1/ST-03/status");
            assertThat(text).contains("plant/asm1/ST-01/status  1 msgs");
            assertThat(line.points())
                    .anySatisfy(p -> {
                        assertThat(p.pointer()).isEqualTo("/counts/ok");
                        assertThat(p.type()).isEqualTo(DataType.INT64);
                        assertThat(p.interval()).isEqualTo(Duration.ofMillis(200));
                    })
                    .anySatisfy(p -> {
                        assertThat(p.pointer()).isEqualTo("/state");
                        assertThat(p.map()).isNotEmpty();
                    });
        }
    }

    @Test
    void unreachableBrokerIsAClearErrorNotAStackTrace() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new DiscoverMqttCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));

        int code = cli.execute("mqtt", "--url", "tcp://127.0.0.1:1", "--seconds", "1");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("discover mqtt: broker tcp://127.0.0.1:1");
    }
}
