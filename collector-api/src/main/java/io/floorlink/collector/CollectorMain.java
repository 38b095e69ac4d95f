package io.floorlink.collector;

import io.floorlink.sparkplug.config.ConfigException;
import io.floorlink.sparkplug.metrics.UnitOnceNamingConvention;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command line of {@code floorlink-collector.jar}.
 *
 * <p>Exit codes: 0 after a clean stop, {@value #EXIT_CONFIG} (EX_CONFIG of sysexits.h) for a configuration that does
 * not load or validate (collector.yaml, the inventory, or an option such as {@code --http-port}; the message on stderr
 * names file, line and field, without a stack trace), {@value #EXIT_USAGE} (EX_USAGE) for command-line errors (unknown
 * option or command, bad option value, no command), 1 when the collector cannot start for another reason.
 */
@Command(
        name = "floorlink-collector",
        mixinStandardHelpOptions = true,
        versionProvider = CollectorMain.Version.class,
        description = "FloorLink collector: gateway, facts store, indicators and web UI in one process.",
        subcommands = {CollectorMain.Serve.class, VerifyCommand.class, CheckCommand.class, InventoryCommand.class})
public final class CollectorMain implements Callable<Integer> {
    /** Exit code of a configuration that cannot be used: EX_CONFIG of sysexits.h. */
    public static final int EXIT_CONFIG = 78;

    /** Exit code of a command line that cannot be used (unknown option, bad value): EX_USAGE of sysexits.h. */
    public static final int EXIT_USAGE = 64;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line, with a configuration error thrown from anywhere in a command reported as its message and
     * {@link #EXIT_CONFIG} instead of a stack trace.
     */
    static CommandLine commandLine() {
        CommandLine root = new CommandLine(new CollectorMain()).setExecutionExceptionHandler((e, cli, parsed) -> {
            if (e instanceof ConfigException) {
                cli.getErr().println("floorlink-collector: " + e.getMessage());
                cli.getErr().flush();
                return EXIT_CONFIG;
            }
            throw e;
        });
        root.getCommandSpec().exitCodeOnInvalidInput(EXIT_USAGE);
        configureSubcommands(root);
        return root;
    }

    private static void configureSubcommands(CommandLine parent) {
        for (CommandLine sub : parent.getSubcommands().values()) {
            // so that `serve --version` prints the version too, not an empty line
            sub.getCommandSpec().versionProvider(new Version());
            // picocli takes the code of the command where the usage error is
            sub.getCommandSpec().exitCodeOnInvalidInput(EXIT_USAGE);
            configureSubcommands(sub);
        }
    }

    /** {@code --version}: {@code floorlink-collector <version>} from the jar manifest, {@code dev} from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = CollectorMain.class.getPackage().getImplementationVersion();
            return new String[] {"floorlink-collector " + (v == null ? "dev" : v)};
        }
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return EXIT_USAGE;
    }

    @Command(
            name = "serve",
            mixinStandardHelpOptions = true,
            description = {
                "Runs the in-process gateway and the HTTP API until stopped (Ctrl-C).",
                "Without --config: embedded broker on 127.0.0.1:1883, H2 facts store in ./data, HTTP on"
                        + " 127.0.0.1:8080, and the inventory given by --inventory (none: an empty inventory and a"
                        + " warning; facts are still collected)."
            })
    static final class Serve implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", description = "collector.yaml")
        Path config;

        @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP port, overrides http.port")
        Integer httpPort;

        @Option(names = "--inventory", paramLabel = "FILE", description = "inventory YAML, overrides inventory")
        Path inventory;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            CollectorConfig cfg;
            try {
                cfg = config == null
                        ? CollectorConfig.defaults(CollectorConfig.DEFAULT_DATA_DIR)
                        : CollectorConfig.load(config);
                if (httpPort != null) {
                    cfg = cfg.withHttpPort(httpPort);
                }
                if (inventory != null) {
                    cfg = cfg.withInventory(inventory);
                }
            } catch (ConfigException | IllegalArgumentException e) {
                err.println("floorlink-collector: " + e.getMessage());
                return EXIT_CONFIG;
            }
            Collector collector;
            try {
                collector = Collector.start(
                        cfg, UnitOnceNamingConvention.install(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
            } catch (ConfigException e) {
                err.println("floorlink-collector: " + e.getMessage());
                return EXIT_CONFIG;
            } catch (Exception e) {
                err.println("floorlink-collector: cannot start: " + e.getMessage());
                return 1;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(
                    () -> {
                        collector.close();
                        stopped.countDown();
                    },
                    "collector-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            spec.commandLine()
                    .getOut()
                    .println("FloorLink collector: " + cfg.http().scheme() + "://"
                            + cfg.http().host() + ":" + collector.httpPort() + "/" + "  (MQTT "
                            + collector.gateway().mqttUrl() + "; Ctrl-C stops)");
            spec.commandLine().getOut().flush();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                // Stopped from inside the JVM (embedding, tests): same clean stop as Ctrl-C.
                Runtime.getRuntime().removeShutdownHook(hook);
                collector.close();
                Thread.currentThread().interrupt();
            }
            return 0;
        }
    }
}
