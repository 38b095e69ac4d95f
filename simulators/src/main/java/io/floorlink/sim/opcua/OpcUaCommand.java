package io.floorlink.sim.opcua;

import io.floorlink.sim.scenario.DurationText;
import io.floorlink.sim.scenario.Scenario;
import io.floorlink.sim.scenario.ScenarioException;
import io.floorlink.sim.scenario.ScenarioLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
public final class OpcUaCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

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

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** Makes a running {@link #call()} close the simulator and return 0. Does not block. */
    public void requestStop() {
        stopRequested.countDown();
    }

    /**
     * Starts the simulator, prints its endpoint URL and blocks until stopped.
     *
     * @return 0 after a clean stop, 2 for bad options or scenario, 1 if the server cannot start
     */
    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SewingLineOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            err.println("opcua: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        } catch (IOException e) {
            err.println("opcua: cannot read scenario " + scenarioFile + ": " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }

        SewingLineSimulator simulator;
        try {
            simulator = SewingLineSimulator.start(options);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            err.println("opcua: cannot start the OPC UA server: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.SOFTWARE;
        }
        Thread hook = new Thread(
                () -> {
                    stopRequested.countDown();
                    try {
                        stopped.await(15, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "floorlink-sim-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            out.println("OPC UA sewing line " + options.line() + " (" + options.stations() + " stations) on "
                    + simulator.endpointUrl());
            out.println("Security policy None, anonymous access. Press Ctrl-C to stop.");
            out.flush();
            stopRequested.await();
        } finally {
            simulator.close();
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shutdownInProgress) {
                // the JVM is exiting through the hook; nothing to remove
            }
        }
        out.println("Stopped.");
        out.flush();
        return CommandLine.ExitCode.OK;
    }

    private SewingLineOptions options() throws IOException {
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
