package io.floorlink.sim;

import io.floorlink.sim.scenario.ScenarioException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A simulator subcommand: reads its options, starts the simulator, prints where it runs and blocks until Ctrl-C,
 * SIGTERM or {@link #requestStop()}, then closes it cleanly (a shutdown hook waits for the close). Exit codes: 0
 * after a clean stop, 64 (EX_USAGE) for bad options (the message names the option), {@value #EXIT_CONFIG} (EX_CONFIG of
 * sysexits.h) for a scenario file that cannot be read or is not valid (the message names file, line and field), 1 when
 * the simulator cannot start.
 *
 * @param <O> the simulator's options
 * @param <S> the running simulator
 */
public abstract class SimulatorCommand<O, S extends AutoCloseable> implements Callable<Integer> {
    /** Exit code of a scenario file that cannot be used: EX_CONFIG of sysexits.h. */
    public static final int EXIT_CONFIG = 78;

    @Spec
    private CommandSpec spec;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** The subcommand name, the prefix of every error message. */
    protected abstract String name();

    /**
     * Reads the command-line options.
     *
     * @throws IllegalArgumentException naming the bad option or scenario place
     * @throws IOException when the scenario file cannot be read
     */
    protected abstract O options() throws IOException;

    /** Starts the simulator; blocks until it runs. */
    protected abstract S start(O options) throws Exception;

    /** What a failed {@link #start} means, e.g. {@code cannot start the OPC UA server}. */
    protected abstract String startFailure();

    /** Prints where the running simulator can be reached. */
    protected abstract void describe(O options, S simulator, PrintWriter out);

    /** Called after the simulator is closed, before {@code Stopped.} is printed, e.g. to print totals. */
    protected void afterClose(S simulator, PrintWriter out) {}

    /** Makes a running {@link #call()} close the simulator and return 0. Does not block. */
    public void requestStop() {
        stopRequested.countDown();
    }

    @Override
    public final Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        O options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            return fail(
                    err,
                    e.getMessage(),
                    e.getCause() instanceof ScenarioException ? EXIT_CONFIG : SimulatorsMain.EXIT_USAGE);
        } catch (IOException e) {
            return fail(err, "cannot read scenario " + e.getMessage(), EXIT_CONFIG);
        }
        S simulator;
        try {
            simulator = start(options);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return fail(err, startFailure() + ": " + e.getMessage(), CommandLine.ExitCode.SOFTWARE);
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
            describe(options, simulator, out);
            out.println("Press Ctrl-C to stop.");
            out.flush();
            stopRequested.await();
        } finally {
            try {
                simulator.close();
            } catch (Exception e) {
                err.println(name() + ": closing failed: " + e.getMessage());
                err.flush();
            }
            afterClose(simulator, out);
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

    private int fail(PrintWriter err, String message, int code) {
        err.println(name() + ": " + message);
        err.flush();
        return code;
    }
}
