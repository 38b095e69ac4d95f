package io.floorlink.sim.opcua;

import io.floorlink.sim.SimulatorCommand;
import io.floorlink.sim.scenario.DurationText;
import io.floorlink.sim.scenario.Scenario;
import io.floorlink.sim.scenario.ScenarioException;
import io.floorlink.sim.scenario.ScenarioLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code opcua}: runs a {@link SewingLineSimulator} until Ctrl-C (or {@link #requestStop()}), printing its endpoint
 * URL first.
 */
@Command(
        name = "opcua",
        mixinStandardHelpOptions = true,
        description = {
            "OPC UA sewing line simulator (security policy None, anonymous access: a test tool, not for production).",
            "Nodes: ns=2;s=<line>.SEW-nn.{RunState,StitchCount,TrimCount,Pieces,MotorSpeed,FaultCode}."
        })
public final class OpcUaCommand extends SimulatorCommand<SewingLineOptions, SewingLineSimulator> {

    @Option(
            names = "--stations",
            defaultValue = "12",
            description = "Number of stations, 1..99 (default ${DEFAULT-VALUE}).")
    private int stations;

    @Option(
            names = "--port",
            defaultValue = "4840",
            description = "TCP port, 0 for any free port (default ${DEFAULT-VALUE}).")
    private int port;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "Address to listen on; 0.0.0.0 for every interface (default ${DEFAULT-VALUE}).")
    private String host;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Seed of the simulated behaviour (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(
            names = "--line",
            defaultValue = "Line1",
            description = "Line name, first part of node ids (default ${DEFAULT-VALUE}).")
    private String line;

    @Option(
            names = "--tick",
            defaultValue = "200ms",
            description = "Simulation step, e.g. 100ms (default ${DEFAULT-VALUE}).")
    private String tick;

    @Option(names = "--scenario", paramLabel = "FILE", description = "Scenario YAML file of scripted events.")
    private Path scenarioFile;

    @Override
    protected String name() {
        return "opcua";
    }

    @Override
    protected SewingLineSimulator start(SewingLineOptions options) throws Exception {
        return SewingLineSimulator.start(options);
    }

    @Override
    protected String startFailure() {
        return "cannot start the OPC UA server";
    }

    @Override
    protected void describe(SewingLineOptions options, SewingLineSimulator simulator, PrintWriter out) {
        out.println("OPC UA sewing line " + options.line() + " (" + options.stations() + " stations) on "
                + simulator.endpointUrl());
        out.println("Security policy None, anonymous access.");
    }

    @Override
    protected SewingLineOptions options() throws IOException {
        Duration step;
        try {
            step = DurationText.parse(tick);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--tick: " + e.getMessage(), e);
        }
        SewingLineOptions options;
        try {
            options = new SewingLineOptions(host, port, stations, line, seed, step, null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
        if (scenarioFile == null) {
            return options;
        }
        try {
            Scenario scenario = ScenarioLoader.load(scenarioFile, SewingLineSimulator.stationIdsFor(stations));
            return options.withScenario(scenario);
        } catch (ScenarioException e) {
            throw new IllegalArgumentException("scenario " + e.getMessage(), e);
        }
    }
}
