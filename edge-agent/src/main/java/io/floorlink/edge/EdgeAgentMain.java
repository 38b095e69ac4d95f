package io.floorlink.edge;

import io.floorlink.edge.cli.BrowseOpcUaCommand;
import io.floorlink.edge.cli.DiscoverMqttCommand;
import io.floorlink.edge.cli.OpcUaCertsCommand;
import io.floorlink.edge.cli.SampleCommand;
import io.floorlink.edge.cli.ScanModbusCommand;
import io.floorlink.edge.config.EdgeConfig;
import io.floorlink.edge.connector.opcua.OpcUaConnectorConfig;
import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.metrics.UnitOnceNamingConvention;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Command line of {@code floorlink-edge-agent.jar}: {@code run}, {@code check}, {@code browse}, {@code scan},
 * {@code discover}, {@code sample}, {@code --version}.
 *
 * <p>Exit codes: 0 success, {@value #EXIT_CONFIG} (EX_CONFIG of sysexits.h) for a configuration file that does not
 * load or validate (the message on stderr names file, line and field; no stack trace), {@value #EXIT_USAGE}
 * (EX_USAGE) for a command line that cannot be used (unknown option or command, bad parameter, unknown {@code
 * sample} name), 1 for other failures.
 */
@Command(
        name = "floorlink-edge-agent",
        description = "FloorLink edge agent: reads equipment and publishes Sparkplug B to the platform.",
        mixinStandardHelpOptions = true,
        versionProvider = EdgeAgentMain.Version.class,
        subcommands = {
            EdgeAgentMain.Run.class,
            EdgeAgentMain.Check.class,
            BrowseOpcUaCommand.class,
            OpcUaCertsCommand.class,
            ScanModbusCommand.class,
            DiscoverMqttCommand.class,
            SampleCommand.class
        })
public final class EdgeAgentMain {
    /** Exit code of a configuration that cannot be used: EX_CONFIG of sysexits.h. */
    public static final int EXIT_CONFIG = 78;

    /**
     * Exit code of a command line that cannot be used (an unknown option or command, a missing or malformed
     * parameter, an unknown {@code sample} name): EX_USAGE of sysexits.h.
     */
    public static final int EXIT_USAGE = 64;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code; {@code run} returns only after shutdown. */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** As {@link #execute(String...)}, writing to the given streams instead of stdout/stderr. */
    static int execute(PrintWriter out, PrintWriter err, String... args) {
        return commandLine().setOut(out).setErr(err).execute(args);
    }

    /**
     * The command line, with a configuration error thrown from any subcommand (after the load, e.g. when a connector
     * starts) reported as its message and {@link #EXIT_CONFIG} instead of a stack trace.
     */
    static CommandLine commandLine() {
        CommandLine root = new CommandLine(new EdgeAgentMain()).setExecutionExceptionHandler((e, cli, parsed) -> {
            if (e instanceof ConfigException) {
                cli.getErr().println(e.getMessage());
                cli.getErr().flush();
                return EXIT_CONFIG;
            }
            throw e;
        });
        versionEverywhere(root, new Version());
        usageErrorsExit(root, EXIT_USAGE);
        return root;
    }

    /**
     * Makes picocli exit with {@code code} instead of its own 2 for a command line it cannot parse, in {@code cli}
     * and every subcommand (picocli takes the code of the command where the error is).
     */
    static void usageErrorsExit(CommandLine cli, int code) {
        cli.getCommandSpec().exitCodeOnInvalidInput(code);
        for (CommandLine sub : cli.getSubcommands().values()) {
            usageErrorsExit(sub, code);
        }
    }

    /** So that {@code run --version} prints the version too, not an empty line. */
    private static void versionEverywhere(CommandLine cli, CommandLine.IVersionProvider version) {
        for (CommandLine sub : cli.getSubcommands().values()) {
            sub.getCommandSpec().versionProvider(version);
            versionEverywhere(sub, version);
        }
    }

    /** {@code --version}: {@code floorlink-edge-agent <version>} from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        /** What {@code --version} prints when run from classes rather than the jar (no manifest version). */
        static final String DEVELOPMENT = "dev";

        @Override
        public String[] getVersion() {
            String v = EdgeAgentMain.class.getPackage().getImplementationVersion();
            return new String[] {"floorlink-edge-agent " + (v == null ? DEVELOPMENT : v)};
        }
    }

    /** {@code run --config edge.yaml}: runs until the process is stopped (Ctrl-C, SIGTERM). */
    @Command(name = "run", description = "Run the edge agent until stopped.", mixinStandardHelpOptions = true)
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", required = true, description = "Edge configuration file (YAML).")
        Path config;

        @Override
        public Integer call() throws InterruptedException {
            EdgeConfig cfg;
            try {
                cfg = EdgeConfig.load(config);
            } catch (ConfigException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return EXIT_CONFIG;
            }
            PrometheusMeterRegistry registry =
                    UnitOnceNamingConvention.install(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            EdgeAgent agent = EdgeAgent.start(cfg, registry);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                agent.close();
                                stopped.countDown();
                            },
                            "floorlink-edge-shutdown"));
            stopped.await();
            return 0;
        }
    }

    /** {@code check --config edge.yaml}: validates and prints a summary. */
    @Command(
            name = "check",
            description = "Validate a configuration file and print its connectors, devices and points.",
            mixinStandardHelpOptions = true)
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", required = true, description = "Edge configuration file (YAML).")
        Path config;

        @Override
        public Integer call() {
            EdgeConfig cfg;
            try {
                cfg = EdgeConfig.load(config);
            } catch (ConfigException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return EXIT_CONFIG;
            }
            PrintWriter out = spec.commandLine().getOut();
            var devices = cfg.devices();
            int points =
                    devices.stream().mapToInt(EdgeConfig.DeviceOutline::points).sum();
            out.printf(
                    "%s: OK. edge node %s/%s, uplink %s%s, %d connectors, %d devices, %d points%n",
                    config,
                    cfg.edge().group(),
                    cfg.edge().node(),
                    EdgeAgent.servers(cfg.uplink()),
                    (cfg.uplink().primaryHost() == null
                                    ? ""
                                    : " (primary host " + cfg.uplink().primaryHost() + ")")
                            + (cfg.uplink().receipts()
                                    ? ", receipts (timeout "
                                            + cfg.uplink().receiptTimeout().toSeconds() + "s)"
                                    : ", no receipts")
                            + (cfg.uplink().aliases() ? ", aliases" : ""),
                    cfg.connectors().size(),
                    devices.size(),
                    points);
            Map<String, java.util.List<EdgeConfig.DeviceOutline>> byConnector = devices.stream()
                    .collect(Collectors.groupingBy(
                            EdgeConfig.DeviceOutline::connector, java.util.LinkedHashMap::new, Collectors.toList()));
            byConnector.forEach((name, list) -> {
                out.printf(
                        "  connector %s (%s): %d devices%n", name, list.get(0).type(), list.size());
                cfg.connectors().stream()
                        .filter(c -> c.name().equals(name))
                        .forEach(c -> OpcUaConnectorConfig.checkSummary(c).ifPresent(out::println));
                for (EdgeConfig.DeviceOutline d : list) {
                    out.printf("    device %s: %d points%n", d.deviceId(), d.points());
                }
            });
            out.flush();
            return 0;
        }
    }
}
