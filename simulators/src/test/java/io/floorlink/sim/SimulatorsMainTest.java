package io.floorlink.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SimulatorsMainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = SimulatorsMain.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void withoutASimulatorListsTheChoices() {
        assertThat(run()).isEqualTo(SimulatorsMain.EXIT_USAGE);
        assertThat(err.toString()).contains("Missing simulator").contains("opcua");
    }

    @Test
    void unknownOptionsExitExUsage() {
        assertThat(run("--no-such-option")).isEqualTo(64);
        assertThat(run("mqtt", "--no-such-option")).isEqualTo(64);
        assertThat(err.toString()).contains("Unknown option: '--no-such-option'");
    }

    @Test
    void versionPrintsTheProgramAndVersionAndExitsZero() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).matches("floorlink-simulators \\S+\\R");
    }

    @Test
    void rejectsStationCountOutOfRange() {
        assertThat(run("opcua", "--stations", "0", "--port", "0")).isEqualTo(64);
        assertThat(err.toString()).contains("--stations: must be 1..99, was 0");
    }

    @Test
    void rejectsTickWithoutUnit() {
        assertThat(run("opcua", "--tick", "200", "--port", "0")).isEqualTo(64);
        assertThat(err.toString()).contains("--tick: invalid duration '200'");
    }

    @Test
    void rejectsScenarioNamingAStationTheLineDoesNotHaveWithExConfig() throws URISyntaxException {
        Path scenario = Path.of(SimulatorsMainTest.class
                .getResource("/testcases/scenario-good/scenario.yaml")
                .toURI());

        assertThat(run("opcua", "--stations", "2", "--port", "0", "--scenario", scenario.toString()))
                .isEqualTo(78);
        assertThat(err.toString())
                .contains("scenario.yaml line 3, field station: unknown station 'SEW-03'")
                .contains("SEW-01, SEW-02");
    }

    @Test
    void reportsAMissingScenarioFileWithExConfig() {
        assertThat(run("opcua", "--port", "0", "--scenario", "does-not-exist.yaml"))
                .isEqualTo(78);
        assertThat(err.toString()).contains("cannot read scenario does-not-exist.yaml");
    }
}
